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


def cluster_runs(runs: Sequence[Run], tolerance: int = DEFAULT_TOLERANCE) -> tuple[Cluster, ...]:
    """Cluster the findings of repeated runs (see the module docstring).

    Clusters come back sorted by their representative's canonical order.
    """
    reps: list[Finding] = []
    members: list[list[tuple[RunId, Finding]]] = []
    for run in canonical_order(runs):
        found = FindingIndex(sorted(run.findings, key=content_key))
        matched: set[int] = set()
        for i, j, _ in match_indexed(FindingIndex(reps), found, tolerance):
            members[i].append((run.id, found.findings[j]))
            matched.add(j)
        for j, f in enumerate(found.findings):
            if j not in matched:
                reps.append(f)
                members.append([(run.id, f)])
    clusters = [Cluster(r, tuple(m)) for r, m in zip(reps, members, strict=True)]
    return tuple(sorted(clusters, key=lambda c: content_key(c.representative)))


def support_histogram(clusters: Sequence[Cluster], runs: int) -> dict[int, int]:
    """How many clusters were found in exactly k runs, for every k in 1..runs."""
    histogram = dict.fromkeys(range(1, runs + 1), 0)
    for c in clusters:
        histogram[c.support] = histogram.get(c.support, 0) + 1
    return histogram
