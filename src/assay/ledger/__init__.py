"""The ledger: every run with its provenance, findings and coverage, and what later stages
attach to runs (lifecycle, proofs, labels, LLM traces and cache). SQLite by default."""

from assay.ledger.interface import Ledger, LedgerError, RunSummary
from assay.ledger.sqlite import SqliteLedger, default_ledger_file, open_ledger

__all__ = ["Ledger", "LedgerError", "RunSummary", "SqliteLedger", "default_ledger_file",
           "open_ledger"]
