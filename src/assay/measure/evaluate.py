"""`assay eval`: precision, recall and F1 per scanner and per CWE, with intervals.

Runs are split per scanner (a run of bandit+semgrep scores each engine on its own).
Each run is scored against the truth; a scanner's scores pool the counts of its runs.
When a scanner has several runs of one commit, the consensus table scores the findings
supported by at least k of its N runs for every k (k=1 is the union, k=N the
intersection), next to the tokens and cost the N runs took, so the gain in precision can
be weighed against the loss in recall and the N-fold cost.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from assay.measure._perf import gc_paused
from assay.measure.accuracy import Outcome, Scorer, prepare
from assay.measure.errors import MeasureError
from assay.measure.matching import DEFAULT_TOLERANCE
from assay.measure.owasp import (
    OwaspScore,
    category_counts,
    merge_category_counts,
    owasp_from_counts,
)
from assay.measure.runs import RunFacts, run_facts
from assay.measure.scores import Counts, Scores, scores, total
from assay.measure.stats import Proportion, proportion
from assay.measure.support import cluster_runs
from assay.measure.truth import Granularity, Truth, TruthItem, split_missing
from assay.measure.variance import run_label, split_by_scanner
from assay.model import Run


@dataclass(frozen=True)
class CweScores:
    """Scores of one CWE (None: findings without a CWE)."""

    cwe: int | None
    scores: Scores


@dataclass(frozen=True)
class RunScores:
    """Scores of one run of one scanner."""

    run: RunFacts
    scores: Scores


@dataclass(frozen=True)
class ConsensusRow:
    """Scores of the findings found by at least k of a scanner's n runs."""

    k: int
    n: int
    findings: int
    scores: Scores
    tokens: int
    cost: float


@dataclass(frozen=True)
class ScannerEval:
    """Everything `assay eval` reports about one scanner."""

    scanner: str
    runs: tuple[RunScores, ...]
    scores: Scores
    by_cwe: tuple[CweScores, ...]
    owasp: OwaspScore | None
    consensus: tuple[ConsensusRow, ...]


@dataclass(frozen=True)
class EvalReport:
    """Scores of every scanner against one truth, and the truth items that were left out."""

    truth: Truth
    tolerance: int
    unlabeled_as_fp: bool
    scanners: tuple[ScannerEval, ...]
    missing: tuple[TruthItem, ...]
    files_checked: bool


@gc_paused
def evaluate(runs: Sequence[Run], truth: Truth, tolerance: int = DEFAULT_TOLERANCE,
             unlabeled_as_fp: bool = True, files: Collection[str] | None = None) -> EvalReport:
    """Score `runs` against `truth` (see the module docstring).

    `files` are the paths of the scanned tree: truth items referring to other files are
    reported in `missing` and left out of the scores (not checked when None).
    """
    if not runs:
        raise MeasureError("no runs to evaluate", "pass run ids or result files")
    present, missing = split_missing(truth, files)
    by_scanner: dict[str, list[Run]] = {}
    for run in split_by_scanner(runs):
        by_scanner.setdefault(run_label(run), []).append(run)
    scorer = prepare(present, tolerance)
    evals = tuple(_scanner_eval(name, group, present, scorer, tolerance, unlabeled_as_fp)
                  for name, group in sorted(by_scanner.items()))
    return EvalReport(truth, tolerance, unlabeled_as_fp, evals, missing, files is not None)


def _scanner_eval(name: str, runs: list[Run], truth: Truth, scorer: Scorer, tolerance: int,
                  unlabeled_as_fp: bool) -> ScannerEval:
    runs = sorted(runs, key=lambda r: r.id)
    outcomes = [scorer.score(r.findings, unlabeled_as_fp) for r in runs]
    owasp = None
    if truth.granularity is Granularity.FILE:
        owasp = owasp_from_counts(merge_category_counts(
            [category_counts(r.findings, truth.items) for r in runs]))
    return ScannerEval(
        scanner=name,
        runs=tuple(RunScores(run_facts(r), scores(o.counts))
                   for r, o in zip(runs, outcomes, strict=True)),
        scores=scores(total(o.counts for o in outcomes)),
        by_cwe=_by_cwe(outcomes), owasp=owasp,
        consensus=_consensus_rows(runs, scorer, tolerance, unlabeled_as_fp))


def _by_cwe(outcomes: Iterable[Outcome]) -> tuple[CweScores, ...]:
    merged: dict[int | None, Counts] = {}
    for o in outcomes:
        for cwe, c in o.by_cwe.items():
            merged[cwe] = merged.get(cwe, Counts()) + c
    ordered = sorted(merged.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    return tuple(CweScores(cwe, scores(c)) for cwe, c in ordered)


def consensus_table(runs: Sequence[Run], truth: Truth, tolerance: int = DEFAULT_TOLERANCE,
                    unlabeled_as_fp: bool = True) -> tuple[ConsensusRow, ...]:
    """Scores at every support threshold k = 1..N for N repeated runs of one commit.

    Empty when there are fewer than two runs or they are of different commits.
    """
    return _consensus_rows(runs, prepare(truth, tolerance), tolerance, unlabeled_as_fp)


def _consensus_rows(runs: Sequence[Run], scorer: Scorer, tolerance: int,
                    unlabeled_as_fp: bool) -> tuple[ConsensusRow, ...]:
    if len(runs) < 2 or len({r.target.commit for r in runs}) > 1:
        return ()
    clusters = cluster_runs(runs, tolerance)
    tokens = sum(r.metrics.tokens_in + r.metrics.tokens_out for r in runs)
    cost = sum(r.metrics.cost for r in runs)
    rows = []
    for k in range(1, len(runs) + 1):
        kept = [c.representative for c in clusters if c.support >= k]
        outcome = scorer.score(kept, unlabeled_as_fp)
        rows.append(ConsensusRow(k, len(runs), len(kept), scores(outcome.counts), tokens, cost))
    return tuple(rows)


@dataclass(frozen=True)
class LabelScore:
    """Precision of one scanner from blind labels (`unsure` and unlabeled items left out)."""

    scanner: str
    true: int
    false: int
    unsure: int
    unlabeled: int
    precision: Proportion


def label_precision(rows: Iterable[tuple[str, str | None]],
                    scanners: Iterable[str] = ()) -> tuple[LabelScore, ...]:
    """Per-scanner precision from (scanner, verdict) rows; verdict true/false/unsure/None.

    `scanners` are listed even without rows (a scanner whose population was empty).
    """
    tally: dict[str, dict[str, int]] = {s: {"true": 0, "false": 0, "unsure": 0, "": 0}
                                        for s in scanners}
    for scanner, verdict in rows:
        counts = tally.setdefault(scanner, {"true": 0, "false": 0, "unsure": 0, "": 0})
        counts[verdict or ""] += 1
    return tuple(LabelScore(s, c["true"], c["false"], c["unsure"], c[""],
                            proportion(c["true"], c["true"] + c["false"]))
                 for s, c in sorted(tally.items()))
