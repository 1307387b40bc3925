"""Rough edges of the command line, each seen the way a person sees it: through
`python -m assay` in a real git repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import GitRepo
from tests.scanners.test_bad_input import assay, assert_one_line_error


def test_a_config_typo_names_the_unknown_key_and_the_close_one(repo: GitRepo) -> None:
    repo.write("app.py", "x = 1\n")
    repo.write("assay.toml", "[scan]\nfail_onn = 'low'\n")
    repo.commit("typo")
    proc = assay("scan", "-q", cwd=repo.path)
    assert_one_line_error(proc, "unknown key 'fail_onn' in [scan]; did you mean 'fail_on'?")


def test_a_scanner_definition_typo_names_the_key(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("app.py", "x = 1\n")
    repo.commit("app")
    operator = tmp_path / "operator.toml"
    operator.write_text('[scanners.x]\ntype = "command"\ncommnd = ["true"]\n'
                        'format = "sarif"\n')
    proc = assay("scan", "-q", "-s", "x", "--config", str(operator), cwd=repo.path)
    assert_one_line_error(proc, "unknown key 'commnd' in [scanners.x]; did you mean "
                                "'command'?")
    assert "Field required" not in proc.stderr


def _tracked_llm_finding(repo: GitRepo, ledger: Path) -> None:
    from assay.ledger import open_ledger
    from tests.workflow.factories import llm_finding, run

    repo.write("app.py", "def f(x):\n    return x\n\n\nvalue = f(1)\n")
    repo.commit("app")
    with open_ledger(ledger) as store:
        store.record_run(run([llm_finding("ab" * 16)]))


def test_prove_without_pytest_says_how_to_install_it_and_records_nothing(
        repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    _tracked_llm_finding(repo, ledger)
    venv = tmp_path / "no-pytest"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    operator = tmp_path / "operator.toml"
    operator.write_text(f"[proof]\npython = {json.dumps(str(python))}\n")
    proof = tmp_path / "test_p.py"
    proof.write_text("from app import f\n\n\ndef test_f():\n    assert f(1) == 1\n")
    proc = assay("prove", "abab", "--proof", str(proof), "--ledger", str(ledger),
                 "--config", str(operator), "--unsafe-no-sandbox", cwd=repo.path)
    assert_one_line_error(proc, f"pytest is not installed for the proof interpreter {python}")
    assert f"hint: install it: {python} -m pip install pytest" in proc.stderr
    shown = assay("findings", "show", "abab", "--json", "--ledger", str(ledger), cwd=repo.path)
    doc = json.loads(shown.stdout)
    assert doc["proofs"] == [] and doc["state"] == "unverified"
    # control: with the interpreter running assay (which has pytest) the proof runs
    ran = assay("prove", "abab", "--proof", str(proof), "--ledger", str(ledger), "--json",
                "--unsafe-no-sandbox", cwd=repo.path)
    assert json.loads(ran.stdout)["verdict"] == "not-reproduced", ran.stderr
