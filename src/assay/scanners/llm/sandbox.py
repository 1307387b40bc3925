"""The model's view of the snapshot, confined to it.

Every path a tool receives goes through `Sandbox.file` or `Sandbox.directory`: absolute
paths, `..`, symbolic links (and paths through them) and files excluded by configuration
are refused with a message the model sees. Content is only ever read through the
snapshot, by repo-relative path, never by following the file system. File texts are
kept in a small LRU with secrets already masked, so every tool serves masked text; grep
also keeps masked texts up to a total size, so that searching again does not mask the
whole tree again. A path echoed back in a message is cut to a readable length.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from assay.repo.interface import Snapshot
from assay.scanners.llm.redact import Redactor

_DRIVE = re.compile(r"^[A-Za-z]:")
CACHE_FILES = 32
SEARCH_CACHE_CHARS = 64_000_000  # masked text kept for grep, in characters
SHOWN_PATH = 200


class Refused(Exception):
    """A tool request the sandbox will not serve; the message goes back to the model."""


@dataclass(frozen=True)
class FileText:
    """One file as the tools serve it: its text, and raw and masked lines (same count)."""

    source: str
    raw: tuple[str, ...]
    masked: tuple[str, ...]


class Sandbox:
    """Confinement and cached reading for one snapshot and its allowed files."""

    def __init__(self, snapshot: Snapshot, allowed: Iterable[str], max_file_size: int) -> None:
        self.snapshot = snapshot
        self.allowed = frozenset(allowed)
        self.max_file_size = max_file_size
        self.symlinks = frozenset(f.path for f in snapshot.files if f.symlink)
        self.dirs = _index(sorted(self.allowed | self.symlinks))
        self._texts: OrderedDict[str, FileText] = OrderedDict()
        self._searchable: dict[str, str | Refused] = {}
        self._searchable_chars = 0

    @staticmethod
    def normalize(raw: object) -> str:
        """A repo-relative path with forward slashes ('' for the root)."""
        if not isinstance(raw, str):
            raise Refused("path must be a string")
        text = raw.strip().replace("\\", "/")
        if text.startswith(("/", "~")) or _DRIVE.match(text):
            raise Refused(f"refused: {shown(raw)} is an absolute path; use a path relative "
                          "to the repository root")
        parts = [p for p in text.split("/") if p not in ("", ".")]
        if ".." in parts:
            raise Refused(f"refused: {shown(raw)} contains '..'; paths must stay inside the "
                          "repository")
        return "/".join(parts)

    def _through_link(self, path: str) -> str:
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if prefix in self.symlinks:
                return prefix
        return ""

    def file(self, raw: object) -> str:
        """The path of a file the tools may read."""
        path = self.normalize(raw)
        link = self._through_link(path)
        if link:
            raise Refused(f"refused: {shown(link)} is a symbolic link; links are never followed")
        if path in self.allowed:
            return path
        if self.snapshot.get(path) is not None:
            raise Refused(f"refused: {shown(path)} is excluded from review by configuration")
        if path in self.dirs or path == "":
            raise Refused(f"{shown(path or '.')} is a directory; use list_dir")
        raise Refused(f"no such file: {shown(path)}")

    def directory(self, raw: object) -> str:
        """The path of a directory list_dir may show."""
        path = self.normalize(raw if raw is not None else "")
        link = self._through_link(path)
        if link:
            raise Refused(f"refused: {shown(link)} is a symbolic link; links are never followed")
        if path in self.dirs:
            return path
        if path in self.allowed:
            raise Refused(f"{shown(path)} is a file; use read_file")
        raise Refused(f"no such directory: {shown(path)}")

    def text(self, path: str) -> FileText:
        """A file's lines, raw and masked (Refused for binary or oversized files)."""
        cached = self._texts.get(path)
        if cached is not None:
            self._texts.move_to_end(path)
            return cached
        entry = self.snapshot.get(path)
        if entry is not None and entry.size > self.max_file_size:
            raise Refused(f"{shown(path)} is too large to read ({entry.size} bytes)")
        data = self.snapshot.read(path)
        if b"\0" in data[:8192]:
            raise Refused(f"{shown(path)} is a binary file")
        raw = data.decode("utf-8", "replace")
        masked = Redactor().redact(raw)
        item = FileText(raw, tuple(raw.splitlines()), tuple(masked.splitlines()))
        self._texts[path] = item
        if len(self._texts) > CACHE_FILES:
            self._texts.popitem(last=False)
        return item

    def searchable(self, path: str) -> str:
        """A file's masked text for grep (Refused for binary or oversized files)."""
        known = self._searchable.get(path)
        if isinstance(known, Refused):
            raise known
        if known is not None:
            return known
        try:
            text = "".join(line + "\n" for line in self.text(path).masked)
        except Refused as exc:
            self._searchable[path] = exc
            raise
        if self._searchable_chars + len(text) <= SEARCH_CACHE_CHARS:
            self._searchable[path] = text
            self._searchable_chars += len(text)
        return text


def shown(value: str) -> str:
    """`value` quoted for a message, cut to SHOWN_PATH characters."""
    if len(value) <= SHOWN_PATH:
        return repr(value)
    return repr(value[:SHOWN_PATH]) + f" (+{len(value) - SHOWN_PATH} more characters)"


def _index(paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Directory -> sorted child names (directories end with '/')."""
    children: dict[str, set[str]] = {"": set()}
    for path in paths:
        parts = path.split("/")
        for i in range(len(parts)):
            parent = "/".join(parts[:i])
            last = i == len(parts) - 1
            children.setdefault(parent, set()).add(parts[i] if last else parts[i] + "/")
    return {d: tuple(sorted(names)) for d, names in children.items()}
