"""Snapshots of a working tree or of a commit.

A commit is read blob by blob with git plumbing: the user's checkout and index are never
touched and no worktree is created. A working tree is read in place; its files are
hashed in git's blob format so they can be compared with the commit they came from.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assay.model import Target
from assay.repo import git
from assay.repo.interface import RepoError, Snapshot, SnapshotFile

ALWAYS_IGNORED = (".git", ".assay")
WALK_IGNORED = frozenset({".git", ".assay", ".hg", ".svn", ".venv", "venv", "node_modules",
                          "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache"})


def open_snapshot(path: str | Path, rev: str | None = None,
                  root: Path | None = None) -> Snapshot:
    """A snapshot of `path`: its working tree, or the tree of commit `rev`.

    `root`, when the caller already knows the work tree root, saves a git call.
    """
    target_path = Path(path).absolute()
    if not target_path.exists() and not target_path.is_symlink():
        raise RepoError(f"path does not exist: {path}", "pass a directory or file to scan")
    if root is None:
        root = git.toplevel(target_path)
    elif not (root / ".git").exists():
        root = None
    if root is None:
        if rev is not None:
            raise RepoError(
                f"--rev needs a git repository, and {path} is not inside one",
                "drop --rev to scan the directory as it is",
            )
        base = target_path if target_path.is_dir() else target_path.parent
        return WorktreeSnapshot.from_directory(base, target_path)
    root = root.resolve()
    scope = _scope_of(root, target_path.resolve())
    if rev is not None:
        return RevSnapshot.from_commit(root, scope, rev)
    return WorktreeSnapshot.from_git(root, scope)


def _scope_of(root: Path, target: Path) -> str:
    try:
        rel = target.relative_to(root).as_posix()
    except ValueError:
        raise RepoError(f"{target} is outside the repository at {root}") from None
    return rel or "."


def _in_scope(path: str, scope: str) -> bool:
    return scope == "." or path == scope or path.startswith(scope.rstrip("/") + "/")


def _ignored(path: str) -> bool:
    head = path.split("/", 1)[0]
    return head in ALWAYS_IGNORED


class WorktreeSnapshot(Snapshot):
    """Files as they are on disk now."""

    def __init__(self, root: Path, target: Target, files: Iterable[SnapshotFile],
                 algorithm: str = "sha1") -> None:
        super().__init__(root, target, files)
        self._algorithm = algorithm
        self._ids: dict[str, str] = {}

    @classmethod
    def from_git(cls, root: Path, scope: str) -> WorktreeSnapshot:
        """The work tree of a git repository: tracked and untracked, minus ignored files.

        Content ids of files whose stat data match the index come from the index; only
        new and possibly modified files are read and hashed.
        """
        with ThreadPoolExecutor(max_workers=5) as pool:  # git calls overlap: I/O bound
            index_f = pool.submit(git.ls_index, root, scope)
            untracked_f = pool.submit(git.ls_untracked, root, scope)
            suspect_f = pool.submit(git.stat_dirty, root, scope)
            commit_f = pool.submit(git.head_commit, root)
            format_f = pool.submit(git.object_format, root)
            index, suspect, commit = index_f.result(), suspect_f.result(), commit_f.result()
            untracked = {p for p in untracked_f.result() if not _ignored(p)}
            staged_f = pool.submit(git.staged, root, commit, scope) if commit else None
            names = sorted(p for p in index.keys() | untracked if not _ignored(p))
            files = _stat_files(root, names)
            algorithm = format_f.result()
            has_staged = bool(staged_f.result()) if staged_f else False
        snap = cls(root, Target(root=str(root), scope=scope), files, algorithm)
        snap._ids = {p: oid for p, oid in index.items() if oid and p not in suspect}
        present = {f.path for f in files}
        changed = any(snap.content_id(p) != index[p] for p in suspect if p in present) \
            or any(p not in present for p in index)
        dirty = (commit is None and bool(files)) or changed or bool(untracked) or has_staged
        snap.target = Target(root=str(root), scope=scope, commit=commit, dirty=dirty)
        return snap

    @classmethod
    def from_directory(cls, root: Path, target_path: Path) -> WorktreeSnapshot:
        """A plain directory (no git): every file below it except VCS and tool folders."""
        root = root.resolve()
        scope = _scope_of(root, target_path.resolve()) if target_path != root else "."
        names: list[str] = []
        if target_path.is_file() or target_path.is_symlink():
            names.append(target_path.name)
        else:
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d not in WALK_IGNORED)
                rel_dir = Path(dirpath).relative_to(root)
                names.extend((rel_dir / f).as_posix() for f in filenames)
        files = _stat_files(root, names)
        return cls(root, Target(root=str(root), scope=scope), files)

    def content_id(self, path: str) -> str:
        """Blob id of the file on disk (memoized for the life of the snapshot)."""
        cached = self._ids.get(path)
        if cached is None:
            cached = git.blob_id(self.read(path), self._algorithm)
            self._ids[path] = cached
        return cached

    def read(self, path: str) -> bytes:
        """The file's bytes; a symlink's own target text, never what it points to."""
        full = self.root / path
        if full.is_symlink():
            return os.readlink(full).encode("utf-8", "surrogateescape")
        try:
            return full.read_bytes()
        except OSError as exc:
            raise RepoError(f"cannot read {path}: {exc.strerror}") from None

    def materialize(self, paths: Iterable[str], scratch: Path) -> Path:
        """The working tree is already on disk."""
        return self.root


def _stat_files(root: Path, names: Iterable[str]) -> list[SnapshotFile]:
    files = []
    base = str(root)
    for name in names:
        try:
            st = os.lstat(f"{base}/{name}")
        except OSError:
            continue  # listed by the index but deleted from the work tree
        if stat.S_ISLNK(st.st_mode):
            files.append(SnapshotFile(name, st.st_size, symlink=True))
        elif stat.S_ISREG(st.st_mode):
            files.append(SnapshotFile(name, st.st_size))
    return files


class RevSnapshot(Snapshot):
    """The tree of one commit, read from git's object store."""

    def __init__(self, root: Path, target: Target, entries: list[git.TreeEntry]) -> None:
        files = [SnapshotFile(e.path, e.size, symlink=e.symlink) for e in entries]
        super().__init__(root, target, files)
        self._oids = {e.path: e.oid for e in entries}

    @classmethod
    def from_commit(cls, root: Path, scope: str, rev: str) -> RevSnapshot:
        """The files under `scope` in commit `rev`."""
        commit = git.resolve_commit(root, rev)
        entries = [e for e in git.ls_tree(root, commit, scope)
                   if _in_scope(e.path, scope) and not _ignored(e.path)]
        target = Target(root=str(root), scope=scope, rev=rev, commit=commit, dirty=False)
        return cls(root, target, entries)

    def content_id(self, path: str) -> str:
        """The blob id recorded in the tree."""
        return self._oids[path]

    def read(self, path: str) -> bytes:
        """The blob's bytes."""
        return self.read_many([path])[path]

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes]:
        """Blobs read in one batch."""
        wanted = list(paths)
        blobs = git.cat_blobs(self.root, (self._oids[p] for p in wanted))
        return {p: blobs[self._oids[p]] for p in wanted}

    def materialize(self, paths: Iterable[str], scratch: Path) -> Path:
        """Write the blobs of `paths` (never symlinks) under `scratch`."""
        wanted = [p for p in paths if not self._by_path[p].symlink]
        for path, data in self.read_many(wanted).items():
            dest = scratch / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        return scratch


__all__ = ["RepoError", "RevSnapshot", "WorktreeSnapshot", "open_snapshot"]
