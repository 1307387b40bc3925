"""Matching: hand-computed cases and properties (symmetry, identity, disjointness, order)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.measure.matching import content_key, jaccard, jaccard_of, match
from assay.model import Finding, Severity
from tests.measure.factories import finding


def test_identical_sets_match_completely() -> None:
    a = [finding(start=10), finding("lib.py", 3, cwe=79)]
    result = match(a, list(reversed(a)))
    assert len(result.pairs) == 2
    assert result.left_only == () and result.right_only == ()
    assert result.jaccard == 1.0


def test_line_tolerance_boundary() -> None:
    # [10,10] widened by 3 reaches 13, not 14
    assert jaccard([finding(start=10)], [finding(start=13)], tolerance=3) == 1.0
    assert jaccard([finding(start=10)], [finding(start=14)], tolerance=3) == 0.0
    assert jaccard([finding(start=10)], [finding(start=14)], tolerance=4) == 1.0


def test_tolerance_zero_means_exact_keys() -> None:
    assert jaccard([finding(start=10, end=12)], [finding(start=10, end=12)], 0) == 1.0
    assert jaccard([finding(start=10, end=12)], [finding(start=10, end=11)], 0) == 0.0
    assert jaccard([finding(start=10, end=12)], [finding(start=10, end=11)], 1) == 1.0


def test_family_and_path_must_agree() -> None:
    assert jaccard([finding(cwe=89)], [finding(cwe=79)]) == 0.0
    assert jaccard([finding("a.py")], [finding("b.py")]) == 0.0
    # without a CWE the rule id is the family
    assert jaccard([finding(cwe=None, rule="B602")], [finding(cwe=None, rule="B602")]) == 1.0
    assert jaccard([finding(cwe=None, rule="B602")], [finding(cwe=None, rule="B603")]) == 0.0
    # a CWE wins over the rule id: different scanners agree on CWE-89
    assert jaccard([finding(rule="x", scanner="a")], [finding(rule="y", scanner="b")]) == 1.0


def test_one_to_one_prefers_the_closest_pair() -> None:
    result = match([finding(start=10), finding(start=11)], [finding(start=11)])
    assert [(m.left.span.start_line, m.right.span.start_line) for m in result.pairs] == [(11, 11)]
    assert [f.span.start_line for f in result.left_only] == [10]
    assert result.jaccard == pytest.approx(1 / 2)


def test_greedy_tie_break_by_content_worked_by_hand() -> None:
    # candidates: (5,3) d=4, (1,3) d=4, (5,8) d=6; (1,8) is 7 lines apart.
    # The tie at d=4 goes to the pair with the smaller content key: (1,3). Then (5,8).
    a = [finding(start=5), finding(start=1)]
    b = [finding(start=3), finding(start=8)]
    pairs = {(m.left.span.start_line, m.right.span.start_line) for m in match(a, b).pairs}
    assert pairs == {(1, 3), (5, 8)}
    back = {(m.right.span.start_line, m.left.span.start_line) for m in match(b, a).pairs}
    assert back == pairs


def test_jaccard_counts() -> None:
    assert jaccard_of(0, 0, 0) == 1.0
    assert jaccard_of(2, 3, 4) == pytest.approx(2 / 5)
    assert jaccard([], [finding()]) == 0.0


def test_negative_tolerance_is_rejected() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        jaccard([finding()], [finding()], tolerance=-1)


# --- properties -------------------------------------------------------------------------

findings_st = st.builds(
    lambda path, cwe, rule, start, length, sev: finding(path, start, start + length, cwe,
                                                        sev, rule=rule),
    st.sampled_from(["a.py", "b.py"]), st.sampled_from([79, 89, None]),
    st.sampled_from(["r1", "r2"]), st.integers(1, 25), st.integers(0, 3),
    st.sampled_from([Severity.HIGH, Severity.LOW]))
sets_st = st.lists(findings_st, max_size=12)
tolerance_st = st.integers(0, 4)


def _pairs(left: list[Finding], right: list[Finding], tol: int) -> Counter[tuple[object, ...]]:
    return Counter((content_key(m.left), content_key(m.right))
                   for m in match(left, right, tol).pairs)


@settings(max_examples=200, deadline=None)
@given(sets_st, sets_st, tolerance_st)
def test_symmetric(a: list[Finding], b: list[Finding], tol: int) -> None:
    assert jaccard(a, b, tol) == jaccard(b, a, tol)
    swapped = Counter((right, left) for left, right in _pairs(b, a, tol).elements())
    assert _pairs(a, b, tol) == swapped


@settings(max_examples=150, deadline=None)
@given(st.data(), sets_st, tolerance_st)
def test_identical_runs_measure_one(data: st.DataObject, a: list[Finding], tol: int) -> None:
    shuffled = data.draw(st.permutations(a))
    assert jaccard(a, shuffled, tol) == 1.0


@settings(max_examples=150, deadline=None)
@given(sets_st, sets_st, tolerance_st)
def test_disjoint_runs_measure_zero(a: list[Finding], b: list[Finding], tol: int) -> None:
    only_a = [f for f in a if f.path == "a.py"]
    only_b = [f for f in b if f.path == "b.py"]
    expected = 1.0 if not only_a and not only_b else 0.0
    assert jaccard(only_a, only_b, tol) == expected


@settings(max_examples=200, deadline=None)
@given(st.data(), sets_st, sets_st, tolerance_st)
def test_invariant_to_input_order(data: st.DataObject, a: list[Finding], b: list[Finding],
                                  tol: int) -> None:
    a2 = data.draw(st.permutations(a))
    b2 = data.draw(st.permutations(b))
    assert _pairs(a, b, tol) == _pairs(a2, b2, tol)
    assert match(a, b, tol) == match(a2, b2, tol)


@settings(max_examples=150, deadline=None)
@given(sets_st, sets_st, tolerance_st)
def test_one_to_one_and_bounded(a: list[Finding], b: list[Finding], tol: int) -> None:
    result = match(a, b, tol)
    assert len(result.pairs) + len(result.left_only) == len(a)
    assert len(result.pairs) + len(result.right_only) == len(b)
    assert 0.0 <= result.jaccard <= 1.0
    for m in result.pairs:
        assert m.left.family == m.right.family and m.left.path == m.right.path
        assert m.left.span.overlaps(m.right.span, tol)
