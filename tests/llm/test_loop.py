"""The agent loop end to end through the real SDKs against the fake provider server."""

from __future__ import annotations

import pytest

from assay.model import Confidence, FindingKind, RunStatus, Severity, Verification
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, Turn, call, calls, reply, scanner_config
from tests.llm.helpers import NAME, SQLI_QUOTE, configure, finding_args, scan

PROVIDERS = ["openai", "anthropic"]


@pytest.fixture
def app_repo(repo: GitRepo) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("lib/util.py", "def helper():\n    return 1\n")
    return repo


def _full_script(server: FakeLLMServer) -> None:
    server.script(
        calls(("list_dir", {"path": "."}), ("read_file", {"path": "app.py"}),
              text="Plan: look at the Flask routes in app.py."),
        call("grep", {"pattern": r"execute\(", "glob": "*.py"}),
        call("report_finding", finding_args()),
        reply("Nothing else to examine."),
        reply("One SQL injection in /user."),
    )


@pytest.mark.parametrize("provider", PROVIDERS)
def test_full_loop_produces_structured_findings(provider: str, app_repo: GitRepo,
                                                fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, provider, seed=7, top_p=0.9)})
    _full_script(fake_llm)
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    assert fake_llm.violations == [] and fake_llm.pending == 0
    [finding] = run.findings
    assert (finding.scanner, finding.kind, finding.cwe, finding.path) == (
        NAME, FindingKind.LLM, 89, "app.py")
    assert (finding.span.start_line, finding.severity, finding.confidence) == (
        14, Severity.HIGH, Confidence.HIGH)
    assert finding.verification is Verification.SUPPORTED and finding.quote == SQLI_QUOTE
    assert finding.proof_sketch is not None and "OR" in finding.proof_sketch.inputs
    assert finding.rationale and finding.fingerprint and "SELECT" in finding.snippet
    stages = {s.name: s for s in run.metrics.stages}
    assert stages[f"{NAME}:plan"].requests == 1
    assert dict(stages[f"{NAME}:plan"].tool_calls) == {"list_dir": 1, "read_file": 1}
    assert stages[f"{NAME}:explore"].requests == 3
    assert dict(stages[f"{NAME}:explore"].tool_calls) == {"grep": 1, "report_finding": 1}
    assert stages[f"{NAME}:report"].requests == 1
    assert run.metrics.tokens_in == 5 * 120 and run.metrics.tokens_out == 5 * 30
    info = dict(run.provenance.scanners[0].extra)
    assert info["prompt"] == "security-review@1.0.0" and len(info["prompt_sha256"]) == 64
    assert info["model"] == info["model_reported"] == "fake-model-2025-01-01"
    assert len(info["tool_manifest"]) == 64 and '"top_p":0.9' in info["params"]
    assert ('"seed":7' in info["params"]) is (provider == "openai")
    assert run.coverage.analyzed == 1 and run.coverage.in_scope == 2  # read app.py only


def test_openai_wire_format_carries_tools_and_results(app_repo: GitRepo,
                                                      fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", seed=3)})
    _full_script(fake_llm)
    scan(app_repo)
    first, second = fake_llm.requests[0].body, fake_llm.requests[1].body
    assert {t["function"]["name"] for t in first["tools"]} == {
        "list_dir", "read_file", "grep", "report_finding"}
    assert first["temperature"] == 0.0 and first["seed"] == 3
    assert [m["role"] for m in second["messages"]] == ["system", "user", "assistant", "tool",
                                                       "tool"]
    calls_sent = second["messages"][2]["tool_calls"]
    assert [m["tool_call_id"] for m in second["messages"][3:]] == [c["id"] for c in calls_sent]


def test_anthropic_wire_format_carries_tool_use_blocks(app_repo: GitRepo,
                                                       fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "anthropic")})
    _full_script(fake_llm)
    scan(app_repo)
    second = fake_llm.requests[1].body
    assert "security reviewer" in second["system"] and "seed" not in second
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "user"]
    uses = [b for b in second["messages"][1]["content"] if b["type"] == "tool_use"]
    results = second["messages"][2]["content"]
    assert [r["tool_use_id"] for r in results] == [u["id"] for u in uses]
    assert all(r["type"] == "tool_result" for r in results)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_malformed_tool_calls_are_repaired_or_answered_with_an_error(
        provider: str, app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    # the anthropic wire cannot carry the repaired read: the review may read nothing
    configure(app_repo, {NAME: scanner_config(fake_llm, provider, min_review_coverage=0)})
    fake_llm.script(
        call("read_file", "{'path': 'app.py',}"),        # Python literal: repaired
        call("read_file", "this is not json"),           # unreadable: tool error
        call("delete_everything", {"path": "."}),        # unknown tool: tool error
        call("report_finding", finding_args(severity="catastrophic")),  # invalid field
        call("report_finding", finding_args()),
        reply("done"), reply("summary"))
    result = scan(app_repo)
    run = result.run
    assert run.status is RunStatus.COMPLETE and len(run.findings) == 1
    extra = dict(run.provenance.extra)
    # tool_use input is always an object: the fake server sends {"_raw": ...}, a bad call
    errors = 4 if provider == "anthropic" else 3
    assert int(extra[f"{NAME}.tool_errors"]) == errors
    if provider == "openai":
        assert extra[f"{NAME}.repaired"] == "1"
        sent = fake_llm.requests[2].body["messages"][-1]["content"]
        assert sent.startswith("error:") and "JSON" in sent
    assert "unknown tool 'delete_everything'" in fake_llm.requests[3].raw
    assert "'severity' must be one of" in fake_llm.requests[4].raw


def test_tool_call_written_as_text_is_repaired(app_repo: GitRepo,
                                               fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai")})
    fake_llm.script(
        reply('```json\n{"name": "read_file", "arguments": {"path": "app.py"}}\n```'),
        reply("done"), reply("summary"))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE
    assert dict(run.provenance.extra)[f"{NAME}.repaired"] == "1"
    second = fake_llm.requests[1].body["messages"]
    assert second[2]["tool_calls"][0]["function"]["name"] == "read_file"
    assert "VULNERABLE" not in second[3]["content"] and "sqlite3" in second[3]["content"]


@pytest.mark.parametrize(("provider", "stop"), [("openai", "refusal"),
                                                ("openai", "content_filter"),
                                                ("anthropic", "refusal")])
def test_refusal_is_incomplete_not_no_findings(provider: str, stop: str, app_repo: GitRepo,
                                               fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, provider)})
    fake_llm.script(call("report_finding", finding_args()),
                    Turn(text="I won't review this code.", stop=stop))
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE
    [outcome] = run.scanners
    assert outcome.reason.startswith("refused")
    assert len(run.findings) == 1  # reported before the refusal: kept


@pytest.mark.parametrize("provider", PROVIDERS)
def test_step_budget_ends_incomplete_with_partial_findings(provider: str, app_repo: GitRepo,
                                                           fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, provider, budget={"max_steps": 3})})
    fake_llm.script(call("report_finding", finding_args()),
                    call("read_file", {"path": "lib/util.py"}),
                    call("read_file", {"path": "app.py"}),
                    call("read_file", {"path": "app.py", "start": 2}))
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE
    assert run.scanners[0].reason == "budget: max_steps 3 reached"
    assert len(run.findings) == 1 and len(fake_llm.requests) == 3 and fake_llm.pending == 1


def test_cost_budget_uses_the_price_table(app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    price = {"input": 1000.0, "output": 4000.0}  # per million tokens
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", price=price,
                                              budget={"max_cost": 0.5})})
    fake_llm.script(*[call("read_file", {"path": "app.py"}, usage=(100, 10, 40))] * 10)
    run = scan(app_repo).run
    # without a cached_input price, cached tokens bill at the input price:
    # each response costs (100 * 1000 + 10 * 4000) / 1e6 = 0.14; the 4th reaches 0.5
    assert run.status is RunStatus.INCOMPLETE
    assert run.scanners[0].reason.startswith("budget: max_cost 0.5 reached")
    assert len(fake_llm.requests) == 4 and round(run.metrics.cost, 6) == 0.56
    assert sum(s.tokens_cached for s in run.metrics.stages) == 160


def test_output_token_budget(app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "anthropic", max_tokens=50,
                                              budget={"max_output_tokens": 70})})
    fake_llm.script(*[call("read_file", {"path": "app.py"})] * 5)
    run = scan(app_repo).run
    assert run.scanners[0].reason == "budget: max_output_tokens 70 reached (90)"
    assert [r.body["max_tokens"] for r in fake_llm.requests] == [50, 40, 10]


def test_nothing_in_scope_sends_nothing(repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    repo.write("README.md", "docs only\n")
    configure(repo, {NAME: scanner_config(fake_llm, "openai")})
    run = scan(repo).run
    assert run.status is RunStatus.COMPLETE and fake_llm.requests == []


def test_floating_model_alias_is_a_recorded_warning(app_repo: GitRepo,
                                                    fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", model="gpt-4o")})
    fake_llm.script(reply("plan"), reply("nothing"), Turn(text="none", model="gpt-4o-2024-08-06"))
    result = scan(app_repo)
    assert any("floating alias" in w for w in result.warnings)
    info = dict(result.run.provenance.scanners[0].extra)
    assert "floating alias" in info["model_warning"]
    assert info["model"] == "gpt-4o" and info["model_reported"] == "gpt-4o,gpt-4o-2024-08-06"
