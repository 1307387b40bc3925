"""Consensus over repeated runs: keep the findings at least K of N runs agree on.

`--consensus K/N` runs a scanner N times and keeps each finding (cluster, see
`assay.measure.support`) found by at least K runs. The kept finding is the cluster's
representative with a `support:k/N` tag, so the support travels with it into JSON,
SARIF and the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assay.errors import UsageError
from assay.measure.groups import one_group
from assay.measure.matching import DEFAULT_TOLERANCE
from assay.measure.support import Cluster, cluster_runs
from assay.model import (
    Finding,
    Metrics,
    Run,
    RunId,
    RunStatus,
    StageMetrics,
    sorted_findings,
)

SUPPORT_TAG = "support:"


@dataclass(frozen=True)
class ConsensusSpec:
    """K of N: keep findings found by at least `k` of `n` runs."""

    k: int
    n: int

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"


def parse_consensus(text: str) -> ConsensusSpec:
    """Parse `K/N` (1 <= K <= N); UsageError otherwise."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not found:
        raise UsageError(f"--consensus must look like K/N (e.g. 2/3), not {text!r}")
    k, n = int(found.group(1)), int(found.group(2))
    if not 1 <= k <= n:
        raise UsageError(f"--consensus {text}: need 1 <= K <= N")
    return ConsensusSpec(k, n)


@dataclass(frozen=True)
class SupportedFinding:
    """A finding kept by consensus, with the runs that found it."""

    finding: Finding
    support: int
    runs: tuple[RunId, ...]


@dataclass(frozen=True)
class Consensus:
    """The findings supported by at least `k` of the `n` runs, and how many were dropped."""

    k: int
    n: int
    findings: tuple[SupportedFinding, ...]
    dropped: int


def consensus_of(clusters: Sequence[Cluster], k: int, n: int) -> Consensus:
    """Keep the clusters with support >= k (clusters already computed over n runs)."""
    kept = tuple(SupportedFinding(with_support(c.representative, c.support, n), c.support,
                                  c.run_ids)
                 for c in clusters if c.support >= k)
    return Consensus(k, n, kept, len(clusters) - len(kept))


def consensus(runs: Sequence[Run], k: int, tolerance: int = DEFAULT_TOLERANCE) -> Consensus:
    """Findings found by at least `k` of `runs` (N = len(runs))."""
    if not runs:
        raise UsageError("consensus needs at least one run")
    if not 1 <= k <= len(runs):
        raise UsageError(f"consensus K={k} must be between 1 and the number of runs "
                         f"({len(runs)})")
    one_group(runs, "build a consensus")  # only repeats of the same work agree or not
    return consensus_of(cluster_runs(runs, tolerance), k, len(runs))


def with_support(finding: Finding, support: int, n: int) -> Finding:
    """The finding tagged `support:k/N` (replacing an earlier support tag)."""
    tags = tuple(t for t in finding.tags if not t.startswith(SUPPORT_TAG))
    return replace(finding, tags=(*tags, f"{SUPPORT_TAG}{support}/{n}"))


def consensus_run(runs: Sequence[Run], k: int, run_id: str,
                  tolerance: int = DEFAULT_TOLERANCE) -> Run:
    """One run holding the consensus findings of `runs`.

    Provenance and coverage come from the first run (repeated runs share them); the run
    is complete only when every run was; its metrics hold one stage per run (`run:<id>`,
    so the ids of the runs it was built from stay with the other volatile data); properties
    record the consensus rule, how many findings it dropped and the line tolerance.
    """
    result = consensus(runs, k, tolerance)
    first = runs[0]
    incomplete = [r for r in runs if not r.complete]
    reasons = tuple(dict.fromkeys(reason for r in incomplete for reason in r.reasons))
    if incomplete:
        reasons = (f"{len(incomplete)} of {len(runs)} runs were incomplete", *reasons)
    stages = tuple(StageMetrics(f"run:{r.id}", r.metrics.wall_seconds,
                                sum(s.requests for s in r.metrics.stages),
                                r.metrics.tokens_in, r.metrics.tokens_out,
                                sum(s.tokens_cached for s in r.metrics.stages), (),
                                r.metrics.cost) for r in runs)
    metrics = Metrics(started_at=min(r.metrics.started_at for r in runs),
                      wall_seconds=sum(r.metrics.wall_seconds for r in runs), stages=stages)
    properties = dict(first.properties)
    properties.update({"consensus": f"{k}/{len(runs)}",
                       "consensus_dropped": str(result.dropped),
                       "line_tolerance": str(tolerance)})
    return replace(first, id=RunId(run_id),
                   status=RunStatus.INCOMPLETE if incomplete else RunStatus.COMPLETE,
                   findings=sorted_findings(s.finding for s in result.findings),
                   reasons=reasons, metrics=metrics,
                   properties=tuple(sorted(properties.items())))


def source_runs(run: Run) -> tuple[RunId, ...]:
    """Ids of the runs a consensus run was built from (from its `run:<id>` stages)."""
    return tuple(RunId(s.name.removeprefix("run:")) for s in run.metrics.stages
                 if s.name.startswith("run:"))
