"""The prove use case: run a proof for a tracked LLM finding and record what it showed;
set a finding's state explicitly; proof latency.

The proof record is always stored (append-only), whatever the verdict. A `proven`
verdict moves the finding to `proven`; a proof that passes on a `proven` finding moves it
to `fixed` (the fix holds, and the proof becomes its regression test); a broken proof
moves nothing. Running without the sandbox is recorded in the proof and the audit entry.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assay.errors import UsageError
from assay.ledger.sqlite import open_ledger
from assay.project import default_ledger, locate_project
from assay.repo.interface import Snapshot
from assay.repo.snapshot import open_snapshot
from assay.workflow.errors import ProofError
from assay.workflow.latency import LatencyStats, human_duration, summarize
from assay.workflow.lifecycle import (
    STAMP,
    AuditEntry,
    Lifecycle,
    ProofRecord,
    TrackedFinding,
    default_actor,
)
from assay.workflow.presence import still_present
from assay.workflow.proof import (
    ProofOutcome,
    ProofSource,
    Verdict,
    check_pytest,
    read_proof,
    run_proof,
)
from assay.workflow.sandbox import SandboxLimits, sandbox_unavailable
from assay.workflow.states import State

MAX_STORED_OUTPUT = 20_000


@dataclass(frozen=True)
class ProveSettings:
    """How to run a proof."""

    python: Path
    limits: SandboxLimits
    unsafe_no_sandbox: bool
    actor: str
    clock: Callable[[], datetime] | None = None


@dataclass(frozen=True)
class ProveResult:
    """What a proof run showed and what it changed."""

    finding: TrackedFinding
    outcome: ProofOutcome
    record: ProofRecord
    transition: AuditEntry | None
    state: State
    latency_seconds: float | None
    note: str = ""
    """Why the verdict did not change the state, when a person should know."""


def check_sandbox(unsafe_no_sandbox: bool) -> None:
    """Refuse early, with the reason, when the sandbox cannot run and no bypass was asked."""
    if unsafe_no_sandbox:
        return
    reason = sandbox_unavailable()
    if reason:
        raise ProofError(f"refusing to run the proof: the sandbox is unavailable ({reason})",
                         "install bubblewrap (apt-get install bubblewrap), or pass "
                         "--unsafe-no-sandbox to run it unisolated (recorded in the ledger)")


def limits_for(timeout: float, memory_mb: int) -> SandboxLimits:
    """Sandbox limits for one proof: the wall-clock timeout bounds the CPU time too, and
    `memory_mb` bounds the whole sandbox (every process together) as well as each one."""
    memory = memory_mb * 1024 * 1024
    return SandboxLimits(cpu_seconds=max(1, math.ceil(timeout)), wall_seconds=timeout,
                         address_space_bytes=memory, memory_bytes=memory)


def new_proof_id(at: str) -> str:
    """A unique, time-ordered proof id: P20261125T174905Z-3f9a1c2b."""
    return f"P{at.replace('-', '').replace(':', '')}-{secrets.token_hex(4)}"


def prove_finding(life: Lifecycle, finding: TrackedFinding, snapshot: Snapshot,
                  proof: ProofSource, settings: ProveSettings,
                  proof_id: str | None = None) -> ProveResult:
    """Run `proof` against `snapshot`, store the record, apply the resulting transition."""
    check_sandbox(settings.unsafe_no_sandbox)
    outcome = run_proof(snapshot, proof.text, proof.name, python=settings.python,
                        limits=settings.limits, unsafe_no_sandbox=settings.unsafe_no_sandbox)
    record = _record(life, finding, snapshot, proof, settings, outcome,
                     proof_id or new_proof_id(life.now()))
    life.record_proof(record)
    unchanged = record.verdict == Verdict.NOT_REPRODUCED and finding.state is State.PROVEN \
        and _code_unchanged(life, finding, snapshot)
    transition = None if unchanged else _apply(life, finding, record, settings)
    state = transition.to_state if transition else finding.state
    latency = None
    if transition is not None and transition.to_state is State.PROVEN:
        seen = datetime.strptime(finding.first_seen, STAMP).replace(tzinfo=UTC)
        latency = max(0.0, (datetime.strptime(record.at, STAMP).replace(tzinfo=UTC)
                            - seen).total_seconds())
    note = (UNCHANGED_NOTE.format(fp=finding.fingerprint[:12]) if unchanged else "")
    return ProveResult(finding, outcome, record, transition, state, latency, note)


UNCHANGED_NOTE = (
    "the proof passed, but the code at the finding is unchanged, so it stays proven: code "
    "under review can behave well when it sees a test. If it is fixed, say so: assay "
    "findings set-state {fp} fixed --reason '...'")


def _code_unchanged(life: Lifecycle, finding: TrackedFinding, snapshot: Snapshot) -> bool:
    """True when the proven finding's code is still in the snapshot: a passing proof alone
    then cannot mark it fixed."""
    reported = life.latest_finding(finding.fingerprint)
    return reported is not None and still_present(snapshot, reported)


def _record(life: Lifecycle, finding: TrackedFinding, snapshot: Snapshot, proof: ProofSource,
            settings: ProveSettings, outcome: ProofOutcome, proof_id: str) -> ProofRecord:
    at = life.now()
    report = {"tests": outcome.report, "stdout_tail": outcome.result.stdout[-MAX_STORED_OUTPUT:],
              "stderr_tail": outcome.result.stderr[-MAX_STORED_OUTPUT:],
              "returncode": outcome.result.returncode, "timed_out": outcome.result.timed_out,
              "killed_reason": outcome.result.killed_reason,
              "memory": {"mechanism": outcome.result.memory_mechanism,
                         "peak_bytes": outcome.result.memory_peak_bytes},
              "generation": dict(proof.generation), "python": str(settings.python)}
    target = snapshot.target
    return ProofRecord(
        id=proof_id,
        fingerprint=finding.fingerprint, at=at, actor=settings.actor,
        source="generated" if proof.generated else "file", name=proof.name,
        sha256=hashlib.sha256(proof.text.encode()).hexdigest(), text=proof.text,
        commit=target.commit, dirty=target.dirty, verdict=outcome.verdict.value,
        detail=outcome.detail, sandboxed=outcome.result.sandboxed,
        unsafe_no_sandbox=settings.unsafe_no_sandbox, seconds=outcome.result.duration,
        report=json.dumps(report, sort_keys=True))


def _apply(life: Lifecycle, finding: TrackedFinding, record: ProofRecord,
           settings: ProveSettings) -> AuditEntry | None:
    where = (record.commit or "the work tree")[:12] + (" (dirty)" if record.dirty else "")
    evidence = {"verdict": record.verdict, "commit": record.commit or "",
                "unsafe_no_sandbox": str(record.unsafe_no_sandbox).lower()}
    if record.verdict == Verdict.PROVEN and finding.state is not State.PROVEN:
        return life.transition(finding.fingerprint, State.PROVEN, settings.actor,
                               f"proof {record.name} fails on {where}: {record.detail}",
                               evidence, proof_id=record.id)
    if record.verdict == Verdict.NOT_REPRODUCED and finding.state is State.PROVEN:
        return life.transition(finding.fingerprint, State.FIXED, settings.actor,
                               f"proof {record.name} passes on {where}: the fix holds",
                               evidence, proof_id=record.id)
    return None


def describe_latency(seconds: float | None) -> str:
    """'proven 2h 5m after it was first reported', or ''."""
    return "" if seconds is None else f"proven {human_duration(seconds)} after first reported"


@contextmanager
def open_lifecycle(path: str | Path = ".", ledger: str | Path | None = None,
                   config_path: Path | None = None,
                   clock: Callable[[], datetime] | None = None) -> Iterator[Lifecycle]:
    """The lifecycle of PATH's ledger, synced with the runs recorded so far."""
    project = locate_project(path, config_path)
    store = open_ledger(default_ledger(project, ledger))
    try:
        life = Lifecycle(store, clock)
        life.sync()
        yield life
    finally:
        store.close()


def set_state(path: str | Path, finding_id: str, state: str, reason: str, *,
              actor: str | None = None, ledger: str | Path | None = None,
              clock: Callable[[], datetime] | None = None) -> AuditEntry:
    """Move a tracked LLM finding to `state` (explicitly, with a reason)."""
    who = actor or default_actor(locate_project(path).root)
    with open_lifecycle(path, ledger, clock=clock) as life:
        finding = life.resolve(finding_id)
        return life.transition(finding.fingerprint, State.parse(state), who, reason,
                               {"by": "set-state"})


def prove(path: str | Path, finding_id: str, *, proof: Path | None = None,
          generate: bool = False, rev: str | None = None, ledger: str | Path | None = None,
          config_path: Path | None = None, unsafe_no_sandbox: bool = False,
          timeout: float | None = None, actor: str | None = None,
          clock: Callable[[], datetime] | None = None) -> ProveResult:
    """Run a proof (a file, or one the finding's LLM scanner writes) against PATH."""
    from assay.workflow.generate import generate_proof

    if (proof is None) == (not generate):
        raise UsageError("pass either --proof FILE or --generate")
    source = ProofSource(read_proof(proof), proof.name) if proof is not None else None
    project = locate_project(path, config_path)
    config = project.config.config
    check_sandbox(unsafe_no_sandbox)
    python = Path(config.proof.python) if config.proof.python else Path(sys.executable)
    # before a proof is generated or recorded; an interpreter in the tree is refused
    configured = config.proof.python and Path(os.path.abspath(python)) != Path(sys.executable)
    check_pytest(python, [project.root] if configured else [])
    settings = ProveSettings(python, limits_for(timeout or config.proof.timeout,
                                                config.proof.memory_mb),
                             unsafe_no_sandbox, actor or default_actor(project.root), clock)
    with open_lifecycle(path, ledger, config_path, clock) as life:
        finding = life.resolve(finding_id)
        snapshot = open_snapshot(project.root, rev, project.root)
        proof_id = new_proof_id(life.now())
        if source is None:
            source = generate_proof(finding, life.latest_finding(finding.fingerprint), snapshot,
                                    config, life.ledger, proof_id)
        return prove_finding(life, finding, snapshot, source, settings, proof_id)


def proof_latency(path: str | Path = ".", ledger: str | Path | None = None,
                  ) -> list[LatencyStats]:
    """Median and p90 of proof latency (first reported -> proven) per scanner."""
    with open_lifecycle(path, ledger) as life:
        return summarize(life.proof_latencies())
