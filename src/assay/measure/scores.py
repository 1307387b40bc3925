"""Confusion counts and the scores derived from them, each with a Wilson interval."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assay.measure.stats import DEFAULT_CONFIDENCE, Interval, Proportion, proportion, wilson


@dataclass(frozen=True)
class Counts:
    """True/false positives and false negatives (true negatives only for per-file truth).

    `unlabeled` counts findings that matched no truth item when unlabeled findings are
    not counted as false positives.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    unlabeled: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn,
                      self.tn + other.tn, self.unlabeled + other.unlabeled)


def total(counts: Iterable[Counts]) -> Counts:
    """The sum of several counts."""
    out = Counts()
    for c in counts:
        out = out + c
    return out


@dataclass(frozen=True)
class Estimate:
    """A derived score with an interval; `value` is None when it is undefined (0/0)."""

    value: float | None
    interval: Interval


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one set of counts.

    precision = TP / (TP + FP) and recall = TP / (TP + FN), each with a Wilson interval.
    F1 = TP / (TP + (FP + FN) / 2); its interval is the Wilson interval of that ratio
    (an approximation: F1 is not a binomial proportion).
    """

    counts: Counts
    precision: Proportion
    recall: Proportion
    f1: Estimate


def scores(counts: Counts, confidence: float = DEFAULT_CONFIDENCE) -> Scores:
    """Precision, recall and F1 of `counts`."""
    denominator = counts.tp + (counts.fp + counts.fn) / 2
    f1 = Estimate(None if denominator == 0 else counts.tp / denominator,
                  wilson(counts.tp, denominator, confidence))
    return Scores(counts, proportion(counts.tp, counts.tp + counts.fp, confidence),
                  proportion(counts.tp, counts.tp + counts.fn, confidence), f1)
