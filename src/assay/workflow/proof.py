"""Proofs: run a pytest test in the sandbox on a throwaway copy of the snapshot.

A proof asserts the secure behaviour. On the vulnerable code it must fail with an
AssertionError raised in the proof itself: that failure is the proof (`proven`). A proof
that passes did not reproduce the finding (`not-reproduced`; after a fix, the fix holds).
Anything else (a collection or import error, a NameError from a typo, a fixture error,
a timeout, no test at all) is `broken`: it demonstrates nothing.

The verdict is read from a report the bundled pytest plugin prints at the end of the
output. The proof runs in the same interpreter as that plugin, so a proof written to
deceive could forge it: the sandbox protects the machine, while the proof's text, stored
with its verdict, is what a reviewer checks.
"""

from __future__ import annotations

import ast
import enum
import json
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from assay.repo.interface import Snapshot
from assay.workflow.errors import ProofError
from assay.workflow.proof_plugin import MARKER
from assay.workflow.sandbox import SandboxLimits, SandboxResult, python_binds, run_sandboxed

PROOF_DIR = ".assay-proof"
PLUGIN = "_assay_proof_plugin"
MAX_PROOF_BYTES = 1_000_000
DEFAULT_LIMITS = SandboxLimits()


class Verdict(enum.StrEnum):
    """What a proof run showed."""

    PROVEN = "proven"
    NOT_REPRODUCED = "not-reproduced"
    BROKEN = "broken"


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


def _install(copy: Path, text: str, name: str) -> Path:
    proof_dir = copy / PROOF_DIR
    if proof_dir.exists():
        shutil.rmtree(proof_dir)
    proof_dir.mkdir()
    plugin = resources.files("assay.workflow").joinpath("proof_plugin.py").read_text("utf-8")
    (proof_dir / f"{PLUGIN}.py").write_text(plugin, encoding="utf-8")
    (proof_dir / "pytest.ini").write_text("[pytest]\naddopts =\n", encoding="utf-8")
    target = proof_dir / proof_filename(name)
    target.write_text(text, encoding="utf-8")
    return target


def _argv(python: Path, copy: Path, proof: Path) -> list[str]:
    proof_dir = copy / PROOF_DIR
    return [str(python), "-m", "pytest", "-p", PLUGIN, "-p", "no:cacheprovider",
            "-p", "no:logging",
            "-c", str(proof_dir / "pytest.ini"), "--rootdir", str(proof_dir),
            "--confcutdir", str(proof_dir), "-q", "--tb=short", "--color=no", str(proof)]


def run_proof(snapshot: Snapshot, text: str, name: str, *, python: Path | None = None,
              limits: SandboxLimits = DEFAULT_LIMITS,
              unsafe_no_sandbox: bool = False) -> ProofOutcome:
    """Run the proof `text` against a throwaway copy of `snapshot` in the sandbox."""
    interpreter = python or Path(sys.executable)
    nonce = secrets.token_hex(8)
    with tempfile.TemporaryDirectory(prefix="assay-proof-") as scratch:
        copy = materialize_copy(snapshot, Path(scratch) / "snapshot")
        proof = _install(copy, text, name)
        env = {"PYTHONPATH": f"{copy}:{copy / PROOF_DIR}", "ASSAY_PROOF_NONCE": nonce,
               "ASSAY_PROOF_FILE": str(proof), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        result = run_sandboxed(_argv(interpreter, copy, proof), workdir=copy,
                               readonly=python_binds(interpreter), env=env, limits=limits,
                               unsafe_no_sandbox=unsafe_no_sandbox)
    report = parse_report(result.stdout, nonce)
    verdict, detail = interpret(report, result)
    return ProofOutcome(verdict, detail, report or {}, result)


def parse_report(stdout: str, nonce: str) -> dict[str, Any] | None:
    """The plugin's JSON report (the last one carrying `nonce`), or None."""
    begin, end = f"{MARKER}-begin-{nonce}\n", f"\n{MARKER}-end-{nonce}"
    start = stdout.rfind(begin)
    stop = stdout.find(end, start + len(begin)) if start >= 0 else -1
    if start < 0 or stop < 0:
        return None
    try:
        report = json.loads(stdout[start + len(begin):stop])
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def interpret(report: dict[str, Any] | None, result: SandboxResult) -> tuple[Verdict, str]:
    """The verdict of a proof run, and a one-line reason."""
    if result.timed_out or result.killed_reason:
        return Verdict.BROKEN, f"the proof was killed ({result.killed_reason or 'timeout'})"
    if report is None:
        last = (result.stderr.strip().splitlines() or result.stdout.strip().splitlines()
                or ["no output"])[-1]
        return Verdict.BROKEN, f"pytest did not finish (exit {result.returncode}): {last[:300]}"
    if report.get("collect_errors"):
        message = str(report["collect_errors"][0].get("message", ""))
        return Verdict.BROKEN, "the proof could not be collected: " + _last_line(message)
    if not report.get("tests") and report.get("exitstatus") not in (0, 1, 5):
        last = _last_line(result.stdout.split(MARKER)[0]) or "no output"
        return Verdict.BROKEN, f"pytest failed (exit {report.get('exitstatus')}): {last[:300]}"
    return _judge_tests(report.get("tests") or {})


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
