"""Proof latency: how long LLM findings wait between being reported and being proven."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LatencyStats:
    """Median and 90th percentile of proof latency for one scanner, in seconds."""

    scanner: str
    count: int
    median: float
    p90: float


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: Iterable[tuple[str, float]]) -> list[LatencyStats]:
    """Per-scanner median and p90 of (scanner, seconds) samples, sorted by scanner."""
    by_scanner: dict[str, list[float]] = {}
    for scanner, seconds in samples:
        by_scanner.setdefault(scanner, []).append(seconds)
    return [LatencyStats(name, len(values), statistics.median(values), percentile(values, 90))
            for name, values in sorted(by_scanner.items())]


def human_duration(seconds: float) -> str:
    """1d 2h, 3h 4m, 5m 6s, 7s."""
    total = round(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"
