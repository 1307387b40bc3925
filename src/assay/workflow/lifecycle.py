"""The lifecycle of LLM findings: tracking, transitions, audit, proofs.

LLM findings recorded in any run enter the lifecycle as `unverified` the first time their
fingerprint is seen, so a state follows the finding across commits for as long as its
fingerprint holds. Every transition is appended to the ledger's audit log (who, when, why,
evidence); the current state is the newest entry. Proof records are append-only too. The
rules live here; the ledger's `lifecycle` and `proofs` stores keep the records.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assay.ledger.interface import (
    AuditRecord,
    Ledger,
    LedgerError,
    ProofRecord,
    Sighting,
    TrackedRecord,
)
from assay.model import Finding, FindingKind
from assay.repo import git
from assay.repo.interface import RepoError
from assay.workflow.errors import FindingNotFound
from assay.workflow.states import State, check_transition

__all__ = [
    "STAMP",
    "SYSTEM_ACTOR",
    "AuditEntry",
    "Clock",
    "Lifecycle",
    "ProofRecord",
    "TrackedFinding",
    "default_actor",
]

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


class Lifecycle:
    """Lifecycle operations on one ledger."""

    def __init__(self, ledger: Ledger, clock: Clock | None = None) -> None:
        self.ledger = ledger
        self._clock = clock or (lambda: datetime.now(UTC))

    def now(self) -> str:
        """The current time as stored (UTC, seconds)."""
        return self._clock().strftime(STAMP)

    def sync(self) -> int:
        """Enter the LLM findings of runs recorded since the last sync; returns new ones."""
        return self.ledger.lifecycle.sync(_first_entry, self.now)

    def resolve(self, ident: str) -> TrackedFinding:
        """The tracked finding whose fingerprint is `ident` or starts with it."""
        text = ident.strip().lower()
        rows = self._tracked(text)[:2] if _HEX.fullmatch(text) else []
        exact = [r for r in rows if r.fingerprint == text]
        if exact or len(rows) == 1:
            return (exact or rows)[0]
        if rows:
            raise FindingNotFound(f"finding id {ident!r} is ambiguous",
                                  "give more characters of the fingerprint")
        hint = "list findings with `assay findings list`"
        if _HEX.fullmatch(text) and self.ledger.finding_kinds(text) - {FindingKind.LLM}:
            hint = "it is a deterministic finding: only LLM findings have a lifecycle"
        raise FindingNotFound(f"no LLM finding {ident!r} in ledger {self.ledger.location}",
                              hint)

    def _tracked(self, prefix: str = "") -> list[TrackedFinding]:
        return [_tracked(r) for r in self.ledger.lifecycle.tracked(prefix)]

    def findings(self, state: State | None = None,
                 scanner: str | None = None) -> list[TrackedFinding]:
        """Tracked findings, optionally filtered, ordered by path and line."""
        rows = sorted(self._tracked(), key=lambda r: (r.path, r.start_line, r.fingerprint))
        return [r for r in rows if (state is None or r.state is state)
                and (scanner is None or r.scanner == scanner)]

    def latest_finding(self, fingerprint: str) -> Finding | None:
        """The finding as its most recent run reported it (from the stored run)."""
        last_run = next((r.last_run for r in self.ledger.lifecycle.tracked(fingerprint)
                         if r.fingerprint == fingerprint), None)
        if last_run is None:
            return None
        try:
            run = self.ledger.get_run(last_run)
        except LedgerError:
            return None
        same = [f for f in run.findings if f.fingerprint == fingerprint]
        # a deterministic twin may share the fingerprint: the LLM finding is the one its
        # trust state and proofs are about
        return next((f for f in same if f.kind is FindingKind.LLM), same[0] if same else None)

    def states(self) -> dict[str, State]:
        """The current state of every tracked fingerprint."""
        return {r.fingerprint: r.state for r in self._tracked()}

    def transition(self, fingerprint: str, target: State, actor: str, reason: str,
                   evidence: Mapping[str, str] | None = None,
                   proof_id: str | None = None) -> AuditEntry:
        """Move a finding to `target` if the state machine allows it; append the audit entry."""
        tracked = self.resolve(fingerprint).fingerprint
        proof_verdict = None if proof_id is None else next(
            (p.verdict for p in self.proofs(tracked) if p.id == proof_id), None)
        facts = dict(evidence or {})
        if proof_id is not None:
            facts["proof"] = proof_id

        def entry(current: str | None) -> AuditRecord:
            origin = State(current) if current else None
            check_transition(origin, target, reason, proof_verdict)
            return AuditRecord(tracked, current, target.value, actor, self.now(),
                               reason.strip(), tuple(sorted(facts.items())))

        return _entry(self.ledger.lifecycle.append(tracked, entry))

    def history(self, fingerprint: str) -> list[AuditEntry]:
        """Every transition of a finding, oldest first."""
        return [_entry(r) for r in self.ledger.lifecycle.history(fingerprint)]

    def record_proof(self, proof: ProofRecord) -> None:
        """Append a proof record."""
        self.ledger.proofs.record(proof)

    def proofs(self, fingerprint: str) -> list[ProofRecord]:
        """Proof records of a finding, oldest first."""
        return self.ledger.proofs.of(fingerprint)

    def proof_latencies(self) -> list[tuple[str, float]]:
        """(scanner, seconds from first seen to first proven) for every proven finding."""
        return [(r.scanner, max(0.0, (_parse(r.at) - _parse(r.first_seen)).total_seconds()))
                for r in self.ledger.lifecycle.reached(State.PROVEN.value)]


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


def _first_entry(seen: Sighting) -> AuditRecord:
    """How a finding enters the lifecycle: unverified, by assay, citing its first run."""
    return AuditRecord(seen.fingerprint, None, State.UNVERIFIED.value, SYSTEM_ACTOR, seen.seen,
                       f"first reported by {seen.scanner} in run {seen.run_id}",
                       (("run", seen.run_id),))


def _tracked(r: TrackedRecord) -> TrackedFinding:
    return TrackedFinding(r.fingerprint, r.scanner, r.rule_id, r.cwe, r.severity, r.path,
                          r.start_line, r.end_line, r.first_run, r.first_seen, r.last_run,
                          r.last_seen, State(r.state))


def _entry(r: AuditRecord) -> AuditEntry:
    return AuditEntry(r.seq, r.fingerprint, State(r.from_state) if r.from_state else None,
                      State(r.to_state), r.actor, r.at, r.reason, r.evidence)


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
