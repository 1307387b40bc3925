"""Rough edges of the command line, each seen the way a person sees it: through
`python -m assay` in a real git repository."""

from __future__ import annotations

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
