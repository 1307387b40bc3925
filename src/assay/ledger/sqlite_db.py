"""The connection the parts of a SQLite ledger share, and how they take turns on it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from assay.ledger.migrations import transaction

_LAST = "\U0010ffff"  # sorts after every character a fingerprint or id can hold


def prefix_range(prefix: str) -> tuple[str, str]:
    """Bounds `(low, high)` such that `low <= text < high` selects the texts that start
    with `prefix` (used on indexed columns, where LIKE would scan the table)."""
    return prefix, prefix + _LAST


@dataclass(frozen=True)
class Database:
    """One SQLite connection (autocommit) and the lock that gives it to one statement
    sequence at a time, so threads of one process may share a ledger."""

    connection: sqlite3.Connection
    lock: threading.RLock
    location: str

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads (each statement sees committed data)."""
        with self.lock:
            yield self.connection

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction, rolled back on any exception."""
        with self.lock, transaction(self.connection) as db:
            yield db
