"""One memory limit for a whole sandbox, whatever its number of processes.

`RLIMIT_AS` bounds each process; a proof may start up to `processes` of them, so on its
own it bounds nothing useful. Each run therefore gets a guard over the sum:

1. **cgroup v2**: a child of assay's own cgroup with `memory.max`, no swap,
   `memory.oom.group` and `pids.max` — when that cgroup lets its children use the memory
   controller (assay may create cgroups there and the controller is enabled for them);
2. **cgroup v1**: a child of assay's own cgroup in the `memory` hierarchy with
   `memory.limit_in_bytes` (and the same for memory plus swap) — where the memory
   controller is mounted as v1 and assay may create cgroups in it (as root);
3. **watchdog**: otherwise, assay samples the resident anonymous and shared memory of
   every process of the run, sums it and kills the whole run above the limit.

The kernel enforces a cgroup limit (the OOM killer stops the sandbox at the limit; assay
then kills what is left). The watchdog acts after the fact: it samples more often the
nearer the sum is to the limit, so it overshoots by what the processes allocate between
two samples (`MIN_INTERVAL` at most). The process is placed in its cgroup before it runs
anything (see `_sandbox_exec`).
"""

from __future__ import annotations

import abc
import contextlib
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

MEMORY_LIMIT = "memory-limit"
"""`killed_reason` of a run stopped at its memory limit."""

MIN_INTERVAL = 0.005
MAX_INTERVAL = 0.1
ASSUMED_RATE = 8 * 1024**3
"""Bytes per second a run may allocate, at most, between two watchdog samples."""
CGROUP_INTERVAL = 0.05
_REMOVE_TRIES = 200
_KIB = 1024


@dataclass(frozen=True)
class MemoryUse:
    """How the memory of one run was bounded and what it used."""

    mechanism: str
    """`cgroup-v2`, `cgroup-v1` or `watchdog`."""
    limit_bytes: int
    peak_bytes: int | None
    """The most the run used, as the mechanism measures it (None when it cannot tell)."""
    exceeded: bool


class MemoryGuard(abc.ABC):
    """Bounds the memory of one process tree; `place` it, `check` it, then `finish`."""

    mechanism = ""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes

    @property
    def needs_placement(self) -> bool:
        """Whether the process must be placed (`place`) before it may run."""
        return False

    def place(self, pid: int) -> MemoryGuard:
        """Put the (not yet running) process `pid` under this guard; the guard to use."""
        del pid
        return self

    @abc.abstractmethod
    def interval(self) -> float:
        """Seconds until the next `check`."""

    @abc.abstractmethod
    def check(self, root: int) -> bool:
        """Whether the tree of `root` went over the limit (then it is being killed)."""

    @abc.abstractmethod
    def finish(self, root: int) -> MemoryUse:
        """Release what the guard holds; how the run's memory went."""


# --- the watchdog ------------------------------------------------------------------


def _read_proc(path: str) -> bytes:
    """A small /proc file (raw reads: this runs many times a second)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 8192)
    finally:
        os.close(fd)


def _parent_pids() -> dict[int, int]:
    """Every visible process and its parent, from /proc/PID/stat."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = _read_proc(f"/proc/{entry}/stat")
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and fields[1].isdigit():
            parents[int(entry)] = int(fields[1])
    return parents


def descendants(root: int) -> list[int]:
    """`root` and every process below it (orphans inside a pid namespace stay below)."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parent_pids().items():
        children.setdefault(parent, []).append(pid)
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += children.get(pid, [])
    return found


def resident_bytes(pid: int) -> int:
    """Anonymous plus shared-memory pages resident for `pid` (0 once it is gone)."""
    total = 0
    try:
        for line in _read_proc(f"/proc/{pid}/status").splitlines():
            if line.startswith((b"RssAnon:", b"RssShmem:")):
                total += int(line.split()[1]) * _KIB
    except (OSError, ValueError, IndexError):
        return 0
    return total


def last_pid() -> bytes:
    """The pid most recently handed out in this pid namespace (from /proc/loadavg): every
    process created anywhere below, in a nested pid namespace too, changes it."""
    try:
        return _read_proc("/proc/loadavg").split()[-1]
    except (OSError, IndexError):
        return b""


def kill_all(pids: list[int]) -> None:
    """SIGKILL each of `pids` that still exists."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


class Watchdog(MemoryGuard):
    """Sums the resident memory of the tree and kills it all above the limit."""

    mechanism = "watchdog"

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(limit_bytes)
        self.peak = 0
        self.last = 0
        self.exceeded = False
        self.members: list[int] = []
        self.seen_pid = b""

    def interval(self) -> float:
        """Sooner the nearer the last sample was to the limit."""
        room = max(0, self.limit_bytes - self.last)
        return min(MAX_INTERVAL, max(MIN_INTERVAL, room / ASSUMED_RATE))

    def check(self, root: int) -> bool:
        """Sample the tree; above the limit, kill every process of it.

        The process table is scanned again only when a process was created since the
        last scan (a scan costs a read of every /proc/PID/stat).
        """
        newest = last_pid()
        if not self.members or not newest or newest != self.seen_pid:
            self.members, self.seen_pid = descendants(root), newest
        pids = self.members
        self.last = sum(resident_bytes(pid) for pid in pids)
        self.peak = max(self.peak, self.last)
        if self.last > self.limit_bytes:
            self.exceeded = True
            kill_all(pids)
        return self.exceeded

    def finish(self, root: int) -> MemoryUse:
        """The peak seen and whether the run was stopped."""
        del root
        return MemoryUse(self.mechanism, self.limit_bytes, self.peak, self.exceeded)


# --- cgroups -----------------------------------------------------------------------


def _unescape(field: str) -> str:
    """A mountinfo path field with its octal escapes (\\040 for a space) decoded."""
    out, index = [], 0
    while index < len(field):
        chunk = field[index:index + 4]
        if len(chunk) == 4 and chunk[0] == "\\" and chunk[1:].isdigit():
            out.append(chr(int(chunk[1:], 8)))
            index += 4
        else:
            out.append(field[index])
            index += 1
    return "".join(out)


@dataclass(frozen=True)
class _Mount:
    root: str
    point: str
    fstype: str
    options: frozenset[str]


def _mounts() -> list[_Mount]:
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    mounts = []
    for line in lines:
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        if len(fields) < dash + 4 or len(fields) < 5:
            continue
        mounts.append(_Mount(_unescape(fields[3]), _unescape(fields[4]), fields[dash + 1],
                             frozenset(fields[dash + 3].split(","))))
    return mounts


def _own_cgroups() -> dict[str, str]:
    """This process's cgroup per hierarchy: '' for v2, else the controller list."""
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return {}
    own = {}
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            own[parts[1]] = parts[2]
    return own


def _directory(mount: _Mount, path: str) -> Path | None:
    """The directory of cgroup `path` under `mount` (None when the mount does not hold it)."""
    inner = Path(path)
    root = Path(mount.root)
    if not inner.is_relative_to(root):
        return None
    directory = Path(mount.point, inner.relative_to(root))
    return directory if directory.is_dir() else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return ""


def _write(path: Path, value: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(value)


def _field(text: str, name: str) -> int | None:
    """The number after `name` in a flat-keyed cgroup file (memory.events, oom_control)."""
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == name and value.strip().isdigit():
            return int(value)
    return None


class _CgroupGuard(MemoryGuard):
    """A fresh child cgroup with a memory limit; removed again by `finish`."""

    def __init__(self, limit_bytes: int, directory: Path) -> None:
        super().__init__(limit_bytes)
        self.directory = directory
        self.fallback: Watchdog | None = None

    @property
    def needs_placement(self) -> bool:
        """The process must be in the cgroup before it starts anything."""
        return True

    def place(self, pid: int) -> MemoryGuard:
        """Move `pid` into the cgroup; where the kernel refuses, watch it instead."""
        try:
            _write(self.directory / "cgroup.procs", str(pid))
        except OSError:
            self.remove()
            return Watchdog(self.limit_bytes)
        return self

    def interval(self) -> float:
        """The kernel enforces the limit: look for its OOM kills now and then."""
        return CGROUP_INTERVAL

    def check(self, root: int) -> bool:
        """Whether the kernel killed a process at the limit (then kill the rest)."""
        if self.oom_kills():
            kill_all(descendants(root))
            return True
        return False

    def finish(self, root: int) -> MemoryUse:
        """The peak and whether the limit was hit, then the cgroup is removed."""
        del root
        use = MemoryUse(self.mechanism, self.limit_bytes, self.peak(), self.oom_kills() > 0)
        self.remove()
        return use

    @abc.abstractmethod
    def oom_kills(self) -> int:
        """Processes the kernel killed in this cgroup at its limit."""

    @abc.abstractmethod
    def peak(self) -> int | None:
        """The most memory the cgroup held."""

    def kill_members(self) -> None:
        """SIGKILL whatever is still in the cgroup."""
        pids = [int(p) for p in _read(self.directory / "cgroup.procs").split() if p.isdigit()]
        kill_all(pids)

    def remove(self) -> None:
        """Remove the cgroup once it is empty (killing what is left in it)."""
        for _ in range(_REMOVE_TRIES):
            try:
                self.directory.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                self.kill_members()
                time.sleep(0.01)


class CgroupV2(_CgroupGuard):
    """A cgroup v2 child: memory.max, no swap, the whole group killed on OOM, pids.max."""

    mechanism = "cgroup-v2"

    def configure(self, processes: int) -> None:
        """Write the limits (OSError when the kernel refuses one that matters)."""
        _write(self.directory / "memory.max", str(self.limit_bytes))
        _write(self.directory / "memory.oom.group", "1")
        with contextlib.suppress(OSError):
            _write(self.directory / "memory.swap.max", "0")
        if "pids" in _read(self.directory / "cgroup.controllers").split():
            _write(self.directory / "pids.max", str(processes))

    def oom_kills(self) -> int:
        """oom_kill of memory.events."""
        return _field(_read(self.directory / "memory.events"), "oom_kill") or 0

    def peak(self) -> int | None:
        """memory.peak (Linux 5.19 or later)."""
        text = _read(self.directory / "memory.peak").strip()
        return int(text) if text.isdigit() else None

    def kill_members(self) -> None:
        """cgroup.kill where the kernel has it (5.14), else one by one."""
        try:
            _write(self.directory / "cgroup.kill", "1")
        except OSError:
            super().kill_members()


class CgroupV1(_CgroupGuard):
    """A cgroup v1 memory child: memory.limit_in_bytes, and the same with swap."""

    mechanism = "cgroup-v1"

    def configure(self, processes: int) -> None:
        """Write the limits (OSError when the kernel refuses one that matters)."""
        del processes  # the v1 pids hierarchy is separate: RLIMIT_NPROC covers it
        _write(self.directory / "memory.limit_in_bytes", str(self.limit_bytes))
        if (self.directory / "memory.memsw.limit_in_bytes").exists():
            _write(self.directory / "memory.memsw.limit_in_bytes", str(self.limit_bytes))
        if _field(_read(self.directory / "memory.oom_control"), "oom_kill") is None:
            raise OSError("this kernel does not count OOM kills per cgroup")

    def oom_kills(self) -> int:
        """oom_kill of memory.oom_control."""
        return _field(_read(self.directory / "memory.oom_control"), "oom_kill") or 0

    def peak(self) -> int | None:
        """memory.max_usage_in_bytes."""
        text = _read(self.directory / "memory.max_usage_in_bytes").strip()
        return int(text) if text.isdigit() else None


def _v2_parent(mounts: list[_Mount], own: dict[str, str]) -> Path | None:
    """Assay's own v2 cgroup, if its children may have the memory controller."""
    mount = next((m for m in mounts if m.fstype == "cgroup2"), None)
    if mount is None or "" not in own:
        return None
    directory = _directory(mount, own[""])
    if directory is None:
        return None
    if "memory" not in _read(directory / "cgroup.subtree_control").split():
        if "memory" not in _read(directory / "cgroup.controllers").split():
            return None
        try:  # refused (EBUSY) while the cgroup itself holds processes, unless it is the root
            _write(directory / "cgroup.subtree_control", "+memory")
        except OSError:
            return None
        with contextlib.suppress(OSError):
            _write(directory / "cgroup.subtree_control", "+pids")
    return directory


def _v1_parent(mounts: list[_Mount], own: dict[str, str]) -> Path | None:
    """Assay's own cgroup in a v1 memory hierarchy."""
    mount = next((m for m in mounts if m.fstype == "cgroup" and "memory" in m.options), None)
    path = next((p for key, p in own.items() if "memory" in key.split(",")), None)
    if mount is None or path is None:
        return None
    return _directory(mount, path)


def _child(parent: Path) -> Path | None:
    child = parent / f"assay-sandbox-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        child.mkdir()
    except OSError:
        return None
    return child


def memory_guard(limit_bytes: int, processes: int) -> MemoryGuard:
    """The strongest guard this machine allows assay: cgroup v2, cgroup v1, watchdog."""
    mounts, own = _mounts(), _own_cgroups()
    candidates: list[tuple[type[CgroupV2] | type[CgroupV1], Path | None]] = [
        (CgroupV2, _v2_parent(mounts, own)), (CgroupV1, _v1_parent(mounts, own))]
    for kind, parent in candidates:
        child = _child(parent) if parent is not None else None
        if child is None:
            continue
        guard = kind(limit_bytes, child)
        try:
            guard.configure(processes)
        except OSError:
            guard.remove()
            continue
        return guard
    return Watchdog(limit_bytes)
