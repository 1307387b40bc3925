"""The replay use case: re-run the LLM scanners of a recorded run from their traces.

    from assay.api import replay
    for report in replay("20261125T174905Z-3f9a1c2b", path="path/to/repo"):
        print(report.scanner, "identical" if report.identical else report.divergences)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assay.ledger import open_ledger
from assay.project import default_ledger, locate_project
from assay.scanners.llm.replay import ReplayReport, replay_run
from assay.scanners.llm.store import LlmStore


def replay(run_id: str, *, path: str | Path = ".", ledger: str | Path | None = None,
           scanners: Sequence[str] = (), config_path: Path | None = None,
           ) -> list[ReplayReport]:
    """Re-run the LLM scanners of a recorded run from their traces and compare."""
    project = locate_project(path, config_path)
    with open_ledger(default_ledger(project, ledger)) as store:
        return replay_run(LlmStore(store), store.get_run(run_id), scanners)


__all__ = ["ReplayReport", "replay"]
