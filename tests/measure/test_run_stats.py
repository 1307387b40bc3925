"""Statistics over repeated runs: the unit is the run, never a pooled repeat.

The bootstrap over runs is checked against an independent computation: the same seeded
draws of run indices, means taken with numpy and percentiles with scipy.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from scipy.stats.mstats import mquantiles

from assay.measure.evaluate import evaluate
from assay.measure.stats import run_mean
from assay.measure.truth import Granularity, Truth, TruthItem
from assay.model import Span
from tests.measure.factories import finding, run

VALUES = st.lists(st.one_of(st.none(), st.floats(0.0, 1.0)), min_size=1, max_size=12)


def independent_interval(values: list[float], seed: int, resamples: int,
                         confidence: float = 0.95) -> tuple[float, float]:
    """The documented estimator written again: `random.Random(seed)` draws n run indices
    with replacement per resample; numpy averages; scipy's type-7 quantiles (linear
    interpolation) give the percentile interval."""
    rng = random.Random(seed)
    data = np.asarray(values, dtype=float)
    means = [float(np.mean(data[[rng.randrange(len(data)) for _ in range(len(data))]]))
             for _ in range(resamples)]
    alpha = (1 - confidence) / 2
    low, high = mquantiles(means, prob=[alpha, 1 - alpha], alphap=1, betap=1)
    return float(low), float(high)


@settings(max_examples=60, deadline=None)
@given(values=VALUES, seed=st.integers(0, 2**32), resamples=st.integers(100, 600))
def test_run_mean_matches_an_independent_bootstrap(values: list[float | None], seed: int,
                                                   resamples: int) -> None:
    result = run_mean(values, seed, resamples)
    defined = [v for v in values if v is not None]
    assert result.runs == len(values) and result.scored == len(defined)
    if not defined:
        assert result.value is None and result.interval is None
        return
    assert result.value == pytest.approx(float(np.mean(defined)))
    if len(defined) < 2:
        assert result.interval is None
        return
    assert result.interval is not None
    low, high = independent_interval(defined, seed, resamples)
    assert result.interval.low == pytest.approx(low, abs=1e-12)
    assert result.interval.high == pytest.approx(high, abs=1e-12)
    assert min(defined) - 1e-12 <= result.interval.low <= result.interval.high \
        <= max(defined) + 1e-12


def test_seven_repeats_are_not_seven_observations() -> None:
    # The same two findings (one real, one not) reported by 7 runs of one scanner.
    truth = Truth((TruthItem("app.py", 89, True, Span(10, 10)),), Granularity.FINDING)
    runs = [run(f"r{i}", [finding("app.py", 10), finding("x.py", 1)]) for i in range(7)]
    (s,) = evaluate(runs, truth, seed=3, resamples=500).scanners
    # pooled repeats would be 7/14 with a Wilson interval of about [0.27, 0.73]
    assert (s.scores.precision.successes, s.scores.precision.total) == (1, 2)
    expected = binomtest(1, 2).proportion_ci(method="wilson")
    assert s.scores.precision.interval.low == pytest.approx(expected.low)
    assert s.scores.precision.interval.high == pytest.approx(expected.high)
    assert s.spread is not None and s.spread.seed == 3 and s.spread.resamples == 500
    # every run scored 1/2: the runs agree, so the interval over runs is a point
    assert s.spread.precision.value == 0.5
    assert s.spread.precision.interval is not None
    assert (s.spread.precision.interval.low, s.spread.precision.interval.high) == (0.5, 0.5)


def test_one_run_keeps_its_wilson_interval() -> None:
    truth = Truth((TruthItem("app.py", 89, True, Span(10, 10)),), Granularity.FINDING)
    (s,) = evaluate([run("r", [finding("app.py", 10), finding("x.py", 1)])], truth).scanners
    assert not s.distinct and s.spread is None
    assert (s.scores.precision.successes, s.scores.precision.total) == (1, 2)


def test_truth_naming_no_file_of_the_tree_is_an_error() -> None:
    from assay.measure.errors import MeasureError

    truth = Truth((TruthItem("elsewhere/app.py", 89, True, Span(10, 10)),),
                  Granularity.FINDING)
    with pytest.raises(MeasureError, match="none of the 1 truth items names a file"):
        evaluate([run("r", [finding("app.py", 10)])], truth, files={"app.py"})
