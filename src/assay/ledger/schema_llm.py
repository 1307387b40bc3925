"""Ledger tables of the LLM harness: traces of every run and the LLM result cache.

`llm_traces` holds one row per event (request, response, tool result, retry, ...) of one
scanner in one run, in order; `llm_cache` maps a cache key (scope content, prompt, model,
params, tool manifest) to the result of the run that produced it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _llm_v1(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE llm_traces (
            run_id TEXT NOT NULL,
            scanner TEXT NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            stage TEXT NOT NULL,
            step INTEGER NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (run_id, scanner, seq)
        );
        CREATE TABLE llm_cache (
            key TEXT PRIMARY KEY,
            scanner TEXT NOT NULL,
            run_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            tokens INTEGER NOT NULL,
            result TEXT NOT NULL
        );
        """
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_llm_v1]
