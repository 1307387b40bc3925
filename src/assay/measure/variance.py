"""Findings variance: several runs or scanners on one commit, compared pairwise.

`compare_runs` returns the pairwise agreement matrix (Jaccard under one-to-one matching)
and, for each run, the findings no other run found. Runs are labelled by their scanners
and the harness of their LLM scanners (and run id when two runs would share a label);
`split_by_scanner` turns multi-scanner runs into one column per scanner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from assay.measure._perf import gc_paused
from assay.measure.groups import one_group
from assay.measure.matching import DEFAULT_TOLERANCE, FindingIndex, jaccard_of, match_indexed
from assay.measure.runs import RunFacts, run_facts, run_harness
from assay.model import Finding, Run, ScannerInfo, sorted_findings


@dataclass(frozen=True)
class CompareReport:
    """Pairwise agreement of runs on one commit.

    `matrix[i][j]` is the Jaccard of runs i and j (1.0 on the diagonal); `unique[i]` holds
    the findings of run i that matched nothing in any other run.
    """

    commit: str | None
    tolerance: int
    labels: tuple[str, ...]
    runs: tuple[RunFacts, ...]
    matrix: tuple[tuple[float, ...], ...]
    matched: tuple[tuple[int, ...], ...]
    unique: tuple[tuple[Finding, ...], ...]
    scope: str = "whole tree"


def run_label(run: Run) -> str:
    """A run's default label: its scanner names joined with `+`, and the harness of its
    LLM scanners in brackets (`reviewer [single-shot]`): harness is an axis of variance."""
    harness = run_harness(run)
    label = "+".join(run.scanner_names) or run.id
    return f"{label} [{harness}]" if harness else label


def split_by_scanner(runs: Sequence[Run]) -> list[Run]:
    """One run per (run, scanner): each keeps only that scanner's findings.

    A run of a single scanner stays whole (its findings may name sub-engines); a run of
    several is split by each finding's `scanner`, and a name no provenance entry carries
    gets a bare one so the part is labelled by it.
    """
    out: list[Run] = []
    for run in runs:
        declared = run.scanner_names
        names = list(dict.fromkeys([*declared, *(f.scanner for f in run.findings)]))
        if len(declared) == 1 or len(names) <= 1:
            out.append(run)
            continue
        for name in names:
            infos = tuple(s for s in run.provenance.scanners if s.name == name) or (
                ScannerInfo(name, ""),)
            out.append(replace(run, findings=tuple(f for f in run.findings if f.scanner == name),
                               provenance=replace(run.provenance, scanners=infos),
                               scanners=tuple(s for s in run.scanners if s.name == name)))
    return out


def unique_labels(runs: Sequence[Run], labels: Sequence[str] | None = None) -> tuple[str, ...]:
    """Given labels, or scanner names with a run id suffix where two would collide."""
    if labels is not None:
        if len(labels) != len(runs):
            raise ValueError(f"{len(labels)} labels for {len(runs)} runs")
        return tuple(labels)
    base = [run_label(r) for r in runs]
    return tuple(b if base.count(b) == 1 else f"{b}@{r.id}" for b, r in zip(base, runs,
                                                                           strict=True))


@gc_paused
def compare_runs(runs: Sequence[Run], labels: Sequence[str] | None = None,
                 tolerance: int = DEFAULT_TOLERANCE) -> CompareReport:
    """Compare runs of one commit and scope (MeasureError when the runs looked at different
    code: other commits or other files; or when there are none). Their configurations may
    differ: that is what compare measures."""
    group = one_group(runs, "compare", same_config=False)
    commit = group.commit
    indexes = [FindingIndex(r.findings) for r in runs]
    n = len(runs)
    matrix = [[1.0] * n for _ in range(n)]
    counts = [[len(ix)] * n for ix in indexes]
    seen = [set[int]() for _ in range(n)]
    for i, j in combinations(range(n), 2):
        pairs = match_indexed(indexes[i], indexes[j], tolerance)
        matrix[i][j] = matrix[j][i] = jaccard_of(len(pairs), len(indexes[i]), len(indexes[j]))
        counts[i][j] = counts[j][i] = len(pairs)
        seen[i].update(a for a, _, _ in pairs)
        seen[j].update(b for _, b, _ in pairs)
    unique = tuple(sorted_findings(f for k, f in enumerate(ix.findings) if k not in seen[i])
                   for i, ix in enumerate(indexes))
    return CompareReport(commit, tolerance, unique_labels(runs, labels),
                         tuple(run_facts(r) for r in runs),
                         tuple(tuple(row) for row in matrix),
                         tuple(tuple(row) for row in counts), unique, group.scope_label)
