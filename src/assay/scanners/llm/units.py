"""What the single-shot harness sends: one unit of code per request.

A unit is a line range of one file. A whole-tree (or path) review sends each file in
scope as one unit; a diff review sends each changed hunk with `CONTEXT_LINES` lines of
context on each side (hunks whose contexts touch are merged). A unit whose numbered
lines do not fit the request's room for code is split into line ranges that overlap by
`OVERLAP_LINES` lines (at most half a part), so a finding on a cut is seen whole in one
of them. The room is
`(context_window - max_tokens) * CHARS_PER_TOKEN` characters minus the prompt's own
text, with a conservative `CHARS_PER_TOKEN` for code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.scanners.llm.scope import Ranges, Scope

CHARS_PER_TOKEN = 2.5
"""Characters per token when sizing a request: below the 3 of the agent's estimate, as a
single-shot request is mostly code and an overflow costs a whole request."""
CONTEXT_LINES = 20
"""Lines of context around a changed hunk."""
OVERLAP_LINES = 20
"""Lines shared by consecutive parts of a split file."""
MAX_LINE_CHARS = 2000
"""A longer line is cut in the request (and says so)."""
LINE_PREFIX = 8
"""Characters of the line-number prefix (`{n:>6}| `)."""


@dataclass(frozen=True)
class Unit:
    """Lines `start`..`end` of `path` (of `total` lines), sent in one request."""

    path: str
    start: int
    end: int
    total: int

    @property
    def lines(self) -> str:
        """The range as the request states it."""
        return f"{self.start}-{self.end} of {self.total}"


def room_chars(context_window: int, max_tokens: int, prompt_chars: int) -> int:
    """Characters of numbered code one request may carry."""
    return int((context_window - max_tokens) * CHARS_PER_TOKEN) - prompt_chars


def shown(line: str) -> str:
    """A line as a request shows it (cut at MAX_LINE_CHARS)."""
    if len(line) <= MAX_LINE_CHARS:
        return line
    return line[:MAX_LINE_CHARS] + f" [line cut: {len(line) - MAX_LINE_CHARS} more characters]"


def windows(total: int, changes: Ranges | None) -> list[tuple[int, int]]:
    """The line ranges of a file to review: all of it (`changes` None, or a change without
    line ranges), else each changed range with context, merged where they touch."""
    if total == 0:
        return []
    if not changes:
        return [(1, total)]
    spans = []
    for start, end in changes:
        low, high = (start, end) if end >= start else (start - 1, start)
        spans.append((max(1, low - CONTEXT_LINES), min(total, high + CONTEXT_LINES)))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(s for s in spans if s[0] <= s[1]):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def split(path: str, lines: Sequence[str], low: int, high: int, room: int) -> list[Unit]:
    """Lines low..high of a file as units of at most `room` characters each (at least one
    line per unit), each overlapping the one before (see `overlap`)."""
    units: list[Unit] = []
    start = low
    while start <= high:
        size, end = 0, start - 1
        while end < high:
            cost = len(shown(lines[end])) + LINE_PREFIX + 1
            if size + cost > room and end >= start:
                break
            size += cost
            end += 1
        units.append(Unit(path, start, end, len(lines)))
        if end >= high:
            break
        start = end + 1 - overlap(start, end)
    return units


def overlap(start: int, end: int) -> int:
    """Lines the part after `start..end` repeats: OVERLAP_LINES, but at most half the part
    (so a window that holds few lines still moves on by half of them)."""
    return min(OVERLAP_LINES, (end - start + 1) // 2)


def plan(scope: Scope, path: str, lines: Sequence[str], room: int) -> list[Unit]:
    """The units of one file of `scope`."""
    changes = dict(scope.changes).get(path) if scope.diff_base else None
    return [u for low, high in windows(len(lines), changes)
            for u in split(path, lines, low, high, room)]
