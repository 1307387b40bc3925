"""The flow of a taint finding, from real Semgrep runs on real repositories: where the
data comes from, the project helpers it passes through and the sink it reaches."""

from __future__ import annotations

import json

import jsonschema

from assay.api import scan
from assay.formats.json import run_to_document
from assay.formats.sarif import run_to_sarif
from assay.ledger.sqlite import open_ledger
from assay.model import Confidence, Finding, FlowRole, FlowStep, Run, Severity, Span
from assay.normalize.merge import Engines, merge_findings
from assay.scanners.filescan import Analysis
from assay.scanners.semgrep._results import trace_steps, translate
from tests.helpers import SARIF_SCHEMA, GitRepo

SQLI = "assay.python.sqli.taint"
VIEWS = """\
from flask import Flask, request

from db import get_user

app = Flask(__name__)


@app.route("/user")
def user():
    name = request.args.get("name")
    row = get_user(name)
    return str(row)


@app.route("/local")
def local():
    import sqlite3
    q = request.args.get("q")
    conn = sqlite3.connect("x.db")
    cursor = conn.cursor()
    cursor.execute(f"SELECT * FROM t WHERE a = '{q}'")
    return "ok"
"""
DB = """\
import sqlite3


def connection():
    return sqlite3.connect("app.db")


def get_user(name):
    cursor = connection().cursor()
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return cursor.fetchone()
"""
CROSS_FILE = (FlowStep("views.py", 10, FlowRole.SOURCE, "request.args"),
              FlowStep("views.py", 10, FlowRole.STEP, "name"),
              FlowStep("views.py", 11, FlowRole.STEP, "name"),
              FlowStep("views.py", 11, FlowRole.STEP, "get_user()"),
              FlowStep("db.py", 10, FlowRole.SINK, "cursor.execute(...)"))


def _app(repo: GitRepo) -> GitRepo:
    repo.write("views.py", VIEWS)
    repo.write("db.py", DB)
    repo.commit()
    return repo


def _sqli(run: Run) -> list[Finding]:
    return [f for f in run.findings if f.rule_id == SQLI]


def test_a_cross_file_finding_names_source_helper_and_sink(repo: GitRepo) -> None:
    run = scan(_app(repo).path, scanners=["semgrep"]).run
    first, local = _sqli(run)
    assert (first.path, first.span.start_line) == ("views.py", 11)
    assert first.flow == CROSS_FILE
    assert first.message.endswith(
        "Flow: `request.args` at views.py:10 \u2192 get_user() \u2192 `cursor.execute(...)` at "
        "db.py:10.")
    (doc,) = [f for f in run_to_document(run)["findings"] if f["start_line"] == 11]
    assert [(s["path"], s["line"], s["role"]) for s in doc["flow"]] == [
        ("views.py", 10, "source"), ("views.py", 10, "step"), ("views.py", 11, "step"),
        ("views.py", 11, "step"), ("db.py", 10, "sink")]
    log = run_to_sarif(run)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    (result,) = [r for r in log["runs"][0]["results"]
                 if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 11]
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [(s["location"]["physicalLocation"]["artifactLocation"]["uri"],
             s["location"]["physicalLocation"]["region"]["startLine"]) for s in steps] == [
        ("views.py", 10), ("views.py", 10), ("views.py", 11), ("views.py", 11), ("db.py", 10)]
    assert [(r["physicalLocation"]["artifactLocation"]["uri"],
             r["physicalLocation"]["region"]["startLine"], r["message"]["text"])
            for r in result["relatedLocations"]] == [
        ("views.py", 10, "source: request.args"), ("db.py", 10, "sink: cursor.execute(...)")]
    # an in-file flow: its source and its sink
    assert (local.span.start_line, local.flow[0], local.flow[-1]) == (
        21, FlowStep("views.py", 18, FlowRole.SOURCE, "request.args"),
        FlowStep("views.py", 21, FlowRole.SINK, "f\"SELECT * FROM t WHERE a = '{q}'\""))
    assert local.message.endswith(
        "Flow: `request.args` at views.py:18 \u2192 sink at views.py:21.")


def test_a_kept_finding_follows_the_helper_it_calls(repo: GitRepo) -> None:
    _app(repo)
    cold = scan(repo.path, scanners=["semgrep"]).run
    warm = scan(repo.path, scanners=["semgrep"]).run
    assert warm.metrics.cache.hits and warm.findings == cold.findings
    # the helper's query moves two lines down; the view is unchanged and kept
    repo.write("db.py", DB.replace("def get_user", "# one\n# two\ndef get_user"))
    repo.commit()
    moved = scan(repo.path, scanners=["semgrep"]).run
    first = _sqli(moved)[0]
    assert first.flow[-1] == FlowStep("db.py", 12, FlowRole.SINK, "cursor.execute(...)")
    assert first.message.endswith("get_user() \u2192 `cursor.execute(...)` at db.py:12.")
    assert first.fingerprint == _sqli(cold)[0].fingerprint


def test_a_flow_through_two_helpers_names_both(repo: GitRepo) -> None:
    repo.write("db.py", DB)
    repo.write("service.py", "from db import get_user\n\n\ndef lookup_user(who):\n"
                             "    return get_user(who)\n")
    repo.write("views.py", "from flask import Flask, request\n\nfrom service import lookup_user\n"
                           "\napp = Flask(__name__)\n\n\n@app.route('/u')\ndef user():\n"
                           "    return str(lookup_user(request.args['name']))\n")
    repo.commit()
    (found,) = _sqli(scan(repo.path, scanners=["semgrep"]).run)
    assert (found.path, found.span.start_line) == ("views.py", 10)
    assert [(s.path, s.line, s.role, s.code) for s in found.flow
            if s.role is not FlowRole.STEP or s.code.endswith("()")] == [
        ("views.py", 10, FlowRole.SOURCE, "request.args"),
        ("views.py", 10, FlowRole.STEP, "lookup_user()"),
        ("service.py", 5, FlowRole.STEP, "get_user()"),
        ("db.py", 10, FlowRole.SINK, "cursor.execute(...)")]


def test_a_flow_through_a_runner_goes_on_to_the_handed_helpers_sink(repo: GitRepo) -> None:
    # `tasks.add_task(fetch, url)` calls `fetch(url)`: the flow names the helper and
    # its sink, as for a call of the helper itself
    repo.write("app.py", """\
from fastapi import BackgroundTasks, FastAPI

from hooks import fetch

app = FastAPI()


@app.post("/b")
def add(url: str, tasks: BackgroundTasks):
    tasks.add_task(fetch, url)
    return {}
""")
    repo.write("hooks.py", "import requests\n\n\ndef fetch(u):\n    requests.get(u)\n")
    repo.commit()
    (finding,) = scan(repo.path, scanners=["semgrep"]).run.findings
    assert [(s.path, s.line, s.role, s.code) for s in finding.flow[-2:]] == [
        ("app.py", 10, FlowRole.STEP, "fetch()"),
        ("hooks.py", 5, FlowRole.SINK, "requests.get(...)")]


def test_a_helper_called_over_several_lines_is_named_in_the_flow(repo: GitRepo) -> None:
    # the helper's name is on a line above the finding's argument: the flow still goes
    # through it to its sink
    repo.write("views.py", """\
from flask import Flask, request

from db import find

app = Flask(__name__)


@app.route("/s")
def search():
    rows = find(
        "users",
        term=request.args["q"],
    )
    return str(rows)
""")
    repo.write("db.py", """\
import sqlite3


def find(table, term):
    cursor = sqlite3.connect("app.db").cursor()
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % term)
    return cursor.fetchall()
""")
    repo.commit()
    (finding,) = _sqli(scan(repo.path, scanners=["semgrep"]).run)
    assert finding.span.start_line == 12
    assert [(s.path, s.line, s.code) for s in finding.flow[-2:]] == [
        ("views.py", 12, "find()"), ("db.py", 6, "cursor.execute(...)")]


def test_a_method_call_is_not_taken_for_a_module_function_of_its_name(
        repo: GitRepo) -> None:
    # `cursor.execute(...)` is no call of the project's own function `execute` (a
    # wrapper of the same sink): the flow ends at the sink Semgrep found
    repo.write("views.py", """\
import sqlite3

from flask import Flask, request

from db import execute

app = Flask(__name__)


@app.route("/s")
def search():
    cursor = sqlite3.connect("app.db").cursor()
    cursor.execute("SELECT * FROM t WHERE a = '%s'" % request.args["q"])
    return str(execute("SELECT 1"))
""")
    repo.write("db.py", """\
import sqlite3


def execute(sql):
    cursor = sqlite3.connect("app.db").cursor()
    cursor.execute(sql)
    return cursor.fetchall()
""")
    repo.commit()
    (finding,) = _sqli(scan(repo.path, scanners=["semgrep"]).run)
    assert finding.span.start_line == 13
    assert [(s.path, s.line) for s in finding.flow if s.role is FlowRole.SINK] == [
        ("views.py", 13)]
    assert all(step.code != "execute()" for step in finding.flow)


def test_methods_of_one_name_in_two_classes_are_told_by_the_class_imported(
        repo: GitRepo) -> None:
    # `search` is a helper of two classes, each reaching its own query: the call's
    # flow goes on to the query of the class its file imports
    repo.write("repos.py", """\
import sqlite3


class ItemRepository:
    def search(self, term):
        return sqlite3.connect("a.db").execute(f"SELECT * FROM items WHERE n = '{term}'")


class OrderRepository:
    def search(self, term):
        return sqlite3.connect("a.db").execute(f"SELECT * FROM orders WHERE n = '{term}'")
""")
    for name, klass in (("items.py", "ItemRepository"), ("orders.py", "OrderRepository")):
        repo.write(name, f"""\
from flask import Flask, request

from repos import {klass}

app = Flask(__name__)


@app.route("/s")
def search():
    repository = {klass}()
    return {{"rows": repository.search(request.args["q"]).fetchall()}}
""")
    repo.commit()
    sinks = {f.path: [(s.path, s.line) for s in f.flow if s.role is FlowRole.SINK]
             for f in _sqli(scan(repo.path, scanners=["semgrep"]).run)}
    assert sinks == {"items.py": [("repos.py", 6)], "orders.py": [("repos.py", 11)]}


def test_a_recorded_flow_reads_back_from_the_ledger(repo: GitRepo) -> None:
    result = scan(_app(repo).path, scanners=["semgrep"])
    assert result.ledger is not None
    ledger = open_ledger(result.ledger)
    try:
        again = ledger.get_run(result.run.id)
    finally:
        ledger.close()
    assert again.findings == result.run.findings
    assert _sqli(again)[0].flow == CROSS_FILE


def test_a_trace_of_another_shape_gives_no_flow_and_keeps_the_finding() -> None:
    loc = {"path": "a.py", "start": {"line": 2, "col": 9}, "end": {"line": 2, "col": 30}}
    sink = {"path": "a.py", "start": {"line": 4, "col": 17}, "end": {"line": 4, "col": 18}}
    good = {"taint_source": ["CliCall", [[loc, "request.args"], [], ["CliLoc", [loc, "x"]]]],
            "intermediate_vars": [{"location": loc, "content": "q"}],
            "taint_sink": ["CliLoc", [sink, "s"]]}
    assert trace_steps(good) == (FlowStep("a.py", 2, FlowRole.SOURCE, "request.args"),
                                 FlowStep("a.py", 2, FlowRole.STEP, "q"),
                                 FlowStep("a.py", 4, FlowRole.SINK, "s"))
    for bad in (None, [], {"taint_source": ["Other", [loc, "x"]], "taint_sink": good["taint_sink"]},
                {**good, "taint_sink": ["CliLoc", [{"path": "a.py", "start": {"line": 0}}, "s"]]},
                {**good, "taint_source": "request.args"}):
        assert trace_steps(bad) == ()
    doc = {"results": [{"check_id": "r", "path": "a.py", "start": {"line": 4, "col": 17},
                        "end": {"line": 4, "col": 18},
                        "extra": {"message": "m", "dataflow_trace": {"taint_sink": 3}}}],
           "paths": {"scanned": ["a.py"]}}
    analysis = Analysis()
    translate(doc, ["a.py"], {}, analysis)
    (finding,) = analysis.outcomes["a.py"].findings
    assert finding.flow == () and finding.message == "m"


def test_a_finding_merged_into_a_pattern_finding_keeps_its_flow() -> None:
    flow = (FlowStep("app.py", 3, FlowRole.SOURCE, "request.args"),
            FlowStep("app.py", 5, FlowRole.SINK, "cmd"))
    taint = Finding("semgrep", "assay.python.command-injection.taint", "app.py", Span(5, 5),
                    Severity.HIGH, Confidence.HIGH, "m", cwe=78, flow=flow)
    pattern = Finding("bandit", "B605", "app.py", Span(5, 5), Severity.HIGH, Confidence.HIGH,
                      "shell", cwe=78)
    # B605 is not gated here: the pattern finding is the primary and takes the flow along
    (merged,) = merge_findings([taint, pattern], [78],
                               Engines("bandit", "semgrep", frozenset())).findings
    assert (merged.scanner, merged.flow) == ("bandit", flow)


def test_results_of_other_reading_code_are_never_reused() -> None:
    # a result cache filled before flows were read kept findings without them; results
    # are cached under a digest of the code that runs Semgrep and reads its output
    import hashlib
    from pathlib import Path

    from assay.config import Config
    from assay.model import ScannerInfo
    from assay.scanners.registry import build_scanner
    from assay.scanners.semgrep import _prefilter, _process, _results, _slicing

    scanner = build_scanner("semgrep", Config())
    key = scanner._cache_key(ScannerInfo("semgrep", "1.187.0", "r" * 64))  # type: ignore[attr-defined]
    source = b"".join(Path(str(m.__file__)).read_bytes()
                      for m in (_prefilter, _slicing, _process, _results))
    assert key.version.endswith("+code/" + hashlib.sha256(source).hexdigest()[:16])
