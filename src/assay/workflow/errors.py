"""The error base of the workflow package."""

from __future__ import annotations

from assay.errors import AssayError


class WorkflowError(AssayError):
    """A tier, baseline, lifecycle, proof or gate request that cannot be carried out."""


class BaselineError(WorkflowError):
    """A baseline cannot be read: unknown reference, malformed SARIF, missing run."""


class FindingNotFound(WorkflowError):
    """No finding in the ledger has this id."""


class TransitionError(WorkflowError):
    """A lifecycle state change that the state machine does not allow."""


class ProofError(WorkflowError):
    """A proof cannot be run: missing or invalid file, no sandbox, no interpreter."""
