"""The harness's records in the ledger: trace events and the LLM result cache, decoded.

The ledger keeps what the harness wrote as JSON text (`ledger.traces`, `ledger.llm_cache`);
this is where it becomes events and results again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assay.ledger.interface import CacheEntry, Ledger, TraceEvent


@dataclass(frozen=True)
class Event:
    """One trace event as stored."""

    seq: int
    kind: str
    stage: str
    step: int
    payload: dict[str, Any]


class LlmStore:
    """Traces and cache entries of the LLM harness in one ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    @classmethod
    def for_ledger(cls, ledger: Ledger | None) -> LlmStore | None:
        """A store in `ledger` (None without one: nothing is recorded)."""
        return None if ledger is None else cls(ledger)

    def append(self, run_id: str, scanner: str,
               events: Iterable[tuple[int, str, str, int, str]]) -> None:
        """Store events (seq, kind, stage, step, payload JSON) of one scanner's run."""
        self.ledger.traces.append(run_id, scanner, [TraceEvent(*e) for e in events])

    def events(self, run_id: str, scanner: str) -> list[Event]:
        """Every event of one scanner's run, in order."""
        return [Event(e.seq, e.kind, e.stage, e.step, json.loads(e.payload))
                for e in self.ledger.traces.events(run_id, scanner)]

    def traced_scanners(self, run_id: str) -> list[str]:
        """Names of the scanners with a trace in a run."""
        return self.ledger.traces.scanners(run_id)

    def cache_get(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """(source run id, stored result) for a cache key."""
        entry = self.ledger.llm_cache.get(key)
        return None if entry is None else (entry.run_id, json.loads(entry.result))

    def cache_put(self, key: str, scanner: str, run_id: str, tokens: int,
                  result: dict[str, Any]) -> None:
        """Store (or replace) the result for a cache key."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.ledger.llm_cache.put(key, CacheEntry(scanner, run_id, stamp, tokens,
                                                  json.dumps(result, sort_keys=True)))
