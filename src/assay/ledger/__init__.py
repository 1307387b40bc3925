"""The ledger: every run, its provenance, findings and coverage, in SQLite."""

from assay.ledger.interface import Ledger, LedgerError, RunSummary
from assay.ledger.sqlite import SqliteLedger, open_ledger

__all__ = ["Ledger", "LedgerError", "RunSummary", "SqliteLedger", "open_ledger"]
