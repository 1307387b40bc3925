"""Drift metrics on small fixtures worked out by hand, and the bad-input cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.measure.drift import measure_drift
from assay.measure.errors import MeasureError
from assay.measure.support import cluster_runs
from assay.model import RunStatus, Severity
from tests.measure.factories import finding, run
from tests.measure.test_matching import sets_st


def three_runs() -> list:
    """a: {a.py:10, b.py:5}  b: {a.py:12, c.py:5}  c: {a.py:11 (low), b.py:5}.

    Pairwise (tolerance 3): a-b 1/3, a-c 2/2 = 1, b-c 1/3; mean 5/9, median 1/3.
    Clusters: a.py (3 runs; high, high, low: a severity flip), b.py (2 runs), c.py (1 run).
    """
    return [
        run("a", [finding("a.py", 10), finding("b.py", 5)], tokens_in=100, tokens_out=10,
            cost=0.5, seconds=2.0),
        run("b", [finding("a.py", 12), finding("c.py", 5, severity=Severity.LOW)]),
        run("c", [finding("a.py", 11, severity=Severity.LOW), finding("b.py", 5)]),
    ]


def test_pairwise_jaccard_by_hand() -> None:
    report = measure_drift(three_runs())
    (commit,) = report.commits
    assert commit.jaccard is not None
    values = {(p.left, p.right): p.jaccard for p in commit.jaccard.pairs}
    assert values == pytest.approx({("a", "b"): 1 / 3, ("a", "c"): 1.0, ("b", "c"): 1 / 3})
    assert commit.jaccard.mean == pytest.approx(5 / 9)
    assert commit.jaccard.min == pytest.approx(1 / 3)
    assert commit.jaccard.median == pytest.approx(1 / 3)
    interval = commit.jaccard.interval
    assert interval is not None and 1 / 3 <= interval.low <= 5 / 9 <= interval.high <= 1.0


def test_support_singletons_and_flips_by_hand() -> None:
    (commit,) = measure_drift(three_runs()).commits
    assert commit.support == {1: 1, 2: 1, 3: 1}
    assert [(s.run_id, s.finding.path) for s in commit.singletons] == [("b", "c.py")]
    assert len(commit.flips) == 1
    assert commit.flips[0].finding.path == "a.py"
    assert commit.flips[0].severities == (("high", 2), ("low", 1))


def test_per_run_facts_and_status() -> None:
    runs = [*three_runs(), run("d", [], status=RunStatus.INCOMPLETE,
                               reasons=("refused: the model declined",)),
            run("e", [], status=RunStatus.INCOMPLETE, reasons=("budget exhausted",))]
    report = measure_drift(runs)
    (commit,) = report.commits
    assert commit.status == {"complete": 3, "incomplete": 1, "refused": 1}
    assert commit.measured == ("a", "b", "c")  # incomplete runs are listed, not scored
    facts = {r.id: r for r in commit.runs}
    assert (facts["a"].tokens, facts["a"].cost, facts["a"].wall_seconds) == (110, 0.5, 2.0)
    assert facts["d"].outcome == "refused" and facts["e"].outcome == "incomplete"
    assert commit.jaccard is not None and commit.jaccard.mean == pytest.approx(5 / 9)


def test_identical_runs_measure_one() -> None:
    same = [finding("a.py", 3), finding("b.py", 7, cwe=79)]
    report = measure_drift([run(str(i), same) for i in range(5)])
    assert report.jaccard is not None
    assert (report.jaccard.mean, report.jaccard.min, report.jaccard.median) == (1.0, 1.0, 1.0)
    assert report.jaccard.interval is not None
    assert (report.jaccard.interval.low, report.jaccard.interval.high) == (1.0, 1.0)
    assert report.support == {1: 0, 2: 0, 3: 0, 4: 0, 5: 2}
    assert report.singletons == 0 and report.flips == 0


def test_per_commit_and_overall() -> None:
    other = [run("x", [finding()], commit="beef"), run("y", [finding()], commit="beef")]
    report = measure_drift([*three_runs(), *other])
    assert [c.commit for c in report.commits] == ["beef", "c0ffee"]
    assert report.jaccard is not None
    # pooled pairs: 1/3, 1, 1/3 at c0ffee and 1 at beef
    assert report.jaccard.mean == pytest.approx((1 / 3 + 1 + 1 / 3 + 1) / 4)
    assert report.support == {1: 1, 2: 2, 3: 1}
    assert report.status == {"complete": 5, "incomplete": 0, "refused": 0}


def test_order_of_runs_does_not_matter() -> None:
    runs = three_runs()
    assert measure_drift(runs) == measure_drift(list(reversed(runs)))
    assert cluster_runs(runs) == cluster_runs([runs[1], runs[2], runs[0]])


def test_seeded_interval_is_reproducible() -> None:
    assert measure_drift(three_runs(), seed=4) == measure_drift(three_runs(), seed=4)


def test_fewer_than_two_complete_runs_measure_nothing() -> None:
    report = measure_drift([run("a", [finding()]),
                            run("b", [], status=RunStatus.INCOMPLETE, reasons=("timeout",))])
    assert report.jaccard is None and report.commits[0].jaccard is None


def test_a_lonely_commit_is_listed_apart_and_not_pooled() -> None:
    report = measure_drift([*three_runs(), run("x", [finding()], commit="beef")])
    lonely, repeated = report.commits
    assert lonely.commit == "beef" and lonely.jaccard is None and len(lonely.runs) == 1
    assert repeated.jaccard is not None and repeated.jaccard.mean == pytest.approx(5 / 9)
    assert report.measured


def test_runs_without_any_repeat_are_a_clear_error() -> None:
    with pytest.raises(MeasureError, match=r"different commits, scopes or configurations "
                                           r"are mixed: commit beef.*1 run"):
        measure_drift([run("a", [finding()]), run("x", [finding()], commit="beef")])


def test_empty_and_single_run_sets_are_errors() -> None:
    with pytest.raises(MeasureError, match="no runs"):
        measure_drift([])
    with pytest.raises(MeasureError, match="at least 2 runs"):
        measure_drift([run("a", [finding()])])


def test_runs_of_different_scanners_are_an_error() -> None:
    with pytest.raises(MeasureError, match="one scanner") as info:
        measure_drift([run("a", scanner="bandit"), run("b", scanner="semgrep")])
    assert "assay compare" in info.value.hint


# --- properties -------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.lists(sets_st, min_size=2, max_size=5), st.data(), st.integers(0, 3))
def test_drift_is_invariant_to_the_order_of_runs_and_findings(
        sets: list, data: st.DataObject, tol: int) -> None:
    runs = [run(f"r{i}", found) for i, found in enumerate(sets)]
    shuffled = [run(r.id, data.draw(st.permutations(r.findings))) for r in runs]
    shuffled = data.draw(st.permutations(shuffled))
    a, b = measure_drift(runs, tol, resamples=50), measure_drift(shuffled, tol, resamples=50)
    assert a == b
    (commit,) = a.commits
    assert sum(k * v for k, v in commit.support.items()) == sum(len(s) for s in sets)


@settings(max_examples=60, deadline=None)
@given(sets_st, st.integers(2, 5), st.integers(0, 3))
def test_identical_runs_are_fully_supported(found: list, n: int, tol: int) -> None:
    report = measure_drift([run(f"r{i}", found) for i in range(n)], tol, resamples=50)
    assert report.jaccard is not None and report.jaccard.min == 1.0
    assert report.support[n] == len(found) and report.singletons == 0
