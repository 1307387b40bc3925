"""Remount / (and the other read-only binds) read-write, then write through them."""

import ctypes
import json
import os
import sys

MS_RDONLY, MS_REMOUNT, MS_BIND = 1, 32, 4096
libc = ctypes.CDLL(None, use_errno=True)


def remount(target: str, flags: int) -> str:
    if libc.mount(b"none", target.encode(), None, flags, None) == 0:
        return "ok"
    return os.strerror(ctypes.get_errno())


def try_write(directory: str) -> str:
    path = os.path.join(directory, "escape-remount-marker")
    try:
        with open(path, "w") as handle:
            handle.write("escaped")
    except OSError as exc:
        return exc.strerror or str(exc)
    return "ok"


bind_only = "--bind-only" in sys.argv
targets = [a for a in sys.argv[1:] if not a.startswith("--")] or ["/", "/usr", os.getcwd()]
mounts = {}
for target in targets:
    mounts[f"{target} bind-remount rw"] = remount(target, MS_REMOUNT | MS_BIND)
    if not bind_only:
        mounts[f"{target} remount rw"] = remount(target, MS_REMOUNT)
writes = {target: try_write(target) for target in targets}
escaped = "ok" in mounts.values() or "ok" in writes.values()
print(json.dumps({"escaped": escaped, "mounts": mounts, "writes": writes}))
