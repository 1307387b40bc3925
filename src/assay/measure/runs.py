"""Facts about runs that every measurement reports: status, duration, tokens, cost."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assay.measure.errors import MeasureError
from assay.model import Run, RunId

COMPLETE, INCOMPLETE, REFUSED = "complete", "incomplete", "refused"
OUTCOMES = (COMPLETE, INCOMPLETE, REFUSED)


@dataclass(frozen=True)
class RunFacts:
    """One run as measurements list it."""

    id: RunId
    commit: str | None
    scanners: tuple[str, ...]
    outcome: str
    reasons: tuple[str, ...]
    findings: int
    wall_seconds: float
    tokens_in: int
    tokens_out: int
    cost: float
    harness: str = ""
    """The LLM harness of the run's scanners (`agent`, `single-shot`; '' for none)."""

    @property
    def tokens(self) -> int:
        """Input plus output tokens."""
        return self.tokens_in + self.tokens_out


def outcome(run: Run) -> str:
    """`complete`, `refused` (incomplete because the model or provider refused) or `incomplete`."""
    if run.complete:
        return COMPLETE
    texts = [*run.reasons, *(s.reason for s in run.scanners)]
    if any(t.strip().lower().startswith("refus") or "refused" in t.lower() for t in texts):
        return REFUSED
    return INCOMPLETE


def run_facts(run: Run) -> RunFacts:
    """The measured facts of one run."""
    m = run.metrics
    return RunFacts(run.id, run.target.commit, run.scanner_names, outcome(run), run.reasons,
                    len(run.findings), m.wall_seconds, m.tokens_in, m.tokens_out, m.cost,
                    run_harness(run))


def run_harness(run: Run) -> str:
    """The harnesses of the run's LLM scanners as provenance records them, joined with
    `+` ('' when none records one). Runs before the single-shot harness recorded the
    agent's version number under `harness`: they ran the agent."""
    names = []
    for info in run.provenance.scanners:
        value = dict(info.extra).get("harness", "")
        name = "agent" if value.isdigit() else value
        if name and name not in names:
            names.append(name)
    return "+".join(names)


def status_counts(facts: Iterable[RunFacts]) -> dict[str, int]:
    """How many runs were complete, incomplete and refused (always all three keys)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for f in facts:
        counts[f.outcome] += 1
    return counts


def short_commit(commit: str | None) -> str:
    """The first 12 characters of a commit id, or `(no commit)`."""
    return commit[:12] if commit else "(no commit)"


def group_by_commit(runs: Sequence[Run], what: str) -> list[tuple[str | None, list[Run]]]:
    """Runs grouped by commit, for a measurement of repeated runs.

    MeasureError when there are no runs, fewer than two, or a commit with a single run
    (runs of different commits mixed together rather than repeated at each commit).
    """
    if not runs:
        raise MeasureError(f"no runs to measure {what} on",
                           "pass --runs N, --from RUN_ID... or --from-files FILE...")
    groups: dict[str | None, list[Run]] = {}
    for run in runs:
        groups.setdefault(run.target.commit, []).append(run)
    if len(runs) < 2:
        raise MeasureError(f"{what} needs at least 2 runs of the same commit, got 1",
                           "pass --runs 2 or more, or more run ids")
    lonely = [c for c, g in groups.items() if len(g) < 2]
    if lonely:
        shown = ", ".join(f"{short_commit(c)} ({len(g)} run{'s' * (len(g) != 1)})"
                          for c, g in sorted(groups.items(), key=lambda i: i[0] or ""))
        raise MeasureError(f"runs of different commits are mixed: {shown}",
                           f"{what} compares repeated runs of the same commit; give at least "
                           "2 runs per commit, or use `assay compare` for one run each")
    return sorted(groups.items(), key=lambda item: item[0] or "")


def same_commit(runs: Sequence[Run], what: str) -> str | None:
    """The one commit all runs share; MeasureError when they differ or there are none."""
    if not runs:
        raise MeasureError(f"no runs to {what}", "pass run ids or files")
    commits = sorted({r.target.commit or "" for r in runs})
    if len(commits) > 1:
        shown = ", ".join(short_commit(c or None) for c in commits)
        raise MeasureError(f"{what} needs runs of one commit, got runs of {shown}",
                           "pass runs recorded at the same commit (see `assay runs`)")
    return commits[0] or None
