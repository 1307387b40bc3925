"""The lifecycle of LLM findings in the ledger: tracking, transitions, audit, proofs.

LLM findings recorded in any run enter the lifecycle as `unverified` the first time their
fingerprint is seen, so a state follows the finding across commits for as long as its
fingerprint holds. Every transition is appended to `lifecycle_audit` (who, when, why,
evidence); the current state is the newest entry. Proof records are append-only too.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assay.ledger.interface import LedgerError
from assay.ledger.migrations import transaction
from assay.ledger.sqlite import SqliteLedger
from assay.model import Finding
from assay.repo import git
from assay.repo.interface import RepoError
from assay.workflow.errors import FindingNotFound
from assay.workflow.states import State, check_transition

Clock = Callable[[], datetime]
STAMP = "%Y-%m-%dT%H:%M:%SZ"
SYSTEM_ACTOR = "assay"
_HEX = re.compile(r"[0-9a-f]{4,64}")


@dataclass(frozen=True)
class TrackedFinding:
    """An LLM finding under review: where it was last seen and its current state."""

    fingerprint: str
    scanner: str
    rule_id: str
    cwe: int | None
    severity: str
    path: str
    start_line: int
    end_line: int
    first_run: str
    first_seen: str
    last_run: str
    last_seen: str
    state: State


@dataclass(frozen=True)
class AuditEntry:
    """One transition: who moved the finding from what to what, when, why, on what evidence."""

    seq: int
    fingerprint: str
    from_state: State | None
    to_state: State
    actor: str
    at: str
    reason: str
    evidence: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ProofRecord:
    """One run of a proof against a finding, as stored."""

    id: str
    fingerprint: str
    at: str
    actor: str
    source: str
    name: str
    sha256: str
    text: str
    commit: str | None
    dirty: bool
    verdict: str
    detail: str
    sandboxed: bool
    unsafe_no_sandbox: bool
    seconds: float
    report: str


_FINDING_COLUMNS = ("fingerprint, scanner, rule_id, cwe, severity, path, start_line, end_line,"
                    " first_run, first_seen, last_run, last_seen")
_STATE = ("(SELECT to_state FROM lifecycle_audit a WHERE a.fingerprint = t.fingerprint"
          " ORDER BY seq DESC LIMIT 1)")


class Lifecycle:
    """Lifecycle operations on one ledger."""

    def __init__(self, ledger: SqliteLedger, clock: Clock | None = None) -> None:
        self.ledger = ledger
        self.db = ledger.db
        self._clock = clock or (lambda: datetime.now(UTC))

    def now(self) -> str:
        """The current time as stored (UTC, seconds)."""
        return self._clock().strftime(STAMP)

    def sync(self) -> int:
        """Enter the LLM findings of runs recorded since the last sync; returns new ones."""
        with transaction(self.db) as db:
            last = db.execute("SELECT last_rowid FROM lifecycle_sync").fetchone()[0]
            rows = db.execute(
                "SELECT r.rowid, r.id, r.started_at, f.fingerprint, f.scanner, f.rule_id, f.cwe,"
                " f.severity, f.path, f.start_line, f.end_line FROM runs r"
                " JOIN findings f ON f.run_id = r.id WHERE r.rowid > ? AND f.kind = 'llm'"
                " AND f.fingerprint != '' ORDER BY r.rowid, f.idx", (last,)).fetchall()
            top = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM runs").fetchone()[0]
            added = sum(self._observe(db, row) for row in rows)
            db.execute("UPDATE lifecycle_sync SET last_rowid = ?", (max(top, last),))
        return added

    def _observe(self, db: sqlite3.Connection, row: tuple[Any, ...]) -> bool:
        _, run_id, started, fp, scanner, rule, cwe, severity, path, start, end = row
        seen = started or self.now()
        known = db.execute("SELECT 1 FROM lifecycle_findings WHERE fingerprint = ?",
                           (fp,)).fetchone()
        if known:
            db.execute("UPDATE lifecycle_findings SET last_run = ?, last_seen = ?, path = ?,"
                       " start_line = ?, end_line = ? WHERE fingerprint = ?",
                       (run_id, seen, path, start, end, fp))
            return False
        db.execute("INSERT INTO lifecycle_findings (fingerprint, scanner, rule_id, cwe, severity,"
                   " path, start_line, end_line, first_run, first_seen, last_run, last_seen)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (fp, scanner, rule, cwe, severity, path, start, end, run_id, seen, run_id,
                    seen))
        db.execute("INSERT INTO lifecycle_audit (fingerprint, from_state, to_state, actor, at,"
                   " reason, evidence) VALUES (?, NULL, ?, ?, ?, ?, ?)",
                   (fp, State.UNVERIFIED.value, SYSTEM_ACTOR, seen,
                    f"first reported by {scanner} in run {run_id}",
                    json.dumps({"run": run_id}, sort_keys=True)))
        return True

    def resolve(self, ident: str) -> TrackedFinding:
        """The tracked finding whose fingerprint is `ident` or starts with it."""
        text = ident.strip().lower()
        rows = self._select("WHERE t.fingerprint LIKE ? ORDER BY t.fingerprint LIMIT 2",
                            (text + "%",)) if _HEX.fullmatch(text) else []
        exact = [r for r in rows if r.fingerprint == text]
        if exact or len(rows) == 1:
            return (exact or rows)[0]
        if rows:
            raise FindingNotFound(f"finding id {ident!r} is ambiguous",
                                  "give more characters of the fingerprint")
        hint = "list findings with `assay findings list`"
        if _HEX.fullmatch(text) and self.db.execute(
                "SELECT 1 FROM findings WHERE fingerprint LIKE ? AND kind != 'llm' LIMIT 1",
                (text + "%",)).fetchone():
            hint = "it is a deterministic finding: only LLM findings have a lifecycle"
        raise FindingNotFound(f"no LLM finding {ident!r} in ledger {self.ledger.path}", hint)

    def _select(self, where: str, args: tuple[Any, ...] = ()) -> list[TrackedFinding]:
        # Only module constants are formatted in; every value is a bound parameter.
        query = f"SELECT {_FINDING_COLUMNS}, {_STATE} FROM lifecycle_findings t {where}"  # noqa: S608
        return [_tracked(row) for row in self.db.execute(query, args).fetchall()]

    def findings(self, state: State | None = None,
                 scanner: str | None = None) -> list[TrackedFinding]:
        """Tracked findings, optionally filtered, ordered by path and line."""
        rows = self._select("ORDER BY t.path, t.start_line, t.fingerprint")
        return [r for r in rows if (state is None or r.state is state)
                and (scanner is None or r.scanner == scanner)]

    def latest_finding(self, fingerprint: str) -> Finding | None:
        """The finding as its most recent run reported it (from the stored run)."""
        row = self.db.execute("SELECT last_run FROM lifecycle_findings WHERE fingerprint = ?",
                              (fingerprint,)).fetchone()
        if row is None:
            return None
        try:
            run = self.ledger.get_run(row[0])
        except LedgerError:
            return None
        return next((f for f in run.findings if f.fingerprint == fingerprint), None)

    def states(self) -> dict[str, State]:
        """The current state of every tracked fingerprint."""
        return {r.fingerprint: r.state for r in self._select("")}

    def transition(self, fingerprint: str, target: State, actor: str, reason: str,
                   evidence: Mapping[str, str] | None = None,
                   proof_id: str | None = None) -> AuditEntry:
        """Move a finding to `target` if the state machine allows it; append the audit entry."""
        proof_verdict = None
        with transaction(self.db) as db:
            current = self.resolve(fingerprint).state
            if proof_id is not None:
                row = db.execute("SELECT verdict FROM proofs WHERE id = ? AND fingerprint = ?",
                                 (proof_id, fingerprint)).fetchone()
                proof_verdict = row[0] if row else None
            check_transition(current, target, reason, proof_verdict)
            facts = dict(evidence or {})
            if proof_id is not None:
                facts["proof"] = proof_id
            at = self.now()
            cursor = db.execute(
                "INSERT INTO lifecycle_audit (fingerprint, from_state, to_state, actor, at,"
                " reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (fingerprint, current.value, target.value, actor, at, reason.strip(),
                 json.dumps(facts, sort_keys=True)))
        return AuditEntry(int(cursor.lastrowid or 0), fingerprint, current, target, actor, at,
                          reason.strip(), tuple(sorted(facts.items())))

    def history(self, fingerprint: str) -> list[AuditEntry]:
        """Every transition of a finding, oldest first."""
        rows = self.db.execute(
            "SELECT seq, fingerprint, from_state, to_state, actor, at, reason, evidence"
            " FROM lifecycle_audit WHERE fingerprint = ? ORDER BY seq", (fingerprint,)).fetchall()
        return [AuditEntry(r[0], r[1], State(r[2]) if r[2] else None, State(r[3]), r[4], r[5],
                           r[6], tuple(sorted((str(k), str(v))
                                              for k, v in json.loads(r[7]).items())))
                for r in rows]

    def record_proof(self, proof: ProofRecord) -> None:
        """Append a proof record."""
        with transaction(self.db) as db:
            db.execute("INSERT INTO proofs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (proof.id, proof.fingerprint, proof.at, proof.actor, proof.source,
                        proof.name, proof.sha256, proof.text, proof.commit, int(proof.dirty),
                        proof.verdict, proof.detail, int(proof.sandboxed),
                        int(proof.unsafe_no_sandbox), proof.seconds, proof.report))

    def proofs(self, fingerprint: str) -> list[ProofRecord]:
        """Proof records of a finding, oldest first."""
        rows = self.db.execute("SELECT * FROM proofs WHERE fingerprint = ? ORDER BY at, rowid",
                               (fingerprint,)).fetchall()
        return [_proof(r) for r in rows]

    def proof_latencies(self) -> list[tuple[str, float]]:
        """(scanner, seconds from first seen to first proven) for every proven finding."""
        rows = self.db.execute(
            "SELECT t.scanner, t.first_seen, MIN(a.at) FROM lifecycle_findings t"
            " JOIN lifecycle_audit a ON a.fingerprint = t.fingerprint"
            " WHERE a.to_state = 'proven' GROUP BY t.fingerprint ORDER BY t.scanner").fetchall()
        return [(scanner, max(0.0, (_parse(proven) - _parse(seen)).total_seconds()))
                for scanner, seen, proven in rows]


def default_actor(root: Path) -> str:
    """Who is acting: ASSAY_ACTOR, else the user's own git user.email (never the scanned
    repository's configuration, which its author wrote), else the login name."""
    if os.environ.get("ASSAY_ACTOR"):
        return os.environ["ASSAY_ACTOR"]
    try:
        email = git.run_git(root, ["config", "--global", "user.email"]).decode().strip()
    except RepoError:
        email = ""
    if email:
        return email
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _tracked(r: tuple[Any, ...]) -> TrackedFinding:
    return TrackedFinding(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                          r[11], State(r[12]))


def _proof(r: tuple[Any, ...]) -> ProofRecord:
    return ProofRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10],
                       r[11], bool(r[12]), bool(r[13]), float(r[14]), r[15])


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
