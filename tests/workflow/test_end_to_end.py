"""End to end: an LLM finding on an SQL injection, proven by a failing proof, blocks the
gate; the fix makes the proof pass, the finding becomes fixed and the gate passes.

Real parts throughout: a git repository, Bandit, the LLM scanner through the official SDK
against the scripted provider server, the SQLite ledger, the bubblewrap sandbox and the
CLI as a subprocess.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assay.workflow.sandbox import sandbox_unavailable
from tests.helpers import GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, reply, scanner_config
from tests.llm.helpers import configure, finding_args
from tests.scanners.test_bad_input import assay

pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(bool(sandbox_unavailable()),
                                 reason=f"sandbox unavailable: {sandbox_unavailable()}")]

BASE_APP = '''\
import sqlite3


def connect(path=":memory:"):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS users (name TEXT, secret TEXT)")
    return db
'''

QUOTE = "query = \"SELECT name FROM users WHERE name = '%s'\" % name"
VULNERABLE = BASE_APP + f'''

def find_user(db, name):
    {QUOTE}
    return db.execute(query).fetchall()
'''
FIXED = BASE_APP + '''

def find_user(db, name):
    return db.execute("SELECT name FROM users WHERE name = ?", (name,)).fetchall()
'''

PROOF = '''\
from app import connect, find_user


def test_a_quote_in_the_name_is_data_not_sql():
    db = connect()
    db.execute("INSERT INTO users VALUES ('alice', 's1'), ('bob', 's2')")
    assert find_user(db, "nobody' OR '1'='1") == []
'''


def run_cli(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    proc = assay(*args, cwd=repo.path, env={"ASSAY_ACTOR": "alice@example.com"})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def review_script(server: FakeLLMServer, *, report: bool) -> None:
    turns = [call("read_file", {"path": "app.py"})]
    if report:
        turns.append(call("report_finding", finding_args(line=12, quote=QUOTE)))
    server.script(*turns, reply("Nothing else to examine."), reply("Done."))


def test_proof_required_lifecycle_through_the_gate(repo: GitRepo, tmp_path: Path,
                                                   fake_llm: FakeLLMServer) -> None:
    repo.write("app.py", BASE_APP)
    config = configure(repo, {"reviewer": scanner_config(fake_llm, "openai")}, commit=False)
    config.write_text(config.read_text().replace("[scan]", '[scan]\nscanners = ["bandit"]'))
    base = repo.commit("base")
    repo.write("app.py", VULNERABLE)
    vulnerable = repo.commit("find users by name")
    proof = tmp_path / "test_sqli_proof.py"
    proof.write_text(PROOF)

    # 1. The change touches SQL, so the LLM reviewer runs; its finding is unverified.
    review_script(fake_llm, report=True)
    proc = run_cli(repo, "gate", "--diff", f"{base}..{vulnerable}", "-f", "json", "-q")
    first = json.loads(proc.stdout)
    assert proc.returncode == 0, first["reasons"]
    assert first["decision"] == "pass" and "sql" in [c["name"] for c in first["tier"]["classes"]]
    assert first["plan"]["llm"] == ["reviewer"]
    [llm] = [f for f in first["findings"] if f["kind"] == "llm"]
    assert llm["state"] == "unverified" and not llm["blocking"]
    assert first["needs_review"] == [llm["fingerprint"]]
    assert any("need review" in r for r in first["reasons"])
    assert fake_llm.violations == []
    finding_id = llm["fingerprint"][:12]

    listed = json.loads(run_cli(repo, "findings", "list", "--json").stdout)
    assert [(f["id"], f["state"]) for f in listed] == [(llm["fingerprint"], "unverified")]

    # 2. The proof fails on the vulnerable code with an assertion: proven.
    proc = run_cli(repo, "prove", finding_id, "--proof", str(proof), "--json")
    proved = json.loads(proc.stdout)
    assert proc.returncode == 0, proc.stdout
    assert (proved["verdict"], proved["previous_state"], proved["state"]) == (
        "proven", "unverified", "proven")
    assert proved["sandboxed"] is True and proved["unsafe_no_sandbox"] is False
    assert proved["latency_seconds"] is not None

    # 3. Now the gate blocks on the proven finding (the same review comes from the cache).
    requests = len(fake_llm.requests)
    proc = run_cli(repo, "gate", "--diff", f"{base}..{vulnerable}", "-f", "json", "-q")
    assert len(fake_llm.requests) == requests and fake_llm.violations == []
    blocked = json.loads(proc.stdout)
    assert proc.returncode == 1 and blocked["decision"] == "block"
    assert blocked["blocking"] == [llm["fingerprint"]]
    assert any("proven LLM finding" in r for r in blocked["reasons"])
    md = run_cli(repo, "gate", "--diff", f"{base}..{vulnerable}", "-f", "md", "-q",
                 "--llm", "never")
    assert md.returncode == 1 and "# assay gate: block" in md.stdout
    assert "proven LLM finding" in md.stdout  # still present, though not re-reviewed

    # 4. The fix: the same proof passes, the finding becomes fixed, the gate passes.
    repo.write("app.py", FIXED)
    fixed = repo.commit("parameterized query")
    proc = run_cli(repo, "prove", finding_id, "--proof", str(proof), "--json")
    after = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert (after["verdict"], after["state"]) == ("not-reproduced", "fixed")
    review_script(fake_llm, report=False)
    proc = run_cli(repo, "gate", "--diff", f"{base}..{fixed}", "-f", "sarif", "-q")
    sarif = json.loads(proc.stdout)
    assert proc.returncode == 0, sarif["runs"][0]["properties"]["assay/gate"]
    assert sarif["runs"][0]["properties"]["assay/gate"]["decision"] == "pass"
    assert fake_llm.violations == [] and fake_llm.pending == 0

    # 5. The audit trail: who, when, why, on what evidence.
    history = json.loads(run_cli(repo, "findings", "history", finding_id, "--json").stdout)
    assert [(h["from"], h["to"]) for h in history] == [
        (None, "unverified"), ("unverified", "proven"), ("proven", "fixed")]
    assert history[1]["actor"] == "alice@example.com"
    assert history[1]["evidence"]["proof"] == proved["proof"]
    assert history[2]["evidence"]["commit"] == fixed
    latency = json.loads(run_cli(repo, "findings", "latency", "--json").stdout)
    assert [(s["scanner"], s["proven"]) for s in latency] == [("reviewer", 1)]
