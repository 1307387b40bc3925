"""`[scan] test_code`: the operator chooses what test code does; the tree may only make
it count more."""

from __future__ import annotations

import pytest

from assay.api import scan
from assay.errors import ConfigError
from assay.model import Severity
from tests.helpers import GitRepo, operator_config

# a check that a test turns off (Bandit's B501, high): made low in test code
TEST = ('import requests\n\n\ndef test_health():\n'
        '    requests.get("https://staging.example.com/health", verify=False)\n')


def _severity(repo: GitRepo) -> Severity:
    run = scan(repo.path, scanners=["bandit", "semgrep"]).run
    (found,) = [f for f in run.findings if f.path == "tests/test_login.py" and f.cwe == 295]
    return found.severity


def test_operator_blocks_on_test_code(repo: GitRepo) -> None:
    repo.write("tests/test_login.py", TEST)
    repo.commit()
    assert _severity(repo) is Severity.LOW
    operator_config(repo, '[scan]\ntest_code = "block"\n')
    assert _severity(repo) is Severity.HIGH


@pytest.mark.parametrize(("tree", "expected"), [("skip", Severity.LOW),
                                                ("block", Severity.HIGH)])
def test_the_tree_may_only_make_test_code_count_more(repo: GitRepo, tree: str,
                                                      expected: Severity) -> None:
    repo.write("tests/test_login.py", TEST)
    repo.write("assay.toml", f'[scan]\ntest_code = "{tree}"\n')
    repo.commit()
    assert _severity(repo) is expected


def test_an_unknown_setting_is_an_error(repo: GitRepo) -> None:
    repo.write("app.py", "x = 1\n")
    repo.commit()
    operator_config(repo, '[scan]\ntest_code = "ignore"\n')
    with pytest.raises(ConfigError, match="test_code"):
        scan(repo.path, scanners=["bandit"])
