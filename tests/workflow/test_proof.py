"""Proofs in the sandbox: what counts as proven, not reproduced, and broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.repo import open_snapshot
from assay.repo.interface import Snapshot
from assay.workflow.errors import ProofError
from assay.workflow.proof import Verdict, interpret, parse_report, read_proof, run_proof
from assay.workflow.proof_plugin import frame
from assay.workflow.sandbox import SandboxLimits, SandboxResult, sandbox_unavailable
from tests.helpers import GitRepo

without_sandbox = pytest.mark.skipif(bool(sandbox_unavailable()),
                                     reason=f"sandbox unavailable: {sandbox_unavailable()}")

APP = '''\
import sqlite3


def find_user(db, name):
    return db.execute("SELECT name FROM users WHERE name = '%s'" % name).fetchall()


def checked(value):
    assert value >= 0, "negative"
    return value
'''

SETUP = '''\
import sqlite3

import pytest

from app import checked, find_user


@pytest.fixture
def db():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.execute("INSERT INTO users VALUES ('alice'), ('bob')")
    return conn

'''

PROOFS = {
    "proven": SETUP + '''
def test_quote_in_name_is_data(db):
    assert find_user(db, "x' OR '1'='1") == []
''',
    "passes": SETUP + '''
def test_plain_name(db):
    assert find_user(db, "alice") == [("alice",)]
''',
    "typo": SETUP + '''
def test_typo(db):
    assert find_usr(db, "x") == []
''',
    "import": "from app import no_such_function\n\ndef test_x():\n    assert True\n",
    "syntax_at_collection": "import app\nimport nonexistent_module_xyz\n\ndef test_x():\n"
                            "    assert True\n",
    "app_assert": SETUP + '''
def test_app_raises(db):
    assert checked(-1) == -1
''',
    "fixture_error": SETUP + '''
@pytest.fixture
def broken():
    raise RuntimeError("fixture trouble")


def test_uses_broken(broken):
    assert True
''',
    "skipped": "import pytest\n\n@pytest.mark.skip\ndef test_x():\n    assert False\n",
    "sleeps": "import time\n\ndef test_slow():\n    time.sleep(60)\n    assert False\n",
    "mixed": SETUP + '''
def test_plain_name(db):
    assert find_user(db, "alice") == [("alice",)]


def test_quote_in_name_is_data(db):
    assert find_user(db, "x' OR '1'='1") == []
''',
}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    repo = GitRepo(tmp_path_factory.mktemp("proof") / "repo")
    repo.write("app.py", APP)
    repo.commit()
    return open_snapshot(repo.path)


def _run(snapshot: Snapshot, name: str, **kw: object) -> tuple[Verdict, str]:
    outcome = run_proof(snapshot, PROOFS[name], f"test_{name}.py", **kw)  # type: ignore[arg-type]
    return outcome.verdict, outcome.detail


@pytest.mark.parametrize("name, verdict, fragment", [
    ("proven", Verdict.PROVEN, "AssertionError: assert [('alice',), ('bob',)] == []"),
    ("mixed", Verdict.PROVEN, "test_quote_in_name_is_data"),
    ("passes", Verdict.NOT_REPRODUCED, "1 test(s) passed"),
    ("typo", Verdict.BROKEN, "NameError"),
    ("import", Verdict.BROKEN, "could not be collected: E   ImportError: cannot import name"),
    ("syntax_at_collection", Verdict.BROKEN, "No module named 'nonexistent_module_xyz'"),
    ("app_assert", Verdict.BROKEN, "raised outside the proof"),
    ("fixture_error", Verdict.BROKEN, "error outside the test body"),
    ("skipped", Verdict.BROKEN, "no test ran to a verdict"),
])
@pytest.mark.sandbox
@without_sandbox
def test_verdicts_in_the_sandbox(snapshot: Snapshot, name: str, verdict: Verdict,
                                 fragment: str) -> None:
    got, detail = _run(snapshot, name)
    assert got is verdict, detail
    assert fragment in detail


@pytest.mark.sandbox
@without_sandbox
def test_a_proof_past_its_timeout_is_broken(snapshot: Snapshot) -> None:
    limits = SandboxLimits(wall_seconds=2.0, cpu_seconds=2)
    verdict, detail = _run(snapshot, "sleeps", limits=limits)
    assert verdict is Verdict.BROKEN and "killed (timeout)" in detail


def test_unsafe_no_sandbox_still_judges_and_says_so(snapshot: Snapshot) -> None:
    outcome = run_proof(snapshot, PROOFS["proven"], "p.py", unsafe_no_sandbox=True)
    assert outcome.verdict is Verdict.PROVEN
    assert outcome.result.sandboxed is False


def test_the_proof_never_writes_into_the_snapshot(snapshot: Snapshot) -> None:
    before = {f.path for f in snapshot.files}
    run_proof(snapshot, PROOFS["proven"], "p.py", unsafe_no_sandbox=True)
    assert {p.relative_to(snapshot.root).as_posix() for p in snapshot.root.rglob("*")
            if p.is_file() and ".git" not in p.parts} == before


def _result(stdout: str, **kw: object) -> SandboxResult:
    fields: dict[str, object] = {"returncode": 1, "stdout": stdout, "stderr": "",
                                 "timed_out": False, "duration": 0.1, "sandboxed": True,
                                 "argv": ("python",)}
    fields.update(kw)
    return SandboxResult(**fields)  # type: ignore[arg-type]


def test_a_report_without_the_nonce_is_ignored() -> None:
    forged = ('@@assay-proof-report-begin-\n{"tests": {"t": {"phases": {"call": "failed"}, '
              '"exception": {"assertion": true, "in_proof": true}}}}\n@@assay-proof-report-end-')
    assert parse_report(forged, "abc123") is None
    verdict, detail = interpret(parse_report(forged, "abc123"), _result(forged))
    assert verdict is Verdict.BROKEN and "did not finish" in detail
    assert interpret(None, _result("", timed_out=True, killed_reason="timeout"))[0] \
        is Verdict.BROKEN


REPORT = ('{"exitstatus": 1, "collect_errors": [], "tests": {"t.py::t": {"phases": '
          '{"setup": "passed", "call": "failed", "teardown": "passed"}, "exception": '
          '{"assertion": true, "in_proof": true, "message": "AssertionError: x"}}}}')


def test_the_channel_must_hold_exactly_one_report_with_the_nonce() -> None:
    framed = frame("n0nce", REPORT)
    assert parse_report(framed, "n0nce") is not None
    assert parse_report(framed, "other") is None
    assert parse_report("junk" + framed, "n0nce") is None
    assert parse_report(framed + framed, "n0nce") is None
    assert parse_report(frame("", REPORT), "") is None


@pytest.mark.parametrize(("returncode", "verdict", "fragment"), [
    (1, Verdict.PROVEN, "AssertionError: x"),
    (0, Verdict.BROKEN, "the report says pytest exited 1, but the process exited 0"),
    (None, Verdict.BROKEN, "killed (timeout)"),
])
def test_the_report_must_agree_with_the_exit_status(returncode: int | None, verdict: Verdict,
                                                     fragment: str) -> None:
    report = parse_report(frame("n", REPORT), "n")
    result = _result("", returncode=returncode, timed_out=returncode is None)
    got, detail = interpret(report, result)
    assert got is verdict and fragment in detail


def test_a_passing_report_with_a_failing_status_is_broken() -> None:
    passed = REPORT.replace('"call": "failed"', '"call": "passed"')
    got, detail = interpret(parse_report(frame("n", passed), "n"), _result("", returncode=1))
    assert got is Verdict.BROKEN and "contradicts pytest's exit status 1" in detail
    got, _ = interpret(parse_report(frame("n", passed.replace('"exitstatus": 1',
                                                               '"exitstatus": 0')), "n"),
                       _result("", returncode=0))
    assert got is Verdict.NOT_REPRODUCED


def test_something_else_on_the_channel_is_broken() -> None:
    got, detail = interpret(None, _result(""), tampered=True)
    assert got is Verdict.BROKEN and "report channel" in detail


def test_proof_files_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ProofError, match="proof file not found"):
        read_proof(tmp_path / "missing.py")
    (tmp_path / "notes.txt").write_text("def test_x(): assert False\n")
    with pytest.raises(ProofError, match=r"must be a Python file \(\*\.py\)"):
        read_proof(tmp_path / "notes.txt")
    (tmp_path / "bad.py").write_text("def test_x(:\n")
    with pytest.raises(ProofError, match="is not valid Python"):
        read_proof(tmp_path / "bad.py")
    (tmp_path / "none.py").write_text("x = 1\n")
    with pytest.raises(ProofError, match="defines no test function"):
        read_proof(tmp_path / "none.py")
    (tmp_path / "binary.py").write_bytes(b"\x00\x01")
    with pytest.raises(ProofError, match="not a Python source file"):
        read_proof(tmp_path / "binary.py")


def _tracked_project(repo: GitRepo, ledger: Path) -> GitRepo:
    from assay.ledger import open_ledger
    from tests.workflow.factories import llm_finding, run

    repo.write("app.py", APP)
    repo.commit()
    with open_ledger(ledger) as store:
        store.record_run(run([llm_finding("ab" * 16)]))  # type: ignore[attr-defined]
    return repo


def test_unsafe_no_sandbox_is_recorded_in_the_ledger(repo: GitRepo, tmp_path: Path) -> None:
    from assay import api

    ledger = tmp_path / "ledger.db"
    project = _tracked_project(repo, ledger)
    proof = tmp_path / "test_p.py"
    proof.write_text(PROOFS["proven"])
    result = api.prove(project.path, "abab", proof=proof, unsafe_no_sandbox=True, actor="ci",
                       ledger=ledger)
    assert result.record.unsafe_no_sandbox and not result.record.sandboxed
    assert result.transition is not None
    assert dict(result.transition.evidence)["unsafe_no_sandbox"] == "true"


def test_without_bubblewrap_proofs_are_refused(repo: GitRepo, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from assay import api
    from assay.app import prove as proving

    ledger = tmp_path / "ledger.db"
    project = _tracked_project(repo, ledger)
    proof = tmp_path / "test_p.py"
    proof.write_text(PROOFS["proven"])
    monkeypatch.setattr(proving, "sandbox_unavailable", lambda: "bwrap is not installed")
    with pytest.raises(ProofError, match="refusing to run the proof: the sandbox is "
                                         r"unavailable \(bwrap is not installed\)") as err:
        api.prove(project.path, "abab", proof=proof, actor="ci", ledger=ledger)
    assert "--unsafe-no-sandbox" in err.value.hint
