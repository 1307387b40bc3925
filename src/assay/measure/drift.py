"""Run drift: how much repeated runs of one scanner on one commit agree.

`measure_drift(runs)` groups the runs like for like (commit, scope, scanner
configuration: `assay.measure.groups`) and, for each group, reports:

- pairwise Jaccard between the *complete* runs (mean, min, median and a percentile
  bootstrap 95% interval of the mean; incomplete runs are listed but never scored, since
  a partial run would read as disagreement);
- per-finding support: how many findings were found in k of the N complete runs, as a
  histogram, and the findings that only one run reported (singletons);
- severity flips: findings matched across runs whose severity differs between runs;
- run status counts (complete / incomplete / refused; a refused run is an incomplete run
  whose reason is a refusal) and per-run duration, tokens and cost.

The bootstrap resamples runs, not pairs (pairs share runs and are not independent): each
resample draws N runs with replacement and averages the Jaccard over pairs of distinct
draws; overall, runs are resampled within each commit. A deterministic scanner measures
Jaccard 1.0 with every finding supported by all N runs.

Groups are never pooled into one figure unless they differ only by commit (the same
scanner configuration over the same scope at several revisions): then `jaccard` overall
resamples runs within each commit. A group with a single run is listed, not measured.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from assay.measure._perf import gc_paused
from assay.measure.errors import MeasureError
from assay.measure.groups import RunGroup, group_runs
from assay.measure.matching import DEFAULT_TOLERANCE, FindingIndex, jaccard_of, match_indexed
from assay.measure.runs import RunFacts, run_facts, short_commit, status_counts
from assay.measure.stats import (
    DEFAULT_RESAMPLES,
    Interval,
    bootstrap_ci,
    bootstrap_strata,
    mean,
    median,
)
from assay.measure.support import Cluster, cluster_indexed, support_histogram
from assay.model import Finding, Run, RunId


@dataclass(frozen=True)
class PairJaccard:
    """Agreement of two runs."""

    left: RunId
    right: RunId
    matched: int
    left_only: int
    right_only: int

    @property
    def jaccard(self) -> float:
        """matched / union (1.0 when both runs found nothing)."""
        return jaccard_of(self.matched, self.matched + self.left_only,
                          self.matched + self.right_only)


@dataclass(frozen=True)
class JaccardSummary:
    """Pairwise Jaccard of a set of runs: mean, min, median, interval of the mean."""

    pairs: tuple[PairJaccard, ...]
    mean: float
    min: float
    median: float
    interval: Interval | None


@dataclass(frozen=True)
class SeverityFlip:
    """A finding matched across runs that was reported with different severities."""

    finding: Finding
    severities: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Singleton:
    """A finding only one run reported."""

    run_id: RunId
    finding: Finding


@dataclass(frozen=True)
class CommitDrift:
    """Drift of the runs of one group: one commit (None for runs without one), one scope,
    one scanner configuration."""

    commit: str | None
    runs: tuple[RunFacts, ...]
    measured: tuple[RunId, ...]
    jaccard: JaccardSummary | None
    support: dict[int, int]
    clusters: tuple[Cluster, ...]
    singletons: tuple[Singleton, ...]
    flips: tuple[SeverityFlip, ...]
    status: dict[str, int]
    scope: str = "whole tree"
    config: str = ""

    @property
    def identical(self) -> int:
        """How many measured runs reported every distinct finding (all of them, for a
        deterministic scanner)."""
        return sum(1 for run in self.measured
                   if all(any(m[0] == run for m in c.members) for c in self.clusters))

    @property
    def label(self) -> str:
        """`commit 1a2b3c4d5e6f, whole tree, configuration 9f8e7d6c5b4a`."""
        return f"commit {short_commit(self.commit)}, {self.scope}, configuration " \
               f"{self.config[:12] or '(none)'}"


@dataclass(frozen=True)
class DriftReport:
    """Drift per commit and over all commits."""

    scanners: tuple[str, ...]
    tolerance: int
    seed: int
    resamples: int
    commits: tuple[CommitDrift, ...]
    jaccard: JaccardSummary | None
    support: dict[int, int]
    status: dict[str, int]
    singletons: int
    flips: int

    @property
    def runs(self) -> tuple[RunFacts, ...]:
        """Every run measured, group by group."""
        return tuple(r for c in self.commits for r in c.runs)

    @property
    def measured(self) -> bool:
        """True when every group of two or more runs had two complete runs to compare."""
        repeated = [c for c in self.commits if len(c.runs) >= 2]
        return bool(repeated) and all(c.jaccard is not None for c in repeated)


@gc_paused
def measure_drift(runs: Sequence[Run], tolerance: int = DEFAULT_TOLERANCE, seed: int = 0,
                  resamples: int = DEFAULT_RESAMPLES) -> DriftReport:
    """Measure drift of repeated runs of one scanner (see the module docstring).

    MeasureError when there are no runs, runs of different scanners, or a commit with a
    single run (runs of different commits mixed without repeats).
    """
    scanners = _one_scanner_set(runs)
    groups = repeated_groups(runs, "drift")
    commits = tuple(_commit_drift(group, tolerance, seed, resamples) for group in groups)
    matrices = [_pair_matrix(c) for c in commits]
    poolable = len({(g.key.scope, g.key.config) for g in groups}) == 1
    return DriftReport(
        scanners=scanners, tolerance=tolerance, seed=seed, resamples=resamples,
        commits=commits,
        jaccard=_summary([p for c in commits if c.jaccard for p in c.jaccard.pairs],
                         _stratified(matrices, seed, resamples)) if poolable else None,
        support=_sum_histograms([c.support for c in commits]),
        status=status_counts([r for c in commits for r in c.runs]),
        singletons=sum(len(c.singletons) for c in commits),
        flips=sum(len(c.flips) for c in commits),
    )


def repeated_groups(runs: Sequence[Run], what: str) -> list[RunGroup]:
    """Runs in like-for-like groups, for a measurement of repeated runs.

    MeasureError when there are no runs, a single run, or no group with two runs (runs of
    different commits, scopes or configurations mixed rather than repeated).
    """
    if not runs:
        raise MeasureError(f"no runs to measure {what} on",
                           "pass --runs N, --from RUN_ID... or --from-files FILE...")
    if len(runs) < 2:
        raise MeasureError(f"{what} needs at least 2 runs of the same commit, got 1",
                           "pass --runs 2 or more, or more run ids")
    groups = group_runs(runs)
    if all(len(g.runs) < 2 for g in groups):
        shown = "; ".join(f"{g.label} ({len(g.runs)} run)" for g in groups)
        raise MeasureError(f"runs of different commits, scopes or configurations are mixed: "
                           f"{shown}",
                           f"{what} compares repeated runs of the same commit and scope; "
                           "give at least 2 runs per commit, or use `assay compare` for one "
                           "run each")
    return groups


def _one_scanner_set(runs: Sequence[Run]) -> tuple[str, ...]:
    sets = sorted({tuple(sorted(r.scanner_names)) for r in runs})
    if len(sets) > 1:
        shown = "; ".join(",".join(s) or "(none)" for s in sets)
        raise MeasureError(f"drift compares repeated runs of one scanner, got runs of: {shown}",
                           "use `assay compare` to compare different scanners")
    return sets[0] if sets else ()


def _commit_drift(group: RunGroup, tolerance: int, seed: int, resamples: int) -> CommitDrift:
    runs = group.runs
    facts = tuple(run_facts(r) for r in sorted(runs, key=lambda r: r.id))
    measured = sorted((r for r in runs if r.complete), key=lambda r: r.id)
    indexes = [FindingIndex(r.findings) for r in measured]
    pairs = tuple(_pair(measured[i], indexes[i], measured[j], indexes[j], tolerance)
                  for i, j in combinations(range(len(measured)), 2))
    matrix = _matrix(len(measured), pairs)
    clusters = cluster_indexed(list(zip(measured, indexes, strict=True)), tolerance)
    return CommitDrift(
        commit=group.commit, scope=group.scope_label, config=group.key.config, runs=facts,
        measured=tuple(r.id for r in measured),
        jaccard=_summary(list(pairs), _run_bootstrap(matrix, seed, resamples)),
        support=support_histogram(clusters, len(measured)), clusters=clusters,
        singletons=tuple(Singleton(c.members[0][0], c.representative)
                         for c in clusters if c.support == 1 and len(measured) > 1),
        flips=tuple(f for f in (_flip(c) for c in clusters) if f is not None),
        status=status_counts(facts),
    )


def _pair(a: Run, ia: FindingIndex, b: Run, ib: FindingIndex, tolerance: int) -> PairJaccard:
    matched = len(match_indexed(ia, ib, tolerance))
    return PairJaccard(a.id, b.id, matched, len(ia) - matched, len(ib) - matched)


def _matrix(n: int, pairs: Sequence[PairJaccard]) -> list[list[float]]:
    matrix = [[1.0] * n for _ in range(n)]
    for (i, j), p in zip(combinations(range(n), 2), pairs, strict=True):
        matrix[i][j] = matrix[j][i] = p.jaccard
    return matrix


def _pair_matrix(c: CommitDrift) -> list[list[float]]:
    return _matrix(len(c.measured), c.jaccard.pairs if c.jaccard else ())


def _summary(pairs: Sequence[PairJaccard], interval: Interval | None) -> JaccardSummary | None:
    if not pairs:
        return None
    values = [p.jaccard for p in pairs]
    return JaccardSummary(tuple(pairs), mean(values), min(values), median(values), interval)


def _distinct_pair_values(matrix: Sequence[Sequence[float]], draw: Sequence[int]) -> list[float]:
    return [matrix[a][b] for a, b in combinations(draw, 2) if a != b]


def _run_bootstrap(matrix: list[list[float]], seed: int, resamples: int) -> Interval | None:
    if len(matrix) < 2:
        return None

    def statistic(draw: list[int]) -> float | None:
        values = _distinct_pair_values(matrix, draw)
        return math.fsum(values) / len(values) if values else None

    return bootstrap_ci(len(matrix), statistic, seed, resamples)


def _stratified(matrices: Sequence[list[list[float]]], seed: int,
                resamples: int) -> Interval | None:
    """Resample runs within each commit; pool the pairs of distinct draws."""
    usable = [m for m in matrices if len(m) >= 2]

    def statistic(draws: list[list[int]]) -> float | None:
        values = [v for m, d in zip(usable, draws, strict=True)
                  for v in _distinct_pair_values(m, d)]
        return math.fsum(values) / len(values) if values else None

    return bootstrap_strata([len(m) for m in usable], statistic, seed, resamples)


def _flip(cluster: Cluster) -> SeverityFlip | None:
    counts: dict[str, int] = {}
    for _, f in cluster.members:
        counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
    if len(counts) < 2:
        return None
    return SeverityFlip(cluster.representative, tuple(sorted(counts.items())))


def _sum_histograms(histograms: Sequence[dict[int, int]]) -> dict[int, int]:
    total: dict[int, int] = {}
    for h in histograms:
        for k, v in h.items():
            total[k] = total.get(k, 0) + v
    return dict(sorted(total.items()))
