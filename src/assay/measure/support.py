"""Clusters of the same finding across repeated runs, and how many runs support each.

Runs are put in a canonical order (by their findings' content keys, then run id), so the
result does not depend on the order runs were given in. The first run's findings open one
cluster each; every following run is matched one-to-one (`assay.measure.matching`)
against the clusters' representatives (the finding that opened the cluster), matched
findings join their cluster and the rest open new clusters. A cluster therefore holds at
most one finding per run, and its support is the number of runs that found it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.measure._perf import gc_paused
from assay.measure.matching import (
    DEFAULT_TOLERANCE,
    ContentKey,
    FindingIndex,
    content_key,
    match_indexed,
)
from assay.model import Finding, Run, RunId


@dataclass(frozen=True)
class Cluster:
    """One finding as seen across runs: which runs found it, with what they reported."""

    representative: Finding
    members: tuple[tuple[RunId, Finding], ...]

    @property
    def support(self) -> int:
        """The number of runs that found this finding."""
        return len(self.members)

    @property
    def run_ids(self) -> tuple[RunId, ...]:
        """Ids of the runs that found this finding, sorted."""
        return tuple(sorted(run_id for run_id, _ in self.members))


def canonical_order(runs: Sequence[Run]) -> list[Run]:
    """Runs sorted by the content of their findings, then by id."""
    def key(run: Run) -> tuple[tuple[ContentKey, ...], str]:
        return tuple(sorted(content_key(f) for f in run.findings)), run.id

    return sorted(runs, key=key)


@gc_paused
def cluster_runs(runs: Sequence[Run], tolerance: int = DEFAULT_TOLERANCE) -> tuple[Cluster, ...]:
    """Cluster the findings of repeated runs (see the module docstring).

    Clusters come back sorted by their representative's canonical order.
    """
    return cluster_indexed([(r, FindingIndex(r.findings)) for r in runs], tolerance)


def cluster_indexed(runs: Sequence[tuple[Run, FindingIndex]],
                    tolerance: int = DEFAULT_TOLERANCE) -> tuple[Cluster, ...]:
    """`cluster_runs` for runs whose findings are already indexed (`index.findings`)."""
    ordered = sorted(runs, key=lambda item: (tuple(sorted(item[1].keys)), item[0].id))
    reps = FindingIndex()
    members: list[list[tuple[RunId, Finding]]] = []
    for run, found in ordered:
        matched: set[int] = set()
        for i, j, _ in match_indexed(reps, found, tolerance):
            members[i].append((run.id, found.findings[j]))
            matched.add(j)
        new = sorted((j for j in range(len(found)) if j not in matched),
                     key=lambda j: found.keys[j])
        reps.extend([found.findings[j] for j in new], [found.keys[j] for j in new])
        members.extend([(run.id, found.findings[j])] for j in new)
    order = sorted(range(len(reps)), key=lambda i: reps.keys[i])
    return tuple(Cluster(reps.findings[i], tuple(members[i])) for i in order)


def support_histogram(clusters: Sequence[Cluster], runs: int) -> dict[int, int]:
    """How many clusters were found in exactly k runs, for every k in 1..runs."""
    histogram = dict.fromkeys(range(1, runs + 1), 0)
    for c in clusters:
        histogram[c.support] = histogram.get(c.support, 0) + 1
    return histogram
