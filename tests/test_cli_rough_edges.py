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


def test_a_directory_outside_git_is_said_once(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for n in range(3):
        (plain / f"m{n}.py").write_text(f"x{n} = {n}\n")
    proc = assay("scan", "-s", "bandit", "-s", "semgrep", "--no-record", str(plain),
                 cwd=tmp_path)
    said = " ".join(proc.stderr.split())  # the console wraps long lines
    assert proc.returncode == 0, proc.stderr
    assert said.count("is not in a git repository") == 1, proc.stderr
    assert said.startswith(f"warning: {plain} is not in a git repository")


def test_a_git_work_tree_is_not_called_a_plain_directory(repo: GitRepo) -> None:
    repo.write("app.py", "x = 1\n")
    repo.commit("app")
    proc = assay("scan", "-s", "bandit", "--no-record", cwd=repo.path)
    assert proc.returncode == 0 and "git repository" not in proc.stderr, proc.stderr


def test_findings_views_write_text_or_json_to_a_file(repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    _tracked_llm_finding(repo, ledger)
    shown = tmp_path / "finding.txt"
    proc = assay("findings", "show", "abab", "--ledger", str(ledger), "-o", str(shown),
                 cwd=repo.path)
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    assert shown.read_text().startswith("ab" * 16 + "  unverified\n")
    listed = tmp_path / "findings.json"
    assay("findings", "list", "--json", "--ledger", str(ledger), "-o", str(listed),
          cwd=repo.path)
    assert [r["id"] for r in json.loads(listed.read_text())] == ["ab" * 16]
    table = assay("findings", "list", "--ledger", str(ledger), cwd=repo.path).stdout
    assert "abababababab" in table and "unverified" in table


def test_show_writes_text_to_the_output_file(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("app.py", "import subprocess\nsubprocess.call('ls', shell=True)\n")
    repo.commit("app")
    ledger = tmp_path / "ledger.db"
    scanned = assay("scan", "-s", "bandit", "-f", "json", "--with-metrics", "--ledger",
                    str(ledger), "--fail-on", "none", cwd=repo.path)
    run_id = json.loads(scanned.stdout)["run"]["id"]
    text = tmp_path / "run.txt"
    proc = assay("show", run_id, "--ledger", str(ledger), "-o", str(text), cwd=repo.path)
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    written = text.read_text()
    assert "app.py" in written and "B602" in written and "\x1b[" not in written
    on_screen = assay("show", run_id, "--ledger", str(ledger), cwd=repo.path).stdout
    assert "B602" in on_screen


def test_an_llm_scanner_typo_names_model_not_a_missing_field(repo: GitRepo,
                                                             tmp_path: Path) -> None:
    repo.write("app.py", "x = 1\n")
    repo.commit("app")
    operator = tmp_path / "operator.toml"
    operator.write_text('[scanners.x]\ntype = "llm"\nprovider = "openai"\nmodle = "m"\n')
    proc = assay("scan", "-q", "-s", "x", "--config", str(operator), cwd=repo.path)
    assert_one_line_error(proc, "unknown key 'modle' in [scanners.x]; did you mean 'model'?")
    assert "Field required" not in proc.stderr


def test_warnings_python_gives_on_the_scanned_code_are_not_printed(repo: GitRepo) -> None:
    # an invalid escape sequence: Python warns when it parses the file
    repo.write("app/text.py", 'import re\n\n\ndef digits(s):\n    return re.findall("\\d+", s)\n')
    repo.commit("app")
    proc = assay("scan", "-q", "-o", "/dev/null", cwd=repo.path)
    assert proc.returncode == 0 and proc.stderr == ""


def test_bandit_workers_print_no_warning_of_the_scanned_code(repo: GitRepo) -> None:
    # enough files for Bandit's worker processes: their warnings are left unprinted too
    for number in range(70):
        repo.write(f"app/m{number:02}.py", f'import re\n\nPATTERN{number} = re.compile("\\d+")\n')
    repo.commit("many")
    proc = assay("scan", "-q", "-s", "bandit", "-j", "2", "-o", "/dev/null", cwd=repo.path)
    assert proc.returncode == 0 and proc.stderr == ""
