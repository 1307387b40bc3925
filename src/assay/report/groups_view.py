"""The memo's groups: one section per like-for-like group of runs, saying which group.

A group is one scanner setup on one commit, one scope (whole tree, a directory, a diff's
changed files) and one scanner configuration (`assay.measure.groups`). Runs of different
groups are never compared with each other, so each section says what its runs covered and
how much they agreed among themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assay.measure.drift import CommitDrift, DriftReport
from assay.measure.groups import RunGroup, group_runs
from assay.measure.variance import run_label
from assay.model import Run
from assay.report.memo import GroupSection


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _drift_of(group: RunGroup, drift: DriftReport | None) -> CommitDrift | None:
    if drift is None:
        return None
    return next((c for c in drift.commits if c.commit == group.commit
                 and c.scope == group.scope_label and c.config == group.key.config), None)


def agreement(c: CommitDrift) -> str:
    """How much the runs of a group agreed, in words."""
    n = len(c.measured)
    j = c.jaccard
    if j is None:
        return f"fewer than 2 of its {_plural(len(c.runs), 'run')} completed: agreement " \
               "not measured"
    if c.identical == n and not any(c.support.values()):
        return f"no finding in any of its {_plural(n, 'complete run')}: they agree by " \
            "definition, which says nothing about repeatability"
    if c.identical == n:
        return f"deterministic: identical in {n} of {n} runs (pairwise Jaccard 1.00)"
    interval = f" (95% interval {j.interval.low:.2f} to {j.interval.high:.2f})" \
        if j.interval else ""
    support = ", ".join(f"{v} in {k} of {n}" for k, v in sorted(c.support.items(),
                                                                reverse=True))
    return (f"varies: identical in {c.identical} of {n} runs; mean pairwise Jaccard "
            f"{j.mean:.2f}{interval}; distinct findings found {support} runs")


def _coverage(runs: Sequence[Run]) -> str:
    parts = [f"{r.coverage.analyzed}/{r.coverage.in_scope}" for r in runs]
    return "files analyzed per run (of those in scope): " + ", ".join(parts)


def group_sections(runs: Sequence[Run],
                   drifts: Mapping[str, DriftReport]) -> tuple[GroupSection, ...]:
    """One section per (setup, group), in setup then group order."""
    by_setup: dict[str, list[Run]] = {}
    for run in runs:
        by_setup.setdefault(run_label(run), []).append(run)
    sections = []
    for setup, members in sorted(by_setup.items()):
        for i, group in enumerate(group_runs(members)):
            c = _drift_of(group, drifts.get(setup))
            if len(group.runs) < 2:
                said = ("a single run: nothing to compare it with in its group; it is not "
                        "pooled with runs of other commits, scopes or configurations")
            else:
                said = agreement(c) if c is not None else "agreement not measured"
            sections.append(GroupSection(
                f"{setup}-{i + 1}", f"{setup}: {group.label}",
                (f"{_plural(len(group.runs), 'run')}; {said}.", _coverage(group.runs) + ".")))
    return tuple(sections)


def summary_lines(sections: Sequence[GroupSection]) -> list[str]:
    """The groups' verdicts, one sentence each, for the memo's summary."""
    return [f"{s.title}: {s.lines[0]}" for s in sections]
