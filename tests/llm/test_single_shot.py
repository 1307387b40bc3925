"""The single-shot harness end to end through the real SDKs against the fake provider
server: one request per file (or hunk, or part of a large file), findings as JSON in the
configured structured-output mode, review coverage, provenance, trace and replay."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from assay import api
from assay.ledger import open_ledger
from assay.model import FindingKind, RunStatus, SkipReason, Verification
from assay.scanners.llm.store import LlmStore
from assay.scanners.llm.structured import REPLY_SCHEMA
from assay.scanners.llm.units import OVERLAP_LINES
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, Received, Turn, call, reply, scanner_config
from tests.llm.helpers import NAME, SQLI_QUOTE, configure, finding_args, ledger_path, scan

SINGLE = {"harness": "single-shot"}


def findings(*items: dict[str, Any]) -> str:
    """A findings reply as JSON text."""
    return json.dumps({"findings": list(items)})


def user_text(received: Received) -> str:
    """The user turns of a chat-completions request, joined."""
    return "\n".join(str(m.get("content") or "") for m in received.body["messages"]
                     if m["role"] == "user")


@pytest.fixture
def app_repo(repo: GitRepo) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("lib/util.py", "def helper():\n    return 1\n")
    return repo


def test_each_file_is_one_request_and_the_findings_come_back_as_json(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", seed=5, **SINGLE)})
    fake_llm.script(reply(findings(finding_args())), reply(findings()))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    assert fake_llm.violations == [] and fake_llm.pending == 0
    [finding] = run.findings
    assert (finding.kind, finding.cwe, finding.path, finding.span.start_line) == (
        FindingKind.LLM, 89, "app.py", 14)
    assert finding.verification is Verification.SUPPORTED and finding.quote == SQLI_QUOTE
    assert (run.coverage.analyzed, run.coverage.in_scope, run.coverage.skipped) == (2, 2, ())
    first, second = (r.body for r in fake_llm.requests)
    assert second["response_format"] == first["response_format"]
    assert "tools" not in first and "tool_choice" not in first and first["seed"] == 5
    assert first["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "findings", "schema": REPLY_SCHEMA, "strict": True}}
    sent = user_text(fake_llm.requests[0])
    assert 'File: "app.py"' in sent and "Lines shown: 1-23 of 23" in sent
    assert "    14|     return str(db.execute(" in sent and "lib/util.py" not in sent
    assert 'File: "lib/util.py"' in user_text(fake_llm.requests[1])
    stages = {s.name: s for s in run.metrics.stages}
    assert stages[f"{NAME}:review"].requests == 2 and stages[f"{NAME}:review"].tool_calls == ()
    info = dict(run.provenance.scanners[0].extra)
    assert (info["harness"], info["structured_output"], info["harness_version"]) == (
        "single-shot", "json_schema", "3")
    assert info["prompt"] == "security-review-single-shot@1.0.0"
    assert run.provenance.scanners[0].version == "llm-single-shot/3"


def test_replay_of_a_single_shot_run_is_identical_without_the_server(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    fake_llm.script(reply("```json\n" + findings(finding_args()) + "\n```"),
                    reply("no JSON here, the code is fine"), reply(findings()))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE and len(run.findings) == 1
    extra = dict(run.provenance.extra)
    assert (extra[f"{NAME}.repaired"], extra[f"{NAME}.prose_replies"],
            extra[f"{NAME}.reasks"]) == ("1", "1", "1")
    served = len(fake_llm.requests)
    app_repo.write("app.py", "# rewritten after the run\n")
    [report] = api.replay(run.id, path=app_repo.path)
    assert report.identical, report.divergences
    assert (report.findings, report.steps) == (1, 3)
    assert len(fake_llm.requests) == served
    with open_ledger(ledger_path(app_repo)) as ledger:
        events = LlmStore(ledger).events(run.id, NAME)
    header = events[0].payload
    assert (header["harness_name"], header["structured_output"]) == ("single-shot",
                                                                     "json_schema")
    assert [e.payload["output"] for e in events if e.kind == "request"] == ["json_schema"] * 3
    [fault] = [e.payload for e in events if e.kind == "reply_fault"]
    assert (fault["path"], fault["fault"], fault["attempt"]) == ("lib/util.py",
                                                                  "prose_replies", 1)


def test_a_file_larger_than_the_window_is_split_into_overlapping_parts(
        repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    lines = [f"VALUE_{n:04d} = {n}  # padding text" for n in range(1, 301)]
    repo.write("big.py", "\n".join(lines) + "\n")
    configure(repo, {NAME: scanner_config(fake_llm, "openai", context_window=2048,
                                          max_tokens=512, **SINGLE)})
    fake_llm.responder = lambda received: reply(findings())
    run = scan(repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    shown = []
    for received in fake_llm.requests:
        text = user_text(received)
        [head] = [x for x in text.splitlines() if x.startswith("Lines shown: ")]
        low, high = head.removeprefix("Lines shown: ").split(" of ")[0].split("-")
        shown.append((int(low), int(high)))
        assert "This is a part of the file" in text
        assert len(json.dumps(received.body["messages"])) < (2048 - 512) * 3
    assert len(shown) >= 3 and shown[0][0] == 1 and shown[-1][1] == 300
    for (_, high), (low, _) in itertools.pairwise(shown):
        assert low == high + 1 - OVERLAP_LINES
    assert run.coverage.analyzed == 1
    fake_llm.responder = None
    [report] = api.replay(run.id, path=repo.path)
    assert report.identical and report.steps == len(shown), report.divergences


def test_a_diff_review_sends_each_hunk_with_context(repo: GitRepo,
                                                    fake_llm: FakeLLMServer) -> None:
    lines = [f"X{n} = {n}" for n in range(1, 201)]
    repo.write("big.py", "\n".join(lines) + "\n")
    configure(repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    changed = [*lines[:99], "X100 = eval(input())", *lines[100:]]
    repo.write("big.py", "\n".join(changed) + "\n")
    repo.commit("change line 100")
    fake_llm.script(reply(findings(finding_args(path="big.py", line=100, cwe="CWE-95",
                                                quote="X100 = eval(input())"))))
    run = scan(repo, diff="HEAD~1").run
    assert run.status is RunStatus.COMPLETE, run.reasons
    [finding] = run.findings
    assert (finding.path, finding.span.start_line, finding.cwe) == ("big.py", 100, 95)
    [received] = fake_llm.requests
    text = user_text(received)
    assert "Lines shown: 80-120 of 200" in text
    assert "    80| X80 = 80" in text and "    79|" not in text and "   121|" not in text


@pytest.mark.parametrize(("provider", "mode", "expected"), [
    ("openai", "json_object", {"response_format": {"type": "json_object",
                                                   "schema": REPLY_SCHEMA}}),
    ("openai", "tool", {"tool_choice": {"type": "function",
                                        "function": {"name": "report_findings"}}}),
    ("anthropic", "tool", {"tool_choice": {"type": "tool", "name": "report_findings"}}),
    ("anthropic", "auto", {"tool_choice": {"type": "tool", "name": "report_findings"}}),
])
def test_request_shapes_per_structured_output_mode(
        provider: str, mode: str, expected: dict[str, Any], app_repo: GitRepo,
        fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, provider, structured_output=mode,
                                              **SINGLE)})
    if mode in ("tool", "auto"):
        fake_llm.script(call("report_findings", {"findings": [finding_args()]}),
                        call("report_findings", {"findings": []}))
    else:
        fake_llm.script(reply(findings(finding_args())), reply(findings()))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    assert [f.path for f in run.findings] == ["app.py"]
    body = fake_llm.requests[0].body
    for key, value in expected.items():
        assert body[key] == value
    if "tool_choice" in expected:
        [tool] = body["tools"]
        schema = tool["input_schema"] if provider == "anthropic" else tool["function"][
            "parameters"]
        assert schema == REPLY_SCHEMA and "response_format" not in body
    else:
        assert "tools" not in body
    assert dict(run.provenance.scanners[0].extra)["structured_output"] == (
        "tool" if mode == "auto" else mode)


def test_mode_none_sends_no_constraint(app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", structured_output="none",
                                              **SINGLE)})
    fake_llm.script(reply(findings()), reply(findings()))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE and run.findings == ()
    for received in fake_llm.requests:
        assert not {"response_format", "tools", "tool_choice"} & set(received.body)
    assert '{"findings": [...]}' in user_text(fake_llm.requests[0])


def test_the_agent_keeps_its_tools_and_records_its_mode(app_repo: GitRepo,
                                                        fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai")})
    fake_llm.script(call("read_file", {"path": "app.py"}), reply("done"), reply("summary"))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    body = fake_llm.requests[0].body
    assert "response_format" not in body and "tool_choice" not in body and body["tools"]
    info = dict(run.provenance.scanners[0].extra)
    assert (info["harness"], info["structured_output"]) == ("agent", "tool")
    assert run.provenance.scanners[0].version == "llm-agent/3"


def test_a_file_whose_requests_stay_unusable_is_not_reviewed(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    fake_llm.script(reply('{"findings": [{"cwe": "CWE-89",'),  # unreadable
                    reply('{"results": []}'),                    # the wrong shape
                    reply(findings()))
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE and run.findings == ()
    [gap] = run.coverage.gaps
    assert (gap.path, gap.reason) == ("app.py", SkipReason.NOT_REVIEWED)
    assert gap.detail == "no usable reply for lines 1-23 of 23 after one re-ask (invalid json)"
    assert run.coverage.analyzed == 1
    assert "review coverage 1/2 files (50%) is below" in run.reasons[0]
    second = fake_llm.requests[1].body["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[-1]["content"].startswith("Your reply could not be used: the reply is not "
                                            "valid JSON")
    extra = dict(run.provenance.extra)
    assert (extra[f"{NAME}.invalid_json"], extra[f"{NAME}.reasks"]) == ("2", "1")


def test_a_reply_cut_off_at_the_output_limit_is_re_asked_once(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    fake_llm.script(Turn(text='{"findings": [{"cwe": "CWE-89", "path": "app', stop="max_tokens"),
                    reply(findings(finding_args())), reply(findings()))
    result = scan(app_repo)
    run = result.run
    assert run.status is RunStatus.COMPLETE and len(run.findings) == 1
    assert "cut off at the output token limit" in user_text(fake_llm.requests[1])
    extra = dict(run.provenance.extra)
    assert (extra[f"{NAME}.truncated_replies"], extra[f"{NAME}.reasks"]) == ("1", "1")
    assert extra[f"{NAME}.replies"] == "1 cut off at the output limit, 1 re-asks sent"
    assert not any("replies" in w for w in result.warnings)


def test_findings_on_invented_paths_or_lines_are_dropped_and_counted(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    fake_llm.script(reply(findings(
        finding_args(path="lib/util.py", line=1, quote="def helper():"),
        finding_args(path="/etc/passwd", line=1, quote="root"),
        finding_args(line=999),
        finding_args(severity="catastrophic"),
        finding_args(path="./app.py"))), reply(findings()))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    assert [(f.path, f.span.start_line) for f in run.findings] == [("app.py", 14)]
    extra = dict(run.provenance.extra)
    assert (extra[f"{NAME}.invented_paths"], extra[f"{NAME}.invented_lines"],
            extra[f"{NAME}.invalid_findings"]) == ("2", "1", "1")


def test_a_budget_stop_leaves_the_rest_not_reviewed_with_the_reason(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", budget={"max_steps": 1},
                                              **SINGLE)})
    fake_llm.script(reply(findings()))
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE
    assert run.reasons[0].endswith("budget: max_steps 1 reached")
    [gap] = run.coverage.gaps
    assert gap.path == "lib/util.py" and gap.detail == "not reviewed: budget: max_steps 1 reached"


def test_an_identical_scan_is_served_from_the_cache_and_another_mode_is_not(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    fake_llm.script(reply(findings(finding_args())), reply(findings()))
    first = scan(app_repo).run
    again = scan(app_repo).run
    assert len(fake_llm.requests) == 2 and again.metrics.cache.hits == 1
    assert again.findings == first.findings and again.coverage.analyzed == 2
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", structured_output="none",
                                              **SINGLE)}, commit=False)
    fake_llm.script(reply(findings()), reply(findings()))
    other = scan(app_repo).run
    assert len(fake_llm.requests) == 4 and other.findings == ()
    assert dict(other.provenance.scanners[0].extra)["structured_output"] == "none"


def test_an_endpoint_that_refuses_the_schema_format_gets_a_hint(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    fake_llm.script(Turn(status=400, message="response_format.type: Input should be 'text' "
                                             "or 'json_object'"))
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE
    assert run.reasons[0].endswith('(the endpoint does not take response_format json_schema: '
                                   'set structured_output = "json_object")')
    assert {g.path for g in run.coverage.gaps} == {"app.py", "lib/util.py"}


def test_an_empty_file_needs_no_request_and_counts_as_reviewed(
        repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("pkg/__init__.py", "")
    configure(repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    fake_llm.script(reply(findings()))
    run = scan(repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    assert len(fake_llm.requests) == 1 and 'File: "app.py"' in user_text(fake_llm.requests[0])
    assert (run.coverage.analyzed, run.coverage.in_scope) == (2, 2)


def test_a_reply_only_about_code_not_shown_does_not_make_the_file_reviewed(
        app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    # a weak model answers app.py's request with a finding on another file, twice: the
    # re-ask says why, and app.py is listed as not reviewed; control: a re-ask answered
    # with an empty list makes it reviewed
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", **SINGLE)})
    elsewhere = finding_args(path="lib/util.py", line=1, quote="def helper():")
    fake_llm.script(reply(findings(elsewhere)), reply(findings(elsewhere)), reply(findings()))
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE and run.findings == ()
    assert "another file or lines that were not shown" in user_text(fake_llm.requests[1])
    [gap] = run.coverage.gaps
    assert gap.path == "app.py" and "every finding named another file" in gap.detail
    assert dict(run.provenance.extra)[f"{NAME}.invented_paths"] == "2"

    fake_llm.script(reply(findings(elsewhere)), reply(findings()), reply(findings()))
    control = scan(app_repo).run
    assert control.status is RunStatus.COMPLETE and control.coverage.gaps == ()

