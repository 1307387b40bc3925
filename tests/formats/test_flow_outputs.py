"""A finding's flow in every output: JSON, SARIF codeFlows, Markdown and text lines.

The golden files were written by the writers before findings had flows: a finding
without one must still be written byte for byte as then.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import jsonschema

from assay.formats.json import dumps, finding_from_dict, finding_to_dict, run_to_document
from assay.formats.markdown import run_to_markdown
from assay.formats.sarif import run_to_sarif
from assay.model import (
    Confidence,
    Coverage,
    Finding,
    Fingerprint,
    FlowRole,
    FlowStep,
    Provenance,
    Run,
    RunId,
    RunStatus,
    ScannerInfo,
    Severity,
    Span,
    Target,
    flow_clause,
)
from assay.normalize.fingerprint import assign_fingerprints
from assay.report.terminal import buffer_console
from assay.report.text import render_run
from tests.helpers import SARIF_SCHEMA

GOLDEN = Path(__file__).parent / "golden"

BANDIT = Finding(scanner="bandit", rule_id="B303", path="app/hash.py", span=Span(3, 3, 5, 22),
                 severity=Severity.MEDIUM, confidence=Confidence.HIGH,
                 message="Use of insecure MD5 hash function.", cwe=328,
                 fingerprint=Fingerprint("0123456789abcdef0123456789abcdef"),
                 line_hash="abc:1", snippet="h = hashlib.md5(b'x')", sources=("bandit:B303",),
                 tags=("crypto",))
FLOW = (FlowStep("views.py", 12, FlowRole.SOURCE, "request.args"),
        FlowStep("views.py", 12, FlowRole.STEP, "name"),
        FlowStep("views.py", 13, FlowRole.STEP, "get_user()"),
        FlowStep("db.py", 41, FlowRole.SINK, "cursor.execute(...)"))
TAINT = Finding(scanner="semgrep", rule_id="assay.python.sqli.taint", path="views.py",
                span=Span(13, 13, 20, 24), severity=Severity.HIGH, confidence=Confidence.HIGH,
                message="Untrusted request data reaches SQL.", cwe=89,
                fingerprint=Fingerprint("fedcba9876543210fedcba9876543210"),
                snippet="    row = get_user(name)", sources=("semgrep:assay.python.sqli.taint",),
                flow=FLOW)


def _run(*findings: Finding) -> Run:
    return Run(RunId("20261206T000000Z-00000000"), RunStatus.COMPLETE,
               Provenance("0.1.0", (ScannerInfo("bandit", "1.9.4", "r1"),), "c0ffee",
                          Target("/repo", commit="a" * 40), python="3.12.1"),
               Coverage(1, 1), findings)


def test_a_finding_without_a_flow_is_written_as_before_flows_existed() -> None:
    run = _run(BANDIT)
    assert dumps(run_to_document(run)) == (GOLDEN / "no_flow_run.json").read_text()
    results = run_to_sarif(run)["runs"][0]["results"]
    assert dumps(results) == (GOLDEN / "no_flow_sarif_results.json").read_text()
    assert "flow" not in finding_to_dict(BANDIT)


def test_the_flow_is_written_to_json_and_read_back() -> None:
    doc = finding_to_dict(TAINT)
    assert doc["flow"] == [
        {"path": "views.py", "line": 12, "role": "source", "code": "request.args"},
        {"path": "views.py", "line": 12, "role": "step", "code": "name"},
        {"path": "views.py", "line": 13, "role": "step", "code": "get_user()"},
        {"path": "db.py", "line": 41, "role": "sink", "code": "cursor.execute(...)"}]
    assert finding_from_dict(json.loads(json.dumps(doc))) == TAINT


def test_sarif_has_code_flows_and_related_locations_and_validates() -> None:
    log = run_to_sarif(_run(BANDIT, TAINT))
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"].startswith("semgrep"))
    (thread,) = result["codeFlows"][0]["threadFlows"]
    where = [(s["location"]["physicalLocation"]["artifactLocation"]["uri"],
              s["location"]["physicalLocation"]["region"]["startLine"],
              s["location"]["message"]["text"]) for s in thread["locations"]]
    assert where == [("views.py", 12, "source: request.args"), ("views.py", 12, "through: name"),
                     ("views.py", 13, "through: get_user()"),
                     ("db.py", 41, "sink: cursor.execute(...)")]
    related = [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"],
                r["physicalLocation"]["region"]["startLine"]) for r in result["relatedLocations"]]
    assert related == [(1, "views.py", 12), (2, "db.py", 41)]
    plain = next(r for r in log["runs"][0]["results"] if r["ruleId"].startswith("bandit"))
    assert "codeFlows" not in plain and "relatedLocations" not in plain


def test_the_flow_is_one_clause_and_one_line_in_markdown_and_text() -> None:
    assert flow_clause(FLOW) == ("`request.args` at views.py:12 → get_user() → "
                                 "`cursor.execute(...)` at db.py:41")
    # a sink Semgrep gives is the argument that reaches it: named as the sink
    assert flow_clause((FLOW[0], FlowStep("views.py", 14, FlowRole.SINK, "f'{x}'"))) == (
        "`request.args` at views.py:12 → sink at views.py:14")
    markdown = run_to_markdown(_run(TAINT))
    assert ("- `views.py:13`: `request.args` at `views.py:12` → `get_user()` → "
            "`cursor.execute(...)` at `db.py:41`") in markdown.splitlines()
    out = io.StringIO()
    render_run(_run(TAINT), buffer_console(out, width=200))
    assert ("  flow views.py:13: `request.args` at views.py:12 → get_user() → "
            "`cursor.execute(...)` at db.py:41" in out.getvalue().splitlines())


def test_the_flow_is_not_part_of_the_fingerprint() -> None:
    (with_flow,) = assign_fingerprints([replace(TAINT, fingerprint=Fingerprint(""))])
    (without,) = assign_fingerprints([replace(TAINT, fingerprint=Fingerprint(""), flow=())])
    assert with_flow.fingerprint and with_flow.fingerprint == without.fingerprint


def test_hostile_paths_and_code_in_a_flow_are_escaped() -> None:
    hostile = (FlowStep("v\x1b[2J\x1b]0;pwned\x07.py", 3, FlowRole.SOURCE,
                        "request.args[\"`**x**` <img src=x onerror=alert(1)> [a](http://e)\"]"),
               FlowStep("db\n# Approved|.py", 9, FlowRole.SINK))
    finding = replace(TAINT, flow=hostile)
    out = io.StringIO()
    render_run(_run(finding), buffer_console(out, width=300))
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J" in text
    markdown = run_to_markdown(_run(finding))
    (line,) = [x for x in markdown.splitlines() if x.startswith("- `views.py:13`")]
    assert "\x1b" not in markdown and "\x07" not in markdown
    assert "# Approved|.py" not in markdown.splitlines()
    # every piece from the tree is inside a code span (no link, emphasis or HTML is
    # made) and on the one line: control characters and line breaks shown as escapes
    assert line == ('- `views.py:13`: ``request.args["`**x**` <img src=x onerror=alert(1)> '
                    '[a](http://e)"]`` at `v\\x1b[2J\\x1b]0;pwned\\x07.py:3` \u2192 sink at '
                    '`db\\x0a# Approved|.py:9`')
    sarif = json.dumps(run_to_sarif(_run(finding)))
    assert "\x1b" not in sarif


def test_every_engine_that_reported_a_finding_is_named_where_people_read_it() -> None:
    # the JSON lists both sources of a merged finding; text and Markdown must too
    joined = replace(TAINT, sources=("semgrep:assay.python.sqli.taint", "bandit:B608"))
    out = io.StringIO()
    render_run(_run(joined, BANDIT), buffer_console(out, width=300))
    text = out.getvalue()
    assert "semgrep/assay.python.sqli.taint (also bandit:B608)" in text
    assert "bandit/B303 " in text and "(also bandit:B303)" not in text  # its own only
    markdown = run_to_markdown(_run(joined, BANDIT))
    assert "semgrep/assay.python.sqli.taint (also bandit:B608)" in markdown
    assert dumps_sources(joined) == ["semgrep:assay.python.sqli.taint", "bandit:B608"]


def dumps_sources(finding: Finding) -> list[str]:
    return list(json.loads(dumps(finding_to_dict(finding)))["sources"])
