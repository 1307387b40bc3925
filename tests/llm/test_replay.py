"""Traces replay exactly; `assay replay` reports any divergence."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from assay import api
from assay.formats.json import finding_to_dict
from assay.ledger import LedgerError
from assay.model import RunStatus
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, calls, reply, scanner_config
from tests.llm.helpers import NAME, configure, finding_args, ledger_path, scan


@pytest.fixture
def app_repo(repo: GitRepo) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("util.py", "def f():\n    return 1\n")
    return repo


def _script(server: FakeLLMServer) -> None:
    server.script(
        calls(("read_file", {"path": "app.py"}), ("read_file", {"path": "../etc/passwd"}),
              text="plan"),
        call("grep", {"pattern": "pickle"}),
        calls(("report_finding", finding_args()),
              ("report_finding", finding_args(line=19, cwe="CWE-502", quote="yaml.load(x)"))),
        reply("done"), reply("summary"))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assay", *args], capture_output=True,
                          text=True, check=False)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_replay_reproduces_the_findings_exactly(provider: str, app_repo: GitRepo,
                                                fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, provider)})
    _script(fake_llm)
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE and len(run.findings) == 2
    app_repo.write("app.py", "# rewritten after the run\n")  # replay reads the commit
    served = len(fake_llm.requests)
    [report] = api.replay(run.id[:12], path=app_repo.path)
    assert report.identical, report.divergences
    assert (report.scanner, report.findings, report.steps) == (NAME, 2, 5)
    assert len(fake_llm.requests) == served  # nothing was sent to the provider
    out = _cli("replay", run.id, "--path", str(app_repo.path))
    assert out.returncode == 0, out.stderr
    assert "5 replayed step(s), 2 finding(s): identical" in out.stdout


def test_incomplete_runs_replay_to_the_same_end(app_repo: GitRepo,
                                                fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", budget={"max_steps": 2})})
    fake_llm.script(call("report_finding", finding_args()), call("list_dir", {}))
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE
    [report] = api.replay(run.id, path=app_repo.path)
    assert report.identical, report.divergences


def test_time_box_cut_replays_without_waiting(app_repo: GitRepo,
                                             fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", budget={"time_box": 1.0})})
    fake_llm.script(call("list_dir", {}, delay=0.6), call("list_dir", {}, delay=0.6))
    run = scan(app_repo).run
    assert run.scanners[0].reason.startswith("budget: time-box 1s reached")
    [report] = api.replay(run.id, path=app_repo.path)
    assert report.identical, report.divergences


def test_a_tampered_trace_diverges(app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai")})
    _script(fake_llm)
    run = scan(app_repo).run
    db = sqlite3.connect(ledger_path(app_repo))
    row = db.execute("SELECT seq, payload FROM llm_traces WHERE run_id = ? AND kind = "
                     "'response' AND step = 2", (run.id,)).fetchone()
    payload = json.loads(row[1])
    payload["tool_calls"] = payload["tool_calls"][:1]  # the second finding was never reported
    db.execute("UPDATE llm_traces SET payload = ? WHERE run_id = ? AND seq = ?",
               (json.dumps(payload), run.id, row[0]))
    db.commit()
    db.close()
    [report] = api.replay(run.id, path=app_repo.path)
    assert not report.identical
    assert "findings: 2 recorded, 1 replayed" in report.divergences
    assert any("request differs" in d for d in report.divergences)
    out = _cli("replay", run.id, "--path", str(app_repo.path), "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout)[0]["identical"] is False


def test_a_cached_run_replays_its_source(app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "anthropic")})
    _script(fake_llm)
    first = scan(app_repo).run
    second = scan(app_repo).run
    assert second.metrics.cache.hits == 1
    [report] = api.replay(second.id, path=app_repo.path)
    assert report.identical and report.source_run == first.id
    assert [finding_to_dict(f) for f in second.findings] == [
        finding_to_dict(f) for f in first.findings]


def test_runs_without_trace_are_a_usage_error(app_repo: GitRepo) -> None:
    app_repo.commit()
    run = api.scan(app_repo.path, scanners=["bandit"]).run
    with pytest.raises(LedgerError, match="has no LLM trace"):
        api.replay(run.id, path=app_repo.path)
    out = _cli("replay", run.id, "--path", str(app_repo.path))
    assert out.returncode == 2 and "has no LLM trace" in out.stderr
    assert "Traceback" not in out.stderr
