"""Regular expressions from the model, run where they cannot hold the harness.

The grep tool's pattern and glob come from the model, and the model reads the scanned
repository, so both may be chosen by an attacker: `(a+)+$` against a line of a's, or a
glob such as `*a*a*a*a*a*b`, backtracks for longer than any time-box, and Python's regex
engine holds the interpreter lock while it does. So matching runs in a child Python
process (started on first use, kept for the run, empty environment, standard library
only) and every request has a deadline: past it the child is killed and the caller gets
`MatchTimeout`; the next request starts a new child. The child also stops itself at the
deadline, so it does not outlive a parent that died.
"""

from __future__ import annotations

import json
import marshal
import os
import select
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.scanners.llm._match_worker import HEADER

WORKER = Path(__file__).with_name("_match_worker.py")
GRACE = 0.5  # seconds the child gets past the deadline to answer that it stopped


@dataclass(frozen=True)
class Deadline:
    """When a tool call must stop (a `time.monotonic()` value), and what that limit is."""

    at: float
    what: str

    @classmethod
    def within(cls, seconds: float, what: str) -> Deadline:
        """The deadline `seconds` from now."""
        return cls(time.monotonic() + seconds, what)

    def left(self) -> float:
        """Seconds until the deadline (negative once it has passed)."""
        return self.at - time.monotonic()

    def passed(self) -> bool:
        """True once the deadline has passed."""
        return self.left() <= 0

    def sooner(self, other: Deadline | None) -> Deadline:
        """The earlier of two deadlines."""
        return self if other is None or self.at <= other.at else other


class MatchTimeout(Exception):
    """A search did not finish by its deadline."""


class MatchError(Exception):
    """A pattern the child could not run, or a child that could not start or died; the
    message says which."""


class Matcher:
    """A child process that runs regex searches with a deadline each."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self.started = 0
        self.killed = 0

    def search(self, pattern: str, flags: int, texts: Sequence[str], limit: int,
               deadline: Deadline, width: int, shown: int) -> list[tuple[int, int, str]]:
        """The first `limit + 1` lines of `texts` that `pattern` matches (searched within
        their first `width` characters): (text index, 1-based line number, the line's
        first `shown` characters)."""
        value = self._ask("search", (pattern, int(flags), list(texts), limit, width, shown),
                          deadline)
        return [(int(i), int(n), str(line)) for i, n, line in value]

    def select(self, pattern: str, paths: Sequence[str], deadline: Deadline) -> list[int]:
        """Indexes of the paths that `pattern` matches whole."""
        return [int(i) for i in self._ask("select", (pattern, list(paths)), deadline)]

    def close(self) -> None:
        """Stop the child (it exits when its input closes; killed if it does not)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        try:
            proc.wait(timeout=GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> Matcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-I", "-S", str(WORKER)], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={}, bufsize=0,
                    close_fds=True)
            except OSError as exc:
                raise MatchError(f"grep is unavailable: the matching process could not "
                                 f"start ({exc.strerror or exc})") from None
            self.started += 1
        return self._proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
            self.killed += 1

    def _ask(self, kind: str, args: tuple[Any, ...], deadline: Deadline) -> Any:
        seconds = deadline.left()
        if seconds <= 0:
            raise MatchTimeout
        proc = self._start()
        data = marshal.dumps((kind, seconds, args))
        try:
            assert proc.stdin is not None
            proc.stdin.write(HEADER.pack(len(data)) + data)
        except OSError:
            self._kill()
            raise MatchError("grep failed: the matching process ended unexpectedly; "
                             "try again") from None
        reply = self._receive(proc, deadline.at + GRACE)
        if reply is None:
            self._kill()
            raise MatchTimeout
        if reply[0] == "timeout":
            raise MatchTimeout
        if reply[0] == "error":
            raise MatchError(str(reply[1]))
        return reply[1]

    def _receive(self, proc: subprocess.Popen[bytes], until: float) -> Any:
        """The child's next reply, or None if it did not come by `until`."""
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        header = _read(fd, HEADER.size, until)
        body = None if header is None else _read(fd, HEADER.unpack(header)[0], until)
        return None if body is None else json.loads(body)


def _read(fd: int, size: int, until: float) -> bytes | None:
    chunks: list[bytes] = []
    got = 0
    while got < size:
        left = until - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, min(size - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
