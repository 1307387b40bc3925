"""Quotes are checked against the file: a phantom quote makes a finding `unsupported`."""

from __future__ import annotations

import pytest

from assay.model import RunStatus, Verification
from assay.scanners.llm.verify import contains, quote_lines, verify_quote
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, calls, reply, scanner_config
from tests.llm.helpers import NAME, configure, finding_args, scan

LINES = VULNERABLE_APP.splitlines()


def test_phantom_quote_is_kept_flagged_and_counted(repo: GitRepo,
                                                   fake_llm: FakeLLMServer) -> None:
    repo.write("app.py", VULNERABLE_APP)
    # the model reports without reading: quotes are checked, review coverage is not tested
    configure(repo, {NAME: scanner_config(fake_llm, "openai", min_review_coverage=0)})
    fake_llm.script(
        calls(("report_finding", finding_args()),
              ("report_finding", finding_args(
                  line=20, cwe="CWE-78", title="command injection",
                  quote="os.system('ping ' + request.args['host'])")),
              ("report_finding", finding_args(path="views/admin.py", line=3, cwe="CWE-95",
                                              quote="eval(request.data)"))),
        reply("done"), reply("summary"))
    run = scan(repo).run
    assert run.status is RunStatus.COMPLETE
    by_cwe = {f.cwe: f for f in run.findings}
    assert by_cwe[89].verification is Verification.SUPPORTED
    assert by_cwe[78].verification is Verification.UNSUPPORTED
    assert by_cwe[78].path == "app.py" and by_cwe[78].span.start_line == 20
    assert by_cwe[95].path == "views/admin.py"  # no such file: a phantom too
    assert by_cwe[95].verification is Verification.UNSUPPORTED
    assert dict(run.provenance.extra)[f"{NAME}.unsupported"] == "2"
    tool_answers = [m["content"] for m in fake_llm.requests[1].body["messages"]
                    if m["role"] == "tool"]
    assert tool_answers == ["recorded finding #1", "recorded finding #2",
                            "recorded finding #3"]  # the model is not told which are phantoms


def test_duplicate_reports_are_recorded_once(repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    repo.write("app.py", VULNERABLE_APP)
    configure(repo, {NAME: scanner_config(fake_llm, "anthropic")})
    fake_llm.script(call("report_finding", finding_args()),
                    call("report_finding", finding_args()), reply("done"), reply("summary"))
    run = scan(repo).run
    assert len(run.findings) == 1
    assert "duplicate of finding #1" in fake_llm.requests[2].raw


@pytest.mark.parametrize(("quote", "expected"), [
    ("pickle.loads(request.data)", Verification.SUPPORTED),
    ("    19|     return str(pickle.loads(request.data))", Verification.SUPPORTED),
    ('def load():\n    return   str(pickle.loads(request.data))', Verification.SUPPORTED),
    ("pickle.loads(request.json)", Verification.UNSUPPORTED),
    ("def load():\n    return yaml.load(request.data)", Verification.UNSUPPORTED),
    ("", Verification.UNSUPPORTED),
])
def test_verify_quote(quote: str, expected: Verification) -> None:
    assert verify_quote(quote, [LINES]) is expected


def test_multi_line_quotes_need_consecutive_lines() -> None:
    assert contains(LINES, quote_lines('name = request.args.get("name")\n'
                                       'db = sqlite3.connect("app.db")'))
    assert not contains(LINES, quote_lines('name = request.args.get("name")\n'
                                           'return str(pickle.loads(request.data))'))
