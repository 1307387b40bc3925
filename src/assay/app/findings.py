"""The findings use case: LLM findings under review, read from the ledger's lifecycle
(list, one finding with its audit log and proofs, history), explicit state changes and
proof latency.

    from assay.app.findings import list_findings
    for tracked in list_findings("path/to/repo", state="unverified"):
        print(tracked.fingerprint[:12], tracked.path, tracked.start_line)
"""

from __future__ import annotations

from pathlib import Path

from assay.app.prove import ProveResult, open_lifecycle, proof_latency, set_state
from assay.formats.lifecycle_document import FindingDetail, ProofRun
from assay.workflow.lifecycle import AuditEntry, TrackedFinding
from assay.workflow.states import State

__all__ = ["FindingDetail", "ProofRun", "finding_history", "list_findings", "proof_latency",
           "proof_run", "set_state", "show_finding"]


def list_findings(path: str | Path = ".", *, state: str | None = None,
                  scanner: str | None = None,
                  ledger: str | Path | None = None) -> list[TrackedFinding]:
    """Tracked LLM findings (optionally of one state or scanner), by path and line."""
    with open_lifecycle(path, ledger) as life:
        return life.findings(State.parse(state) if state else None, scanner)


def show_finding(path: str | Path, finding_id: str, *,
                 ledger: str | Path | None = None) -> FindingDetail:
    """One finding (fingerprint or unique prefix) as last reported, its audit log and
    its proofs."""
    with open_lifecycle(path, ledger) as life:
        tracked = life.resolve(finding_id)
        return FindingDetail(tracked, life.latest_finding(tracked.fingerprint),
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
