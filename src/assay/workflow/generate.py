"""`assay prove --generate`: ask the LLM scanner that reported a finding to write its proof.

The generation is a stage of the LLM harness with its own budget, recorded in the
harness's trace. The proof it returns is unverified like any other: it runs in the
sandbox, and only a failing assertion in the proof itself makes the finding `proven`.
"""

from __future__ import annotations

from pathlib import Path

from assay.config import Config
from assay.repo.interface import Snapshot
from assay.workflow.errors import ProofError
from assay.workflow.lifecycle import Lifecycle, TrackedFinding
from assay.workflow.proving import ProofSource


def generate_proof(life: Lifecycle, finding: TrackedFinding, snapshot: Snapshot,
                   config: Config, state_dir: Path) -> ProofSource:
    """A proof written by the finding's LLM scanner (ProofError when it cannot be had)."""
    raise ProofError(f"proof generation is not available for scanner {finding.scanner!r}",
                     "write the proof test yourself and pass --proof FILE")
