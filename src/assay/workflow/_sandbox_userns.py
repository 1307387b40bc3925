"""A user namespace whose sandbox uid is unprivileged on the host (for assay run as root).

When bubblewrap runs as root its own user namespace maps the sandbox uid to host uid 0,
and the kernel never applies RLIMIT_NPROC to host uid 0: a fork bomb would not stop. So
as root we prepare the namespace ourselves and run bubblewrap as `SANDBOX_ID`, a host
uid that owns nothing:

1. `unshare --user` as SANDBOX_ID creates the namespace (so SANDBOX_ID owns it and a
   bubblewrap running as SANDBOX_ID gets the capabilities to set it up, inside it only);
2. we write its maps: root -> root (bubblewrap may then read root-owned bind sources
   such as an interpreter under /root) and SANDBOX_ID -> SANDBOX_ID (the sandbox uid);
3. `nsenter` sets `user.max_user_namespaces = 0` in it: no nested user namespaces, which
   is what `--disable-userns` does when bubblewrap creates the namespace itself.
"""

from __future__ import annotations

import os
import subprocess

from assay.workflow._sandbox_profile import SANDBOX_ID
from assay.workflow._sandbox_types import SandboxError

_TIMEOUT = 10.0
_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
_HINT = "user namespaces may be disabled here (sysctl user.max_user_namespaces)"


def _fail(what: str, detail: str) -> SandboxError:
    last = (detail.strip().splitlines() or ["no detail"])[-1]
    return SandboxError(f"cannot prepare the sandbox user namespace: {what}: {last}", _HINT)


def _start_holder(unshare: str, shell: str) -> subprocess.Popen[str]:
    """A process (as SANDBOX_ID) that created a user namespace and waits on stdin."""
    holder = subprocess.Popen(
        [unshare, "--user", "--", shell, "-c", "echo ready; exec cat >/dev/null"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_ENV, cwd="/", user=SANDBOX_ID, group=SANDBOX_ID, extra_groups=[])
    assert holder.stdout is not None
    if holder.stdout.readline().strip() != "ready":
        holder.kill()
        _, err = holder.communicate(timeout=_TIMEOUT)
        raise _fail("unshare failed", err)
    return holder


def _write_maps(pid: int) -> None:
    mapping = f"0 0 1\n{SANDBOX_ID} {SANDBOX_ID} 1\n"
    for name in ("uid_map", "gid_map"):
        try:
            with open(f"/proc/{pid}/{name}", "w", encoding="ascii") as handle:
                handle.write(mapping)
        except OSError as exc:
            raise _fail(f"writing {name}", exc.strerror or str(exc)) from exc


def _forbid_nesting(nsenter: str, shell: str, pid: int) -> None:
    done = subprocess.run(
        [nsenter, f"--user=/proc/{pid}/ns/user", "--", shell, "-c",
         "echo 0 > /proc/sys/user/max_user_namespaces"],
        capture_output=True, text=True, env=_ENV, cwd="/", timeout=_TIMEOUT, check=False)
    if done.returncode != 0:
        raise _fail("disabling nested user namespaces", done.stderr)


def id_is_mapped(value: int, map_file: str) -> bool:
    """Whether `value` exists in this process's user namespace (per a uid/gid map)."""
    try:
        with open(map_file, encoding="ascii") as handle:
            ranges = [tuple(int(n) for n in line.split()) for line in handle if line.strip()]
    except OSError:
        return True  # no user namespace support to ask: the kernel will tell
    return any(inner <= value < inner + count for inner, _, count in ranges)


def prepare_userns(unshare: str, nsenter: str, shell: str) -> int:
    """An fd of a fresh user namespace owned by SANDBOX_ID (see the module docstring).

    The caller owns the fd and closes it once bubblewrap has started.
    """
    if not (id_is_mapped(SANDBOX_ID, "/proc/self/uid_map")
            and id_is_mapped(SANDBOX_ID, "/proc/self/gid_map")):
        raise SandboxError(
            f"the sandbox uid {SANDBOX_ID} does not exist here (a rootless container?)",
            "run assay as a non-root user: bubblewrap then maps the sandbox uid itself")
    holder = _start_holder(unshare, shell)
    try:
        _write_maps(holder.pid)
        _forbid_nesting(nsenter, shell, holder.pid)
        return os.open(f"/proc/{holder.pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        for stream in (holder.stdin, holder.stdout, holder.stderr):
            if stream is not None:
                stream.close()
        try:
            holder.wait(timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()
