"""The ledger interface: storage of runs and what later stages attach to them."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from assay.errors import AssayError
from assay.model import Run, RunId


class LedgerError(AssayError):
    """The ledger cannot be opened, read or written."""


@dataclass(frozen=True)
class RunSummary:
    """One line of a run listing."""

    id: RunId
    started_at: str
    status: str
    scanners: tuple[str, ...]
    commit: str | None
    dirty: bool
    findings: int
    wall_seconds: float


class Ledger(abc.ABC):
    """Where runs are recorded. SQLite by default; the interface admits other stores."""

    @abc.abstractmethod
    def record_run(self, run: Run) -> None:
        """Store a run with its findings, coverage and metrics."""

    @abc.abstractmethod
    def get_run(self, run_id: str) -> Run:
        """A stored run by id or unique id prefix; LedgerError when there is none."""

    @abc.abstractmethod
    def list_runs(self, limit: int = 50, scanner: str | None = None,
                  commit: str | None = None) -> list[RunSummary]:
        """The most recent runs first, optionally filtered."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store."""

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
