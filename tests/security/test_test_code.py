"""A pull request cannot lower its own findings by calling production code test code.

Findings in test code are reported at `low` by default. The author of a pull request
controls paths and file contents, so test code is recognized by path only, and a
test-path file that production code imports (directly, relatively, through other test
files, or by its dotted name in a string) is judged as production code. Each attack has
its control: the same code on a test path nothing in production reaches does not block.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import GitRepo
from tests.scanners.test_bad_input import EXIT_BLOCK, EXIT_OK, assay
from tests.security.test_config import SHELL, gate

SAFE = "def run(cmd):\n    return cmd\n"


def _pr(repo: GitRepo, files: dict[str, str], changed: dict[str, str]) -> str:
    """Commit `files` as the base, then `changed` as the pull request: the range."""
    for path, text in files.items():
        repo.write(path, text)
    base = repo.commit("base")
    for path, text in changed.items():
        repo.write(path, text)
    return f"{base}..{repo.commit('pr')}"


def _verdict(repo: GitRepo, diff: str) -> tuple[int, list[dict[str, object]]]:
    proc, doc = gate(repo, "-s", "bandit", "--diff", diff)
    findings: list[dict[str, object]] = doc["findings"]  # type: ignore[assignment]
    return proc.returncode, [f for f in findings if f["rule_id"] == "B602"]


IMPORTERS = {
    "absolute import": ("app/views.py", "from app.tests.helpers import run\n"),
    "from-import of the module": ("app/views.py", "from app.tests import helpers\n"),
    "relative import": ("app/views.py", "from .tests.helpers import run\n"),
    "plain import": ("app/views.py", "import app.tests.helpers\n"),
    "dotted name in a string": ("app/plugins.py",
                                'PLUGINS = ["app.tests.helpers"]\n'),
    "import_module": ("app/plugins.py",
                      'import importlib\nmod = importlib.import_module("app.tests.helpers")\n'),
}


@pytest.mark.parametrize("how", sorted(IMPORTERS))
def test_a_test_path_production_imports_is_production_code(repo: GitRepo, how: str) -> None:
    importer, line = IMPORTERS[how]
    base = {"app/__init__.py": "", "app/tests/__init__.py": "", "app/tests/helpers.py": SAFE,
            importer: line}
    # the pull request changes only the test-path file: the importer is out of its scope
    code, found = _verdict(repo, _pr(repo, base, {"app/tests/helpers.py": SHELL}))
    assert code == EXIT_BLOCK
    [finding] = found
    assert finding["severity"] == "high"
    assert "production code reaches it" in str(finding["rationale"]) and importer in str(
        finding["rationale"])


def test_control_a_test_path_nothing_imports_does_not_block(repo: GitRepo) -> None:
    base = {"app/__init__.py": "", "app/views.py": "from app import models\n",
            "app/models.py": "X = 1\n", "app/tests/__init__.py": "",
            "app/tests/helpers.py": SAFE,
            "app/tests/test_views.py": "from app.tests.helpers import run\n"}
    code, found = _verdict(repo, _pr(repo, base, {"app/tests/helpers.py": SHELL}))
    assert code == EXIT_OK
    [finding] = found
    assert finding["severity"] == "low" and "policy:test-code" in finding["tags"]  # type: ignore[operator]


def test_a_test_path_reached_through_other_test_files_is_production_code(
        repo: GitRepo) -> None:
    base = {"app/__init__.py": "", "app/views.py": "from app.testing import shim\n",
            "app/testing/__init__.py": "", "app/testing/shim.py": "from . import deep\n",
            "app/testing/deep.py": SAFE}
    code, found = _verdict(repo, _pr(repo, base, {"app/testing/deep.py": SHELL}))
    assert code == EXIT_BLOCK
    assert "app/views.py" in str(found[0]["rationale"])


def test_moving_production_code_to_a_test_path_keeps_it_blocking(repo: GitRepo) -> None:
    base = {"app/__init__.py": "", "app/views.py": "from app.runner import run\n",
            "app/runner.py": SAFE}
    diff = _pr(repo, base, {"app/runner.py": "", "app/views.py":
                            "from app.fixtures.runner import run\n",
                            "app/fixtures/runner.py": SHELL})
    code, _ = _verdict(repo, diff)
    assert code == EXIT_BLOCK


TEST_MARKS = ("import pytest\n\n\n@pytest.fixture\ndef client():\n    return None\n\n\n"
              "def test_run(client):\n    assert client is None\n\n\n")


def test_test_marks_in_a_production_module_do_not_lower_it(repo: GitRepo) -> None:
    diff = _pr(repo, {"app/__init__.py": ""}, {"app/runner.py": TEST_MARKS + SHELL})
    code, found = _verdict(repo, diff)
    assert code == EXIT_BLOCK
    assert found[0]["severity"] == "high"
    # control: the same module on a test path is test code
    control = _pr(repo, {}, {"tests/test_runner.py": TEST_MARKS + SHELL})
    assert _verdict(repo, control)[0] == EXIT_OK


def test_hostile_text_cannot_stall_the_import_reading() -> None:
    from assay.normalize.testreach import imported_names
    from tests.security.test_llm import hang_guard

    # unclosed parenthesized imports: an unbounded name list made each one scan to the end
    # of the file (2 MB: many minutes); bounded, it reads in about a second
    hostile = b"from a import (\n" * 125_000
    with hang_guard(60):
        assert imported_names("app/evil.py", hostile) >= {"a"}
    # control: a closed list still names each module
    assert {"app.tests.helpers", "app.tests.other"} <= imported_names(
        "app/views.py", b"from .tests import (\n    helpers,\n    other,\n)\n")


def test_a_kept_reach_is_worked_out_again_when_production_starts_importing(
        repo: GitRepo) -> None:
    import hashlib
    import json

    from assay.ledger.result_cache import open_result_cache
    from assay.project import locate_project
    from assay.scanners.runner import reach_kind

    def whole_tree() -> tuple[int, dict[str, object]]:
        proc, doc = gate(repo, "-s", "bandit")
        found: list[dict[str, object]] = doc["findings"]  # type: ignore[assignment]
        [finding] = [f for f in found if f["rule_id"] == "B602"]
        return proc.returncode, finding

    files = {"app/__init__.py": "", "app/views.py": "X = 1\n", "app/tests/__init__.py": "",
             "app/tests/helpers.py": SHELL}
    for path, text in files.items():
        repo.write(path, text)
    oid = repo.commit("base")
    code, finding = whole_tree()
    assert code == EXIT_OK and finding["severity"] == "low"
    # the reach of this tree state is kept: nothing in production reaches the test file
    state = "\n".join(sorted(f"{repo.git('rev-parse', f'{oid}:{p}').strip()}:{p}"
                             for p in files))
    key = hashlib.sha256(state.encode()).hexdigest()
    cache = open_result_cache(locate_project(repo.path).state_dir)
    try:
        kept = cache.get_docs(reach_kind(), [key])
    finally:
        cache.close()
    assert {k: json.loads(v) for k, v in kept.items()} == {key: {}}
    # a commit touching only the production file: the kept reach must not serve it
    repo.write("app/views.py", "from app.tests.helpers import run\n")
    repo.commit("pr")
    code, finding = whole_tree()
    assert code == EXIT_BLOCK and finding["severity"] == "high"
    assert "production code reaches it (app/views.py)" in str(finding["rationale"])


def test_asserts_in_tests_are_counted_not_listed_and_imported_ones_stay(
        repo: GitRepo) -> None:
    # an assert in a test is how it checks: left out and counted where a person reads the
    # run; one in a test-path helper production code imports is production code
    repo.write("app/__init__.py", "")
    repo.write("app/views.py", "from app.tests.helpers import check\n")
    repo.write("app/tests/__init__.py", "")
    repo.write("app/tests/helpers.py", "def check(user):\n    assert user.is_admin\n")
    repo.write("app/tests/test_views.py", "def test_a():\n    assert 1\n    assert 2\n")
    repo.commit()
    text = assay("scan", "-s", "bandit", "--no-record", cwd=repo.path)
    assert "2 assert(s) in test code not reported" in text.stdout
    doc = json.loads(assay("scan", "-s", "bandit", "--no-record", "-q", "-f", "json",
                           cwd=repo.path).stdout)
    assert [(f["path"], f["rule_id"]) for f in doc["findings"]] == [
        ("app/tests/helpers.py", "B101")]
    assert doc["run"]["provenance"]["extra"]["policy.test_asserts"] == "2"


def test_an_unconfirmed_pattern_finding_on_constants_is_counted_not_listed(
        repo: GitRepo) -> None:
    # the taint rules ran and found no flow to either call: the constant command is
    # positively no injection and is counted; the configured one stays visible, low
    repo.write("app.py", "import os\nimport subprocess\n\nfrom flask import Flask, request\n\n"
                         "app = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n"
                         "    subprocess.call('uptime', shell=True)\n"
                         "    subprocess.call(os.environ['HOOK'], shell=True)\n"
                         "    return request.args.get('q', '')\n")
    repo.commit()
    text = assay("scan", "--no-record", cwd=repo.path)
    assert "1 unconfirmed pattern finding(s) on constant values not reported" in text.stdout
    doc = json.loads(assay("scan", "--no-record", "-q", "-f", "json", cwd=repo.path).stdout)
    assert [(f["rule_id"], f["start_line"],
             f["severity"]) for f in doc["findings"] if f["cwe"] == 78] == [("B602", 12, "low")]
    assert doc["run"]["provenance"]["extra"]["policy.constant_arguments"] == "1"
