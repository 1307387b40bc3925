"""The terminal view of `assay runs`: one table row per recorded run.

The summaries come from the ledger; they are read here by their fields only (the import
below is for type checking), so this module imports nothing of the storage layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

from assay.formats.runs_document import scope_label
from assay.report.terminal import add_row

if TYPE_CHECKING:
    from assay.ledger.interface import RunSummary

COLUMNS = ("Run", "Started", "Status", "Scanners", "Commit", "Scope", "Findings", "Seconds")
NO_WRAP = ("Run", "Started", "Status", "Commit", "Scope")


def runs_table(rows: Sequence[RunSummary]) -> Table:
    """The runs as a table: id, start, status, scanners, commit, scope, findings, time."""
    table = Table(header_style="bold")
    for column in COLUMNS:
        table.add_column(column, no_wrap=column in NO_WRAP)
    for r in rows:
        commit_text = (r.commit or "")[:12] + ("+dirty" if r.dirty else "")
        add_row(table, r.id, r.started_at, r.status, ", ".join(r.scanners), commit_text,
                scope_label(r), str(r.findings), f"{r.wall_seconds:.2f}")
    return table
