"""The hardened bubblewrap profile: namespaces, mounts, environment, limits.

Pure functions from a `Profile` to an argument vector; `sandbox.py` runs it. See
docs/sandbox.md for why each flag is there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SANDBOX_ID = 2_000_000_000
"""The uid and gid inside the sandbox (and, when assay runs as root, on the host too):
above every distribution's, systemd's and subordinate-id allocation range."""

SANDBOX_USER = "sandbox"
SANDBOX_HOSTNAME = "assay-sandbox"
TMP_DIR = "/tmp"  # noqa: S108 (the sandbox's own tmpfs, not the host's /tmp)
SHM_DIR = "/dev/shm"  # noqa: S108 (likewise)

SYSTEM_DIRS = ("/usr",)
"""Bound read-only: the system's programs and shared libraries."""

ROOT_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Recreated as symlinks on merged-/usr systems, bound read-only otherwise."""

ETC_FILES = ("/etc/ld.so.cache", "/etc/alternatives")
"""The only host /etc entries the sandbox sees: the linker cache and tool alternatives."""

BASE_ENV: Mapping[str, str] = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": TMP_DIR,
    "TMPDIR": TMP_DIR,
    "USER": SANDBOX_USER,
    "LOGNAME": SANDBOX_USER,
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "TZ": "UTC",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "PYTHONNOUSERSITE": "1",
    "PYTHONUNBUFFERED": "1",
}
"""The whole environment of a sandboxed process, unless the caller adds to it."""


def etc_data() -> dict[str, bytes]:
    """Synthetic /etc files: a passwd and group naming the sandbox user, localhost only."""
    sid = SANDBOX_ID
    return {
        "/etc/passwd": (f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
                        f"{SANDBOX_USER}:x:{sid}:{sid}:assay sandbox:{TMP_DIR}:/usr/sbin/nologin\n"
                        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n").encode(),
        "/etc/group": f"root:x:0:\n{SANDBOX_USER}:x:{sid}:\nnogroup:x:65534:\n".encode(),
        "/etc/hosts": b"127.0.0.1 localhost\n::1 localhost\n",
        "/etc/nsswitch.conf": b"passwd: files\ngroup: files\nhosts: files\n",
    }


@dataclass(frozen=True)
class Profile:
    """Everything that varies between two sandboxed runs."""

    workdir: Path
    readonly: tuple[Path, ...]
    env: tuple[tuple[str, str], ...]
    tmp_size_bytes: int
    userns_fd: int | None
    """A prepared user namespace to join (assay runs as root), else bwrap creates one."""
    data_fds: tuple[tuple[int, str], ...]
    """(fd, destination) pairs whose content bwrap copies into read-only files."""
    info_fd: int
    seccomp_fd: int | None = None
    """A pipe holding the seccomp program (see _sandbox_seccomp), if there is one."""


def namespace_args(userns_fd: int | None) -> list[str]:
    """Unshare every namespace; join the prepared user namespace when there is one."""
    if userns_fd is None:
        return ["--unshare-all", "--unshare-user", "--disable-userns"]
    # bwrap refuses --unshare-all (which implies --unshare-user-try) together with --userns.
    return ["--userns", str(userns_fd), "--unshare-ipc", "--unshare-pid", "--unshare-net",
            "--unshare-uts", "--unshare-cgroup-try"]


def system_args() -> list[str]:
    """Read-only system directories, root symlinks and the few /etc entries."""
    args: list[str] = []
    for path in SYSTEM_DIRS:
        args += ["--ro-bind", path, path]
    for path in ROOT_LINKS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in ETC_FILES:
        if os.path.lexists(path):
            args += ["--ro-bind", path, path]
    return args


def bind_args(profile: Profile) -> list[str]:
    """The interpreter and caller paths read-only, then the work directory read-only."""
    args: list[str] = []
    for path in profile.readonly:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--ro-bind", str(profile.workdir), str(profile.workdir)]
    return args


def scratch_args(size_bytes: int) -> list[str]:
    """Fresh /proc and /dev, and the only writable places: size-capped tmpfs mounts."""
    size = str(size_bytes)
    return ["--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", SHM_DIR,
            "--size", size, "--tmpfs", TMP_DIR]


def bwrap_argv(bwrap: str, profile: Profile, inner: Sequence[str]) -> list[str]:
    """The complete bubblewrap command line that runs `inner` in the sandbox."""
    args = [bwrap, *namespace_args(profile.userns_fd)]
    args += ["--uid", str(SANDBOX_ID), "--gid", str(SANDBOX_ID), "--cap-drop", "ALL",
             "--hostname", SANDBOX_HOSTNAME, "--die-with-parent", "--new-session",
             "--info-fd", str(profile.info_fd)]
    if profile.seccomp_fd is not None:
        args += ["--seccomp", str(profile.seccomp_fd)]
    args += scratch_args(profile.tmp_size_bytes)
    args += system_args()
    for fd, dest in profile.data_fds:
        args += ["--perms", "0444", "--ro-bind-data", str(fd), dest]
    args += bind_args(profile)
    args += ["--remount-ro", "/dev", "--remount-ro", "/"]
    args += ["--chdir", str(profile.workdir), "--clearenv"]
    for key, value in profile.env:
        args += ["--setenv", key, value]
    return [*args, "--", *inner]


def limit_argv(prlimit: str, limits: Mapping[str, str], inner: Sequence[str]) -> list[str]:
    """`prlimit` setting each resource limit (`soft:hard`, or one value for both)."""
    args = [prlimit]
    for name, value in sorted(limits.items()):
        args.append(f"--{name}={value}")
    return [*args, "--", *inner]


def merged_env(extra: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """The base environment plus the caller's entries, sorted for a stable command line."""
    env = dict(BASE_ENV)
    env.update(extra or {})
    return tuple(sorted(env.items()))
