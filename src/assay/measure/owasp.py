"""OWASP Benchmark-style scoring of per-file truth: TPR, FPR and TPR - FPR per category.

Each category (e.g. `pathtraver`, `sqli`) gets TPR = TP / (TP + FN) and
FPR = FP / (FP + TN), each with a Wilson interval, and the score TPR - FPR. The overall
TPR, FPR and score are the plain averages over categories (each category weighs the
same, however many tests it has); a category without vulnerable (or safe) tests is left
out of the TPR (or FPR) average, and out of the score average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.measure.accuracy import file_counts
from assay.measure.scores import Counts, total
from assay.measure.stats import Proportion, mean, proportion
from assay.measure.truth import TruthItem
from assay.model import Finding


@dataclass(frozen=True)
class CategoryScore:
    """TPR, FPR and TPR - FPR of one category of tests."""

    category: str
    cwe: int | None
    counts: Counts
    tpr: Proportion
    fpr: Proportion

    @property
    def score(self) -> float | None:
        """TPR - FPR (None when either is undefined)."""
        if self.tpr.value is None or self.fpr.value is None:
            return None
        return self.tpr.value - self.fpr.value


@dataclass(frozen=True)
class OwaspScore:
    """Per-category scores and their category averages."""

    categories: tuple[CategoryScore, ...]
    tpr: float | None
    fpr: float | None
    score: float | None


def category_score(category: str, cwe: int | None, counts: Counts) -> CategoryScore:
    """The TPR/FPR of one category's counts."""
    return CategoryScore(category, cwe, counts, proportion(counts.tp, counts.tp + counts.fn),
                         proportion(counts.fp, counts.fp + counts.tn))


def owasp_from_counts(per_category: dict[str, tuple[int | None, Counts]]) -> OwaspScore:
    """Category averages from (expected CWE, counts) per category."""
    cats = tuple(category_score(name, cwe, c)
                 for name, (cwe, c) in sorted(per_category.items()))
    tprs = [c.tpr.value for c in cats if c.tpr.value is not None]
    fprs = [c.fpr.value for c in cats if c.fpr.value is not None]
    scored = [c.score for c in cats if c.score is not None]
    return OwaspScore(cats, mean(tprs) if tprs else None, mean(fprs) if fprs else None,
                      mean(scored) if scored else None)


def category_counts(findings: Sequence[Finding],
                    items: Sequence[TruthItem]) -> dict[str, tuple[int | None, Counts]]:
    """Counts per category (the category's CWE is that of its first test)."""
    grouped: dict[str, list[Counts]] = {}
    cwes: dict[str, int | None] = {}
    for item, c in zip(items, file_counts(findings, items), strict=True):
        name = item.category or f"CWE-{item.cwe}"
        grouped.setdefault(name, []).append(c)
        cwes.setdefault(name, item.cwe)
    return {name: (cwes[name], total(cs)) for name, cs in grouped.items()}


def owasp_score(findings: Sequence[Finding], items: Sequence[TruthItem]) -> OwaspScore:
    """Score findings against per-file truth, OWASP Benchmark style."""
    return owasp_from_counts(category_counts(findings, items))


def merge_category_counts(
        parts: Sequence[dict[str, tuple[int | None, Counts]]]) -> dict[str, tuple[int | None,
                                                                               Counts]]:
    """Add up per-category counts of several runs."""
    merged: dict[str, tuple[int | None, Counts]] = {}
    for part in parts:
        for name, (cwe, c) in part.items():
            old = merged.get(name, (cwe, Counts()))
            merged[name] = (old[0], old[1] + c)
    return merged
