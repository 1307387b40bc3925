"""Launch one command: inside bubblewrap, or (unsafe) with resource limits only."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

from assay.workflow import _sandbox_profile as prof
from assay.workflow._sandbox_exec import Launch, Outcome, run_tree
from assay.workflow._sandbox_memory import MEMORY_LIMIT, memory_guard
from assay.workflow._sandbox_seccomp import seccomp_program
from assay.workflow._sandbox_types import SandboxError, SandboxLimits, SandboxResult
from assay.workflow._sandbox_userns import prepare_userns

Env = tuple[tuple[str, str], ...]
_HOST_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def tool(name: str) -> str:
    """The absolute path of a system tool, found where the sandbox binds it."""
    for directory in ("/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        candidate = Path(directory, name)
        real = Path(os.path.realpath(candidate))
        if (os.access(candidate, os.X_OK) and real.is_file()
                and any(real.is_relative_to(d) for d in prof.SYSTEM_DIRS)):
            return str(candidate)
    raise SandboxError(f"{name} is not installed in /usr",
                       "install bubblewrap and util-linux from the system packages")


def killed_reason(outcome: Outcome, *, sandboxed: bool) -> str:
    """Why the command died, if it was killed: timeout, a limit, or a signal."""
    if outcome.memory.exceeded:
        return MEMORY_LIMIT
    if outcome.timed_out:
        return "timeout"
    code = outcome.returncode or 0
    number = -code if code < 0 else (code - 128 if sandboxed and 128 < code < 160 else 0)
    if number == signal.SIGXCPU:
        return "cpu-limit"
    if number == signal.SIGXFSZ:
        return "file-size-limit"
    try:
        return f"signal {signal.Signals(number).name}" if number else ""
    except ValueError:
        return f"signal {number}"


def _result(outcome: Outcome, argv: tuple[str, ...], *, sandboxed: bool) -> SandboxResult:
    return SandboxResult(outcome.returncode, outcome.stdout, outcome.stderr, outcome.timed_out,
                         outcome.duration, sandboxed, argv,
                         killed_reason(outcome, sandboxed=sandboxed),
                         outcome.memory.mechanism, outcome.memory.peak_bytes)


def run_unsandboxed(argv: tuple[str, ...], workdir: Path, env: Env, limits: SandboxLimits,
                    pass_fds: tuple[int, ...] = ()) -> SandboxResult:
    """No isolation: the resource limits (without the process limit), the memory limit of
    the whole tree and the timeout."""
    command = prof.limit_argv(tool("prlimit"), limits.rlimits(processes=False), argv)
    launch = Launch(tuple(command), dict(env), str(workdir), pass_fds=pass_fds,
                    shell=tool("sh"))
    guard = memory_guard(limits.memory_bytes, limits.processes)
    outcome = run_tree(launch, limits.wall_seconds, guard)
    return _result(outcome, argv, sandboxed=False)


def hand_over(workdir: Path) -> None:
    """Give the throwaway copy to the sandbox uid, so a root-run sandbox can read it.

    Symlinks are not followed, and a file with several hard links is left alone: another
    link may be a host file that must not change owner.
    """
    os.chown(workdir, prof.SANDBOX_ID, prof.SANDBOX_ID, follow_symlinks=False)
    for root, dirs, files in os.walk(workdir):
        for name in (*dirs, *files):
            path = os.path.join(root, name)
            info = os.lstat(path)
            if stat.S_ISDIR(info.st_mode) or info.st_nlink == 1:
                os.chown(path, prof.SANDBOX_ID, prof.SANDBOX_ID, follow_symlinks=False)


def _data_pipe(data: bytes) -> int:
    """A pipe already holding `data` (small), its read end returned."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, data)
    finally:
        os.close(write_end)
    return read_end


@contextlib.contextmanager
def _owned_fds() -> Iterator[list[int]]:
    """Descriptors closed on error; on success `run_tree` has taken and closed them."""
    fds: list[int] = []
    try:
        yield fds
    except BaseException:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        raise


def run_bwrap(argv: tuple[str, ...], workdir: Path, readonly: tuple[Path, ...], env: Env,
              limits: SandboxLimits, pass_fds: tuple[int, ...] = ()) -> SandboxResult:
    """Run `argv` in the hardened bubblewrap sandbox.

    `pass_fds` stay open, at the same numbers, in the sandboxed command.
    """
    bwrap, prlimit = tool("bwrap"), tool("prlimit")
    as_root = os.geteuid() == 0
    with _owned_fds() as fds:
        userns_fd = (prepare_userns(tool("unshare"), tool("nsenter"), tool("sh"))
                     if as_root else None)
        if userns_fd is not None:
            fds.append(userns_fd)
            hand_over(workdir)
        data = [(_data_pipe(content), dest) for dest, content in prof.etc_data().items()]
        fds += [fd for fd, _ in data]
        program = seccomp_program()
        seccomp_fd = _data_pipe(program) if program is not None else None
        if seccomp_fd is not None:
            fds.append(seccomp_fd)
        info_read, info_write = os.pipe()
        fds += [info_read, info_write]
        profile = prof.Profile(workdir, readonly, env, limits.tmp_size_bytes, userns_fd,
                               tuple(data), info_write, seccomp_fd)
        inner = prof.limit_argv(prlimit, limits.rlimits(processes=True), argv)
        launch = Launch(tuple(prof.bwrap_argv(bwrap, profile, inner)), _HOST_ENV, "/",
                        pass_fds=(*(fd for fd in fds if fd != info_read), *pass_fds),
                        user=prof.SANDBOX_ID if as_root else None, info_fd=info_read,
                        close_after_start=tuple(fd for fd in fds if fd != info_read),
                        shell=tool("sh"))
        fds.clear()  # run_tree owns them now
        guard = memory_guard(limits.memory_bytes, limits.processes)
        outcome = run_tree(launch, limits.wall_seconds, guard)
    return _result(outcome, argv, sandboxed=True)
