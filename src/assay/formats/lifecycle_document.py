"""JSON documents of the finding lifecycle: tracked findings, one finding with its audit
log and proofs, proof latency, a proof run, replays of recorded LLM runs, and the trace of
a proof's generation.

The values come from the workflow and scanner packages; they are read here by their
fields only (the imports below are for type checking), so this module imports nothing
above the formats layer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assay.formats.json import finding_to_dict
from assay.formats.trust_view import state_of
from assay.model import Finding

if TYPE_CHECKING:
    from assay.ledger.interface import ProofRecord
    from assay.scanners.llm.replay import ReplayReport
    from assay.workflow.latency import LatencyStats
    from assay.workflow.lifecycle import AuditEntry, TrackedFinding
    from assay.workflow.states import State

Document = dict[str, Any]


@dataclass(frozen=True)
class FindingList:
    """Tracked findings with the trust state a person reads for each: the lifecycle
    state, or `unsupported` when the finding as last reported quotes code that is not in
    its file."""

    rows: tuple[TrackedFinding, ...]
    trust: tuple[tuple[str, str], ...] = ()

    def trust_of(self, row: TrackedFinding) -> str:
        """The trust state of one row (its lifecycle state when none was given)."""
        return dict(self.trust).get(row.fingerprint, row.state.value)


@dataclass(frozen=True)
class FindingDetail:
    """One tracked finding: as last reported, its audit log and its proofs (oldest
    first)."""

    tracked: TrackedFinding
    finding: Finding | None
    history: tuple[AuditEntry, ...]
    proofs: tuple[ProofRecord, ...]

    @property
    def trust(self) -> str:
        """The trust state: `unsupported` when its quoted code is not in the file, else
        the lifecycle state."""
        if self.finding is None:
            return self.tracked.state.value
        return state_of(self.finding, {self.tracked.fingerprint: self.tracked.state.value})

    @property
    def latest_proof(self) -> ProofRecord | None:
        """The newest proof run for this finding, if any."""
        return self.proofs[-1] if self.proofs else None


@dataclass(frozen=True)
class ProofRun:
    """What one `assay prove` showed: the stored record and what it changed."""

    record: ProofRecord
    state: State
    previous_state: State
    changed: bool
    latency_seconds: float | None
    note: str


def tracked_row(r: TrackedFinding) -> Document:
    """A tracked finding as one row of `assay findings list --json`."""
    return {"id": r.fingerprint, "state": r.state.value, "scanner": r.scanner,
            "rule_id": r.rule_id, "cwe": r.cwe, "severity": r.severity, "path": r.path,
            "start_line": r.start_line, "first_seen": r.first_seen, "last_seen": r.last_seen}


def findings_document(listing: FindingList) -> list[Document]:
    """`assay findings list --json`: each row with its lifecycle `state` and the `trust`
    state a person reads (`unsupported` for a phantom)."""
    return [{**tracked_row(r), "trust": listing.trust_of(r)} for r in listing.rows]


def audit_entry(e: AuditEntry) -> Document:
    """One transition of a finding's audit log."""
    return {"seq": e.seq, "from": e.from_state.value if e.from_state else None,
            "to": e.to_state.value, "actor": e.actor, "at": e.at, "reason": e.reason,
            "evidence": dict(e.evidence)}


def history_document(entries: Sequence[AuditEntry]) -> list[Document]:
    """`assay findings history --json`: every transition, oldest first."""
    return [audit_entry(e) for e in entries]


def proof_row(p: ProofRecord) -> Document:
    """A stored proof as listed with its finding."""
    return {"id": p.id, "at": p.at, "verdict": p.verdict, "detail": p.detail,
            "source": p.source, "name": p.name, "sha256": p.sha256, "commit": p.commit,
            "sandboxed": p.sandboxed, "unsafe_no_sandbox": p.unsafe_no_sandbox}


def finding_document(detail: FindingDetail) -> Document:
    """`assay findings show --json`."""
    tracked = detail.tracked
    latest = detail.latest_proof
    return {"id": tracked.fingerprint, "state": tracked.state.value, "trust": detail.trust,
            "latest_proof": proof_row(latest) if latest else None,
            "first_seen": tracked.first_seen, "first_run": tracked.first_run,
            "last_seen": tracked.last_seen, "last_run": tracked.last_run,
            "finding": finding_to_dict(detail.finding) if detail.finding else None,
            "history": history_document(detail.history),
            "proofs": [proof_row(p) for p in detail.proofs]}


def latency_document(stats: Sequence[LatencyStats]) -> list[Document]:
    """`assay findings latency --json`: proof latency per scanner, in seconds."""
    return [{"scanner": s.scanner, "proven": s.count, "median_seconds": s.median,
             "p90_seconds": s.p90} for s in stats]


def proof_document(run: ProofRun) -> Document:
    """`assay prove --json` (schema assay.proof/1)."""
    record = run.record
    return {"schema": "assay.proof/1", "proof": record.id, "finding": record.fingerprint,
            "verdict": record.verdict, "detail": record.detail, "state": run.state.value,
            "previous_state": run.previous_state.value, "sandboxed": record.sandboxed,
            "unsafe_no_sandbox": record.unsafe_no_sandbox, "source": record.source,
            "commit": record.commit, "latency_seconds": run.latency_seconds,
            "note": run.note, "tests": json.loads(record.report).get("tests", {})}


def replay_document(reports: Sequence[ReplayReport]) -> list[Document]:
    """`assay replay --json`: one entry per replayed scanner."""
    return [{"run": r.run_id, "scanner": r.scanner, "source_run": r.source_run,
             "identical": r.identical, "findings": r.findings, "steps": r.steps,
             "divergences": list(r.divergences)} for r in reports]


@dataclass(frozen=True)
class TraceStep:
    """One recorded event of a generation trace, summed up in a line."""

    kind: str
    step: int
    summary: str


@dataclass(frozen=True)
class GenerationTrace:
    """The trace of `assay prove --generate`: kept under the proof's id and scanner
    `NAME#prove`, whether or not a proof came of it."""

    proof_id: str
    scanner: str
    steps: tuple[TraceStep, ...]


def _response_summary(p: dict[str, Any]) -> str:
    calls = [str(c.get("name", "")) for c in p.get("tool_calls", ())]
    what = f"calls {', '.join(calls)}" if calls else f"text {str(p.get('text', ''))[:80]!r}"
    usage = p.get("usage", {})
    stop = f", stop {p.get('stop')}" if p.get("stop") not in ("tool_use", "end") else ""
    return (f"response: {what} ({usage.get('input', 0)} tokens in, "
            f"{usage.get('output', 0)} out, model {p.get('model', '')}{stop})")


def trace_summary(kind: str, p: dict[str, Any]) -> str:
    """One line for a trace event of a generation."""
    if kind == "header":
        model = p.get("settings", {}).get("model", "")
        docs = ", ".join(str(d) for d in p.get("documents", ())) or "none"
        return f"header: stage {p.get('stage', '')}, model {model}, documents: {docs}"
    if kind == "request":
        return f"request {str(p.get('hash', ''))[:12]}: {p.get('messages', 0)} message(s)"
    if kind == "response":
        return _response_summary(p)
    if kind == "attempt_error":
        return f"attempt {p.get('attempt', '')} failed: {p.get('kind', '')} {p.get('message', '')}"
    if kind == "failure":
        return f"failure: {p.get('reason', '')}"
    if kind == "end":
        if p.get("produced"):
            return f"end: {p.get('status', '')}, a proof was written"
        return f"end: {p.get('status', '')}: {p.get('reason', '')}"
    return kind


def trace_document(trace: GenerationTrace) -> Document:
    """`assay replay PROOF_ID --json`: the generation's recorded steps."""
    return {"proof": trace.proof_id, "scanner": trace.scanner,
            "events": [{"kind": s.kind, "step": s.step, "summary": s.summary}
                       for s in trace.steps]}
