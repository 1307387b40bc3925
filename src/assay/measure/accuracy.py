"""Accuracy against labeled truth: counts per CWE for one set of findings.

Finding-level truth: findings are matched one-to-one to the vulnerable items with the
matching rule of `assay.measure.matching`. A matched finding is a true positive, an
unmatched vulnerable item a false negative. An unmatched finding is a false positive when
it falls on an item labeled not vulnerable, or when it matches no item at all and
`unlabeled_as_fp` is set (the truth is complete); otherwise it is counted as unlabeled.

File-level truth (OWASP Benchmark style): each test file is flagged when any finding in it
has the file's expected CWE; flagged vulnerable files are true positives, flagged safe
files false positives, unflagged vulnerable files false negatives and unflagged safe files
true negatives. Findings outside the truth's files are ignored.

True positives and false negatives are attributed to the truth item's CWE, false
positives to the finding's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assay.measure.matching import (
    DEFAULT_TOLERANCE,
    ContentKey,
    FindingIndex,
    compatible_keys,
    match_indexed,
)
from assay.measure.scores import Counts, total
from assay.measure.truth import Granularity, Truth, TruthItem, stem_of
from assay.model import Confidence, Finding, Severity, Span

_WHOLE_FILE = Span(1, 1 << 30)


@dataclass(frozen=True)
class Outcome:
    """Counts overall and per CWE, with the findings and items behind them."""

    counts: Counts
    by_cwe: dict[int | None, Counts]
    true_positives: tuple[Finding, ...] = ()
    false_positives: tuple[Finding, ...] = ()
    false_negatives: tuple[TruthItem, ...] = ()


def score(findings: Sequence[Finding], truth: Truth, tolerance: int = DEFAULT_TOLERANCE,
          unlabeled_as_fp: bool = True) -> Outcome:
    """Score findings against truth of either granularity."""
    return prepare(truth, tolerance).score(findings, unlabeled_as_fp)


class Scorer(Protocol):
    """Truth prepared once for scoring many sets of findings."""

    def score(self, findings: Sequence[Finding], unlabeled_as_fp: bool = True) -> Outcome:
        """Counts of `findings` against the prepared truth."""
        ...


def prepare(truth: Truth, tolerance: int = DEFAULT_TOLERANCE) -> Scorer:
    """A scorer for `truth` (location or per-file)."""
    if truth.granularity is Granularity.FILE:
        return FileTruth(truth.items)
    return LocationTruth(truth.items, tolerance)


def as_finding(item: TruthItem) -> Finding:
    """A truth item in finding form, so that the one matching rule applies to it."""
    return Finding(scanner="truth", rule_id=item.rule_id, path=item.path,
                   span=item.span or _WHOLE_FILE, severity=Severity.INFO,
                   confidence=Confidence.HIGH, message="", cwe=item.cwe)


class LocationTruth:
    """Location truth indexed for matching: vulnerable items one-to-one, safe items by group."""

    def __init__(self, items: Sequence[TruthItem], tolerance: int = DEFAULT_TOLERANCE) -> None:
        self.tolerance = tolerance
        self.vulnerable = [i for i in items if i.vulnerable]
        self.index = FindingIndex(as_finding(i) for i in self.vulnerable)
        self.safe = FindingIndex(as_finding(i) for i in items if not i.vulnerable)

    def score(self, findings: Sequence[Finding], unlabeled_as_fp: bool = True) -> Outcome:
        """Score findings (see the module docstring)."""
        index = FindingIndex(findings)
        pairs = match_indexed(index, self.index, self.tolerance)
        used = {i for i, _, _ in pairs}
        hit = {j for _, j, _ in pairs}
        tp = [index.findings[i] for i, _, _ in pairs]
        fn = [item for j, item in enumerate(self.vulnerable) if j not in hit]
        fp: list[Finding] = []
        unlabeled = 0
        for i, f in enumerate(index.findings):
            if i in used:
                continue
            if unlabeled_as_fp or self._on_safe(index.keys[i]):
                fp.append(f)
            else:
                unlabeled += 1
        tally: dict[int | None, list[int]] = {}
        for cwe, slot in [*((self.vulnerable[j].cwe, 0) for _, j, _ in pairs),
                          *((f.cwe, 1) for f in fp), *((i.cwe, 2) for i in fn)]:
            tally.setdefault(cwe, [0, 0, 0])[slot] += 1
        by_cwe = {cwe: Counts(tp=t[0], fp=t[1], fn=t[2]) for cwe, t in tally.items()}
        counts = Counts(tp=len(tp), fp=len(fp), fn=len(fn), unlabeled=unlabeled)
        return Outcome(counts, _sorted(by_cwe), tuple(tp), tuple(fp), tuple(fn))

    def _on_safe(self, key: ContentKey) -> bool:
        members = self.safe.groups.get((key[0], key[1]), ())
        return any(compatible_keys(key, self.safe.keys[m], self.tolerance) for m in members)


def score_findings(findings: Sequence[Finding], items: Sequence[TruthItem],
                   tolerance: int = DEFAULT_TOLERANCE, unlabeled_as_fp: bool = True) -> Outcome:
    """Score findings against location truth (see the module docstring)."""
    return LocationTruth(items, tolerance).score(findings, unlabeled_as_fp)


class FileTruth:
    """Per-file truth (OWASP Benchmark style)."""

    def __init__(self, items: Sequence[TruthItem]) -> None:
        self.items = tuple(items)

    def score(self, findings: Sequence[Finding], unlabeled_as_fp: bool = True) -> Outcome:
        """Score findings per file (`unlabeled_as_fp` does not apply: other files are ignored)."""
        return score_files(findings, self.items)


def flagged_files(findings: Sequence[Finding]) -> dict[str, set[int]]:
    """For every finding path and its file name stem, the CWEs reported in it."""
    cwes: dict[str, set[int]] = {}
    for f in findings:
        if f.cwe is None:
            continue
        cwes.setdefault(f.path, set()).add(f.cwe)
        cwes.setdefault(stem_of(f.path), set()).add(f.cwe)
    return cwes


def file_counts(findings: Sequence[Finding], items: Sequence[TruthItem]) -> list[Counts]:
    """One confusion count per file item (exactly one of tp/fp/fn/tn is 1)."""
    cwes = flagged_files(findings)
    out = []
    for item in items:
        flagged = item.cwe is not None and item.cwe in cwes.get(item.path, ())
        if item.vulnerable:
            out.append(Counts(tp=1) if flagged else Counts(fn=1))
        else:
            out.append(Counts(fp=1) if flagged else Counts(tn=1))
    return out


def score_files(findings: Sequence[Finding], items: Sequence[TruthItem]) -> Outcome:
    """Score findings against per-file truth (see the module docstring)."""
    per_item = file_counts(findings, items)
    by_cwe: dict[int | None, Counts] = {}
    for item, c in zip(items, per_item, strict=True):
        _add(by_cwe, item.cwe, c)
    fn = tuple(i for i, c in zip(items, per_item, strict=True) if c.fn)
    return Outcome(total(per_item), _sorted(by_cwe), false_negatives=fn)


def _add(by_cwe: dict[int | None, Counts], cwe: int | None, c: Counts) -> None:
    by_cwe[cwe] = by_cwe.get(cwe, Counts()) + c


def _sorted(by_cwe: dict[int | None, Counts]) -> dict[int | None, Counts]:
    return dict(sorted(by_cwe.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))
