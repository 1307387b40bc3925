"""The lifecycle tables of a SQLite ledger: tracked findings, the audit log, proofs.

The audit log and the proofs are append-only (triggers in `schema_lifecycle` refuse any
UPDATE or DELETE); a finding's current state is its newest audit entry.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from assay.ledger.interface import (
    AuditRecord,
    LifecycleStore,
    ProofRecord,
    ProofStore,
    Reached,
    Sighting,
    TrackedRecord,
)
from assay.ledger.sqlite_db import Database, prefix_range

_SIGHTINGS = ("SELECT r.id, r.started_at, f.fingerprint, f.scanner, f.rule_id, f.cwe,"
              " f.severity, f.path, f.start_line, f.end_line FROM runs r"
              " JOIN findings f ON f.run_id = r.id WHERE r.rowid > ? AND f.kind = 'llm'"
              " AND f.fingerprint != '' ORDER BY r.rowid, f.idx")
_TRACKED = ("SELECT fingerprint, scanner, rule_id, cwe, severity, path, start_line, end_line,"
            " first_run, first_seen, last_run, last_seen, (SELECT to_state FROM lifecycle_audit"
            " a WHERE a.fingerprint = t.fingerprint ORDER BY seq DESC LIMIT 1)"
            " FROM lifecycle_findings t WHERE t.fingerprint >= ? AND t.fingerprint < ?"
            " ORDER BY t.fingerprint")
_PROOF_COLUMNS = ("id, fingerprint, at, actor, source, name, sha256, text, commit_id, dirty,"
                  " verdict, detail, sandboxed, unsafe_no_sandbox, seconds, report")


class SqliteLifecycle(LifecycleStore):
    """Tracked findings and their audit log in a SQLite ledger."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def sync(self, first_entry: Callable[[Sighting], AuditRecord],
             now: Callable[[], str]) -> int:
        """Track the LLM findings of runs recorded since the last sync (one transaction)."""
        with self._db.writing() as db:
            last = db.execute("SELECT last_rowid FROM lifecycle_sync").fetchone()[0]
            rows = db.execute(_SIGHTINGS, (last,)).fetchall()
            top = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM runs").fetchone()[0]
            added = sum(_observe(db, Sighting(r[0], r[1] or now(), *r[2:]), first_entry)
                        for r in rows)
            db.execute("UPDATE lifecycle_sync SET last_rowid = ?", (max(top, last),))
        return added

    def tracked(self, prefix: str = "") -> list[TrackedRecord]:
        """Tracked findings whose fingerprint starts with `prefix`, by fingerprint."""
        with self._db.reading() as db:
            rows = db.execute(_TRACKED, prefix_range(prefix)).fetchall()
        return [TrackedRecord(*r) for r in rows]

    def append(self, fingerprint: str,
               entry: Callable[[str | None], AuditRecord]) -> AuditRecord:
        """Append the entry `entry` makes from the current state (one transaction)."""
        with self._db.writing() as db:
            row = db.execute("SELECT to_state FROM lifecycle_audit WHERE fingerprint = ?"
                             " ORDER BY seq DESC LIMIT 1", (fingerprint,)).fetchone()
            made = entry(row[0] if row else None)
            return replace(made, seq=_insert_audit(db, made))

    def history(self, fingerprint: str) -> list[AuditRecord]:
        """Every audit entry of a finding, oldest first."""
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT fingerprint, from_state, to_state, actor, at, reason, evidence, seq"
                " FROM lifecycle_audit WHERE fingerprint = ? ORDER BY seq",
                (fingerprint,)).fetchall()
        return [AuditRecord(r[0], r[1], r[2], r[3], r[4], r[5], _evidence(r[6]), r[7])
                for r in rows]

    def reached(self, state: str) -> list[Reached]:
        """The first time each tracked finding reached `state`, by scanner."""
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT t.scanner, t.first_seen, MIN(a.at) FROM lifecycle_findings t"
                " JOIN lifecycle_audit a ON a.fingerprint = t.fingerprint"
                " WHERE a.to_state = ? GROUP BY t.fingerprint ORDER BY t.scanner",
                (state,)).fetchall()
        return [Reached(*r) for r in rows]


class SqliteProofs(ProofStore):
    """Proof records in a SQLite ledger."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, proof: ProofRecord) -> None:
        """Append a proof record."""
        with self._db.writing() as db:
            db.execute(f"INSERT INTO proofs ({_PROOF_COLUMNS})"  # noqa: S608 (a constant)
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (proof.id, proof.fingerprint, proof.at, proof.actor, proof.source,
                        proof.name, proof.sha256, proof.text, proof.commit, int(proof.dirty),
                        proof.verdict, proof.detail, int(proof.sandboxed),
                        int(proof.unsafe_no_sandbox), proof.seconds, proof.report))

    def of(self, fingerprint: str) -> list[ProofRecord]:
        """Proof records of a finding, oldest first."""
        with self._db.reading() as db:
            rows = db.execute(f"SELECT {_PROOF_COLUMNS} FROM proofs"  # noqa: S608 (a constant)
                              " WHERE fingerprint = ? ORDER BY at, rowid",
                              (fingerprint,)).fetchall()
        return [_proof(r) for r in rows]


def _observe(db: sqlite3.Connection, seen: Sighting,
             first_entry: Callable[[Sighting], AuditRecord]) -> bool:
    """Update a tracked finding's last sighting, or track it; True when it is new."""
    known = db.execute("SELECT 1 FROM lifecycle_findings WHERE fingerprint = ?",
                       (seen.fingerprint,)).fetchone()
    if known:
        db.execute("UPDATE lifecycle_findings SET last_run = ?, last_seen = ?, path = ?,"
                   " start_line = ?, end_line = ? WHERE fingerprint = ?",
                   (seen.run_id, seen.seen, seen.path, seen.start_line, seen.end_line,
                    seen.fingerprint))
        return False
    db.execute("INSERT INTO lifecycle_findings (fingerprint, scanner, rule_id, cwe, severity,"
               " path, start_line, end_line, first_run, first_seen, last_run, last_seen)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (seen.fingerprint, seen.scanner, seen.rule_id, seen.cwe, seen.severity,
                seen.path, seen.start_line, seen.end_line, seen.run_id, seen.seen,
                seen.run_id, seen.seen))
    _insert_audit(db, first_entry(seen))
    return True


def _insert_audit(db: sqlite3.Connection, entry: AuditRecord) -> int:
    cursor = db.execute("INSERT INTO lifecycle_audit (fingerprint, from_state, to_state, actor,"
                        " at, reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (entry.fingerprint, entry.from_state, entry.to_state, entry.actor,
                         entry.at, entry.reason,
                         json.dumps(dict(entry.evidence), sort_keys=True)))
    return int(cursor.lastrowid or 0)


def _evidence(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in json.loads(text).items()))


def _proof(r: tuple[Any, ...]) -> ProofRecord:
    return ProofRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10],
                       r[11], bool(r[12]), bool(r[13]), float(r[14]), r[15])
