"""`assay runs`: what each recorded run covered, in words and as JSON.

A run covered the whole tree (`tree`, or `tree of src/` for one directory), a diff's
changed files (`diff a1b2c3d4..c3d4e5f6 (3 files)`) or a path set (`paths (2)`).
The summaries come from the ledger; they are read here by their fields only (the import
below is for type checking), so this module imports nothing above the formats layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assay.ledger.interface import RunSummary

SHORT = 8


def scope_kind(run: RunSummary) -> str:
    """`diff` (a diff's changed files), `paths` (a path set) or `tree` (every file)."""
    if run.diff_base is not None:
        return "diff"
    return "paths" if run.files else "tree"


def scope_label(run: RunSummary) -> str:
    """What the run covered, in a few words: `tree`, `tree of src/`, `paths (2)`,
    `diff a1b2c3d4..c3d4e5f6 (3 files)`."""
    kind = scope_kind(run)
    if kind == "diff":
        head = (run.commit or "work tree")[:SHORT]
        count = f" ({run.files} file{'s' * (run.files != 1)})" if run.files else ""
        return f"diff {(run.diff_base or '')[:SHORT]}..{head}{count}"
    label = f"paths ({run.files})" if kind == "paths" else "tree"
    return label if run.scope in (".", "") else f"{label} of {run.scope}/"


def runs_document(rows: Sequence[RunSummary]) -> list[dict[str, Any]]:
    """`assay runs --json`: one entry per run, newest first."""
    return [{"id": r.id, "started_at": r.started_at, "status": r.status,
             "scanners": list(r.scanners), "commit": r.commit, "dirty": r.dirty,
             "findings": r.findings, "wall_seconds": r.wall_seconds,
             "scope": {"kind": scope_kind(r), "directory": r.scope or ".",
                       "diff_base": r.diff_base, "files": r.files,
                       "label": scope_label(r)}} for r in rows]
