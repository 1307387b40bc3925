"""The run listing use case (`assay runs`): what the ledger holds, newest first.

    from assay.app.runs import list_runs

    for summary in list_runs("path/to/repo", scanner="bandit", limit=10):
        print(summary.id, summary.status, summary.findings)
"""

from __future__ import annotations

from pathlib import Path

from assay.ledger import open_ledger
from assay.ledger.interface import RunSummary
from assay.project import default_ledger, locate_project


def _ledger(path: str | Path, ledger: str | Path | None) -> str | Path:
    if ledger:
        return ledger
    return default_ledger(locate_project(path))


def list_runs(path: str | Path = ".", *, ledger: str | Path | None = None,
              scanner: str | None = None, commit: str | None = None,
              limit: int = 50) -> list[RunSummary]:
    """The recorded runs of the project at `path` (or of `ledger`), newest first: only
    `scanner`'s, only those at the commit id `commit`, at most `limit`."""
    with open_ledger(_ledger(path, ledger)) as store:
        return store.list_runs(limit=limit, scanner=scanner, commit=commit)
