"""The harness's own access to the ledger file: trace events and the LLM result cache.

It opens its own SQLite connection to the ledger (WAL mode lets it write while the run is
in progress) so that the shared ledger connection is never used from scanner threads.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assay.ledger import migrations
from assay.ledger.interface import Ledger, LedgerError


@dataclass(frozen=True)
class Event:
    """One trace event as stored."""

    seq: int
    kind: str
    stage: str
    step: int
    payload: dict[str, Any]


class LlmStore:
    """Traces and cache entries in one ledger file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(path, autocommit=True, check_same_thread=False,
                                      timeout=30.0)
            self.db.execute("PRAGMA busy_timeout = 30000")
            migrations.migrate(self.db)
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open ledger {path} for LLM traces: {exc}") from None

    @classmethod
    def for_ledger(cls, ledger: Ledger | None) -> LlmStore | None:
        """A store beside a SQLite ledger (None without one: nothing is recorded)."""
        path = getattr(ledger, "path", None)
        return cls(Path(path)) if isinstance(path, Path) else None

    def append(self, run_id: str, scanner: str,
               events: Iterable[tuple[int, str, str, int, str]]) -> None:
        """Store events (seq, kind, stage, step, payload JSON) of one scanner's run."""
        rows = [(run_id, scanner, *e) for e in events]
        with migrations.transaction(self.db):
            self.db.executemany("INSERT INTO llm_traces VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def events(self, run_id: str, scanner: str) -> list[Event]:
        """Every event of one scanner's run, in order."""
        rows = self.db.execute(
            "SELECT seq, kind, stage, step, payload FROM llm_traces WHERE run_id = ? AND "
            "scanner = ? ORDER BY seq", (run_id, scanner)).fetchall()
        return [Event(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def traced_scanners(self, run_id: str) -> list[str]:
        """Names of the scanners with a trace in a run."""
        rows = self.db.execute("SELECT DISTINCT scanner FROM llm_traces WHERE run_id = ? "
                               "ORDER BY scanner", (run_id,)).fetchall()
        return [r[0] for r in rows]

    def cache_get(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """(source run id, stored result) for a cache key."""
        row = self.db.execute("SELECT run_id, result FROM llm_cache WHERE key = ?",
                              (key,)).fetchone()
        return None if row is None else (row[0], json.loads(row[1]))

    def cache_put(self, key: str, scanner: str, run_id: str, tokens: int,
                  result: dict[str, Any]) -> None:
        """Store (or replace) the result for a cache key."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with migrations.transaction(self.db):
            self.db.execute("INSERT OR REPLACE INTO llm_cache VALUES (?, ?, ?, ?, ?, ?)",
                            (key, scanner, run_id, stamp, tokens,
                             json.dumps(result, sort_keys=True)))

    def close(self) -> None:
        """Close the connection."""
        self.db.close()
