"""The proof runner: started as a script in the sandbox, it runs one proof under pytest.

    python -s -P -B -u -X pycache_prefix=NONE runner.py NONCE_FD REPORT_FD TREE PROOF

It is copied next to the proof, outside the copy of the tree, and reads nothing of the
tree before pytest runs the proof:

1. it reads the per-run nonce from the pipe NONCE_FD and closes it (the nonce is never in
   the environment, the arguments or a file), makes REPORT_FD non-inheritable and the
   process non-dumpable (other processes of the sandbox cannot open its descriptors or
   read its memory through /proc);
2. it imports pytest while neither the tree nor the working directory is on `sys.path`
   (`-P`, `-s`), so no module of the tree can stand in for pytest or this plugin, and no
   sitecustomize, usercustomize or .pth file of the tree is read;
3. it lets the tree's directories load Python source only: no bytecode (the interpreter's
   cache prefix is an empty place, so `__pycache__` of the tree is never read) and no
   extension modules, so what runs is the source the scanners read;
4. it calls `pytest.main` with this module's recorder registered as a plugin object, an
   ini file assay wrote (`-c`, `--rootdir`), no conftest files, no plugin autoloading and
   no cache;
5. it writes one report, framed by the nonce, to REPORT_FD (never stdout or stderr), and
   exits with pytest's own exit status, which the runner checks against the report.

The report records, for each test, the outcome of each phase and, for a failure, the
exception type, whether it is an AssertionError and whether it was raised in the proof
file itself.

The code under review runs in this interpreter, so it can still reach the recorder's
memory: what is enforced is that nothing of the tree runs before the recorder is in place
and that a report without the nonce, or one that contradicts pytest's exit status, is no
report. This module must import only the standard library and pytest: it runs in the
interpreter that runs the proof, which need not have assay installed.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import sys
from typing import Any

MARKER = "@@assay-proof-report"
MAX_NONCE = 256
_PR_SET_DUMPABLE = 4


def frame(nonce: str, body: str) -> str:
    """The report as the runner expects it on the channel: the body between nonce marks."""
    return f"{MARKER}-begin-{nonce}\n{body}\n{MARKER}-end-{nonce}\n"


def _short(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


class Recorder:
    """A pytest plugin object: what each test did, and why it failed."""

    def __init__(self, proof: str) -> None:
        self.proof = os.path.realpath(proof)
        self.state: dict[str, Any] = {"tests": {}, "collect_errors": [], "exitstatus": None}

    def _test(self, nodeid: str) -> dict[str, Any]:
        tests: dict[str, dict[str, Any]] = self.state["tests"]
        return tests.setdefault(nodeid, {"phases": {}, "exception": None})

    def pytest_collectreport(self, report: Any) -> None:
        """Collection errors (syntax errors, failing imports) make the proof broken."""
        if report.failed:
            self.state["collect_errors"].append({"nodeid": report.nodeid,
                                                 "message": _short(str(report.longreprtext))})

    def pytest_exception_interact(self, node: Any, call: Any, report: Any) -> None:
        """The exception behind a failure: its type and where it was raised."""
        excinfo = getattr(call, "excinfo", None)
        if excinfo is None or getattr(report, "when", None) is None:
            return
        raised_in = ""
        with contextlib.suppress(IndexError, AttributeError):
            raised_in = str(excinfo.traceback[-1].path)
        self._test(report.nodeid)["exception"] = {
            "type": excinfo.typename,
            "assertion": isinstance(excinfo.value, AssertionError),
            "in_proof": os.path.realpath(raised_in) == self.proof,
            "message": _short(str(excinfo.exconly()), 1000),
            "when": report.when,
        }

    def pytest_runtest_logreport(self, report: Any) -> None:
        """The outcome of each phase (setup, call, teardown) of each test."""
        outcome = report.outcome
        if getattr(report, "wasxfail", None) is not None:
            outcome = "xfailed" if report.skipped else "xpassed"
        self._test(report.nodeid)["phases"][report.when] = outcome


def _read_nonce(fd: int) -> str:
    chunks = []
    with contextlib.suppress(OSError):
        while chunk := os.read(fd, MAX_NONCE):
            chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("ascii", errors="replace").strip()[:MAX_NONCE]


def _not_dumpable() -> None:
    """Other processes of the same uid lose access to /proc/PID/{fd,mem,environ}."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def _source_only(tree: str) -> None:
    """Directories inside `tree` import Python source files only (no .pyc, no .so)."""
    from importlib.machinery import SOURCE_SUFFIXES, FileFinder, SourceFileLoader

    root = os.path.realpath(tree)

    def hook(path: str) -> FileFinder:
        real = os.path.realpath(path or ".")
        if real != root and not real.startswith(root + os.sep):
            raise ImportError("not in the tree")
        return FileFinder(path, (SourceFileLoader, SOURCE_SUFFIXES))

    sys.path_hooks.insert(0, hook)
    sys.path_importer_cache.clear()


def _send(fd: int, text: str) -> None:
    data = text.encode("utf-8")
    while data:
        data = data[os.write(fd, data):]


def pytest_args(proof: str, ini: str) -> list[str]:
    """pytest's arguments: assay's ini and rootdir, no conftest, no cache, no extras."""
    here = os.path.dirname(ini)
    return [proof, "-c", ini, "--rootdir", here, "--confcutdir", here, "--noconftest",
            "-o", "addopts=", "-p", "no:cacheprovider", "-p", "no:logging",
            "-q", "--tb=short", "--color=no"]


def main(argv: list[str]) -> None:
    """Run the proof and report; never returns (exits with pytest's status)."""
    nonce = _read_nonce(int(argv[0]))
    report_fd = int(argv[1])
    os.set_inheritable(report_fd, False)
    tree, proof = argv[2], argv[3]
    _not_dumpable()
    import pytest

    recorder = Recorder(proof)
    _source_only(tree)
    sys.path.insert(0, tree)
    ini = os.path.join(os.path.dirname(os.path.abspath(proof)), "pytest.ini")
    code = int(pytest.main(pytest_args(proof, ini), plugins=[recorder]))
    recorder.state["exitstatus"] = code
    _send(report_fd, frame(nonce, json.dumps(recorder.state, sort_keys=True)))
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
