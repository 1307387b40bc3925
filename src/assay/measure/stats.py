"""Statistical helpers: Wilson score intervals, percentiles, seeded bootstrap intervals.

Pure Python (no numpy) so that every metric can be checked by hand. Quantiles use linear
interpolation between order statistics (numpy's and scipy's default), the bootstrap is
the percentile method, and every random draw comes from `random.Random(seed)`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

DEFAULT_CONFIDENCE = 0.95
DEFAULT_RESAMPLES = 2000


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval."""

    low: float
    high: float
    confidence: float = DEFAULT_CONFIDENCE


@dataclass(frozen=True)
class Proportion:
    """`successes` out of `total`, with its Wilson interval; `value` is None when total is 0."""

    successes: int
    total: int
    interval: Interval

    @property
    def value(self) -> float | None:
        """The point estimate successes/total (None when there were no trials)."""
        return None if self.total == 0 else self.successes / self.total


def z_value(confidence: float) -> float:
    """The standard normal quantile for a two-sided interval of `confidence`."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(successes: float, total: float, confidence: float = DEFAULT_CONFIDENCE) -> Interval:
    """Wilson score interval for a binomial proportion (no continuity correction).

    With no trials the interval is the whole [0, 1]. `successes` may be fractional (the F1
    interval uses TP out of TP + (FP + FN) / 2).
    """
    if total < 0 or successes < 0 or successes > total:
        raise ValueError(f"need 0 <= successes <= total, got {successes}/{total}")
    if total == 0:
        return Interval(0.0, 1.0, confidence)
    z = z_value(confidence)
    p = successes / total
    denom = 2 * (total + z * z)
    center = (2 * total * p + z * z) / denom
    delta = z / denom * math.sqrt(4 * total * p * (1 - p) + z * z)
    low = 0.0 if successes == 0 else max(0.0, center - delta)
    high = 1.0 if successes == total else min(1.0, center + delta)
    return Interval(low, high, confidence)


def proportion(successes: int, total: int, confidence: float = DEFAULT_CONFIDENCE) -> Proportion:
    """A proportion with its Wilson interval."""
    return Proportion(successes, total, wilson(successes, total, confidence))


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation (numpy's default 'linear' method)."""
    if not values:
        raise ValueError("quantile of an empty sequence")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


def median(values: Sequence[float]) -> float:
    """The median (the mean of the two middle values for an even count)."""
    return quantile(values, 0.5)


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean (ValueError when empty)."""
    if not values:
        raise ValueError("mean of an empty sequence")
    return math.fsum(values) / len(values)


def bootstrap_ci(size: int, statistic: Callable[[list[int]], float | None], seed: int,
                 resamples: int = DEFAULT_RESAMPLES,
                 confidence: float = DEFAULT_CONFIDENCE) -> Interval | None:
    """Percentile bootstrap interval of `statistic` over `size` resampled item indices.

    Each resample draws `size` indices with replacement from `random.Random(seed)`;
    `statistic` maps the drawn indices to a value, or None when the draw cannot be scored
    (it is then left out). None when no draw could be scored.
    """
    return bootstrap_strata([size], lambda draws: statistic(draws[0]), seed, resamples,
                            confidence)


def bootstrap_strata(sizes: Sequence[int],
                     statistic: Callable[[list[list[int]]], float | None], seed: int,
                     resamples: int = DEFAULT_RESAMPLES,
                     confidence: float = DEFAULT_CONFIDENCE) -> Interval | None:
    """Stratified percentile bootstrap: each resample draws within every stratum.

    Stratum k of size n_k gets n_k indices drawn with replacement from range(n_k), in
    stratum order, all from one `random.Random(seed)`.
    """
    if not sizes or any(n <= 0 for n in sizes):
        return None
    rng = random.Random(seed)  # noqa: S311 - seeded statistics, not secrets
    values: list[float] = []
    for _ in range(resamples):
        draw = [[rng.randrange(n) for _ in range(n)] for n in sizes]
        value = statistic(draw)
        if value is not None:
            values.append(value)
    return percentile_interval(values, confidence)


def percentile_interval(values: Sequence[float],
                        confidence: float = DEFAULT_CONFIDENCE) -> Interval | None:
    """The central `confidence` interval of a bootstrap distribution (None when empty)."""
    if not values:
        return None
    alpha = (1 - confidence) / 2
    return Interval(quantile(values, alpha), quantile(values, 1 - alpha), confidence)


def bootstrap_mean_ci(values: Sequence[float], seed: int, resamples: int = DEFAULT_RESAMPLES,
                      confidence: float = DEFAULT_CONFIDENCE) -> Interval | None:
    """Percentile bootstrap interval of the mean of `values` (None when empty)."""
    data = list(values)
    return bootstrap_ci(len(data), lambda ix: math.fsum(data[i] for i in ix) / len(ix),
                        seed, resamples, confidence)


@dataclass(frozen=True)
class RunMean:
    """A score summarized over repeated runs: the unit of the interval is the run.

    `value` is the mean of the runs' values where the score is defined (`scored` of
    `runs`); `interval` is a percentile bootstrap of that mean over runs (None with fewer
    than two scored runs).
    """

    value: float | None
    scored: int
    runs: int
    interval: Interval | None


def run_mean(values: Sequence[float | None], seed: int, resamples: int = DEFAULT_RESAMPLES,
             confidence: float = DEFAULT_CONFIDENCE) -> RunMean:
    """Mean over runs of a per-run score (None: undefined in that run, left out) with a
    seeded percentile bootstrap interval that resamples runs."""
    defined = [v for v in values if v is not None]
    if not defined:
        return RunMean(None, 0, len(values), None)
    interval = bootstrap_mean_ci(defined, seed, resamples, confidence) \
        if len(defined) >= 2 else None
    return RunMean(mean(defined), len(defined), len(values), interval)
