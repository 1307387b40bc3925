"""The proof sandbox: run a command under bubblewrap with a hardened profile.

A proof is code a model may have written, run against code under review: it gets no
network, no host files beyond the interpreter and the system libraries, a read-only copy
of the snapshot, a small writable /tmp, no capabilities, an unprivileged uid and hard
resource limits. docs/sandbox.md explains the profile flag by flag.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from assay.workflow import _sandbox_profile as profile_mod
from assay.workflow._sandbox_python import interpreter_prefixes, minimal_cover
from assay.workflow._sandbox_run import run_bwrap, run_unsandboxed, tool
from assay.workflow._sandbox_types import SandboxError, SandboxLimits, SandboxResult

__all__ = ["SandboxError", "SandboxLimits", "SandboxResult", "python_binds", "run_sandboxed",
           "sandbox_unavailable"]

DEFAULT_LIMITS = SandboxLimits()
MIN_BWRAP = (0, 8, 0)

_HINT = ("install bubblewrap (apt-get install bubblewrap) on a kernel that allows user "
         "namespaces, or pass --unsafe-no-sandbox to run without isolation (recorded)")


def python_binds(python: Path, untrusted: Sequence[Path] = ()) -> list[Path]:
    """The directories `python` needs read-only: its venv, its base prefix, and every
    prefix its symlinks lead into (e.g. a venv whose interpreter links into a pyenv
    install). System directories the sandbox binds anyway are left out.

    `untrusted` are directories the code under review controls (the scanned tree): an
    interpreter, link, `pyvenv.cfg` or `home` in one of them, or a bind that would hold
    one of them, is refused with SandboxError, so the tree can never choose a mount.
    """
    python = Path(os.path.abspath(python))
    if not python.exists():
        raise SandboxError(f"interpreter not found: {python}",
                           "pass the path of an installed Python interpreter")
    system = [Path(p) for p in profile_mod.SYSTEM_DIRS]
    binds = [p for p in minimal_cover(interpreter_prefixes(python, untrusted))
             if not any(p.is_relative_to(s) for s in system)]
    for root in untrusted:
        resolved = Path(os.path.realpath(root))
        holder = next((b for b in binds if resolved.is_relative_to(os.path.realpath(b))), None)
        if holder is not None:
            raise SandboxError(
                f"refusing the interpreter {python}: binding {holder} would show the "
                f"scanned tree {root} (and its .git) to the sandbox",
                "use a Python installed outside the directory of the repository under review")
    return binds


@functools.cache
def sandbox_unavailable() -> str:
    """'' when bubblewrap can build the sandbox on this machine, else the reason why not."""
    try:
        too_old = _bwrap_too_old(tool("bwrap"))
        if too_old:
            return too_old
        tool("prlimit")
        with tempfile.TemporaryDirectory(prefix="assay-sandbox-probe-") as probe_dir:
            result = run_bwrap(("true",), Path(probe_dir), (), profile_mod.merged_env(None),
                               SandboxLimits(wall_seconds=30.0))
    except SandboxError as exc:
        return exc.message
    except OSError as exc:
        return f"bubblewrap cannot start: {exc}"
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return f"bubblewrap cannot create the sandbox here: {last}"
    return ""


def _bwrap_too_old(bwrap: str) -> str:
    """'' when `bwrap --version` is at least MIN_BWRAP, else why not."""
    try:
        done = subprocess.run([bwrap, "--version"], capture_output=True, text=True,
                              timeout=30, check=False, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap cannot start: {exc}"
    words = done.stdout.split()
    try:
        version = tuple(int(part) for part in words[-1].split(".")[:3])
    except (IndexError, ValueError):
        return f"cannot read the bubblewrap version from {done.stdout.strip()!r}"
    if version < MIN_BWRAP:
        wanted = ".".join(map(str, MIN_BWRAP))
        return (f"bubblewrap {words[-1]} is too old: the profile needs {wanted} or later "
                "(--disable-userns, --size)")
    return ""


def run_sandboxed(argv: Sequence[str], *, workdir: Path, readonly: Sequence[Path] = (),
                  env: Mapping[str, str] | None = None, limits: SandboxLimits = DEFAULT_LIMITS,
                  unsafe_no_sandbox: bool = False,
                  pass_fds: Sequence[int] = ()) -> SandboxResult:
    """Run `argv` in `workdir` (a throwaway copy of the snapshot) inside the sandbox.

    `workdir` is bound read-only and is the working directory; /tmp (also HOME and
    TMPDIR) is the only writable place. `readonly` paths (the interpreter: see
    `python_binds`) are bound read-only at the same path. The environment is cleared and
    becomes a fixed base plus `env`. `pass_fds` (the caller's own channels, e.g. pipes)
    stay open at the same numbers in the command; no other descriptor does. The memory of
    the whole run is bounded by `limits.memory_bytes`. Raises SandboxError when bubblewrap
    cannot run here, unless `unsafe_no_sandbox`: then only the resource limits (but not
    the process limit), the memory limit and the timeout apply, and the result says
    `sandboxed=False`.
    """
    command = _check_argv(argv)
    fds = _check_fds(pass_fds)
    work = _check_workdir(workdir)
    binds = _check_readonly(readonly)
    environment = profile_mod.merged_env(_check_env(env))
    if not unsafe_no_sandbox:
        reason = sandbox_unavailable()
        if reason:
            raise SandboxError(f"the proof sandbox cannot run: {reason}", _HINT)
    try:
        if unsafe_no_sandbox:
            return run_unsandboxed(command, work, environment, limits, fds)
        return run_bwrap(command, work, binds, environment, limits, fds)
    except OSError as exc:
        raise SandboxError(f"cannot start the sandboxed command: {exc}",
                           "check that the machine has free processes and memory") from exc


def _check_argv(argv: Sequence[str]) -> tuple[str, ...]:
    command = tuple(argv)
    if not command or not all(isinstance(a, str) and "\0" not in a for a in command):
        raise SandboxError("the sandboxed command is empty or has a non-text argument",
                           "pass the command as a list of strings")
    return command


def _check_fds(pass_fds: Sequence[int]) -> tuple[int, ...]:
    fds = tuple(pass_fds)
    for fd in fds:
        if not isinstance(fd, int) or fd < 3:
            raise SandboxError(f"cannot pass descriptor {fd!r} into the sandbox",
                               "pass descriptors 3 and above (0-2 are the sandbox's own)")
        try:
            os.fstat(fd)
        except OSError as exc:
            raise SandboxError(f"cannot pass descriptor {fd} into the sandbox: "
                               f"{exc.strerror}") from exc
    return fds


def _check_workdir(workdir: Path) -> Path:
    work = Path(os.path.abspath(workdir))
    if not work.is_dir():
        raise SandboxError(f"sandbox work directory does not exist: {work}",
                           "pass a throwaway copy of the snapshot")
    if work == Path("/") or Path(profile_mod.TMP_DIR).is_relative_to(work) or any(
            Path(d).is_relative_to(work) for d in profile_mod.SYSTEM_DIRS):
        raise SandboxError(f"refusing {work} as sandbox work directory",
                           "pass a throwaway copy of the snapshot, not a system directory")
    return work


def _check_readonly(paths: Sequence[Path]) -> tuple[Path, ...]:
    checked = []
    for path in paths:
        absolute = Path(os.path.abspath(path))
        if absolute == Path("/"):
            raise SandboxError("refusing to bind / into the sandbox",
                               "bind only the directories the proof needs")
        if not absolute.exists():
            raise SandboxError(f"path to bind into the sandbox does not exist: {absolute}")
        checked.append(absolute)
    system = [Path(d) for d in profile_mod.SYSTEM_DIRS]
    return tuple(p for p in minimal_cover(checked)
                 if not any(p.is_relative_to(s) for s in system))


def _check_env(env: Mapping[str, str] | None) -> dict[str, str]:
    checked = dict(env or {})
    for key, value in checked.items():
        if not key or "=" in key or "\0" in key or "\0" in value:
            raise SandboxError(f"invalid environment variable for the sandbox: {key!r}")
    return checked
