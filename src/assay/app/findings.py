"""The findings use case: LLM findings under review, read from the ledger's lifecycle
(list, one finding with its audit log and proofs, history), explicit state changes and
proof latency; a recorded run with its LLM findings' states as they stand today.

    from assay.app.findings import list_findings
    for tracked in list_findings("path/to/repo", state="unverified"):
        print(tracked.fingerprint[:12], tracked.path, tracked.start_line)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assay.app.prove import ProveResult, open_lifecycle, proof_latency, set_state
from assay.app.scan import llm_states
from assay.formats.lifecycle_document import (
    FindingDetail,
    FindingList,
    GenerationTrace,
    ProofRun,
    TraceStep,
    trace_summary,
)
from assay.formats.trust_view import state_of
from assay.ledger import open_ledger
from assay.ledger.interface import LedgerError
from assay.model import Finding, FindingKind, Run
from assay.project import default_ledger, locate_project
from assay.workflow.lifecycle import AuditEntry, Lifecycle, TrackedFinding
from assay.workflow.states import State

__all__ = ["FindingDetail", "FindingList", "GenerationTrace", "ProofRun", "RecordedRun",
           "finding_history", "generation_trace", "is_proof_id", "list_findings",
           "proof_latency", "proof_run", "recorded_run", "review_list", "set_state",
           "show_finding"]


def list_findings(path: str | Path = ".", *, state: str | None = None,
                  scanner: str | None = None,
                  ledger: str | Path | None = None) -> list[TrackedFinding]:
    """Tracked LLM findings (optionally of one state or scanner), by path and line."""
    with open_lifecycle(path, ledger) as life:
        return life.findings(State.parse(state) if state else None, scanner)


def review_list(path: str | Path = ".", *, state: str | None = None,
                scanner: str | None = None,
                ledger: str | Path | None = None) -> FindingList:
    """Tracked LLM findings as `list_findings` gives them, each with the trust state a
    person reads: `unsupported` when, as last reported, its quoted code is not in the
    file, else its lifecycle state."""
    with open_lifecycle(path, ledger) as life:
        rows = life.findings(State.parse(state) if state else None, scanner)
        reported = _last_reported(life, rows)
        trust = tuple((r.fingerprint, state_of(reported[r.fingerprint],
                                                {r.fingerprint: r.state.value})
                       if r.fingerprint in reported else r.state.value) for r in rows)
        return FindingList(tuple(rows), trust)


def _last_reported(life: Lifecycle, rows: list[TrackedFinding]) -> dict[str, Finding]:
    """Each tracked finding as the run that last reported it stored it (each run read
    once)."""
    out: dict[tuple[str, str], Finding] = {}
    for run_id in dict.fromkeys(r.last_run for r in rows):
        try:
            run = life.ledger.get_run(run_id)
        except LedgerError:
            continue
        # a deterministic finding of the same code can share the fingerprint
        out.update(((f.fingerprint, f.scanner), f) for f in run.findings
                   if f.kind is FindingKind.LLM)
    return {r.fingerprint: out[(r.fingerprint, r.scanner)] for r in rows
            if (r.fingerprint, r.scanner) in out}


PROOF_ID = re.compile(r"P\d{8}T\d{6}Z-[0-9a-f]+")


def is_proof_id(text: str) -> bool:
    """True for a proof's id (`P20261125T174905Z-3f9a1c2b`), which names a generation
    trace rather than a run."""
    return PROOF_ID.fullmatch(text.strip()) is not None


def generation_trace(path: str | Path, proof_id: str, *,
                     ledger: str | Path | None = None) -> GenerationTrace:
    """The trace `assay prove --generate` kept under `proof_id` (a proof came of it or
    not); LedgerError when there is none."""
    from assay.scanners.llm.store import LlmStore

    store = open_ledger(default_ledger(locate_project(path), ledger))
    try:
        traces = LlmStore(store)
        scanners = [s for s in traces.traced_scanners(proof_id) if "#" in s]
        if not scanners:
            raise LedgerError(f"no generation trace for proof {proof_id} in ledger "
                              f"{store.location}",
                              "ids of generated proofs are printed by `assay prove "
                              "--generate` and listed by `assay findings show`")
        events = traces.events(proof_id, scanners[0])
        steps = tuple(TraceStep(e.kind, e.step, trace_summary(e.kind, e.payload))
                      for e in events)
        return GenerationTrace(proof_id, scanners[0], steps)
    finally:
        store.close()


@dataclass(frozen=True)
class RecordedRun:
    """A run read back from the ledger, with the current lifecycle state of its LLM
    findings by fingerprint (what `assay show` renders)."""

    run: Run
    states: tuple[tuple[str, str], ...]


def recorded_run(path: str | Path, run_id: str, *,
                 ledger: str | Path | None = None) -> RecordedRun:
    """The run `run_id` (or a unique prefix) and its LLM findings' states today."""
    store = open_ledger(default_ledger(locate_project(path), ledger))
    try:
        run = store.get_run(run_id)
        return RecordedRun(run, llm_states(store, run))
    finally:
        store.close()


def show_finding(path: str | Path, finding_id: str, *,
                 ledger: str | Path | None = None) -> FindingDetail:
    """One finding (fingerprint or unique prefix) as last reported, its audit log and
    its proofs."""
    with open_lifecycle(path, ledger) as life:
        tracked = life.resolve(finding_id)
        return FindingDetail(tracked, _last_reported(life, [tracked]).get(tracked.fingerprint),
                             tuple(life.history(tracked.fingerprint)),
                             tuple(life.proofs(tracked.fingerprint)))


def finding_history(path: str | Path, finding_id: str, *,
                    ledger: str | Path | None = None) -> list[AuditEntry]:
    """Every transition of one finding, oldest first."""
    with open_lifecycle(path, ledger) as life:
        return life.history(life.resolve(finding_id).fingerprint)


def proof_run(result: ProveResult) -> ProofRun:
    """What a proof run showed, as the document `assay prove` writes."""
    return ProofRun(result.record, result.state, result.finding.state,
                    result.transition is not None, result.latency_seconds, result.note)
