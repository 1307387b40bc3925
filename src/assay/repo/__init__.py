"""Snapshots of what is scanned: a working tree or a commit, read without touching it."""

from assay.repo.interface import RepoError, Snapshot, SnapshotFile
from assay.repo.snapshot import open_snapshot

__all__ = ["RepoError", "Snapshot", "SnapshotFile", "open_snapshot"]
