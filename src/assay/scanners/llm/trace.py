"""Traces: every request, response, retry and tool result of a run, in order.

Events are buffered and written to the ledger in batches, so a long run holds only a
small buffer in memory. Event kinds:

- `header`: settings, prompt pack (text and hash), tool manifest, scope, files, target;
- `request`: step, stage, the request hash, new harness turns, context cuts;
- `attempt_error`: a failed attempt (kind, message, wait before the retry);
- `response`: the normalized response (text, tool calls, stop reason, usage, model);
- `tool`: a tool call's name, arguments, result and whether it was an error;
- `failure`: the run ended on a provider error or a budget (kind, reason);
- `cache_hit`: the result was served from the cache of another run;
- `end`: status, reason and counts.
"""

from __future__ import annotations

import json
from typing import Any

from assay.scanners.llm.store import Event, LlmStore

FLUSH_EVERY = 64


class Trace:
    """The event log of one scanner in one run."""

    def __init__(self, store: LlmStore | None, run_id: str, scanner: str,
                 keep: bool = False) -> None:
        self.store = store
        self.run_id = run_id
        self.scanner = scanner
        self.keep = keep
        self.kept: list[Event] = []
        self.count = 0
        self._buffer: list[tuple[int, str, str, int, str]] = []

    def emit(self, event: str, stage: str = "", step: int = 0, **payload: Any) -> None:
        """Record one event of kind `event`."""
        if self.keep:
            self.kept.append(Event(self.count, event, stage, step, payload))
        if self.store is not None:
            text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
            self._buffer.append((self.count, event, stage, step, text))
            if len(self._buffer) >= FLUSH_EVERY:
                self.flush()
        self.count += 1

    def flush(self) -> None:
        """Write buffered events to the ledger."""
        if self.store is not None and self._buffer:
            self.store.append(self.run_id, self.scanner, self._buffer)
            self._buffer = []
