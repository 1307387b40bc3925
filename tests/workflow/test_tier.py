"""Tiering on real git histories: which risk classes a commit touches, and the plan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assay.api import locate_project
from assay.app.gate import tier
from assay.config import Config, TierClass, TierConfig, TierMatch
from assay.repo.diff import Diff, FileChange
from assay.workflow.tier import LlmMode, classify, effective_classes, plan_scanners, tier_change
from tests.helpers import GitRepo, operator_config

BASE_APP = '''\
def index():
    return "hello"
'''

LOGIN_APP = '''\
from flask import Flask, request, session

app = Flask(__name__)


def index():
    return "hello"


@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    session["user"] = user
    return "ok"
'''

LLM_CONFIG = '''\
[scan]
scanners = ["bandit", "semgrep", "reviewer"]

[scanners.reviewer]
type = "llm"
'''


@pytest.fixture
def history(repo: GitRepo) -> dict[str, str]:
    """A small project and three commits on top: login route, dependency bump, docs only."""
    repo.write("app.py", BASE_APP)
    repo.write("requirements.txt", "flask==2.3.0\nrequests==2.31.0\n")
    repo.write("README.md", "# demo\n")
    repo.write("docs/usage.md", "Run it.\n")
    repo.write("assay.toml", LLM_CONFIG)
    commits = {"base": repo.commit("base")}
    repo.write("app.py", LOGIN_APP)
    commits["login"] = repo.commit("login route")
    repo.write("requirements.txt", "flask==3.0.3\nrequests==2.31.0\n")
    commits["deps"] = repo.commit("bump flask")
    repo.write("README.md", "# demo\n\nMore words.\n")
    repo.write("docs/usage.md", "Run it with care.\n")
    commits["docs"] = repo.commit("docs")
    return commits


def _range(commits: dict[str, str], before: str, after: str) -> str:
    return f"{commits[before]}..{commits[after]}"


def test_a_login_route_fires_auth_and_routes_with_the_lines(repo: GitRepo,
                                                            history: dict[str, str]) -> None:
    result = tier(repo.path, _range(history, "base", "login"))
    hits = {h.name: h for h in result.classes}
    assert {"auth", "routes"} <= set(hits)
    assert "dependencies" not in hits and "config" not in hits
    route = [t for t in hits["routes"].triggers if t.line is not None]
    assert ("app.py", 10, "+") in {(t.path, t.line, t.side) for t in route}
    assert any('@app.route("/login"' in t.text for t in route)
    assert any(t.line == 13 and "session" in t.text for t in hits["auth"].triggers)
    assert result.plan.llm == ("reviewer",)
    assert result.plan.deterministic == ("bandit", "semgrep")
    assert "auth" in result.plan.reason


def test_a_dependency_bump_fires_dependencies(repo: GitRepo, history: dict[str, str]) -> None:
    result = tier(repo.path, _range(history, "login", "deps"))
    assert result.fired == ("dependencies",)
    [trigger] = result.classes[0].triggers
    assert (trigger.path, trigger.line) == ("requirements.txt", None)
    assert result.plan.llm == ("reviewer",)


def test_a_docs_only_change_runs_deterministic_scanners_only(repo: GitRepo,
                                                             history: dict[str, str]) -> None:
    result = tier(repo.path, _range(history, "deps", "docs"))
    assert result.fired == ()
    assert result.files_changed == 2
    assert result.plan.deterministic == ("bandit", "semgrep") and result.plan.llm == ()
    assert "no risk class" in result.plan.reason
    forced = tier(repo.path, _range(history, "deps", "docs"), llm=LlmMode.ALWAYS)
    assert forced.plan.llm == ("reviewer",)


def test_the_work_tree_against_head_and_a_dependency_in_pyproject(
        repo: GitRepo, history: dict[str, str]) -> None:
    repo.write("pyproject.toml", '[project]\nname = "demo"\ndependencies = [\n'
               '    "flask>=3",\n]\n')
    repo.commit("pyproject")
    path = repo.path / "pyproject.toml"
    path.write_text(path.read_text().replace('"flask>=3",', '"flask>=3",\n    "pyyaml>=6",'))
    result = tier(repo.path, "HEAD")
    hits = {h.name: h for h in result.classes}
    assert any(t.text == '"pyyaml>=6",' for t in hits["dependencies"].triggers)
    assert "config" in hits  # pyproject.toml is also a configuration file


def test_configured_classes_replace_add_and_disable(repo: GitRepo,
                                                    history: dict[str, str]) -> None:
    operator_config(repo, LLM_CONFIG + '''
[tier.classes.routes]
enabled = false

[tier.classes.payments]
description = "payment code"
llm = false
[[tier.classes.payments.match]]
files = ["*.py"]
lines = ['\\bsession\\[']
''')
    repo.commit("config")
    config = locate_project(repo.path).config.config
    classes = effective_classes(config.tier)
    assert "routes" not in classes and "payments" in classes and "auth" in classes
    result = tier(repo.path, _range(history, "base", "login"))
    assert "payments" in result.fired and "routes" not in result.fired
    only_payments = plan_scanners([h for h in result.classes if h.name == "payments"],
                                  ["bandit"], ["reviewer"])
    assert only_payments.llm == ()


def test_removed_lines_count_only_where_configured() -> None:
    change = FileChange("views.py", "M", removed=((4, "    if not user.is_admin:"),),
                        added=((4, "    pass"),))
    diff = Diff("b" * 40, "HEAD", (change,))
    hits = {h.name: h for h in classify(diff, effective_classes(TierConfig()))}
    assert hits["auth"].triggers[0].side == "-"
    strict = {"x": TierClass(match=(TierMatch(lines=(r"is_admin",)),))}
    assert classify(diff, strict) == ()


def test_size_threshold_and_trigger_cap() -> None:
    lines = tuple((n, f"x{n} = open('f{n}')") for n in range(1, 601))
    diff = Diff("b" * 40, "HEAD", (FileChange("big.py", "A", added=lines),))
    result = tier_change(diff, Config())
    hits = {h.name: h for h in result.classes}
    assert hits["size"].triggers[0].text == "600 changed lines"
    assert hits["files"].total == 600 and len(hits["files"].triggers) == 20
    assert result.plan.llm == ()  # no LLM scanner configured
    assert "no LLM scanner configured" in result.plan.reason


def test_binary_and_deleted_files_fire_on_path_only(tmp_path: Path) -> None:
    diff = Diff("b" * 40, "HEAD", (FileChange("static/templates/x.html", "D"),
                                   FileChange("bin/tool.py", "A", binary=True)))
    hits = {h.name: h for h in classify(diff, effective_classes(TierConfig()))}
    assert hits["templates"].triggers[0].text == "file deleted"
    assert "files" not in hits  # line patterns cannot match a binary file


def test_an_import_line_is_not_a_route_change() -> None:
    imports = FileChange("views.py", "M", added=(
        (1, "from flask import Blueprint, request  # routes later"),
        (2, "import fastapi.APIRouter"),
        (3, "from starlette.routing import ("),
        (4, "    Router,"),
        (5, ")"),
        (9, "    Router,"),  # not part of a changed import: a use
    ))
    hits = {h.name: h for h in classify(Diff("b" * 40, "HEAD", (imports,)),
                                        effective_classes(TierConfig()))}
    assert [(t.line, t.text) for t in hits["routes"].triggers] == [(9, "Router,")]
    only_imports = FileChange("views.py", "M", added=imports.added[:5])
    hits = {h.name for h in classify(Diff("b" * 40, "HEAD", (only_imports,)),
                                     effective_classes(TierConfig()))}
    assert "routes" not in hits
    counted = {"x": TierClass(match=(TierMatch(lines=(r"\bBlueprint\b",)),))}
    assert classify(Diff("b" * 40, "HEAD", (only_imports,)), counted) != ()  # default


def test_tier_on_a_change_that_only_imports_request_names_no_route(repo: GitRepo) -> None:
    repo.write("app.py", "from flask import Flask\n\napp = Flask(__name__)\n")
    base = repo.commit("base")
    repo.write("app.py", "from flask import Flask, request\n\napp = Flask(__name__)\n")
    head = repo.commit("import request")
    proc = subprocess.run([sys.executable, "-m", "assay", "tier", "--json", "--diff",
                           f"{base}..{head}", str(repo.path)], capture_output=True,
                          text=True, check=True)
    assert "routes" not in {c["name"] for c in json.loads(proc.stdout)["classes"]}
    repo.write("app.py", "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/x')\ndef x():\n    return request.args['q']\n")
    route = repo.commit("route")
    proc = subprocess.run([sys.executable, "-m", "assay", "tier", "--json", "--diff",
                           f"{head}..{route}", str(repo.path)], capture_output=True,
                          text=True, check=True)
    assert "routes" in {c["name"] for c in json.loads(proc.stdout)["classes"]}


def test_the_built_in_classes_are_what_the_configuration_validator_makes_of_them() -> None:
    """The packaged classes are built without pydantic (every gate reads them): the same
    tables, validated as a configuration's `[tier]`, give the same classes."""
    from assay.config import validate_as
    from assay.workflow.tier import default_classes, packaged_tables

    tables = packaged_tables()
    validated = validate_as(TierConfig, {"classes": tables}, "tier_defaults.toml").classes
    assert dict(default_classes()) == validated
    assert {"auth", "routes"} <= set(validated)
    matchers = [m for c in default_classes().values() for m in c.match]
    assert matchers and all(isinstance(m.files, tuple) and isinstance(m.lines, tuple)
                            for m in matchers)
