"""Thin, safe wrappers around the git command line.

Every call passes `safe.directory=*` (repositories owned by another user must work) and
disables fsmonitor, so reading a repository never runs code from its configuration.
Only plumbing commands that run no filters or hooks are used.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.repo.interface import RepoError

_SAFE = ("-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "core.quotePath=false")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)
    return env


def run_git(root: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes:
    """Run `git -C root args...` and return stdout; raise RepoError with git's message."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *_SAFE, *args],
            input=stdin,
            capture_output=True,
            env=_env(),
            check=False,
        )
    except FileNotFoundError:
        raise RepoError("git is not installed", "install git, or scan without --rev") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        first = message[0] if message else f"git {args[0]} failed"
        raise RepoError(first.removeprefix("fatal: "))
    return proc.stdout


def toplevel(path: Path) -> Path | None:
    """The work tree root containing `path`, or None when it is not in a git work tree."""
    probe = path if path.is_dir() else path.parent
    try:
        out = run_git(probe, ["rev-parse", "--show-toplevel"])
    except RepoError:
        return None
    return Path(out.decode().strip())


def resolve_commit(root: Path, rev: str) -> str:
    """The full commit id `rev` names; RepoError when it names none."""
    if rev.startswith("-"):
        raise RepoError(f"invalid revision {rev!r}")
    try:
        return run_git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options",
                              f"{rev}^{{commit}}"]).decode().strip()
    except RepoError:
        raise RepoError(
            f"unknown revision {rev!r} in {root}",
            "check the name with `git log --oneline`, or fetch it first",
        ) from None


def head_commit(root: Path) -> str | None:
    """HEAD's commit id, or None in a repository without commits."""
    try:
        return resolve_commit(root, "HEAD")
    except RepoError:
        return None


@dataclass(frozen=True)
class TreeEntry:
    """One blob of a tree listing."""

    mode: str
    oid: str
    size: int
    path: str

    @property
    def symlink(self) -> bool:
        """True for a symbolic link (mode 120000)."""
        return self.mode == "120000"


def ls_tree(root: Path, commit: str, prefix: str = "") -> list[TreeEntry]:
    """Every blob in `commit` (under `prefix`), with sizes; submodules are left out."""
    args = ["ls-tree", "-r", "-z", "-l", "--full-tree", commit]
    if prefix and prefix != ".":
        args += ["--", prefix]
    entries = []
    for record in run_git(root, args).split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, oid, size = meta.decode().split()
        if kind != "blob":
            continue
        entries.append(TreeEntry(mode, oid, int(size), name.decode("utf-8", "surrogateescape")))
    return entries


def _names(out: bytes) -> set[str]:
    return {n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n}


def _pathspec(prefix: str) -> list[str]:
    return ["--", prefix] if prefix and prefix != "." else []


def ls_index(root: Path, prefix: str = "") -> dict[str, str]:
    """Blob ids of the index (stage 0; submodules left out), by repo-relative path.

    Paths with merge conflicts map to '' (their content must be hashed).
    """
    out = run_git(root, ["ls-files", "-s", "-z", "--full-name", *_pathspec(prefix)])
    entries: dict[str, str] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, oid, stage = meta.decode().split()
        if mode == "160000":
            continue
        path = name.decode("utf-8", "surrogateescape")
        entries[path] = oid if stage == "0" and entries.get(path, oid) == oid else ""
    return entries


def ls_untracked(root: Path, prefix: str = "") -> set[str]:
    """Untracked paths that .gitignore does not exclude."""
    return _names(run_git(root, ["ls-files", "-z", "--others", "--exclude-standard",
                                 "--full-name", *_pathspec(prefix)]))


def stat_dirty(root: Path, prefix: str = "") -> set[str]:
    """Tracked paths whose stat data differ from the index (possibly modified or deleted).

    Plumbing that compares stat data only: it reads no content and runs no filter.
    """
    return _names(run_git(root, ["diff-files", "-z", "--name-only", *_pathspec(prefix)]))


def staged(root: Path, commit: str, prefix: str = "") -> set[str]:
    """Paths whose index entry differs from `commit`."""
    return _names(run_git(root, ["diff-index", "--cached", "-z", "--name-only", commit,
                                 *_pathspec(prefix)]))


def cat_blobs(root: Path, oids: Iterable[str]) -> dict[str, bytes]:
    """Contents of blobs by id, read in one `git cat-file --batch` process."""
    wanted = sorted(set(oids))
    if not wanted:
        return {}
    out = run_git(root, ["cat-file", "--batch"], stdin=("\n".join(wanted) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for oid in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].decode().split()
        if len(header) < 3 or header[1] != "blob":
            raise RepoError(f"git object {oid} is missing or not a blob")
        size = int(header[2])
        start = header_end + 1
        blobs[oid] = out[start : start + size]
        pos = start + size + 1
    return blobs


def blob_id(data: bytes, algorithm: str = "sha1") -> str:
    """Git's blob id for `data` (as `git hash-object` computes it)."""
    digest = hashlib.new(algorithm)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def object_format(root: Path) -> str:
    """The repository's hash algorithm: sha1 or sha256."""
    try:
        out = run_git(root, ["rev-parse", "--show-object-format"]).decode().strip()
    except RepoError:
        return "sha1"
    return out or "sha1"
