"""Bad input to tier, gate, prove and findings: one clear line, exit 2, no traceback.

Most cases call the CLI's entry point in-process (the same code path as the console
script, without paying for a new interpreter each time); the first test runs the real
console command to show that no traceback reaches a user.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from assay.cli import main
from assay.ledger import open_ledger
from tests.helpers import GitRepo, operator_config, project_ledger
from tests.scanners.test_bad_input import assay as assay_process
from tests.scanners.test_bad_input import assert_one_line_error
from tests.workflow.factories import llm_finding, run

FP = "ab12" * 8


Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`assay ARGS` through the CLI entry point, in this process."""
    def invoke(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        monkeypatch.chdir(cwd)
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out.out, out.err)
    return invoke


@pytest.fixture
def project(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """A committed project whose ledger holds one LLM finding."""
    repo.write("app.py", "def f(x):\n    return x\n")
    repo.commit("base")
    with open_ledger(project_ledger(repo.path)) as store:
        store.record_run(run([llm_finding(FP)]))  # type: ignore[attr-defined]
    (tmp_path / "test_ok.py").write_text("def test_x():\n    assert True\n")
    return repo


def test_unknown_finding_id(cli: Cli, project: GitRepo, tmp_path: Path) -> None:
    proof = str(tmp_path / "test_ok.py")
    assert_one_line_error(assay_process("prove", "deadbeef", "--proof", proof,
                                        cwd=project.path), "no LLM finding 'deadbeef'")
    assert_one_line_error(assay_process("gate", "--diff", "no-such-base", cwd=project.path),
                          "unknown revision 'no-such-base'")
    assert_one_line_error(cli("findings", "show", "not-an-id", cwd=project.path),
                          "no LLM finding 'not-an-id'")
    assert_one_line_error(cli("findings", "set-state", "deadbeef", "refuted", "--reason",
                                "x", cwd=project.path), "no LLM finding")


def test_proof_file_missing_or_not_python(cli: Cli, project: GitRepo, tmp_path: Path) -> None:
    assert_one_line_error(cli("prove", FP[:8], "--proof", str(tmp_path / "nope.py"),
                                cwd=project.path), "proof file not found")
    notes = tmp_path / "notes.txt"
    notes.write_text("assert False\n")
    assert_one_line_error(cli("prove", FP[:8], "--proof", str(notes), cwd=project.path),
                          "proof must be a Python file")
    bad = tmp_path / "test_bad.py"
    bad.write_text("def test_x(:\n")
    assert_one_line_error(cli("prove", FP[:8], "--proof", str(bad), cwd=project.path),
                          "is not valid Python")
    assert_one_line_error(cli("prove", FP[:8], cwd=project.path),
                          "pass either --proof FILE or --generate")


def test_invalid_state_changes(cli: Cli, project: GitRepo) -> None:
    assert_one_line_error(cli("findings", "set-state", FP[:8], "proven", "--reason", "sure",
                                cwd=project.path), "only a proof can mark a finding proven")
    assert_one_line_error(cli("findings", "set-state", FP[:8], "done", "--reason", "x",
                                cwd=project.path), "unknown state 'done'")
    assert_one_line_error(cli("findings", "set-state", FP[:8], "refuted", "--reason", " ",
                                cwd=project.path), "a state change needs a reason")
    ok = cli("findings", "set-state", FP[:8], "refuted", "--reason", "constant input",
               cwd=project.path)
    assert ok.returncode == 0 and "unverified -> refuted" in ok.stdout
    assert_one_line_error(cli("findings", "set-state", FP[:8], "fixed", "--reason", "x",
                                cwd=project.path), "cannot move a finding from refuted to fixed")


def test_malformed_or_unknown_baseline(cli: Cli, project: GitRepo, tmp_path: Path) -> None:
    broken = tmp_path / "base.sarif"
    broken.write_text('{"version": "2.1.0", "runs": [{"tool": {}}]}')
    assert_one_line_error(cli("gate", "-s", "bandit", "--baseline", str(broken),
                                cwd=project.path), "is not usable SARIF")
    assert_one_line_error(cli("gate", "-s", "bandit", "--baseline", "missing.sarif",
                                cwd=project.path), "baseline SARIF file not found")
    assert_one_line_error(cli("gate", "-s", "bandit", "--baseline", "no-such-ref",
                                cwd=project.path),
                          "is not a SARIF file, a run in the ledger or a git revision")
    assert_one_line_error(cli("gate", "-s", "bandit", "--baseline", "20990101T000000Z-ff",
                                cwd=project.path), "no run '20990101T000000Z-ff'")


def test_diff_base_that_does_not_exist(cli: Cli, project: GitRepo, tmp_path: Path) -> None:
    for command in ("gate", "tier"):
        proc = cli(command, "--diff", "no-such-base", cwd=project.path)
        assert_one_line_error(proc, "unknown revision 'no-such-base'")
    assert_one_line_error(cli("gate", "--diff", "HEAD..no-such-head", cwd=project.path),
                          "unknown revision 'no-such-head'")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.py").write_text("x = 1\n")
    proc = cli("tier", "--diff", "HEAD", cwd=plain)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")


def test_bad_flags(cli: Cli, project: GitRepo) -> None:
    assert_one_line_error(cli("gate", "--fail-on", "severe", cwd=project.path), "--fail-on")
    assert_one_line_error(cli("gate", "-s", "nosuch", cwd=project.path), "unknown scanner")
    assert_one_line_error(cli("findings", "list", "--state", "open", cwd=project.path),
                          "unknown state 'open'")


def test_a_gate_without_deterministic_scanners_is_refused(cli: Cli, project: GitRepo) -> None:
    operator_config(project, '[scan]\nscanners = ["reviewer"]\n\n[scanners.reviewer]\n'
                    'type = "llm"\nprovider = "openai"\nmodel = "m-2025-01-01"\n'
                    'base_url = "http://127.0.0.1:9/v1"\napi_key_env = ""\n')
    assert_one_line_error(cli("gate", cwd=project.path),
                          "the gate needs at least one deterministic scanner")
