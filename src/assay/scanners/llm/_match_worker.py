"""The child process of `assay.scanners.llm.matcher`: regular-expression searches.

Run as `python -I -S _match_worker.py` with an empty environment; it imports the
standard library only. It answers one request at a time: a 4-byte length, then the
request as a marshal document on stdin (from the parent only: fast for megabytes of
lines), the reply as JSON on stdout. Each request carries its own time limit: an
interval timer interrupts the search (the regex engine checks for signals while it
backtracks), so a search the parent stopped waiting for does not outlive it, even
if the parent itself is gone.
"""

from __future__ import annotations

import json
import marshal
import re
import signal
import struct
import sys
from types import FrameType
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")


class Expired(Exception):
    """The request's time limit passed."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Expired


def read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    """`size` bytes from `stream`, or None at the end of the stream."""
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def search(pattern: str, flags: int, texts: list[str], limit: int, width: int,
           shown: int) -> list[tuple[int, int, str]]:
    """(text index, line number, the line's first `shown` characters) of the first
    `limit + 1` lines whose first `width` characters the pattern matches."""
    regex = re.compile(pattern, flags)
    hits: list[tuple[int, int, str]] = []
    for index, text in enumerate(texts):
        for number, line in enumerate(text.splitlines(), 1):
            if regex.search(line[:width]):
                hits.append((index, number, line[:shown]))
                if len(hits) > limit:
                    return hits
    return hits


def select(pattern: str, paths: list[str]) -> list[int]:
    """Indexes of the paths the pattern matches whole."""
    regex = re.compile(pattern)
    return [i for i, path in enumerate(paths) if regex.fullmatch(path)]


def answer(request: tuple[Any, ...]) -> tuple[Any, ...]:
    """The reply to one request: ('ok', value), ('timeout',) or ('error', message)."""
    kind, seconds, args = request
    try:
        signal.setitimer(signal.ITIMER_REAL, max(float(seconds), 0.001))
        try:
            value = search(*args) if kind == "search" else select(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except Expired:
        return ("timeout",)
    except (re.error, RecursionError, OverflowError, MemoryError, ValueError, TypeError) as exc:
        return ("error", f"invalid regular expression: {exc}")
    return ("ok", value)


def main() -> None:
    """Serve requests until stdin closes."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (header := read_exactly(stdin, HEADER.size)) is not None:
        body = read_exactly(stdin, HEADER.unpack(header)[0])
        if body is None:
            return
        request = marshal.loads(body)  # noqa: S302 - written by the parent process
        data = json.dumps(answer(request)).encode()
        stdout.write(HEADER.pack(len(data)) + data)
        stdout.flush()


if __name__ == "__main__":
    main()
