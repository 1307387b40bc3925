"""Run one process tree under a wall-clock and memory limit and leave nothing of it behind.

The process starts in a new session (its own process group); on timeout, or when its
memory guard reports the limit, the whole group is killed. When the guard is a cgroup,
the process is started behind a gate (a shell waiting for one line on its stdin), moved
into the cgroup, and only then let through to `exec` the real command: nothing of it runs
outside the cgroup. Output goes to unlinked temporary files rather than pipes, so a
leftover holding a pipe open can never stall us, and only a bounded tail of it is read
back.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

from assay.workflow._sandbox_memory import MemoryGuard, MemoryUse

OUTPUT_CAP = 1024 * 1024
"""At most this many bytes of each stream are kept (the end, where test summaries are)."""

_REAP_GRACE = 5.0


@dataclass(frozen=True)
class Outcome:
    """What happened to the process tree."""

    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool
    duration: float
    memory: MemoryUse


@dataclass(frozen=True)
class Launch:
    """How to start the process."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    cwd: str
    pass_fds: tuple[int, ...] = ()
    user: int | None = None
    """Host uid and gid to run as (assay as root: the sandbox id; else unchanged)."""
    info_fd: int | None = None
    """Read end of bubblewrap's --info-fd pipe, to learn the sandbox's init pid."""
    close_after_start: tuple[int, ...] = ()
    """Descriptors only the child needs (closed here once it has started)."""
    shell: str = "/bin/sh"
    """The shell that holds the process at the gate until it is in its cgroup."""

_GATE = 'read -r _ && exec "$@" </dev/null'
"""Wait for one line on stdin (EOF: the parent is gone, so exit), then run the command."""


def read_tail(handle: IO[bytes], cap: int = OUTPUT_CAP) -> str:
    """The last `cap` bytes of a file, decoded, with a note when the start was dropped."""
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - cap))
    text = handle.read().decode("utf-8", errors="replace")
    if size > cap:
        return f"[... {size - cap} bytes of output dropped ...]\n{text}"
    return text


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _sandbox_init_pidfd(info_fd: int | None, deadline: float) -> int | None:
    """A pidfd of the sandbox's pid 1 (its death tears the pid namespace down), if known."""
    if info_fd is None:
        return None
    chunks: list[bytes] = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([info_fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(info_fd, 4096)
        if not chunk:
            break
        chunks.append(chunk)
    text = b"".join(chunks).decode("ascii", errors="replace")
    _, sep, rest = text.partition('"child-pid":')
    digits = rest.strip().split(",")[0].split("\n")[0].strip()
    if not sep or not digits.isdigit():
        return None
    try:
        return os.pidfd_open(int(digits))
    except OSError:
        return None


def _await_pidfd(pidfd: int | None) -> None:
    """Wait (bounded) until the process behind `pidfd` has exited, then close it."""
    if pidfd is None:
        return
    try:
        select.select([pidfd], [], [], _REAP_GRACE)
    finally:
        os.close(pidfd)


def _close_all(fds: list[int]) -> None:
    while fds:
        os.close(fds.pop())


def _start(launch: Launch, guard: MemoryGuard,
           out: IO[bytes], err: IO[bytes]) -> tuple[subprocess.Popen[bytes], MemoryGuard]:
    """Start the process; behind the gate when the guard must place it first."""
    argv: tuple[str, ...] = launch.argv
    gate: tuple[int, int] | None = None
    if guard.needs_placement:
        gate = os.pipe()
        argv = (launch.shell, "-c", _GATE, "sh", *argv)
    try:
        proc = subprocess.Popen(
            argv, env=dict(launch.env), cwd=launch.cwd,
            stdin=gate[0] if gate else subprocess.DEVNULL, stdout=out, stderr=err,
            pass_fds=launch.pass_fds, start_new_session=True,
            user=launch.user, group=launch.user,
            extra_groups=[] if launch.user is not None else None)
    except BaseException:
        if gate:
            os.close(gate[1])
        raise
    finally:
        if gate:
            os.close(gate[0])
    if gate:
        try:
            guard = guard.place(proc.pid)
            os.write(gate[1], b"go\n")
        except BaseException:
            _kill_group(proc.pid)
            proc.wait()
            raise
        finally:
            os.close(gate[1])
    return proc, guard


def _wait(proc: subprocess.Popen[bytes], guard: MemoryGuard, deadline: float) -> bool:
    """Wait until the process exits, the guard stops it, or the deadline (True) passes."""
    process_fd = os.pidfd_open(proc.pid)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            ready, _, _ = select.select([process_fd], [], [], min(remaining, guard.interval()))
            if ready or guard.check(proc.pid):
                return False
    finally:
        os.close(process_fd)


def run_tree(launch: Launch, wall_seconds: float, guard: MemoryGuard) -> Outcome:
    """Start `launch`, wait at most `wall_seconds`, kill the group, collect the output.

    `guard` bounds the memory of the whole tree. Takes ownership of `launch.info_fd` and
    `launch.close_after_start`: both get closed.
    """
    pending = list(launch.close_after_start)
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.monotonic()
            deadline = start + wall_seconds
            try:
                proc, guard = _start(launch, guard, out, err)
            except BaseException:
                guard.finish(0)
                raise
            _close_all(pending)
            pidfd: int | None = None
            try:
                pidfd = _sandbox_init_pidfd(launch.info_fd, deadline)
                timed_out = _wait(proc, guard, deadline)
            finally:
                _kill_group(proc.pid)
                proc.wait()
            # bubblewrap returns when the command exits; its pid 1 may still be reaping
            # leftovers until it notices (die-with-parent). Its exit empties the namespace.
            _await_pidfd(pidfd)
            memory = guard.finish(proc.pid)
            return Outcome(None if timed_out else proc.returncode, read_tail(out),
                           read_tail(err), timed_out, time.monotonic() - start, memory)
    finally:
        _close_all(pending)
        if launch.info_fd is not None:
            os.close(launch.info_fd)
