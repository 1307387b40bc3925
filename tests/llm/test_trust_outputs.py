"""Trust states where a person reads them: `assay scan` with an LLM scanner shows each
finding's state, lists phantoms apart and uncounted, exits 0 on unverified findings and 1
on a proven one, and says what blocked (text, Markdown, SARIF checked against its
schema)."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from assay.ledger import open_ledger
from assay.ledger.interface import ProofRecord
from assay.workflow.lifecycle import Lifecycle
from assay.workflow.states import State
from tests.helpers import SARIF_SCHEMA, VULNERABLE_APP, GitRepo, project_ledger
from tests.llm.fakeserver import FakeLLMServer, calls, reply, scanner_config
from tests.llm.helpers import NAME, configure, finding_args

PHANTOM_QUOTE = "os.system('ping ' + request.args['host'])"
RULE = f"{NAME}/llm/cwe-89"


def _script(server: FakeLLMServer) -> None:
    server.script(
        calls(("read_file", {"path": "app.py"}), ("report_finding", finding_args()),
              ("report_finding", finding_args(line=20, cwe="CWE-78",
                                              title="command injection in ping",
                                              quote=PHANTOM_QUOTE))),
        reply("done"), reply("summary"))


def _assay(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assay", "scan", str(repo.path), "--scanner",
                           NAME, *args], capture_output=True, text=True, check=False)


@pytest.fixture
def reviewed(repo: GitRepo, fake_llm: FakeLLMServer) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    configure(repo, {NAME: scanner_config(fake_llm, "openai")})
    _script(fake_llm)
    return repo


def _prove(repo: GitRepo, fingerprint: str) -> None:
    store = open_ledger(project_ledger(repo.path))
    try:
        life = Lifecycle(store)
        life.record_proof(ProofRecord("p1", fingerprint, life.now(), "tester", "file",
                                      "test_p.py", "0" * 64, "def test(): ...", None, False,
                                      "proven", "", True, False, 0.1, "{}"))
        life.transition(fingerprint, State.PROVEN, "tester", "the proof failed", proof_id="p1")
    finally:
        store.close()


def test_unverified_llm_finding_does_not_block_and_a_proven_one_does(reviewed: GitRepo) -> None:
    first = _assay(reviewed)
    assert first.returncode == 0, first.stdout + first.stderr
    out = " ".join(first.stdout.split())  # the summary line may wrap
    assert "unverified" in out and RULE in out
    assert "not counted: 1 finding whose quoted code is not in the file" in out
    assert "1 finding(s) (1 high), 1 of them unverified LLM finding(s) that cannot block" in out
    assert "blocked" not in out and "status COMPLETE" in out
    doc = json.loads(_assay(reviewed, "-f", "json").stdout)  # served from the cache
    [real] = [f for f in doc["findings"] if f["verification"] == "supported"]
    _prove(reviewed, real["fingerprint"])
    second = _assay(reviewed)
    assert second.returncode == 1, second.stdout + second.stderr
    out = " ".join(second.stdout.split())
    assert "proven" in out
    assert f"blocked: 1 finding at or above high: {RULE} at app.py:14" in out
    assert "status COMPLETE, BLOCKED at high" in out
    md = _assay(reviewed, "-f", "md")
    assert md.returncode == 1
    assert f"> **blocked: 1 finding at or above high: {RULE} at app.py:14**" in md.stdout
    assert "| high | proven |" in md.stdout and "## Not counted" in md.stdout


def test_markdown_and_sarif_carry_the_states(reviewed: GitRepo) -> None:
    md = _assay(reviewed, "-f", "md")
    assert md.returncode == 0, md.stderr
    findings = md.stdout.split("## Findings", 1)[1].split("## Not counted", 1)
    assert "| high | unverified |" in findings[0] and "CWE-78" not in findings[0]
    assert "not counted: 1 finding whose quoted code is not in the file" in findings[1]
    assert "app.py:20" in findings[1]
    sarif = _assay(reviewed, "-f", "sarif")
    log = json.loads(sarif.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    results = {r["properties"]["cwe"]: r for r in log["runs"][0]["results"]}
    assert (results[89]["level"], results[89]["properties"]["assay/state"]) == (
        "note", "unverified")
    assert (results[78]["level"], results[78]["properties"]["assay/state"]) == (
        "none", "unsupported")
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "security-severity" not in rules[RULE]["properties"]
    assert log["runs"][0]["properties"]["assay/notCounted"] == 1
