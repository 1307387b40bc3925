"""Snapshots of a working tree or of a commit.

A commit is read blob by blob with git plumbing: the user's checkout and index are never
touched and no worktree is created. A working tree is read in place; its files are
hashed in git's blob format so they can be compared with the commit they came from.

Symbolic links are resolved inside the tree, never beyond it. A link (or a path below a
linked directory) that leads to a regular file of the snapshot is a file of the snapshot
under the link's own path (that is the name Python imports it by), with the content of
the file it leads to. One that leads out of the tree, into `.git`, or to a
file the snapshot does not hold is never read, and carries the reason (`outside`): it
leaves in-scope code unanalyzed. Links that lead nowhere (dangling, a directory, a loop)
hold no code and stay plain symbolic links.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assay.model import Target
from assay.repo import git
from assay.repo.interface import RepoError, Snapshot, SnapshotFile

ALWAYS_IGNORED = (".git",)
WALK_IGNORED = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules",
                          "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache"})
_MISSING = "\0"  # a directory state: not there (its files were deleted)


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
    """Never part of a snapshot: the state and VCS folders, and a name that is not a
    plain relative path (a hand-made index or tree can hold `../x` or `/x`)."""
    head = path.split("/", 1)[0]
    return head in ALWAYS_IGNORED or not _plain(path)


def _plain(path: str) -> bool:
    if not path or path[0] == "/" or path[-1] == "/" or "//" in path or "\0" in path:
        return False
    return "/." not in "/" + path or not {".", ".."} & set(path.split("/"))


def _private(path: str) -> bool:
    """A path no link may lead to: inside any `.git`."""
    parts = path.split("/")
    return parts[0] in ALWAYS_IGNORED or ".git" in parts


class WorktreeSnapshot(Snapshot):
    """Files as they are on disk now."""

    def __init__(self, root: Path, target: Target, files: Iterable[SnapshotFile],
                 algorithm: str = "sha1", links: Mapping[str, str] | None = None) -> None:
        """`links`: for each path that is (or passes through) a symbolic link resolved
        inside the tree, the path of the file whose content it has."""
        super().__init__(root, target, files)
        self._algorithm = algorithm
        self._links = dict(links or {})
        self._ids: dict[str, str] = {}

    @classmethod
    def from_git(cls, root: Path, scope: str) -> WorktreeSnapshot:
        """The work tree of a git repository: tracked and untracked, minus ignored files.

        Content ids of files whose stat data match the index come from the index; only
        new and possibly modified files are read and hashed. Git itself never reads a
        work tree file here (it would run the repository's clean filters).
        """
        with ThreadPoolExecutor(max_workers=4) as pool:  # git calls overlap: I/O bound
            index_f = pool.submit(git.ls_index, root, scope)
            untracked_f = pool.submit(git.ls_untracked, root, scope)
            commit_f = pool.submit(git.head_commit, root)
            info_f = pool.submit(git.repo_info, root)
            index, commit = index_f.result(), commit_f.result()
            staged_f = pool.submit(git.staged, root, commit, scope) if commit else None
            untracked = untracked_f.result() - index.keys()
            names = sorted(p for p in index.keys() | untracked if not _ignored(p))
            disk = _Disk(root, set(names), lambda paths: git.listed(root, paths))
            files = disk.files(names)
            info = info_f.result()
            has_staged = bool(staged_f.result()) if staged_f else False
        snap = cls(root, Target(root=str(root), scope=scope), files, info.algorithm, disk.links)
        changed = snap._adopt_index(index, disk, info.index_mtime_ns)
        dirty = (commit is None and bool(files)) or changed or has_staged \
            or any(not _ignored(p) for p in untracked)
        snap.target = Target(root=str(root), scope=scope, commit=commit, dirty=dirty)
        return snap

    def _adopt_index(self, index: Mapping[str, git.IndexEntry], disk: _Disk,
                     index_mtime_ns: int) -> bool:
        """Take the content ids of files that match their index entries from the index;
        True when a tracked path is gone or its content differs from the index."""
        changed = False
        matching: dict[str, str] = {}
        stats, links = disk.stats, self._links
        for path, entry in index.items():
            st = stats.get(path)
            if st is None:
                # deleted, or below a linked directory (git: deleted)
                changed = changed or not _ignored(path)
            elif entry.oid and git.stat_matches(entry, st, index_mtime_ns):
                matching[path] = entry.oid  # the same inode, unchanged: a link stays one
            elif not changed:
                changed = self._own_id(path, st) != entry.oid
        ids = self._ids
        for path, oid in matching.items():
            if path not in links and index[path].mode != b"120000":
                ids[path] = oid
        for path, real in links.items():
            if real in matching:  # a real path: no link of its own
                ids[path] = matching[real]
        return changed

    def _own_id(self, path: str, st: os.stat_result) -> str:
        """The blob id git would record for `path` itself (a link: its target text)."""
        if stat.S_ISLNK(st.st_mode):
            text = os.readlink(self.root / path).encode("utf-8", "surrogateescape")
            return git.blob_id(text, self._algorithm)
        return self.content_id(path)

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
        disk = _Disk(root, set(names), _walked)
        files = disk.files(names)
        return cls(root, Target(root=str(root), scope=scope), files, links=disk.links)

    def content_id(self, path: str) -> str:
        """Blob id of the content the file has (memoized for the life of the snapshot)."""
        cached = self._ids.get(path)
        if cached is None:
            cached = git.blob_id(self.read(path), self._algorithm)
            self._ids[path] = cached
        return cached

    def read(self, path: str) -> bytes:
        """The file's bytes (those of the file a resolved link leads to). Symbolic links
        that are not resolved inside the tree, and paths the snapshot does not hold, are
        never read."""
        entry = self._by_path.get(path)
        if entry is None:
            raise RepoError(f"cannot read {path}: not a file of the snapshot")
        if entry.symlink:
            raise RepoError(f"cannot read {path}: {entry.outside or 'a symbolic link'}; "
                            "links are not followed there")
        try:
            return (self.root / self._links.get(path, path)).read_bytes()
        except OSError as exc:
            raise RepoError(f"cannot read {path}: {exc.strerror}") from None

    def materialize(self, paths: Iterable[str], scratch: Path) -> Path:
        """The working tree itself, unless one of `paths` is a resolved link: then copies
        of all of them under `scratch` (tools refuse or follow links on their own)."""
        entries = (self._by_path.get(p) for p in paths)
        wanted = [e.path for e in entries if e is not None and not e.symlink]
        if not any(p in self._links for p in wanted):
            return self.root
        for path in wanted:
            dest = scratch / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(self.read(path))
        return scratch


def _walked(paths: Iterable[str]) -> set[str]:
    """Those of `paths` a walk of a plain directory lists (none in a tool folder)."""
    return {p for p in paths if WALK_IGNORED.isdisjoint(p.split("/")[:-1])}


class _Disk:
    """The files of a work tree as a snapshot lists them: one `lstat` per file and one
    per directory; a path through a linked directory, or a link, resolved inside the
    tree or refused."""

    def __init__(self, root: Path, names: set[str],
                 known: Callable[[Iterable[str]], set[str]]) -> None:
        """`names` are the snapshot's paths; `known(paths)` says which other paths of
        the tree (outside the scope) are tracked or untracked and not ignored."""
        self.base = str(root)
        self.names = names
        self.known = known
        self.dirs: dict[str, str] = {"": ""}
        self.links: dict[str, str] = {}
        self.stats: dict[str, os.stat_result] = {}

    def files(self, names: Iterable[str]) -> list[SnapshotFile]:
        """The snapshot's entries for `names` (deleted and special files left out)."""
        files: list[SnapshotFile] = []
        pending: dict[str, str] = {}  # link path -> resolved path outside the names
        dirs, stats, base, lstat = self.dirs, self.stats, self.base + "/", os.lstat
        for name in names:  # the hot path of every scan: one lstat a file, little else
            parent = name.rpartition("/")[0]
            through = dirs.get(parent)
            if through is None:
                through = self._linked_dir(parent)
            if through:
                if through != _MISSING:
                    entry = self._resolve(name, f"{through!r} is a symbolic link", pending)
                    if entry is not None:
                        files.append(entry)
                continue
            try:
                st = lstat(base + name)
            except OSError:
                continue  # listed by the index but deleted from the work tree
            if stat.S_ISREG(st.st_mode):
                stats[name] = st
                files.append(SnapshotFile(name, st.st_size))
            elif stat.S_ISLNK(st.st_mode):
                stats[name] = st
                entry = self._resolve(name, "symbolic link", pending, st.st_size)
                if entry is not None:
                    files.append(entry)
        return self._settle(files, pending)

    def _linked_dir(self, directory: str) -> str:
        """'' when every directory of `directory`'s path is a real directory; else the
        first that is a symbolic link (or _MISSING when one is not there)."""
        known = self.dirs.get(directory)
        if known is not None:
            return known
        chain: list[str] = []
        current = directory
        while current not in self.dirs:
            chain.append(current)
            current = current.rpartition("/")[0]
        state = self.dirs[current]
        for path in reversed(chain):
            if not state:
                try:
                    mode = os.lstat(f"{self.base}/{path}").st_mode
                except OSError:
                    mode = 0
                state = "" if stat.S_ISDIR(mode) else path if stat.S_ISLNK(mode) else _MISSING
            self.dirs[path] = state
        return state

    def _resolve(self, name: str, what: str, pending: dict[str, str],
                 size: int = 0) -> SnapshotFile | None:
        """The entry of a path that is or passes through a link (None: left out)."""
        real = os.path.realpath(f"{self.base}/{name}")
        if not real.startswith(self.base + "/"):
            return SnapshotFile(name, size, symlink=True,
                                outside=f"{what} that leads out of the tree")
        rel = real[len(self.base) + 1:]
        if _private(rel):
            return SnapshotFile(name, size, symlink=True,
                                outside=f"{what} that leads into {rel.split('/')[0]}/")
        try:
            target = os.lstat(real)
        except OSError:
            target = None
        if target is None or not stat.S_ISREG(target.st_mode):
            return SnapshotFile(name, size, symlink=True) if what == "symbolic link" else None
        self.links[name] = rel
        if rel not in self.names:
            pending[name] = rel
        return SnapshotFile(name, target.st_size)

    def _settle(self, files: list[SnapshotFile],
                pending: dict[str, str]) -> list[SnapshotFile]:
        """Links to files outside the listed names: kept when git lists their target
        (a file outside the scope), refused when it does not (an ignored file)."""
        if not pending:
            return files
        known = self.known(pending.values())
        out: list[SnapshotFile] = []
        for entry in files:
            rel = pending.get(entry.path)
            if rel is not None and rel not in known:
                del self.links[entry.path]
                entry = SnapshotFile(entry.path, 0, symlink=True, outside=(
                    f"a symbolic link to {rel}, which the snapshot does not hold "
                    "(ignored or not in the tree)"))
            out.append(entry)
        return out


class RevSnapshot(Snapshot):
    """The tree of one commit, read from git's object store."""

    def __init__(self, root: Path, target: Target, entries: list[git.TreeEntry],
                 links: Mapping[str, git.LinkTarget] | None = None) -> None:
        """`links`: where each symbolic link of `entries` leads (see git.follow_links)."""
        resolved = links or {}
        files = [_rev_file(e, resolved.get(e.path)) for e in entries]
        super().__init__(root, target, files)
        self._oids = {e.path: e.oid for e in entries}
        self._oids.update({p: t.oid for p, t in resolved.items() if t.kind == "blob"})

    @classmethod
    def from_commit(cls, root: Path, scope: str, rev: str) -> RevSnapshot:
        """The files under `scope` in commit `rev`."""
        commit = git.resolve_commit(root, rev)
        entries = [e for e in git.ls_tree(root, commit, scope)
                   if _in_scope(e.path, scope) and not _ignored(e.path)]
        links = git.follow_links(root, commit, [e.path for e in entries if e.symlink])
        target = Target(root=str(root), scope=scope, rev=rev, commit=commit, dirty=False)
        return cls(root, target, entries, links)

    def content_id(self, path: str) -> str:
        """The blob id recorded in the tree (for a resolved link, its target's)."""
        return self._oids[path]

    def read(self, path: str) -> bytes:
        """The blob's bytes."""
        return self.read_many([path])[path]

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes]:
        """Blobs read in one batch (symbolic links that are not resolved are refused)."""
        wanted = list(paths)
        for path in wanted:
            entry = self._by_path.get(path)
            if entry is None or entry.symlink:
                detail = "not a file of the snapshot" if entry is None else \
                    entry.outside or "a symbolic link"
                raise RepoError(f"cannot read {path}: {detail}")
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


def _rev_file(entry: git.TreeEntry, link: git.LinkTarget | None) -> SnapshotFile:
    """A commit's entry: a link that git resolves to a blob of the commit is a file with
    that blob's content; one that leaves the tree is refused."""
    if not entry.symlink or link is None:
        return SnapshotFile(entry.path, entry.size, symlink=entry.symlink)
    if link.kind == "blob":
        return SnapshotFile(entry.path, link.size)
    if link.kind == "symlink":
        return SnapshotFile(entry.path, entry.size, symlink=True,
                            outside="symbolic link that leads out of the tree")
    return SnapshotFile(entry.path, entry.size, symlink=True)


__all__ = ["RepoError", "RevSnapshot", "WorktreeSnapshot", "open_snapshot"]
