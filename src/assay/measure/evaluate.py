"""`assay eval`: precision, recall and F1 per scanner and per CWE, with intervals.

Runs are split per scanner (a run of bandit+semgrep scores each engine on its own) and
per like-for-like group (commit, scope, scanner configuration: `assay.measure.groups`);
groups are scored apart, never pooled. Each run is scored against the truth.

Repeated runs are not independent evidence: the same finding found by 7 runs is one
finding, not 7 observations. So with one run, a scanner's scores are that run's, each
with a Wilson interval over its findings; with N >= 2 runs of a group they are
(a) the scores of the group's *distinct* findings (clusters of matching findings, each
counted once whatever its support k/N) with Wilson intervals over distinct findings, and
(b) precision, recall and F1 averaged over runs with a seeded percentile bootstrap
interval whose unit is the run (`RunSpread`). The consensus table scores the findings
supported by at least k of the N runs for every k (k=1 is the union, k=N the
intersection), next to the tokens and cost the N runs took.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from assay.measure._perf import gc_paused
from assay.measure.accuracy import Outcome, Scorer, prepare
from assay.measure.errors import MeasureError
from assay.measure.groups import group_key, group_runs
from assay.measure.matching import DEFAULT_TOLERANCE
from assay.measure.owasp import (
    OwaspScore,
    category_counts,
    merge_category_counts,
    owasp_from_counts,
)
from assay.measure.runs import RunFacts, run_facts
from assay.measure.scores import Counts, Scores, scores
from assay.measure.stats import DEFAULT_RESAMPLES, Proportion, RunMean, proportion, run_mean
from assay.measure.support import Cluster, cluster_runs
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
class RunSpread:
    """Precision, recall and F1 over repeated runs: each run counts once (see `run_mean`)."""

    precision: RunMean
    recall: RunMean
    f1: RunMean
    seed: int
    resamples: int


@dataclass(frozen=True)
class ScannerEval:
    """Everything `assay eval` reports about one scanner on one group of runs.

    `scores` are the one run's, or over the group's distinct findings when it has several
    runs (then `spread` summarizes the runs' own scores and `distinct` is True).
    """

    scanner: str
    runs: tuple[RunScores, ...]
    scores: Scores
    by_cwe: tuple[CweScores, ...]
    owasp: OwaspScore | None
    consensus: tuple[ConsensusRow, ...]
    group: str = ""
    spread: RunSpread | None = None

    @property
    def distinct(self) -> bool:
        """True when `scores` count distinct findings of several runs."""
        return len(self.runs) > 1


@dataclass(frozen=True)
class EvalReport:
    """Scores of every scanner against one truth, and the truth items that were left out."""

    truth: Truth
    tolerance: int
    unlabeled_as_fp: bool
    scanners: tuple[ScannerEval, ...]
    missing: tuple[TruthItem, ...]
    files_checked: bool


@dataclass(frozen=True)
class EvalSettings:
    """How `evaluate` scores: matching tolerance, unlabeled findings, the bootstrap."""

    tolerance: int = DEFAULT_TOLERANCE
    unlabeled_as_fp: bool = True
    seed: int = 0
    resamples: int = DEFAULT_RESAMPLES


@gc_paused
def evaluate(runs: Sequence[Run], truth: Truth, tolerance: int = DEFAULT_TOLERANCE,
             unlabeled_as_fp: bool = True, files: Collection[str] | None = None,
             seed: int = 0, resamples: int = DEFAULT_RESAMPLES) -> EvalReport:
    """Score `runs` against `truth` (see the module docstring).

    `files` are the paths of the scanned tree: truth items referring to other files are
    reported in `missing` and left out of the scores (not checked when None).
    """
    if not runs:
        raise MeasureError("no runs to evaluate", "pass run ids or result files")
    present, missing = split_missing(truth, files)
    if truth.items and not present.items:
        raise MeasureError(f"none of the {len(truth.items)} truth items names a file in the "
                           "scanned tree, so there is nothing to score",
                           "truth paths must be relative to the project root (check them "
                           "with `git ls-files`), or pass --no-check-files")
    settings = EvalSettings(tolerance, unlabeled_as_fp, seed, resamples)
    by_scanner: dict[tuple[str, object], list[Run]] = {}
    for run in split_by_scanner(runs):
        by_scanner.setdefault((run_label(run), group_key(run)), []).append(run)
    several = {name for name, _ in by_scanner if sum(1 for n, _ in by_scanner if n == name) > 1}
    scorer = prepare(present, tolerance)
    evals = tuple(_scanner_eval(name, group, present, scorer, settings, name in several)
                  for (name, _), group in sorted(by_scanner.items(),
                                                 key=lambda kv: (kv[0][0], str(kv[0][1]))))
    return EvalReport(truth, tolerance, unlabeled_as_fp, evals, missing, files is not None)


def _scanner_eval(name: str, runs: list[Run], truth: Truth, scorer: Scorer,
                  settings: EvalSettings, named: bool) -> ScannerEval:
    runs = sorted(runs, key=lambda r: r.id)
    unlabeled_as_fp = settings.unlabeled_as_fp
    outcomes = [scorer.score(r.findings, unlabeled_as_fp) for r in runs]
    per_run = tuple(RunScores(run_facts(r), scores(o.counts))
                    for r, o in zip(runs, outcomes, strict=True))
    # one run: its findings; several: each distinct finding once, whatever its support
    clusters = cluster_runs(runs, settings.tolerance) if len(runs) > 1 else None
    findings = runs[0].findings if clusters is None else \
        tuple(c.representative for c in clusters)
    outcome = outcomes[0] if len(runs) == 1 else scorer.score(findings, unlabeled_as_fp)
    owasp = None
    if truth.granularity is Granularity.FILE:
        owasp = owasp_from_counts(merge_category_counts(
            [category_counts(findings, truth.items)]))
    label = group_runs(runs)[0].label
    return ScannerEval(
        scanner=f"{name} ({label})" if named else name, runs=per_run,
        scores=scores(outcome.counts), by_cwe=_by_cwe([outcome]), owasp=owasp,
        consensus=_consensus_rows(runs, scorer, settings.tolerance, unlabeled_as_fp,
                                  clusters),
        group=label, spread=_spread(per_run, settings) if len(runs) > 1 else None)


def _spread(per_run: Sequence[RunScores], settings: EvalSettings) -> RunSpread:
    """Each score averaged over runs, with a bootstrap over runs (same seed for each)."""
    seed, resamples = settings.seed, settings.resamples
    return RunSpread(
        precision=run_mean([r.scores.precision.value for r in per_run], seed, resamples),
        recall=run_mean([r.scores.recall.value for r in per_run], seed, resamples),
        f1=run_mean([r.scores.f1.value for r in per_run], seed, resamples),
        seed=seed, resamples=resamples)


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
                    unlabeled_as_fp: bool,
                    clusters: Sequence[Cluster] | None = None) -> tuple[ConsensusRow, ...]:
    if len(runs) < 2 or len({r.target.commit for r in runs}) > 1:
        return ()
    if clusters is None:
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
