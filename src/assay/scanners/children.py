"""The processes scanners start, so that a scan that is stopped leaves none running.

A scanner's process runs in a session of its own, so that a timeout can kill its whole
group (Semgrep's workers included). Ctrl-C in a terminal and the SIGTERM of a cancelled
CI job reach assay alone: whoever stops a scan calls `stopping`, which kills every group
still running and lets no new one start while it lasts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

_LOCK = threading.Lock()
_STARTED = threading.Condition(_LOCK)
_LIVE: weakref.WeakSet[subprocess.Popen[bytes]] = weakref.WeakSet()
_stopping = 0
_spawned = 0


def spawn(argv: Sequence[str], cwd: Path, env: Mapping[str, str],
          stderr: int = subprocess.PIPE) -> subprocess.Popen[bytes]:
    """Start `argv` in `cwd` with exactly `env`, in a session of its own, its output
    piped (stdin empty); OSError when scans are being stopped."""
    global _spawned
    with _LOCK:
        if _stopping:
            raise OSError("the scan is being stopped")
        proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=stderr,
                                start_new_session=True)
        _LIVE.add(proc)
        _spawned += 1
        _STARTED.notify_all()
    return proc


def spawned() -> int:
    """How many processes scanners have started so far (in this interpreter)."""
    with _LOCK:
        return _spawned


def wait_for_spawn(count: int, timeout: float) -> bool:
    """Wait up to `timeout` seconds for more than `count` processes to have been
    started; whether they have."""
    with _STARTED:
        return _STARTED.wait_for(lambda: _spawned > count, timeout)


def kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group of `proc`, if it is still running (its leader not yet
    reaped: the group's id cannot have been reused)."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)


def kill_and_reap(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group of `proc` and wait for its leader (its pipes drained)."""
    kill(proc)
    proc.communicate()


@contextlib.contextmanager
def stopping() -> Iterator[None]:
    """Kill every process group scanners started that is still running, and start no
    other until the block ends."""
    global _stopping
    with _LOCK:
        _stopping += 1
        live = list(_LIVE)
    try:
        for proc in live:
            kill(proc)
        yield
    finally:
        with _LOCK:
            _stopping -= 1


def running() -> int:
    """How many processes scanners started are still running."""
    with _LOCK:
        return sum(proc.poll() is None for proc in _LIVE)
