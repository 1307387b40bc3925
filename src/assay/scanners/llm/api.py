"""Public functions of the LLM harness for library users (re-exported by `assay.api`).

    from assay.api import replay
    for report in replay("20261125T174905Z-3f9a1c2b", path="path/to/repo"):
        print(report.scanner, "identical" if report.identical else report.divergences)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assay.api import default_ledger, locate_project
from assay.ledger import open_ledger
from assay.ledger.sqlite import ledger_path
from assay.scanners.llm.replay import ReplayReport, replay_run
from assay.scanners.llm.store import LlmStore


def replay(run_id: str, *, path: str | Path = ".", ledger: str | Path | None = None,
           scanners: Sequence[str] = (), config_path: Path | None = None,
           ) -> list[ReplayReport]:
    """Re-run the LLM scanners of a recorded run from their traces and compare."""
    project = locate_project(path, config_path)
    location = default_ledger(project, ledger)
    with open_ledger(location) as store:
        run = store.get_run(run_id)
    llm = LlmStore(ledger_path(location))
    try:
        return replay_run(llm, run, scanners)
    finally:
        llm.close()


__all__ = ["ReplayReport", "replay"]
