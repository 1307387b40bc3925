"""Trust states wherever a person reads recorded LLM findings: `assay findings list` and
`show`, `assay show RUN_ID` and the memo say which finding is unverified, proven, refuted
or unsupported (its quoted code is not in the file), and none of them counts a refuted
or unsupported finding as one that can block."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assay.ledger import open_ledger
from assay.ledger.interface import ProofRecord
from assay.workflow.lifecycle import Lifecycle
from assay.workflow.states import State
from tests.helpers import VULNERABLE_APP, GitRepo, project_ledger
from tests.llm.fakeserver import FakeLLMServer, calls, reply, scanner_config
from tests.llm.helpers import NAME, configure, finding_args

PICKLE_QUOTE = "return str(pickle.loads(request.data))"
PHANTOM_QUOTE = "os.system('ping ' + request.args['host'])"


def assay(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assay", *args], capture_output=True,
                          text=True, check=False, cwd=repo.path, env=_env())


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "COLUMNS": "200"}


@pytest.fixture
def reviewed(repo: GitRepo, fake_llm: FakeLLMServer) -> dict[str, str]:
    """A scan with three LLM findings: SQL injection (unverified), pickle (refuted by a
    person) and a phantom command injection (its quote is not in app.py). Returns the
    fingerprints by CWE, and the run id."""
    repo.write("app.py", VULNERABLE_APP)
    configure(repo, {NAME: scanner_config(fake_llm, "openai")})
    fake_llm.script(
        calls(("read_file", {"path": "app.py"}), ("report_finding", finding_args()),
              ("report_finding", finding_args(line=19, cwe="CWE-502", quote=PICKLE_QUOTE,
                                              title="pickle of the request body")),
              ("report_finding", finding_args(line=20, cwe="CWE-78", quote=PHANTOM_QUOTE,
                                              title="command injection in ping"))),
        reply("done"), reply("summary"))
    scan = subprocess.run([sys.executable, "-m", "assay", "scan", str(repo.path), "-s", NAME,
                           "-s", "bandit", "-f", "json", "--with-metrics"],
                          capture_output=True, text=True, check=False)
    assert scan.returncode in (0, 1), scan.stderr
    doc = json.loads(scan.stdout)
    ids = {f"CWE-{f['cwe']}": f["fingerprint"] for f in doc["findings"]
           if f["scanner"] == NAME}
    refuted = assay(repo, "findings", "set-state", ids["CWE-502"][:12], "refuted",
                    "--reason", "the body is signed first")
    assert refuted.returncode == 0, refuted.stderr
    return {**ids, "run": doc["run"]["id"]}


def _rows(text: str) -> dict[str, str]:
    return {line.split()[1]: line for line in text.splitlines() if line.startswith("│")}


def test_findings_list_marks_refuted_and_unsupported_findings(
        repo: GitRepo, reviewed: dict[str, str]) -> None:
    listed = assay(repo, "findings", "list")
    assert listed.returncode == 0, listed.stderr
    rows = _rows(listed.stdout)
    assert "│ unverified " in rows[reviewed["CWE-89"][:12]]
    assert "│ refuted " in rows[reviewed["CWE-502"][:12]]
    assert "│ unsupported " in rows[reviewed["CWE-78"][:12]]
    out = " ".join(listed.stdout.split())
    assert ("3 LLM findings: 1 unverified (no proof yet: cannot block), 1 refuted "
            "(shown false: never blocks), 1 unsupported (its quoted code is not in the "
            "file: not counted); none is proven, so none can block") in out
    doc = json.loads(assay(repo, "findings", "list", "--json").stdout)
    assert {r["id"]: (r["state"], r["trust"]) for r in doc} == {
        reviewed["CWE-89"]: ("unverified", "unverified"),
        reviewed["CWE-502"]: ("refuted", "refuted"),
        reviewed["CWE-78"]: ("unverified", "unsupported")}


def _prove(repo: GitRepo, fingerprint: str) -> None:
    store = open_ledger(project_ledger(repo.path))
    try:
        life = Lifecycle(store)
        life.record_proof(ProofRecord("P1", fingerprint, life.now(), "tester", "file",
                                      "test_p.py", "0" * 64, "def test(): ...", "c" * 40,
                                      False, "proven", "1 failed: the payload returned every "
                                      "user", True, False, 0.1, "{}"))
        life.transition(fingerprint, State.PROVEN, "tester", "the proof failed", proof_id="P1")
    finally:
        store.close()


def test_findings_show_says_the_trust_state_and_the_latest_proof(
        repo: GitRepo, reviewed: dict[str, str]) -> None:
    phantom = assay(repo, "findings", "show", reviewed["CWE-78"][:12])
    assert phantom.returncode == 0, phantom.stderr
    assert ("state: unsupported (its quoted code is not in the file: not counted; "
            "lifecycle state unverified)") in " ".join(phantom.stdout.split())
    assert "latest proof: none" in phantom.stdout
    _prove(repo, reviewed["CWE-89"])
    shown = assay(repo, "findings", "show", reviewed["CWE-89"][:12])
    out = " ".join(shown.stdout.split())
    assert "state: proven (a proof demonstrated it: can block)" in out
    assert "latest proof: P1 proven on cccccccccccc: 1 failed: the payload returned" in out
    doc = json.loads(assay(repo, "findings", "show", reviewed["CWE-89"][:12], "--json").stdout)
    assert (doc["trust"], doc["latest_proof"]["id"], doc["latest_proof"]["verdict"]) == (
        "proven", "P1", "proven")


def test_show_run_renders_the_ledger_states(repo: GitRepo, reviewed: dict[str, str]) -> None:
    shown = assay(repo, "show", reviewed["run"])
    assert shown.returncode == 0, shown.stderr
    table = shown.stdout.split("not counted")[0]
    assert "│ refuted " in table and "│ unverified " in table
    assert table.count("│ unverified ") == 1
    md = assay(repo, "show", reviewed["run"], "-f", "md").stdout
    assert "| refuted |" in md and "| unverified |" in md



def test_memo_lists_llm_findings_with_their_trust_state(
        repo: GitRepo, reviewed: dict[str, str], tmp_path: Path) -> None:
    _prove(repo, reviewed["CWE-89"])
    md, html = tmp_path / "memo.md", tmp_path / "memo.html"
    made = assay(repo, "report", "--run", reviewed["run"], "--md", str(md), "--html", str(html))
    assert made.returncode == 0, made.stderr
    text = md.read_text()
    section = text.split("## LLM findings and their trust states", 1)[1].split("\n## ", 1)[0]
    assert "| proven | yes |" in section and "| refuted | no |" in section
    assert "| unsupported | no |" in section
    assert ("3 LLM findings: 1 proven (a proof demonstrated it: can block), 1 refuted "
            "(shown false: never blocks), 1 unsupported (its quoted code is not in the "
            "file: not counted)") in " ".join(text.split())
    page = html.read_text()
    assert "LLM findings and their trust states" in page and ">unsupported<" in page
