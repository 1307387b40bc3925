"""The snapshot interface: a frozen tree of files with content ids."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assay.errors import AssayError
from assay.model import SkippedFile, SkipReason, Target


class RepoError(AssayError):
    """The target cannot be read: missing path, not a repository, unknown revision."""


@dataclass(frozen=True)
class SnapshotFile:
    """One file of a snapshot. `path` is repo-relative with forward slashes.

    `symlink` marks a path that is never read: a symbolic link the snapshot did not
    resolve to a file of the tree. `outside` says why, when the link (or a linked
    directory on the path) leads out of the tree or to a file the snapshot does not hold:
    whatever code is there was not analyzed. A link resolved inside the tree is a plain
    file with its target's content.
    """

    path: str
    size: int
    symlink: bool = False
    outside: str = ""

    def skipped(self) -> SkippedFile:
        """The coverage entry of a file that is never read (`symlink`)."""
        if self.outside:
            return SkippedFile(self.path, SkipReason.SYMLINK_OUTSIDE, "",
                               f"{self.outside}: not analyzed")
        return SkippedFile(self.path, SkipReason.SYMLINK, "",
                           "a symbolic link that leads to no file (dangling, a directory)")


class Snapshot(abc.ABC):
    """A frozen view of the files in scope.

    Content ids use git's blob id format so that a commit's ids come free from the tree
    and a working tree's ids can be compared with it.
    """

    def __init__(self, root: Path, target: Target, files: Iterable[SnapshotFile]) -> None:
        self.root = root
        self.target = target
        self.files: tuple[SnapshotFile, ...] = tuple(sorted(files, key=lambda f: f.path))
        self._by_path = {f.path: f for f in self.files}

    def get(self, path: str) -> SnapshotFile | None:
        """The file at a repo-relative path, if the snapshot has it."""
        return self._by_path.get(path)

    def whole(self) -> Snapshot:
        """The snapshot of the whole tree this one is a view of (itself, here)."""
        return self

    @abc.abstractmethod
    def content_id(self, path: str) -> str:
        """The git-style blob id of a file's content."""

    @abc.abstractmethod
    def read(self, path: str) -> bytes:
        """A file's content as bytes."""

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes]:
        """Several files' contents; implementations may batch."""
        return {p: self.read(p) for p in paths}

    @abc.abstractmethod
    def materialize(self, paths: Iterable[str], scratch: Path) -> Path:
        """A directory in which `paths` exist at their repo-relative locations.

        A working tree returns its own root; a commit writes the blobs under `scratch`.
        """
