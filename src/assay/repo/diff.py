"""Changes between a base commit and a snapshot: changed files and their hunks.

`--diff BASE` compares BASE with the scanned snapshot (the working tree, or `--rev`);
`--diff BASE..HEAD` compares two commits (HEAD becomes the scanned revision);
`--diff BASE...HEAD` compares HEAD with the merge base of the two, as pull requests do.
Line differences are computed here with difflib from blob contents, so no git filter or
external diff driver ever runs. Renames appear as a deletion plus an addition. Both sides
are snapshots: a symbolic link resolved inside the tree changes when its target does.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from assay.repo import git
from assay.repo.interface import RepoError, Snapshot
from assay.repo.snapshot import RevSnapshot


@dataclass(frozen=True)
class Hunk:
    """A changed region: lines new_start..new_start+new_count-1 of the new file
    replace old_count lines at old_start of the old file (counts may be 0)."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int


@dataclass(frozen=True)
class FileChange:
    """One changed file. `status` is A (added), M (modified) or D (deleted)."""

    path: str
    status: str
    hunks: tuple[Hunk, ...] = ()
    added: tuple[tuple[int, str], ...] = ()
    removed: tuple[tuple[int, str], ...] = ()
    binary: bool = False

    def changed_lines(self) -> frozenset[int]:
        """New-side line numbers that were added or modified."""
        return frozenset(n for n, _ in self.added)


@dataclass(frozen=True)
class Diff:
    """All changes from `base` (a commit id) to the snapshot."""

    base: str
    base_rev: str
    files: tuple[FileChange, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        """Paths that exist after the change (added or modified)."""
        return tuple(f.path for f in self.files if f.status != "D")

    def get(self, path: str) -> FileChange | None:
        """The change to one path, if any."""
        return next((f for f in self.files if f.path == path), None)


def parse_range(spec: str) -> tuple[str, str | None, bool]:
    """`BASE`, `BASE..HEAD` or `BASE...HEAD` -> (base, head or None, use merge base)."""
    text = spec.strip()
    if not text:
        raise RepoError("empty --diff range", "use --diff BASE or --diff BASE..HEAD")
    if "..." in text:
        base, head = text.split("...", 1)
        return base or "HEAD", head or "HEAD", True
    if ".." in text:
        base, head = text.split("..", 1)
        return base or "HEAD", head or "HEAD", False
    return text, None, False


def resolve_base(root: Path, base: str, head: str | None, merge_base: bool) -> str:
    """The base commit id (the merge base of BASE and HEAD for `...`)."""
    base_id = git.resolve_commit(root, base)
    if merge_base:
        head_id = git.resolve_commit(root, head or "HEAD")
        out = git.run_git(root, ["merge-base", base_id, head_id]).decode().strip()
        if not out:
            raise RepoError(f"{base} and {head} have no common ancestor")
        return out
    return base_id


def _lines(data: bytes) -> list[str] | None:
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", "replace").splitlines()


def _file_change(path: str, old: bytes | None, new: bytes | None) -> FileChange:
    status = "A" if old is None else "D" if new is None else "M"
    old_lines = [] if old is None else _lines(old)
    new_lines = [] if new is None else _lines(new)
    if old_lines is None or new_lines is None:
        return FileChange(path, status, binary=True)
    hunks: list[Hunk] = []
    added: list[tuple[int, str]] = []
    removed: list[tuple[int, str]] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        hunks.append(Hunk(i1 + 1, i2 - i1, j1 + 1, j2 - j1))
        added.extend((j + 1, new_lines[j]) for j in range(j1, j2))
        removed.extend((i + 1, old_lines[i]) for i in range(i1, i2))
    return FileChange(path, status, tuple(hunks), tuple(added), tuple(removed))


def compute_diff(snapshot: Snapshot, base_rev: str, merge_base: bool = False,
                 head: str | None = None) -> Diff:
    """Changes from commit `base_rev` to `snapshot`, restricted to the snapshot's scope."""
    root = snapshot.root
    base = resolve_base(root, base_rev, head, merge_base)
    before = RevSnapshot.from_commit(root, snapshot.target.scope, base)
    old = {f.path for f in before.files if not f.symlink}
    new = {f.path for f in snapshot.files if not f.symlink}
    changed = sorted(p for p in old | new if p not in old or p not in new
                     or before.content_id(p) != snapshot.content_id(p))
    # a path now behind a link out of the tree: changed, and never read (no lines)
    unreadable = _unreadable(snapshot) - _unreadable(before)
    changed = [p for p in changed if p not in unreadable]
    old_data = before.read_many([p for p in changed if p in old])
    new_data = snapshot.read_many([p for p in changed if p in new])
    files = [_file_change(p, old_data.get(p), new_data.get(p)) for p in changed]
    files += [FileChange(p, "M" if p in old else "A") for p in sorted(unreadable)]
    return Diff(base, base_rev, tuple(sorted(files, key=lambda f: f.path)))


def _unreadable(snapshot: Snapshot) -> set[str]:
    """Paths the snapshot never reads because they lead out of the tree."""
    return {f.path for f in snapshot.files if f.symlink and f.outside}
