"""Statistical helpers against hand values and scipy's implementations of the same methods."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from assay.measure.stats import (
    bootstrap_ci,
    bootstrap_mean_ci,
    bootstrap_strata,
    median,
    percentile_interval,
    proportion,
    quantile,
    wilson,
)


def test_wilson_by_hand() -> None:
    # 8/10 at 95%: z = 1.959964; center = (16 + z²) / (2 (10 + z²)), ...
    z = 1.959963984540054
    center = (2 * 10 * 0.8 + z * z) / (2 * (10 + z * z))
    delta = z / (2 * (10 + z * z)) * math.sqrt(4 * 10 * 0.8 * 0.2 + z * z)
    interval = wilson(8, 10)
    assert interval.low == pytest.approx(center - delta)
    assert interval.high == pytest.approx(center + delta)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.4902, 0.9433)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_matches_scipy(kn: tuple[int, int], confidence: float) -> None:
    k, n = kn
    expected = sps.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    got = wilson(k, n, confidence)
    assert got.low == pytest.approx(expected.low, abs=1e-12)
    assert got.high == pytest.approx(expected.high, abs=1e-12)


def test_wilson_edges() -> None:
    assert wilson(0, 0) == wilson(0, 0, 0.95)
    assert (wilson(0, 0).low, wilson(0, 0).high) == (0.0, 1.0)
    assert wilson(0, 5).low == 0.0 and wilson(5, 5).high == 1.0
    assert proportion(0, 0).value is None and proportion(3, 4).value == 0.75
    with pytest.raises(ValueError):
        wilson(3, 2)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40), st.floats(0, 1))
def test_quantile_matches_numpy_linear(values: list[float], q: float) -> None:
    assert quantile(values, q) == pytest.approx(float(np.quantile(values, q)), rel=1e-9,
                                                abs=1e-6)


def test_median_by_hand() -> None:
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5


def test_percentile_interval_matches_scipy_on_the_same_distribution() -> None:
    rng = np.random.default_rng(7)
    distribution = list(rng.normal(size=999))
    ours = percentile_interval(distribution, 0.95)
    assert ours is not None
    expected = sps.quantile(np.asarray(distribution), [0.025, 0.975])
    assert (ours.low, ours.high) == pytest.approx((float(expected[0]), float(expected[1])))


def test_bootstrap_mean_agrees_with_scipy_percentile_method() -> None:
    data = [0.2, 0.4, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0, 1.0, 0.3]
    ours = bootstrap_mean_ci(data, seed=3, resamples=20000)
    theirs = sps.bootstrap((np.asarray(data),), np.mean, n_resamples=20000, method="percentile",
                           random_state=3).confidence_interval
    assert ours is not None
    # different random streams: the same method agrees to Monte Carlo error
    assert ours.low == pytest.approx(theirs.low, abs=0.015)
    assert ours.high == pytest.approx(theirs.high, abs=0.015)


def test_bootstrap_is_seeded_and_skips_unscorable_draws() -> None:
    data = [0.1, 0.5, 0.9, 0.3]
    assert bootstrap_mean_ci(data, seed=1) == bootstrap_mean_ci(data, seed=1)
    assert bootstrap_mean_ci(data, seed=1) != bootstrap_mean_ci(data, seed=2)
    assert bootstrap_mean_ci([], seed=1) is None
    assert bootstrap_ci(3, lambda ix: None, seed=0) is None
    constant = bootstrap_mean_ci([0.5] * 5, seed=0)
    assert constant is not None and (constant.low, constant.high) == (0.5, 0.5)


def test_stratified_draws_stay_inside_each_stratum() -> None:
    seen: list[list[list[int]]] = []

    def statistic(draws: list[list[int]]) -> float:
        seen.append(draws)
        return 0.0

    bootstrap_strata([2, 5], statistic, seed=0, resamples=50)
    assert all(len(d[0]) == 2 and len(d[1]) == 5 for d in seen)
    assert all(0 <= i < 2 for d in seen for i in d[0])
    assert {i for d in seen for i in d[1]} == set(range(5))
