"""Proofs: run a pytest test in the sandbox on a throwaway copy of the snapshot.

A proof asserts the secure behaviour. On the vulnerable code it must fail with an
AssertionError raised in the proof itself: that failure is the proof (`proven`). A proof
that passes did not reproduce the finding (`not-reproduced`; after a fix, the fix holds).
Anything else (a collection or import error, a NameError from a typo, a fixture error,
a timeout, no test at all) is `broken`: it demonstrates nothing.

The tree under review is hostile: nothing in it may run before the proof's recorder is in
place, choose how pytest runs, or speak for the verdict. The scratch space therefore holds
two sibling directories: `tree/`, the copy of the snapshot (the working directory), and
`runner/`, assay's own files (the runner script `proof_plugin.py`, its pytest.ini, the
proof), so no file of the tree can collide with them. The runner starts with the tree off
`sys.path` and reports through its own channel: a nonce on a pipe it reads and closes,
the report on a file descriptor that is neither stdout nor stderr, and pytest's exit
status, which must agree with the report (see `proof_plugin`).

The code under review runs in the same interpreter as the recorder and the proof, so code
written to deceive can still reach them in memory (or simply behave well under test): the
sandbox protects the machine, and the proof's text, stored with its verdict, and the
source under review are what a reviewer checks.
"""

from __future__ import annotations

import ast
import enum
import json
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any

from assay.repo.interface import Snapshot
from assay.workflow.errors import ProofError
from assay.workflow.proof_plugin import MARKER
from assay.workflow.sandbox import SandboxLimits, SandboxResult, python_binds, run_sandboxed

RUNNER = "_assay_proof_runner.py"
NO_PYCACHE = "no-pycache"
"""A path that never exists: the interpreter's bytecode cache prefix (nothing is read)."""
MAX_PROOF_BYTES = 1_000_000
MAX_REPORT_BYTES = 16 * 1024 * 1024
DEFAULT_LIMITS = SandboxLimits()
PYTEST_FAILED = 1
PYTEST_PASSED = 0


class Verdict(enum.StrEnum):
    """What a proof run showed."""

    PROVEN = "proven"
    NOT_REPRODUCED = "not-reproduced"
    BROKEN = "broken"


@dataclass(frozen=True)
class ProofSource:
    """The proof to run: its text, file name, and whether a model wrote it."""

    text: str
    name: str
    generated: bool = False
    generation: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ProofOutcome:
    """The verdict of one proof run, why, and what the sandbox reported."""

    verdict: Verdict
    detail: str
    report: dict[str, Any]
    result: SandboxResult


def read_proof(path: Path) -> str:
    """The text of a proof file; ProofError unless it is an existing, parsable .py file."""
    if not path.exists():
        raise ProofError(f"proof file not found: {path}", "pass the path of a pytest file")
    if not path.is_file() or path.suffix != ".py":
        raise ProofError(f"proof must be a Python file (*.py): {path}",
                         "pass a pytest test module such as test_sqli_proof.py")
    data = path.read_bytes()
    if len(data) > MAX_PROOF_BYTES or b"\0" in data:
        raise ProofError(f"proof is not a Python source file: {path}")
    try:
        text = data.decode("utf-8")
        check_python(text, path.name)
    except UnicodeDecodeError:
        raise ProofError(f"proof is not UTF-8 Python source: {path}") from None
    return text


def check_python(text: str, name: str) -> None:
    """ProofError unless `text` parses as Python and defines at least one test function."""
    try:
        tree = ast.parse(text, filename=name)
    except SyntaxError as exc:
        raise ProofError(f"proof {name} is not valid Python: {exc.msg} (line {exc.lineno})",
                         "a proof is a pytest module with test_* functions") from None
    if not any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
               and node.name.startswith("test") for node in ast.walk(tree)):
        raise ProofError(f"proof {name} defines no test function",
                         "name the test function test_... so pytest collects it")


def proof_filename(name: str) -> str:
    """The file name the proof gets in the sandbox (pytest collects test_*.py)."""
    stem = "".join(c if c.isalnum() or c == "_" else "_" for c in Path(name).stem) or "proof"
    return f"{stem}.py" if stem.startswith("test") else f"test_{stem}.py"


def materialize_copy(snapshot: Snapshot, dest: Path) -> Path:
    """A throwaway copy of every regular file of the snapshot under `dest`."""
    paths = [f.path for f in snapshot.files if not f.symlink]
    for start in range(0, len(paths), 500):
        for path, data in snapshot.read_many(paths[start:start + 500]).items():
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return dest


def install_runner(runner: Path, text: str, name: str) -> Path:
    """assay's files in `runner` (a directory of its own): the runner, its ini, the proof."""
    runner.mkdir(mode=0o755)
    script = resources.files("assay.workflow").joinpath("proof_plugin.py").read_text("utf-8")
    (runner / RUNNER).write_text(script, encoding="utf-8")
    (runner / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    target = runner / proof_filename(name)
    target.write_text(text, encoding="utf-8")
    for path in runner.iterdir():
        path.chmod(0o644)
    return target


def runner_argv(python: Path, runner: Path, tree: Path, proof: Path,
                nonce_fd: int, report_fd: int) -> list[str]:
    """The sandboxed command: the runner in an interpreter that ignores the tree.

    `-s -P`: no user site directory, neither the script's nor the working directory on
    sys.path (the environment is assay's own, so nothing else sets a path). `-B` and an
    empty bytecode cache prefix: no bytecode is read from or written to the tree.
    """
    return [str(python), "-s", "-P", "-B", "-u", "-X", f"pycache_prefix={runner / NO_PYCACHE}",
            str(runner / RUNNER), str(nonce_fd), str(report_fd), str(tree), str(proof)]


def _nonce_pipe(nonce: str) -> int:
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, nonce.encode("ascii"))
    finally:
        os.close(write_end)
    return read_end


def _read_channel(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read(MAX_REPORT_BYTES + 1).decode("utf-8", errors="replace")


PYTEST_CHECK_SECONDS = 180  # an import on a machine short of memory can take a minute
_PYTEST_FOUND: set[tuple[str, int]] = set()
"""Interpreters (path, modification time) that imported pytest in this process."""


def check_pytest(python: Path, untrusted: Sequence[Path] = ()) -> None:
    """ProofError, saying how to install it, when `python` cannot import pytest.

    Without pytest no proof can run, and a "broken" verdict would blame the proof for
    the environment. An interpreter in (or leading through) an `untrusted` directory is
    refused first, as the sandbox refuses it (SandboxError): it is never started. The
    check imports pytest as the runner does (`-s -P`, no user site directory, nothing
    of the working directory on sys.path), from an empty directory.
    """
    python_binds(python, untrusted)
    try:
        known = (str(python.resolve()), python.stat().st_mtime_ns)
    except OSError:
        known = (str(python), -1)
    if known in _PYTEST_FOUND:
        return
    with tempfile.TemporaryDirectory(prefix="assay-pytest-check-") as empty:
        try:
            found = subprocess.run([str(python), "-s", "-P", "-c", "import pytest"], cwd=empty,
                                   capture_output=True, timeout=PYTEST_CHECK_SECONDS,
                                   env={"PATH": os.environ.get("PATH", ""),
                                        "PYTHONNOUSERSITE": "1"}, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ProofError(f"cannot start the proof interpreter {python}: {exc}",
                             "set [proof] python to a Python 3 interpreter with pytest") \
                from None
    if found.returncode != 0:
        raise ProofError(f"pytest is not installed for the proof interpreter {python}",
                         f"install it: {python} -m pip install pytest (or set [proof] "
                         "python to an interpreter that has it); no proof was recorded")
    _PYTEST_FOUND.add(known)


def run_proof(snapshot: Snapshot, text: str, name: str, *, python: Path | None = None,
              limits: SandboxLimits = DEFAULT_LIMITS,
              unsafe_no_sandbox: bool = False) -> ProofOutcome:
    """Run the proof `text` against a throwaway copy of `snapshot` in the sandbox.

    SandboxError when the interpreter lies in (or leads through) the scanned tree;
    ProofError when it has no pytest (nothing ran, so there is no verdict to record).
    """
    interpreter = python or Path(sys.executable)
    # an interpreter the operator configured must not come from the tree; the one running
    # assay is the operator's by definition (whatever it could do has been done)
    binds = python_binds(interpreter, untrusted=[snapshot.root] if python is not None and
                         Path(os.path.abspath(python)) != Path(sys.executable) else [])
    check_pytest(interpreter)  # after the interpreter passed the tree check above
    nonce = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="assay-proof-") as scratch, \
            tempfile.TemporaryFile() as channel:
        tree = materialize_copy(snapshot, Path(scratch) / "tree")
        tree.mkdir(exist_ok=True)
        runner = Path(scratch) / "runner"
        proof = install_runner(runner, text, name)
        nonce_fd = _nonce_pipe(nonce)
        try:
            argv = runner_argv(interpreter, runner, tree, proof, nonce_fd, channel.fileno())
            result = run_sandboxed(argv, workdir=tree, readonly=[*binds, runner],
                                   env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}, limits=limits,
                                   unsafe_no_sandbox=unsafe_no_sandbox,
                                   pass_fds=(nonce_fd, channel.fileno()))
        finally:
            os.close(nonce_fd)
        received = _read_channel(channel)
    report = parse_report(received, nonce)
    verdict, detail = interpret(report, result, tampered=bool(received) and report is None)
    return ProofOutcome(verdict, detail, report or {}, result)


def parse_report(channel: str, nonce: str) -> dict[str, Any] | None:
    """The runner's JSON report: the channel must hold exactly one frame with `nonce`."""
    head, tail = f"{MARKER}-begin-{nonce}\n", f"\n{MARKER}-end-{nonce}\n"
    if (not nonce or len(channel) > MAX_REPORT_BYTES or not channel.startswith(head)
            or not channel.endswith(tail) or channel.count(MARKER) != 2):
        return None
    try:
        report = json.loads(channel[len(head):-len(tail)])
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def interpret(report: dict[str, Any] | None, result: SandboxResult, *,
              tampered: bool = False) -> tuple[Verdict, str]:
    """The verdict of a proof run, and a one-line reason.

    The report must agree with pytest's exit status (the process's exit code): a report
    that says the tests passed while pytest failed, or the other way round, is broken.
    """
    if result.timed_out or result.killed_reason:
        return Verdict.BROKEN, f"the proof was killed ({result.killed_reason or 'timeout'})"
    if tampered:
        return Verdict.BROKEN, ("the report channel held something other than the runner's "
                                "report (written to by the code under test?)")
    if report is None:
        last = (result.stderr.strip().splitlines() or result.stdout.strip().splitlines()
                or ["no output"])[-1]
        return Verdict.BROKEN, f"pytest did not finish (exit {result.returncode}): {last[:300]}"
    status = report.get("exitstatus")
    if status != result.returncode:
        return Verdict.BROKEN, (f"the report says pytest exited {status}, but the process "
                                f"exited {result.returncode}")
    if report.get("collect_errors"):
        message = str(report["collect_errors"][0].get("message", ""))
        return Verdict.BROKEN, "the proof could not be collected: " + _last_line(message)
    if not report.get("tests") and status not in (0, 1, 5):
        last = _last_line(result.stdout) or "no output"
        return Verdict.BROKEN, f"pytest failed (exit {status}): {last[:300]}"
    verdict, detail = _judge_tests(report.get("tests") or {})
    expected = {Verdict.PROVEN: PYTEST_FAILED, Verdict.NOT_REPRODUCED: PYTEST_PASSED}
    if verdict in expected and status != expected[verdict]:
        return Verdict.BROKEN, (f"the report ({verdict.value}) contradicts pytest's exit "
                                f"status {status}")
    return verdict, detail


def _judge_tests(tests: dict[str, Any]) -> tuple[Verdict, str]:
    proving: list[str] = []
    passed = 0
    for nodeid, test in sorted(tests.items()):
        phases, exc = test.get("phases", {}), test.get("exception") or {}
        if phases.get("setup") == "failed" or phases.get("teardown") == "failed":
            return Verdict.BROKEN, f"{nodeid}: error outside the test body: {_exc(exc)}"
        if phases.get("call") == "failed":
            if not (exc.get("assertion") and exc.get("in_proof")):
                where = "" if exc.get("in_proof") else " raised outside the proof"
                return Verdict.BROKEN, (f"{nodeid} failed with {exc.get('type', 'an error')}"
                                        f"{where}, not an assertion of the proof: {_exc(exc)}")
            proving.append(f"{nodeid}: {_exc(exc)}")
        elif phases.get("call") == "passed":
            passed += 1
    if proving:
        return Verdict.PROVEN, proving[0]
    if passed:
        return Verdict.NOT_REPRODUCED, f"{passed} test(s) passed: the insecure behaviour was " \
                                       "not observed"
    return Verdict.BROKEN, "no test ran to a verdict (none collected, or all skipped)"


def _exc(exc: dict[str, Any]) -> str:
    lines = [line for line in str(exc.get("message", "")).splitlines() if line.strip()]
    return lines[0].strip()[:300] if lines else ""


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
