"""External review commands as scanners: real commands emitting each output format."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from assay import api
from assay.config import Config
from assay.model import Confidence, FindingKind, RunStatus, Severity
from assay.scanners.interface import ScannerError
from assay.scanners.registry import build_scanner
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.helpers import configure

EMITTER = r'''
import json, os, sys, time
mode = sys.argv[1]
root = os.getcwd()
first_line = open("app.py").read().splitlines()[0]
sarif = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "reviewbot", "rules": [
    {"id": "sqli", "properties": {"tags": ["external/cwe/cwe-89"]}}]}},
    "results": [{"ruleId": "sqli", "level": "error", "message": {"text": first_line},
                 "locations": [{"physicalLocation": {
                     "artifactLocation": {"uri": "file://" + root + "/app.py"},
                     "region": {"startLine": 14}}}]}]}]}
claude = {"findings": [{"file": "app.py", "line": 19, "severity": "HIGH",
                        "category": "insecure_deserialization",
                        "description": "pickle.loads on request data",
                        "exploit_scenario": "POST a crafted pickle to /load",
                        "recommendation": "use json", "confidence": 0.9},
                       {"file": "./app.py", "line": 23, "severity": "MEDIUM",
                        "category": "weak crypto", "description": "md5 for tokens",
                        "confidence": 0.6}],
          "analysis_summary": {"files_reviewed": 1, "review_completed": True}}
generic = {"results": [{"check_id": "cmd", "path": "app.py", "start": {"line": 12},
                        "end": {"line": 13}, "extra": {"message": "user input in query",
                        "severity": "ERROR", "metadata": {"cwe": ["CWE-89: SQL"]}}}]}
if mode == "sarif":
    print(json.dumps(sarif))
elif mode == "sarif-file":
    with open(sys.argv[2], "w") as f:
        json.dump(sarif, f)
    print("progress chatter on stdout")
elif mode == "claude":
    print(json.dumps(claude))
elif mode == "claude-cli":
    print(json.dumps({"type": "result", "result": "Review done.\n```json\n"
                      + json.dumps(claude) + "\n```"}))
elif mode == "claude-unfinished":
    claude["analysis_summary"]["review_completed"] = False
    print(json.dumps(claude))
elif mode == "generic":
    print(json.dumps(generic))
elif mode == "broken":
    print('{"findings": [{"file": "app.py", "line": ')
elif mode == "fail":
    print(json.dumps(claude))
    print("model quota exceeded", file=sys.stderr)
    sys.exit(3)
elif mode == "exit1":
    print(json.dumps(claude))
    sys.exit(1)
elif mode == "hang":
    time.sleep(60)
'''

MAPPING = {"findings": "results", "path": "path", "line": "start.line",
           "end_line": "end.line", "rule_id": "check_id", "message": "extra.message",
           "severity": "extra.severity", "cwe": "extra.metadata.cwe",
           "severity_values": {"ERROR": "high"}}


@pytest.fixture
def emitter(tmp_path: Path) -> str:
    script = tmp_path / "tools" / "emit.py"
    script.parent.mkdir()
    script.write_text(EMITTER)
    return str(script)


@pytest.fixture
def app_repo(repo: GitRepo) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    return repo


def _scan(repo: GitRepo, emitter: str, mode: str, fmt: str, **extra: Any) -> api.ScanResult:
    table: dict[str, Any] = {"type": "command", "command": [sys.executable, emitter, mode],
                             "format": fmt, **extra}
    configure(repo, {"my-review": table})
    return api.scan(repo.path, scanners=["my-review"])


def test_sarif_output(app_repo: GitRepo, emitter: str) -> None:
    run = _scan(app_repo, emitter, "sarif", "sarif").run
    assert run.status is RunStatus.COMPLETE, run.reasons
    [f] = run.findings
    assert (f.scanner, f.rule_id, f.path, f.span.start_line, f.cwe) == (
        "my-review", "sqli", "app.py", 14, 89)
    assert f.kind is FindingKind.LLM and f.severity is Severity.HIGH
    assert f.fingerprint and "SELECT" in f.snippet  # fingerprinted from the snapshot
    assert dict(run.provenance.extra)["my-review.exit_status"] == "0"
    stage = {s.name: s for s in run.metrics.stages}["scan:my-review"]
    assert stage.wall_seconds > 0
    assert run.coverage.analyzed == 1


def test_sarif_written_to_the_output_placeholder(app_repo: GitRepo, emitter: str) -> None:
    table = {"type": "command", "format": "sarif",
             "command": [sys.executable, emitter, "sarif-file", "{output}"]}
    configure(app_repo, {"my-review": table})
    run = api.scan(app_repo.path, scanners=["my-review"]).run
    assert run.status is RunStatus.COMPLETE and len(run.findings) == 1


@pytest.mark.parametrize("mode", ["claude", "claude-cli"])
def test_claude_security_review_json(mode: str, app_repo: GitRepo, emitter: str) -> None:
    run = _scan(app_repo, emitter, mode, "claude-security-review").run
    assert run.status is RunStatus.COMPLETE, run.reasons
    first, second = sorted(run.findings, key=lambda f: f.span.start_line)
    assert (first.path, first.span.start_line, first.cwe, first.rule_id) == (
        "app.py", 19, 502, "insecure_deserialization")
    assert first.severity is Severity.HIGH and first.confidence is Confidence.HIGH
    assert first.message == "pickle.loads on request data"
    assert "Exploit scenario: POST a crafted pickle" in first.rationale
    assert "Recommendation: use json" in first.rationale
    assert (second.path, second.cwe, second.confidence) == ("app.py", 327, Confidence.MEDIUM)


def test_unfinished_review_is_incomplete(app_repo: GitRepo, emitter: str) -> None:
    run = _scan(app_repo, emitter, "claude-unfinished", "claude-security-review").run
    assert run.status is RunStatus.INCOMPLETE
    assert "review_completed: false" in run.scanners[0].reason


def test_generic_json_with_a_field_mapping(app_repo: GitRepo, emitter: str) -> None:
    run = _scan(app_repo, emitter, "generic", "json", mapping=MAPPING).run
    [f] = run.findings
    assert (f.rule_id, f.path, f.span.start_line, f.span.end_line, f.cwe, f.severity) == (
        "cmd", "app.py", 12, 13, 89, Severity.HIGH)
    assert f.message == "user input in query"


def test_broken_output_is_incomplete(app_repo: GitRepo, emitter: str) -> None:
    run = _scan(app_repo, emitter, "broken", "claude-security-review").run
    assert run.status is RunStatus.INCOMPLETE and run.findings == ()
    assert run.scanners[0].reason.startswith(
        "unparsable output: the command's output is not valid JSON")
    assert run.coverage.analyzed == 0


def test_non_zero_exit_is_incomplete(app_repo: GitRepo, emitter: str) -> None:
    run = _scan(app_repo, emitter, "fail", "claude-security-review").run
    assert run.status is RunStatus.INCOMPLETE
    assert run.scanners[0].reason == ("the command exited with status 3: "
                                      "model quota exceeded")
    assert len(run.findings) == 2  # what it did report is kept
    assert dict(run.provenance.extra)["my-review.exit_status"] == "3"


def test_allowed_exit_codes(app_repo: GitRepo, emitter: str) -> None:
    run = _scan(app_repo, emitter, "exit1", "claude-security-review",
                ok_exit_codes=[0, 1]).run
    assert run.status is RunStatus.COMPLETE and len(run.findings) == 2


def test_timeout_kills_the_command(app_repo: GitRepo, emitter: str) -> None:
    run = _scan(app_repo, emitter, "hang", "sarif", timeout=1).run
    assert run.status is RunStatus.INCOMPLETE
    assert run.scanners[0].reason == "timeout: the command ran longer than 1s"


def test_missing_command_is_incomplete(app_repo: GitRepo) -> None:
    configure(app_repo, {"my-review": {"type": "command", "format": "sarif",
                                       "command": ["no-such-review-tool-xyz"]}})
    run = api.scan(app_repo.path, scanners=["my-review"]).run
    assert run.status is RunStatus.INCOMPLETE
    assert run.scanners[0].reason.startswith("cannot run 'no-such-review-tool-xyz'")


def test_a_commit_is_materialized_for_the_command(app_repo: GitRepo, emitter: str) -> None:
    configure(app_repo, {"my-review": {"type": "command", "format": "sarif",
                                       "command": [sys.executable, emitter, "sarif"]}})
    app_repo.write("app.py", "# uncommitted edit\n" + VULNERABLE_APP)
    run = api.scan(app_repo.path, scanners=["my-review"], rev="HEAD").run
    [f] = run.findings
    assert f.message == "import hashlib" and f.path == "app.py"  # the commit's first line
    worktree = api.scan(app_repo.path, scanners=["my-review"]).run
    assert worktree.findings[0].message == "# uncommitted edit"


@pytest.mark.parametrize(("table", "message"), [
    ({"type": "command", "command": ["x"], "format": "json"}, "needs a \\[scanners.NAME"),
    ({"type": "command", "command": [], "format": "sarif"}, "scanners.r.command"),
    ({"type": "command", "command": ["x"], "format": "xml"}, "scanners.r.format"),
])
def test_bad_command_tables(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ScannerError, match=message):
        build_scanner("r", Config(scanners={"r": table}))


def test_parsers_reject_documents_of_the_wrong_shape() -> None:
    from assay.formats.errors import FormatError
    from assay.formats.external import FieldMap, claude_review_findings, mapped_findings

    with pytest.raises(FormatError, match="no 'findings' array"):
        claude_review_findings({"results": []}, "", "s", FindingKind.LLM)
    with pytest.raises(FormatError, match="has no 'file'"):
        claude_review_findings({"findings": [{"line": 3}]}, "", "s", FindingKind.LLM)
    with pytest.raises(FormatError, match="line 'x' is not a number"):
        mapped_findings(json.loads('[{"p": "a.py", "l": "x"}]'), FieldMap(path="p", line="l"),
                        "", "s", FindingKind.LLM)
