"""The LLM harness's tables of a SQLite ledger: traces and the result cache."""

from __future__ import annotations

from collections.abc import Sequence

from assay.ledger.interface import CacheEntry, LlmCache, TraceEvent, TraceStore
from assay.ledger.sqlite_db import Database


class SqliteTraces(TraceStore):
    """LLM traces in a SQLite ledger: one row per event."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def append(self, run_id: str, scanner: str, events: Sequence[TraceEvent]) -> None:
        """Store events of one scanner's run (one transaction)."""
        with self._db.writing() as db:
            db.executemany("INSERT INTO llm_traces VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(run_id, scanner, e.seq, e.kind, e.stage, e.step, e.payload)
                            for e in events])

    def events(self, run_id: str, scanner: str) -> list[TraceEvent]:
        """Every event of one scanner's run, in order."""
        with self._db.reading() as db:
            rows = db.execute("SELECT seq, kind, stage, step, payload FROM llm_traces"
                              " WHERE run_id = ? AND scanner = ? ORDER BY seq",
                              (run_id, scanner)).fetchall()
        return [TraceEvent(*r) for r in rows]

    def scanners(self, run_id: str) -> list[str]:
        """Names of the scanners with a trace in a run, sorted."""
        with self._db.reading() as db:
            rows = db.execute("SELECT DISTINCT scanner FROM llm_traces WHERE run_id = ?"
                              " ORDER BY scanner", (run_id,)).fetchall()
        return [r[0] for r in rows]


class SqliteLlmCache(LlmCache):
    """The LLM result cache in a SQLite ledger: one row per key."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str) -> CacheEntry | None:
        """The entry stored under `key`, if any."""
        with self._db.reading() as db:
            row = db.execute("SELECT scanner, run_id, created_at, tokens, result"
                             " FROM llm_cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else CacheEntry(*row)

    def put(self, key: str, entry: CacheEntry) -> None:
        """Store (or replace) the entry under `key`."""
        with self._db.writing() as db:
            db.execute("INSERT OR REPLACE INTO llm_cache VALUES (?, ?, ?, ?, ?, ?)",
                       (key, entry.scanner, entry.run_id, entry.created_at, entry.tokens,
                        entry.result))
