"""Per-file result cache keyed by (content id, scanner name, scanner version, rules hash).

A rescan looks up every file's content id and analyzes only the misses. Scanners see the
cache through `ResultCache`; the implementation here is a disposable SQLite file in the
project's cache directory: if it cannot be opened the scan goes on without it (and says
so), but nothing is deleted. `open_result_cache` is the one way to get one.
"""

from __future__ import annotations

import abc
import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assay.formats.json import finding_from_dict, finding_to_dict
from assay.model import Finding, ScannerInfo, SkippedFile, SkipReason

_FILE = "cache.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    content_id TEXT NOT NULL,
    scanner TEXT NOT NULL,
    version TEXT NOT NULL,
    rules_hash TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (scanner, version, rules_hash, content_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class FileOutcome:
    """What one scanner made of one file: its findings, or why it was skipped."""

    findings: tuple[Finding, ...] = ()
    skip: SkippedFile | None = None

    def at_path(self, path: str) -> FileOutcome:
        """The same outcome for a file with identical content at another path."""
        return FileOutcome(
            tuple(replace(f, path=path) for f in self.findings),
            None if self.skip is None else replace(self.skip, path=path),
        )


class ResultCache(abc.ABC):
    """What scanners keep between scans: per-file outcomes, and documents of their own
    (what a scanner derives from one file's content besides findings). Safe to share
    between threads; a cache that cannot be read reads as empty and says so in `error`."""

    error: str = ""

    @property
    @abc.abstractmethod
    def available(self) -> bool:
        """False when the cache could not be opened."""

    @abc.abstractmethod
    def get_many(self, scanner: ScannerInfo, ids: Mapping[str, str]) -> dict[str, FileOutcome]:
        """Cached outcomes for `ids` (path -> content id), keyed by path."""

    @abc.abstractmethod
    def put_many(self, scanner: ScannerInfo, items: Iterable[tuple[str, FileOutcome]]) -> None:
        """Store outcomes by content id (last write wins)."""

    @abc.abstractmethod
    def get_docs(self, kind: str, keys: Iterable[str]) -> dict[str, str]:
        """Kept documents of one `kind`, by key."""

    @abc.abstractmethod
    def put_docs(self, kind: str, items: Iterable[tuple[str, str]]) -> None:
        """Keep documents of one `kind` by key (last write wins)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the cache."""


def open_result_cache(directory: Path) -> ResultCache:
    """The result cache kept in `directory` (the project's cache directory)."""
    return SqliteResultCache(directory / _FILE)


def _encode(outcome: FileOutcome) -> str:
    doc: dict[str, Any] = {"findings": [finding_to_dict(f) for f in outcome.findings]}
    if outcome.skip is not None:
        doc["skip"] = {"reason": outcome.skip.reason.value, "detail": outcome.skip.detail,
                       "scanner": outcome.skip.scanner}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


_EMPTY = '{"findings":[]}'  # what most files' outcomes are: no need to parse them


def _decode(text: str, path: str) -> FileOutcome:
    if text == _EMPTY:
        return FileOutcome()
    doc = json.loads(text)
    skip = doc.get("skip")
    return FileOutcome(
        tuple(finding_from_dict({**f, "path": path}) for f in doc["findings"]),
        None if skip is None else SkippedFile(path, SkipReason(skip["reason"]),
                                              skip.get("scanner", ""), skip.get("detail", "")),
    )


class SqliteResultCache(ResultCache):
    """The cache in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error = ""
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, check_same_thread=False, timeout=30.0)
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)
            self._db = db
        except (OSError, sqlite3.Error) as exc:
            self.error = f"result cache {path} unavailable: {exc}"

    @property
    def available(self) -> bool:
        """False when the cache file could not be opened."""
        return self._db is not None

    def get_many(self, scanner: ScannerInfo, ids: Mapping[str, str]) -> dict[str, FileOutcome]:
        """Cached outcomes for `ids` (path -> content id), keyed by path."""
        found = self._select(
            "SELECT content_id, outcome FROM results WHERE scanner = ? AND version = ?"
            " AND rules_hash = ? AND content_id IN ",
            (scanner.name, scanner.version, scanner.rules_hash), ids.values())
        return {p: _decode(found[c], p) for p, c in ids.items() if c in found}

    def put_many(self, scanner: ScannerInfo, items: Iterable[tuple[str, FileOutcome]]) -> None:
        """Store outcomes by content id (last write wins)."""
        rows = [(cid, scanner.name, scanner.version, scanner.rules_hash, _encode(o))
                for cid, o in items]
        self._write("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)", rows)

    def get_docs(self, kind: str, keys: Iterable[str]) -> dict[str, str]:
        """Kept documents of one `kind`, by key."""
        return self._select("SELECT key, doc FROM documents WHERE kind = ? AND key IN ",
                            (kind,), keys)

    def put_docs(self, kind: str, items: Iterable[tuple[str, str]]) -> None:
        """Keep documents of one `kind` by key (last write wins)."""
        self._write("INSERT OR REPLACE INTO documents VALUES (?, ?, ?)",
                    [(kind, key, doc) for key, doc in items])

    def close(self) -> None:
        """Close the file."""
        if self._db is not None:
            self._db.close()

    def _select(self, query: str, fixed: tuple[str, ...],
                keys: Iterable[str]) -> dict[str, str]:
        """key -> value rows of `query` + `(?, ?, ...)` for `keys`, 500 keys at a time; an
        unreadable cache reads as empty (and says so in `error`)."""
        wanted = sorted(set(keys))
        found: dict[str, str] = {}
        if self._db is None or not wanted:
            return found
        with self._lock:
            try:
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    marks = ",".join("?" * len(chunk))  # placeholders only, never data
                    found.update(self._db.execute(f"{query}({marks})", (*fixed, *chunk)))
            except sqlite3.Error as exc:
                self.error = f"result cache {self.path} unreadable: {exc}"
                return {}
        return found

    def _write(self, statement: str, rows: Sequence[tuple[str, ...]]) -> None:
        """Run `statement` for every row in one transaction (a failure says so in
        `error`)."""
        if self._db is None:
            return
        with self._lock:
            try:
                with self._db:
                    self._db.executemany(statement, rows)
            except sqlite3.Error as exc:
                self.error = f"result cache {self.path} not updated: {exc}"
