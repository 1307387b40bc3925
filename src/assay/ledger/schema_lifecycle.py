"""Ledger tables of the finding lifecycle: findings under review, their audit log, proofs.

The audit log and the proof records are append-only: SQLite triggers abort any UPDATE or
DELETE on them, so a state history cannot be rewritten through the database either. A
finding's current state is the newest audit entry; nothing else stores it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

_APPEND_ONLY = """
CREATE TRIGGER lifecycle_audit_no_update BEFORE UPDATE ON lifecycle_audit
BEGIN SELECT RAISE(ABORT, 'lifecycle_audit is append-only'); END;
CREATE TRIGGER lifecycle_audit_no_delete BEFORE DELETE ON lifecycle_audit
BEGIN SELECT RAISE(ABORT, 'lifecycle_audit is append-only'); END;
CREATE TRIGGER proofs_no_update BEFORE UPDATE ON proofs
BEGIN SELECT RAISE(ABORT, 'proofs is append-only'); END;
CREATE TRIGGER proofs_no_delete BEFORE DELETE ON proofs
BEGIN SELECT RAISE(ABORT, 'proofs is append-only'); END;
"""


def _lifecycle_v1(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE lifecycle_findings (
            fingerprint TEXT PRIMARY KEY,
            scanner TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            cwe INTEGER,
            severity TEXT NOT NULL,
            path TEXT NOT NULL,
            start_line INTEGER NOT NULL,
            end_line INTEGER NOT NULL,
            first_run TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_run TEXT NOT NULL,
            last_seen TEXT NOT NULL
        );
        CREATE TABLE lifecycle_audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            fingerprint TEXT NOT NULL REFERENCES lifecycle_findings(fingerprint),
            from_state TEXT,
            to_state TEXT NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT NOT NULL,
            evidence TEXT NOT NULL
        );
        CREATE INDEX lifecycle_audit_fingerprint ON lifecycle_audit(fingerprint, seq);
        CREATE TABLE proofs (
            id TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL REFERENCES lifecycle_findings(fingerprint),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            source TEXT NOT NULL,
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            text TEXT NOT NULL,
            commit_id TEXT,
            dirty INTEGER NOT NULL,
            verdict TEXT NOT NULL,
            detail TEXT NOT NULL,
            sandboxed INTEGER NOT NULL,
            unsafe_no_sandbox INTEGER NOT NULL,
            seconds REAL NOT NULL,
            report TEXT NOT NULL
        );
        CREATE INDEX proofs_fingerprint ON proofs(fingerprint, at);
        CREATE TABLE lifecycle_sync (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_rowid INTEGER NOT NULL
        );
        INSERT INTO lifecycle_sync VALUES (1, 0);
        """
    )
    db.executescript(_APPEND_ONLY)


STEPS: list[Callable[[sqlite3.Connection], None]] = [_lifecycle_v1]
