"""Precision/recall/F1, OWASP-style per-file scoring and consensus tables, by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assay.measure.accuracy import score_files, score_findings
from assay.measure.evaluate import evaluate, label_precision
from assay.measure.owasp import owasp_score
from assay.measure.scores import Counts, scores
from assay.measure.stats import wilson
from assay.measure.truth import Granularity, Truth, TruthItem
from assay.model import ScannerInfo, Span
from tests.measure.factories import finding, run

LOCATIONS = (
    TruthItem("app.py", 89, True, Span(10, 10)),        # T1
    TruthItem("app.py", 79, True, Span(30, 32)),        # T2
    TruthItem("db.py", 89, True, None),                 # T3: anywhere in db.py
    TruthItem("app.py", 89, False, Span(50, 50)),       # S1: known safe
)
FINDINGS = [
    finding("app.py", 11),           # f1 -> T1: TP
    finding("app.py", 12),           # f2 -> T1 taken; matches nothing: unlabeled
    finding("app.py", 31, cwe=79),   # f3 -> T2: TP
    finding("app.py", 50),           # f4 -> S1: FP
    finding("other.py", 1, cwe=22),  # f5 -> unlabeled
]


def test_location_truth_counts_by_hand() -> None:
    outcome = score_findings(FINDINGS, LOCATIONS)
    assert outcome.counts == Counts(tp=2, fp=3, fn=1)
    assert outcome.by_cwe == {22: Counts(fp=1), 79: Counts(tp=1), 89: Counts(tp=1, fp=2, fn=1)}
    assert [i.path for i in outcome.false_negatives] == ["db.py"]
    s = scores(outcome.counts)
    assert (s.precision.value, s.recall.value, s.f1.value) == pytest.approx((2 / 5, 2 / 3, 0.5))
    assert s.precision.interval == wilson(2, 5)
    assert s.f1.interval == wilson(2, 4)


def test_partial_truth_leaves_unlabeled_findings_out() -> None:
    outcome = score_findings(FINDINGS, LOCATIONS, unlabeled_as_fp=False)
    assert outcome.counts == Counts(tp=2, fp=1, fn=1, unlabeled=2)


def test_whole_file_truth_matches_any_line() -> None:
    outcome = score_findings([finding("db.py", 200)], LOCATIONS)
    assert outcome.counts == Counts(tp=1, fp=0, fn=2)


OWASP = (
    TruthItem("BenchmarkTest00001", 22, True, category="pathtraver"),
    TruthItem("BenchmarkTest00002", 22, False, category="pathtraver"),
    TruthItem("BenchmarkTest00003", 89, True, category="sqli"),
    TruthItem("BenchmarkTest00004", 89, True, category="sqli"),
    TruthItem("BenchmarkTest00005", 89, False, category="sqli"),
)
BENCH = "src/main/java/org/example/testcode/"
BENCH_FINDINGS = [
    finding(BENCH + "BenchmarkTest00001.java", 40, cwe=22),   # TP
    finding(BENCH + "BenchmarkTest00002.java", 41, cwe=22),   # FP
    finding(BENCH + "BenchmarkTest00003.java", 50, cwe=89),   # TP
    finding(BENCH + "BenchmarkTest00004.java", 50, cwe=79),   # wrong CWE: FN
    finding(BENCH + "BenchmarkTest00099.java", 50, cwe=89),   # not a truth file: ignored
]


def test_owasp_per_file_scoring_by_hand() -> None:
    outcome = score_files(BENCH_FINDINGS, OWASP)
    assert outcome.counts == Counts(tp=2, fp=1, fn=1, tn=1)
    result = owasp_score(BENCH_FINDINGS, OWASP)
    cats = {c.category: c for c in result.categories}
    assert (cats["pathtraver"].tpr.value, cats["pathtraver"].fpr.value) == (1.0, 1.0)
    assert cats["pathtraver"].score == 0.0
    assert (cats["sqli"].tpr.value, cats["sqli"].fpr.value, cats["sqli"].score) == (0.5, 0.0, 0.5)
    assert (result.tpr, result.fpr, result.score) == pytest.approx((0.75, 0.5, 0.25))
    assert cats["sqli"].tpr.interval == wilson(1, 2)


def test_evaluate_per_scanner_and_missing_files() -> None:
    truth = Truth(OWASP, Granularity.FILE, "expected.csv")
    files = [BENCH + f"BenchmarkTest0000{i}.java" for i in range(1, 5)]
    runs = [run("r1", BENCH_FINDINGS, scanner="vendor"),
            run("r2", [finding(BENCH + "BenchmarkTest00002.java", 3, cwe=22, scanner="other")],
                scanner="other")]
    report = evaluate(runs, truth, files=files)
    assert [i.path for i in report.missing] == ["BenchmarkTest00005"]
    assert report.files_checked
    by_name = {s.scanner: s for s in report.scanners}
    assert set(by_name) == {"vendor", "other"}
    assert by_name["vendor"].scores.counts == Counts(tp=2, fp=1, fn=1, tn=0)
    assert by_name["other"].scores.counts == Counts(tp=0, fp=1, fn=3, tn=0)
    owasp = by_name["vendor"].owasp
    assert owasp is not None
    # with test 5 left out, sqli has no safe test: its FPR and score are undefined
    sqli = next(c for c in owasp.categories if c.category == "sqli")
    assert sqli.fpr.value is None and sqli.score is None
    assert (owasp.tpr, owasp.fpr, owasp.score) == pytest.approx((0.75, 1.0, 0.0))


def test_consensus_table_by_hand() -> None:
    truth = Truth((TruthItem("app.py", 89, True, Span(10, 10)),), Granularity.FINDING)
    runs = [run("r1", [finding("app.py", 10), finding("x.py", 1)], tokens_in=100),
            run("r2", [finding("app.py", 10)], tokens_in=100),
            run("r3", [finding("app.py", 11), finding("y.py", 5)], tokens_in=100, cost=1.5)]
    (s,) = evaluate(runs, truth).scanners
    rows = [(r.k, r.findings, r.scores.counts.tp, r.scores.counts.fp) for r in s.consensus]
    assert rows == [(1, 3, 1, 2), (2, 1, 1, 0), (3, 1, 1, 0)]
    assert {r.tokens for r in s.consensus} == {300} and {r.cost for r in s.consensus} == {1.5}
    # each distinct finding counts once, however many runs found it (never 3 TPs)
    assert s.distinct and s.scores.counts == Counts(tp=1, fp=2, fn=0)
    assert [r.scores.precision.value for r in s.runs] == pytest.approx([0.5, 1.0, 0.5])
    assert s.spread is not None
    assert s.spread.precision.value == pytest.approx(2 / 3)
    assert s.spread.precision.runs == 3 and s.spread.precision.scored == 3
    interval = s.spread.precision.interval
    assert interval is not None and 0.5 <= interval.low < interval.high <= 1.0
    assert s.spread.recall.value == pytest.approx(1.0)


def test_multi_scanner_runs_are_split() -> None:
    base = run("m", [finding(scanner="bandit"), finding("z.py", scanner="semgrep")])
    mixed = replace(base, provenance=replace(base.provenance, scanners=(
        ScannerInfo("bandit", "1"), ScannerInfo("semgrep", "1"))))
    truth = Truth((TruthItem("app.py", 89, True, Span(10, 10)),), Granularity.FINDING)
    report = evaluate([mixed], truth)
    assert {s.scanner: s.scores.counts.tp for s in report.scanners} == {"bandit": 1,
                                                                        "semgrep": 0}


def test_label_precision() -> None:
    rows = [("a", "true"), ("a", "true"), ("a", "false"), ("a", "unsure"), ("a", None),
            ("b", "false")]
    a, b, c = label_precision(rows, scanners=["c"])
    assert (a.true, a.false, a.unsure, a.unlabeled) == (2, 1, 1, 1)
    assert a.precision.value == pytest.approx(2 / 3) and a.precision.interval == wilson(2, 3)
    assert b.precision.value == 0.0
    assert c.scanner == "c" and c.precision.value is None
