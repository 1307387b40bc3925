"""Trust in the human outputs, on plain values: states, phantoms apart, blocking, table
rows (severity order, columns merged, messages cut at a word)."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO

from assay.formats import trust_view as tv
from assay.formats.markdown import run_to_markdown
from assay.model import Severity, Span, Verification
from assay.report.terminal import buffer_console
from assay.report.text import render_run
from assay.workflow.baseline import Comparison, empty_baseline
from assay.workflow.decision import LlmItem, decide
from assay.workflow.states import State
from tests.workflow.factories import finding, llm_finding, run

LONG = ("User input flows into a SQL query built by string concatenation in the handler "
        "of the user route, which allows an attacker to read every table")


def test_states_and_what_blocks() -> None:
    det = finding(fp="d1")
    llm = llm_finding("l1", line=5)
    ghost = replace(llm_finding("g1", line=9), verification=Verification.UNSUPPORTED)
    r = run([det, llm, ghost])
    assert [tv.state_of(f) for f in (det, llm, ghost)] == ["", "unverified", "unsupported"]
    assert tv.state_of(llm, {"l1": "proven"}) == "proven"
    assert r.blocking(Severity.HIGH) == (det,)
    assert tv.blocking(r, "high", {"l1": "proven", "g1": "proven"}) == (det, llm)
    assert tv.scan_exit_code(run([llm, ghost]), "high") == 0
    assert tv.scan_exit_code(run([llm]), "high", {"l1": "proven"}) == 1
    assert tv.scan_exit_code(run([det], complete=False), "high") == 3
    assert tv.summary_line(r, "high").startswith(
        "2 finding(s) (2 high), 1 of them unverified LLM finding(s) that cannot block; "
        "not counted: 1 finding whose quoted code is not in the file;")
    assert tv.summary_line(r, "high").endswith("status COMPLETE, BLOCKED at high")


def test_rows_follow_severity_then_path_and_merge_columns() -> None:
    low = finding("a.py", 1, fp="1", severity=Severity.LOW)
    high_b = finding("b.py", 7, fp="2")
    high_a = finding("a.py", 30, fp="3")
    col5 = replace(high_a, span=Span(30, 30, 5), fingerprint="4")
    col19 = replace(high_a, span=Span(30, 30, 19), fingerprint="5")
    rows = tv.rows([low, high_b, col19, col5])
    assert [(r.location, r.finding.severity) for r in rows] == [
        ("a.py:30, cols 5, 19", Severity.HIGH), ("b.py:7", Severity.HIGH),
        ("a.py:1", Severity.LOW)]
    assert len(tv.rows([high_a, high_b, low])) == 3


def test_messages_are_cut_at_a_word_boundary() -> None:
    cut = tv.shorten(LONG, 48)
    assert cut == "User input flows into a SQL query built by…"
    assert len(cut) <= 48 and tv.shorten("short", 48) == "short"
    assert tv.shorten("first line\nsecond", 48) == "first line"
    assert tv.shorten("x" * 60, 10) == "x" * 9 + "…"


def test_the_gate_does_not_count_phantoms_as_needing_review() -> None:
    real, ghost = llm_finding("l1"), replace(llm_finding("g1", line=9),
                                             verification=Verification.UNSUPPORTED)
    r = run([real, ghost])
    d = decide(r, Comparison(empty_baseline(), (), ()), [LlmItem(real, State.UNVERIFIED),
                                                     LlmItem(ghost, State.UNVERIFIED)],
               "high", [])
    assert d.needs_review == (real,)
    assert "not counted: 1 LLM finding(s) whose quoted code is not in the file" in d.reasons


def test_text_and_markdown_show_states_and_list_phantoms_apart() -> None:
    det = replace(finding(fp="d1"), message=LONG)
    r = run([det, llm_finding("l1", line=5), replace(llm_finding("g1", line=9),
                                                    verification=Verification.UNSUPPORTED)])
    buffer = StringIO()
    render_run(r, buffer_console(buffer, width=100), fail_on="high")
    text = buffer.getvalue()
    table, rest = text.split("not counted", 1)
    assert "unverified" in table and "app.py:9" not in table
    assert "app.py:9" in rest and "unsupported" not in table
    assert "blocked: 1 finding at or above high: bandit/B608 at app.py:3" in text
    assert max(len(line) for line in text.splitlines() if "│" in line) <= 100
    md = run_to_markdown(r, "high")
    findings = md.split("## Findings", 1)[1].split("## Not counted", 1)[0]
    assert "| high | unverified | llm/sqli |" in findings and "`app.py:9`" not in findings
    assert "> **blocked: 1 finding at or above high: bandit/B608 at app.py:3**" in md
