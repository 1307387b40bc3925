"""JSON, SARIF and Markdown output: valid, complete, reproducible byte for byte."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from assay.formats.json import run_from_document, run_to_document
from assay.formats.sarif_read import read_sarif, sarif_to_runs
from tests.helpers import SARIF_SCHEMA, VULNERABLE_APP, GitRepo
from tests.scanners.test_bad_input import EXIT_BLOCK, EXIT_INCOMPLETE, EXIT_OK, assay


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, object]:
    return dict(json.loads(SARIF_SCHEMA.read_text()))


@pytest.fixture
def app_repo(repo: GitRepo) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("pkg/util.py", "import random\n\ndef pick(xs):\n    return random.choice(xs)\n")
    repo.commit()
    return repo


def test_json_and_sarif_are_byte_identical_across_runs(app_repo: GitRepo) -> None:
    outputs = {}
    for fmt in ("json", "sarif", "md"):
        first = assay("scan", "-f", fmt, "-q", cwd=app_repo.path)
        second = assay("scan", "-f", fmt, "-q", "--no-cache", cwd=app_repo.path)
        assert first.returncode == second.returncode == EXIT_BLOCK
        assert first.stdout == second.stdout
        outputs[fmt] = first.stdout
    doc = json.loads(outputs["json"])
    assert doc["schema"] == "assay.scan/1"
    assert "id" not in doc["run"] and "metrics" not in doc["run"]


def test_with_metrics_adds_the_volatile_part(app_repo: GitRepo) -> None:
    proc = assay("scan", "-f", "json", "-q", "--with-metrics", cwd=app_repo.path)
    run = json.loads(proc.stdout)["run"]
    assert run["id"] and run["metrics"]["started_at"]
    assert {s["name"] for s in run["metrics"]["stages"]} >= {"scan", "scan:bandit", "scan:semgrep"}


def test_sarif_is_valid_and_complete(app_repo: GitRepo, sarif_schema: dict[str, object]) -> None:
    proc = assay("scan", "-f", "sarif", "-q", cwd=app_repo.path)
    log = json.loads(proc.stdout)
    jsonschema.validate(log, sarif_schema)
    run = log["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    sqli = rules["semgrep/assay.python.sqli.taint"]
    assert "external/cwe/cwe-89" in sqli["properties"]["tags"]
    assert sqli["properties"]["security-severity"] == "8.0"
    assert sqli["relationships"][0]["target"]["id"] == "89"
    assert {t["id"] for t in run["taxonomies"][0]["taxa"]} >= {"89", "502", "328"}
    for result in run["results"]:
        assert result["partialFingerprints"]["primaryLocationLineHash"].count(":") == 1
        assert result["ruleIndex"] == list(rules).index(result["ruleId"])
    props = run["properties"]["assay/provenance"]
    assert props["target"]["commit"] == app_repo.git("rev-parse", "HEAD")
    assert {s["name"] for s in props["scanners"]} == {"bandit", "semgrep"}
    assert props["rules_hash"] and props["config_hash"]


def test_incomplete_sarif_is_valid_and_says_so(repo: GitRepo,
                                               sarif_schema: dict[str, object]) -> None:
    repo.write("ok.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.write("bad.py", b"\x00binary")
    repo.commit()
    proc = assay("scan", "-f", "sarif", "-q", "-s", "bandit", cwd=repo.path)
    assert proc.returncode == EXIT_INCOMPLETE
    log = json.loads(proc.stdout)
    jsonschema.validate(log, sarif_schema)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert any("bad.py" in t and "binary" in t for t in texts)


def test_documents_round_trip(app_repo: GitRepo, tmp_path: Path) -> None:
    from assay.api import scan

    run = scan(app_repo.path).run
    doc = run_to_document(run, with_metrics=True)
    again = run_from_document(json.loads(json.dumps(doc)))
    assert replace(again, metrics=run.metrics) == run
    assert again.metrics.cache == run.metrics.cache
    assert again.metrics.wall_seconds == pytest.approx(run.metrics.wall_seconds, abs=1e-5)
    sarif_file = tmp_path / "out.sarif"
    proc = assay("scan", "-f", "sarif", "-q", "-o", str(sarif_file), cwd=app_repo.path)
    assert proc.returncode == EXIT_BLOCK and sarif_file.exists()
    (imported,) = read_sarif(sarif_file)
    assert [(f.scanner, f.rule_id, f.path, f.span, f.cwe, f.severity, f.fingerprint)
            for f in imported.findings] == [
        (f.scanner, f.rule_id, f.path, f.span, f.cwe, f.severity, f.fingerprint)
        for f in sorted(run.findings, key=lambda f: f.sort_key())]


def test_reading_foreign_sarif() -> None:
    log = {"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "othertool", "version": "2.0", "rules": [
            {"id": "X1", "properties": {"tags": ["security", "external/cwe/cwe-79"],
                                        "security-severity": "9.1"}}]}},
        "originalUriBaseIds": {"SRC": {"uri": "file:///work/project/"}},
        "results": [{"ruleId": "X1", "level": "warning", "message": {"text": "xss"},
                     "locations": [{"physicalLocation": {
                         "artifactLocation": {"uri": "web/views.py", "uriBaseId": "SRC"},
                         "region": {"startLine": 7}}}]}]}]}
    (run,) = sarif_to_runs(log)
    (finding,) = run.findings
    assert (finding.scanner, finding.rule_id, finding.cwe, finding.path) == (
        "othertool", "X1", 79, "web/views.py")
    assert finding.severity.value == "critical" and finding.span.start_line == 7


def test_markdown_and_text_summaries(app_repo: GitRepo, tmp_path: Path) -> None:
    md = assay("scan", "-f", "md", "-q", cwd=app_repo.path).stdout
    assert md.startswith("# assay scan: complete")
    assert ("| high | semgrep/assay.python.sqli.taint (also bandit:B608) | CWE-89 | `app.py:14` |"
            in md)
    text_file = tmp_path / "out.txt"
    proc = assay("scan", "-o", str(text_file), cwd=app_repo.path)
    assert proc.returncode == EXIT_BLOCK
    text = text_file.read_text()
    assert "status COMPLETE, BLOCKED at high" in " ".join(text.split()) and "B324" in text
    assert "\x1b[" not in text and "blocked: " in text


def test_fail_on_threshold(app_repo: GitRepo) -> None:
    doc = json.loads(assay("scan", "-q", "-f", "json", "--fail-on", "none",
                           cwd=app_repo.path).stdout)
    order = ["info", "low", "medium", "high", "critical"]
    worst = max(order.index(f["severity"]) for f in doc["findings"])
    for threshold in order:
        expected = EXIT_BLOCK if order.index(threshold) <= worst else EXIT_OK
        proc = assay("scan", "-q", "--fail-on", threshold, cwd=app_repo.path)
        assert proc.returncode == expected, threshold
    assert assay("scan", "-q", "--fail-on", "none", cwd=app_repo.path).returncode == EXIT_OK


def test_settings_from_env_and_config(app_repo: GitRepo) -> None:
    env = {"ASSAY_FAIL_ON": "critical", "ASSAY_FORMAT": "json", "ASSAY_SCANNER": "bandit"}
    proc = assay("scan", "-q", cwd=app_repo.path, env=env)
    assert proc.returncode == EXIT_OK
    doc = json.loads(proc.stdout)
    assert [s["name"] for s in doc["run"]["scanners"]] == ["bandit"]
    operator = app_repo.path.parent / "ci.toml"
    operator.write_text("[scan]\nfail_on = 'none'\nscanners = ['bandit']\nexclude = ['pkg']\n")
    app_repo.write("pyproject.toml", "[tool.assay.scan]\nfail_on = 'medium'\n")
    proc = assay("scan", "-q", "-f", "json", "--config", str(operator), cwd=app_repo.path)
    # the tree tightens the operator's threshold: its findings block again
    assert proc.returncode == EXIT_BLOCK
    doc = json.loads(proc.stdout)
    assert [s["name"] for s in doc["run"]["scanners"]] == ["bandit"]
    assert not any(f["path"].startswith("pkg/") for f in doc["findings"])
    assert doc["run"]["provenance"]["extra"]["config_source"] == \
        f"operator: {operator}; tree: pyproject.toml"
