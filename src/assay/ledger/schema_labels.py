"""Ledger tables of blind labeling: samples, their items, who drew each item, and labels.

`label_items` holds only what a labeler may see (location, CWE, message); which scanner
reported an item is kept apart in `label_item_sources` and joined only when unblinding.
`labels` is append-only: a new verdict for an item is a new row, the latest one counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _labels_v1(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE label_samples (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            seed INTEGER NOT NULL,
            per_scanner INTEGER NOT NULL,
            root TEXT NOT NULL,
            commit_id TEXT,
            runs TEXT NOT NULL,
            population TEXT NOT NULL
        );
        CREATE TABLE label_items (
            sample_id TEXT NOT NULL REFERENCES label_samples(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL,
            path TEXT NOT NULL,
            start_line INTEGER NOT NULL,
            end_line INTEGER NOT NULL,
            cwe INTEGER,
            message TEXT NOT NULL,
            rationale TEXT NOT NULL,
            snippet TEXT NOT NULL,
            PRIMARY KEY (sample_id, item_id)
        );
        CREATE TABLE label_item_sources (
            sample_id TEXT NOT NULL,
            item_id INTEGER NOT NULL,
            scanner TEXT NOT NULL,
            run_id TEXT NOT NULL,
            finding TEXT NOT NULL,
            FOREIGN KEY (sample_id, item_id) REFERENCES label_items(sample_id, item_id)
                ON DELETE CASCADE
        );
        CREATE INDEX label_item_sources_item ON label_item_sources(sample_id, item_id);
        CREATE TABLE labels (
            sample_id TEXT NOT NULL,
            item_id INTEGER NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('true', 'false', 'unsure')),
            labeler TEXT NOT NULL,
            labeled_at TEXT NOT NULL,
            note TEXT NOT NULL,
            source TEXT NOT NULL,
            FOREIGN KEY (sample_id, item_id) REFERENCES label_items(sample_id, item_id)
                ON DELETE CASCADE
        );
        CREATE INDEX labels_item ON labels(sample_id, item_id);
        """
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_labels_v1]
