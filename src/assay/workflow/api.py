"""Library entry points of the gate workflow (re-exported by `assay.api`).

    from assay.api import tier, gate
    print(tier("path/to/repo", diff="origin/main...HEAD").fired)
    result = gate("path/to/repo", diff="origin/main...HEAD")
    print(result.decision, result.reasons)
"""

from __future__ import annotations

from pathlib import Path

from assay.repo.diff import Diff, compute_diff, parse_range
from assay.repo.interface import Snapshot
from assay.repo.snapshot import open_snapshot
from assay.workflow.tier import LlmMode, TierResult, tier_change


def open_change(path: str | Path, diff: str) -> tuple[Snapshot, Diff, str | None]:
    """The snapshot a `--diff` range scans (its head, else the work tree) and the diff."""
    base, head, merge_base = parse_range(diff)
    snapshot = open_snapshot(path, head)
    return snapshot, compute_diff(snapshot, base, merge_base, head), head


def tier(path: str | Path = ".", diff: str = "HEAD", *, config_path: Path | None = None,
         llm: LlmMode = LlmMode.AUTO) -> TierResult:
    """Classify the change `diff` (BASE, BASE..HEAD or BASE...HEAD) under PATH's config."""
    from assay.api import locate_project

    project = locate_project(path, config_path)
    _, change, head = open_change(path, diff)
    return tier_change(change, project.config.config, head, llm)
