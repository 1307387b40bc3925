"""Library entry points of the gate workflow (re-exported by `assay.api`).

    from assay.api import tier, gate
    print(tier("path/to/repo", diff="origin/main...HEAD").fired)
    result = gate("path/to/repo", diff="origin/main...HEAD")
    print(result.decision, result.reasons)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.errors import UsageError
from assay.ledger.sqlite import open_ledger
from assay.repo.snapshot import open_snapshot
from assay.workflow.gating import GateOptions, GateResult, run_gate
from assay.workflow.latency import LatencyStats, summarize
from assay.workflow.lifecycle import AuditEntry, Lifecycle, default_actor
from assay.workflow.scanning import open_change
from assay.workflow.states import State
from assay.workflow.tier import LlmMode, TierResult, tier_change

if TYPE_CHECKING:
    from assay.workflow.proving import ProveResult


def tier(path: str | Path = ".", diff: str = "HEAD", *, config_path: Path | None = None,
         llm: LlmMode = LlmMode.AUTO) -> TierResult:
    """Classify the change `diff` (BASE, BASE..HEAD or BASE...HEAD) under PATH's config."""
    from assay.api import locate_project
    from assay.repo.diff import parse_range

    base, head_rev, _ = parse_range(diff)
    project = locate_project(path, config_path, base=base, head=head_rev)
    _, change, head = open_change(path, diff)
    return tier_change(change, project.config.config, head, llm)


def gate(path: str | Path = ".", **options: Any) -> GateResult:
    """Run the gate: tier -> scan -> baseline -> decision (see `GateOptions` for options)."""
    return run_gate(path, GateOptions(**options))


@contextmanager
def open_lifecycle(path: str | Path = ".", ledger: str | Path | None = None,
                   config_path: Path | None = None,
                   clock: Callable[[], datetime] | None = None) -> Iterator[Lifecycle]:
    """The lifecycle of PATH's ledger, synced with the runs recorded so far."""
    from assay.api import default_ledger, locate_project

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
    from assay.api import locate_project

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
    from assay.api import locate_project
    from assay.workflow.generate import generate_proof
    from assay.workflow.proof import read_proof
    from assay.workflow.proving import (
        ProofSource,
        ProveSettings,
        check_sandbox,
        limits_for,
        new_proof_id,
        prove_finding,
    )

    if (proof is None) == (not generate):
        raise UsageError("pass either --proof FILE or --generate")
    source = ProofSource(read_proof(proof), proof.name) if proof is not None else None
    project = locate_project(path, config_path)
    config = project.config.config
    check_sandbox(unsafe_no_sandbox)
    python = Path(config.proof.python) if config.proof.python else Path(sys.executable)
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
