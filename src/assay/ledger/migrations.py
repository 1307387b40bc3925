"""Versioned schema of the SQLite ledger.

Each component (core, and later lifecycle, labels, llm) owns an ordered list of
migrations; `schema_version` records how far each component has been migrated. Opening
a ledger applies what is missing, each step in its own transaction; a ledger written by a
newer assay is refused rather than guessed at.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from assay.ledger import schema_labels, schema_lifecycle, schema_llm

Migration = Callable[[sqlite3.Connection], None]


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE .. COMMIT, rolled back on any exception (connection in autocommit)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _core_v1(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            status TEXT NOT NULL,
            scanners TEXT NOT NULL,
            root TEXT NOT NULL,
            scope TEXT NOT NULL,
            rev TEXT,
            commit_id TEXT,
            dirty INTEGER NOT NULL,
            wall_seconds REAL NOT NULL,
            document TEXT NOT NULL
        );
        CREATE INDEX runs_commit ON runs(commit_id);
        CREATE TABLE findings (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            scanner TEXT NOT NULL,
            kind TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            cwe INTEGER,
            severity TEXT NOT NULL,
            path TEXT NOT NULL,
            start_line INTEGER NOT NULL,
            end_line INTEGER NOT NULL,
            PRIMARY KEY (run_id, idx)
        );
        CREATE INDEX findings_fingerprint ON findings(fingerprint);
        """
    )


def _core_v2(db: sqlite3.Connection) -> None:
    """Skipped files and stage metrics become queryable rows (backfilled from documents)."""
    db.executescript(
        """
        CREATE TABLE skipped (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            reason TEXT NOT NULL,
            scanner TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        CREATE INDEX skipped_run ON skipped(run_id);
        CREATE TABLE stages (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            wall_seconds REAL NOT NULL,
            tokens_in INTEGER NOT NULL,
            tokens_out INTEGER NOT NULL,
            cost REAL NOT NULL
        );
        ALTER TABLE runs ADD COLUMN cache_hits INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN cache_misses INTEGER NOT NULL DEFAULT 0;
        """
    )
    for run_id, text in db.execute("SELECT id, document FROM runs").fetchall():
        doc = json.loads(text)
        for s in doc.get("coverage", {}).get("skipped", []):
            db.execute("INSERT INTO skipped VALUES (?, ?, ?, ?, ?)",
                       (run_id, s["path"], s["reason"], s.get("scanner", ""),
                        s.get("detail", "")))
        metrics = doc.get("run", {}).get("metrics", {})
        for st in metrics.get("stages", []):
            db.execute("INSERT INTO stages VALUES (?, ?, ?, ?, ?, ?)",
                       (run_id, st["name"], st.get("wall_seconds", 0.0),
                        st.get("tokens_in", 0), st.get("tokens_out", 0), st.get("cost", 0.0)))
        cache = metrics.get("cache", {})
        db.execute("UPDATE runs SET cache_hits = ?, cache_misses = ? WHERE id = ?",
                   (cache.get("hits", 0), cache.get("misses", 0), run_id))


def _core_v3(db: sqlite3.Connection) -> None:
    """What a run covered becomes queryable: the diff base and the files of a run limited
    to some files (a diff's changed files, a path set), backfilled from documents."""
    db.executescript(
        """
        ALTER TABLE runs ADD COLUMN diff_base TEXT;
        ALTER TABLE runs ADD COLUMN files TEXT NOT NULL DEFAULT '';
        """
    )
    for run_id, text in db.execute("SELECT id, document FROM runs").fetchall():
        target = json.loads(text).get("run", {}).get("target", {})
        db.execute("UPDATE runs SET diff_base = ?, files = ? WHERE id = ?",
                   (target.get("diff_base"), "\n".join(target.get("files", ())), run_id))


MIGRATIONS: dict[str, list[Migration]] = {
    "core": [_core_v1, _core_v2, _core_v3],
    "lifecycle": schema_lifecycle.STEPS,
    "labels": schema_labels.MIGRATIONS,
    "llm": schema_llm.MIGRATIONS,
}


def register(component: str, steps: list[Migration]) -> None:
    """Declare a component's migrations (idempotent; later packages add their tables)."""
    MIGRATIONS[component] = steps


def current_versions(db: sqlite3.Connection) -> dict[str, int]:
    """How far each component of this database has been migrated."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version "
               "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    return dict(db.execute("SELECT component, version FROM schema_version").fetchall())


def newer_than_known(db: sqlite3.Connection) -> list[str]:
    """Components whose stored version this assay does not know (written by a newer one)."""
    versions = current_versions(db)
    return [f"{c} v{v} > v{len(MIGRATIONS.get(c, []))}" for c, v in sorted(versions.items())
            if c in MIGRATIONS and v > len(MIGRATIONS[c])]


def migrate(db: sqlite3.Connection, upto: dict[str, int] | None = None) -> None:
    """Apply every missing migration (or only up to `upto[component]`, for tests).

    Each step re-reads the version inside its write transaction, so processes and
    threads opening a new ledger at the same time never apply a step twice.
    """
    have = current_versions(db)
    for component, steps in MIGRATIONS.items():
        target = len(steps) if upto is None else upto.get(component, 0)
        for number in range(have.get(component, 0) + 1, target + 1):
            with transaction(db):
                if current_versions(db).get(component, 0) >= number:
                    continue
                steps[number - 1](db)
                db.execute("INSERT INTO schema_version VALUES (?, ?) ON CONFLICT(component) "
                           "DO UPDATE SET version = excluded.version", (component, number))
