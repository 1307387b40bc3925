"""Where assay keeps its own files for a project: outside the scanned tree.

The scanned tree is untrusted (in CI it is a pull request), so nothing assay relies on
lives in it: a committed or unpacked result cache of "clean" results, a ledger with a
convenient baseline, or a symlink that sends assay's writes elsewhere must not work.
Each project (keyed by its resolved root path) gets two private directories (mode 0700,
owned by the user running assay):

- the **cache** (result cache, generated rules, scratch files):
  `$ASSAY_CACHE_DIR`, else `$XDG_CACHE_HOME/assay`, else `~/.cache/assay`,
  then `projects/<name>-<hash>`;
- the **ledger** (runs, findings, states, proofs, labels): `$ASSAY_STATE_DIR`, else
  `$XDG_STATE_HOME/assay`, else `~/.local/state/assay`, then `projects/<name>-<hash>`.

When neither can be made private and writable, the command keeps its files in a temporary
directory removed when it exits, and says so.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StateDir:
    """A directory of assay's own, and a warning when it is not the usual one."""

    path: Path
    warning: str = ""


def project_key(root: Path) -> str:
    """`<name>-<sha256 of the resolved root>[:16]`: one directory per checkout."""
    resolved = str(root.resolve())
    name = re.sub(r"[^A-Za-z0-9._-]", "_", root.resolve().name)[:40] or "root"
    return f"{name}-{hashlib.sha256(resolved.encode()).hexdigest()[:16]}"


def cache_dir_for(root: Path) -> StateDir:
    """The project's cache directory (result cache, generated rules, scratch)."""
    base = _base("ASSAY_CACHE_DIR", "XDG_CACHE_HOME", Path(".cache"))
    return _private(base, root, "cache")


def ledger_dir_for(root: Path) -> StateDir:
    """The directory of the project's default ledger."""
    base = _base("ASSAY_STATE_DIR", "XDG_STATE_HOME", Path(".local") / "state")
    return _private(base, root, "ledger")


def _base(own: str, xdg: str, under_home: Path) -> Path | None:
    if os.environ.get(own):
        return Path(os.environ[own]).absolute()
    if os.environ.get(xdg) and Path(os.environ[xdg]).is_absolute():
        return Path(os.environ[xdg]) / "assay"
    try:
        return Path.home() / under_home / "assay"
    except RuntimeError:  # no home directory for this user
        return None


def _private(base: Path | None, root: Path, what: str) -> StateDir:
    if base is not None:
        path = base / "projects" / project_key(root)
        problem = _inside(path, root) or _make_private(path)
        if not problem:
            return StateDir(path)
    else:
        problem = "no home directory"
    scratch = _scratch(what)
    return StateDir(scratch, f"cannot keep assay's {what} in {base or '~'} ({problem}); this "
                             f"run keeps it in a temporary directory, removed when it exits")


def _inside(path: Path, root: Path) -> str:
    """Why `path` may not hold state: it lies in the scanned tree ('' when it does not)."""
    resolved = Path(os.path.realpath(path))
    if resolved.is_relative_to(root.resolve()):
        return "it lies inside the scanned tree, where files can be planted"
    return ""


def _make_private(path: Path) -> str:
    """'' when `path` is (now) a directory of ours that only we can use, else why not."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.lstat(path)
    except OSError as exc:
        return exc.strerror or str(exc)
    if not stat.S_ISDIR(st.st_mode):
        return "not a directory"
    if st.st_uid != os.geteuid():
        return "owned by another user"
    if st.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except OSError as exc:
            return f"cannot make it private: {exc.strerror}"
    return ""


def _scratch(what: str) -> Path:
    """A directory of this process alone, removed when it exits."""
    path = Path(tempfile.mkdtemp(prefix=f"assay-{what}-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
