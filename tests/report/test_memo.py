"""The memo built from hand-made runs: contents, determinism, Markdown and JSON."""

from __future__ import annotations

import json
import re

import pytest

from assay.measure.errors import MeasureError
from assay.measure.evaluate import evaluate
from assay.report.compose import build_memo
from assay.report.html import memo_to_html
from assay.report.markdown_memo import memo_to_markdown
from tests.report.fixtures import COMMIT_A, finding, make_run, mixed_runs, small_truth

FIGURES = ["drift", "support", "jaccard", "variance", "latency", "tokens", "coverage"]


def test_memo_has_every_figure_and_plain_summary() -> None:
    memo = build_memo(mixed_runs())
    assert [c.key for c in memo.charts] == FIGURES
    assert [n.key for n in memo.missing] == ["accuracy"]
    text = " ".join(memo.summary)
    assert "11 runs of 2 scanner setups (bandit, llm) on 2 commits" in text
    assert "bandit: repeated runs on the same code reported exactly the same findings" in text
    # llm at commit A: 4 complete runs; db.py found by all 4 (lines 9-11 within tolerance),
    # auth.py by 2, views.py by 1 -> 3 distinct findings, 1 singleton, 2 severity flips.
    assert "1 of 3 distinct findings appeared in only one run" in text
    assert "2 findings changed severity" in text
    assert "1 of 11 runs did not analyze everything in scope, 1 of them refused" in text
    assert "46,200 language-model tokens" in text


def test_support_table_counts_runs_per_finding() -> None:
    memo = build_memo(mixed_runs())
    support = next(c for c in memo.charts if c.key == "support")
    rows = {(r[0], r[1]): r[2] for r in support.data.rows}
    # bandit: 2 commits x 2 findings, each found by all 3 runs.
    assert rows[("bandit", "3")] == "4"
    assert rows[("bandit", "1")] == "0"
    assert (rows[("llm", "1")], rows[("llm", "2")], rows[("llm", "4")]) == ("1", "1", "1")


def test_incomplete_and_provenance_tables() -> None:
    memo = build_memo(mixed_runs())
    assert [r[0] for r in memo.incomplete.rows] == ["llm-a9"]
    row = dict(zip(memo.incomplete.columns, memo.incomplete.rows[0], strict=True))
    assert row["Outcome"] == "refused"
    assert "model refused to answer" in row["Why"]
    assert "1 timeout" in row["Why"]
    assert len(memo.provenance.rows) == 11
    llm = dict(zip(memo.provenance.columns, memo.provenance.rows[-1], strict=True))
    assert "model=test-model-2025-01-01" in llm["Model / prompt / settings"]
    assert llm["Commit"] == COMMIT_A[:12]


def test_html_is_self_contained_and_deterministic() -> None:
    first = memo_to_html(build_memo(mixed_runs()))
    second = memo_to_html(build_memo(list(reversed(mixed_runs()))))
    assert first == second
    assert first.count("<svg") == len(FIGURES)
    assert not re.search(r"""(src|href)=["']https?:""", first)
    assert "<script" not in first
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert len(ids) == len(set(ids)), "element ids must be unique across inline SVGs"


def test_markdown_gives_numbers_for_each_figure() -> None:
    memo = build_memo(mixed_runs())
    text = memo_to_markdown(memo)
    assert text.startswith("# Security scanner measurement\n")
    for chart in memo.charts:
        assert f"### {chart.title}" in text
    assert "<svg" not in text
    assert "| llm-a9 | llm | refused |" in text


def test_json_document_is_versioned() -> None:
    doc = build_memo(mixed_runs()).to_document()
    assert doc["schema"] == "assay.report/1"
    assert [f["key"] for f in doc["figures"]] == FIGURES
    assert doc["facts"]["outcomes"] == {"complete": 10, "incomplete": 0, "refused": 1}
    json.dumps(doc)


def test_single_runs_explain_missing_drift() -> None:
    runs = [make_run("b1", "bandit", COMMIT_A, [finding("bandit", "a.py", 1)]),
            make_run("s1", "semgrep", COMMIT_A, [finding("semgrep", "a.py", 2)])]
    memo = build_memo(runs)
    assert [c.key for c in memo.charts] == ["variance", "latency", "coverage"]
    missing = {n.key: n.text for n in memo.missing}
    assert "more than once on the same commit" in missing["drift"]
    assert "no stage used a language model" in missing["tokens"]
    variance = memo.charts[0].data.rows
    assert variance == (("bandit", "semgrep", "1.00", "1"),)


def test_no_runs_is_an_error() -> None:
    with pytest.raises(MeasureError, match="no runs"):
        build_memo([])


def test_memo_with_truth_shows_precision_and_recall() -> None:
    truth = small_truth()
    runs = mixed_runs()
    memo = build_memo(runs, evaluation=evaluate(runs, truth))
    assert [c.key for c in memo.charts][:4] == ["drift", "support", "jaccard", "accuracy"]
    accuracy = next(c for c in memo.charts if c.key == "accuracy")
    rows = {r[0].split(",")[0]: r for r in accuracy.data.rows}
    # Bandit ran 3 times at each commit: each commit is scored on its own, and the same
    # finding found by 3 runs counts once (db.py true positive, hash.py false positive,
    # views.py missed), never 3 times.
    a, b = rows[f"bandit (commit {COMMIT_A[:12]}"], rows["bandit (commit " + "b" * 12]
    assert a[1:5] == b[1:5] == ("1", "1", "1", "0.50")
    text = " ".join(memo.summary)
    assert f"bandit (commit {COMMIT_A[:12]}, whole tree, configuration" in text
    assert "50% of its scored findings were real" in text
    assert "it found 50% of the known vulnerabilities" in text
    names = [name for name, _ in memo.tables]
    assert names[0] == "Accuracy per CWE"
    assert "Consensus: findings kept when k of N runs agree" in names
    html = memo_to_html(memo)
    assert html.count("<svg") == len(FIGURES) + 1


def test_the_trust_table_lists_the_most_severe_llm_findings_and_counts_them_all() -> None:
    from dataclasses import replace

    from assay.model import Severity
    from assay.report.trust_section import MAX_ROWS

    found = [replace(finding("llm", f"app/m{i}.py", 3, severity=Severity.LOW),
                     fingerprint=f"{i:032x}") for i in range(80)]
    found.append(replace(finding("llm", "app/zz.py", 9, severity=Severity.CRITICAL),
                         fingerprint="f" * 32))
    text = memo_to_markdown(build_memo([make_run("r1", "llm", COMMIT_A, found)]))
    section = text.split("## LLM findings and their trust states", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| app/")]
    assert len(rows) == MAX_ROWS and rows[0].startswith("| app/zz.py:9")
    assert f"the {MAX_ROWS} most severe of 81" in text


def test_runs_that_found_nothing_are_not_called_repeatable_or_precise() -> None:
    # three runs with no finding agree by definition: the memo says so, and a scanner with
    # no scored finding has no precision (not "-% of its findings were real"); control: a
    # scanner with identical findings is called repeatable
    empty = [make_run(f"e{i}", "llm", COMMIT_A, []) for i in range(3)]
    same = [make_run(f"b{i}", "bandit", COMMIT_A, [finding("bandit", "db.py", 3)])
            for i in range(3)]
    memo = build_memo([*empty, *same], evaluation=evaluate([*empty, *same], small_truth()))
    text = " ".join(memo.summary)
    assert "reported any finding; they agree by definition" in text
    assert "no finding in any of its 3 complete runs" in text
    assert "precision is undefined" in text
    assert "- of its scored findings" not in text
    assert re.search(r"bandit[^:]*: repeated runs on the same code reported exactly the same",
                     text)
