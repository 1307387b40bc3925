"""The blind-labeling tables of a SQLite ledger (see `schema_labels`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assay.formats.json import dumps, finding_from_dict, finding_to_dict
from assay.ledger.interface import (
    BlindItem,
    ItemOrigin,
    Label,
    LabelStore,
    LedgerError,
    SampleInfo,
    Verdict,
)
from assay.ledger.sqlite_db import Database
from assay.model import RunId, Span

if TYPE_CHECKING:  # measurement is not loaded for every ledger use
    from assay.measure.sampling import Sample


class SqliteLabels(LabelStore):
    """Samples, items, their sources and labels in a SQLite ledger."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add_sample(self, sample_id: str, created_at: str, root: str, sample: Sample) -> None:
        """Store a drawn sample with its items and their sources (one transaction)."""
        with self._db.writing() as db:
            db.execute("INSERT INTO label_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (sample_id, created_at, sample.seed, sample.per_scanner, root,
                        sample.commit, ",".join(sample.runs),
                        json.dumps(sample.population, sort_keys=True)))
            for item in sample.items:
                f = item.finding
                db.execute("INSERT INTO label_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (sample_id, item.item_id, f.path, f.span.start_line,
                            f.span.end_line, f.cwe, f.message, f.rationale, f.snippet))
                db.executemany("INSERT INTO label_item_sources VALUES (?, ?, ?, ?, ?)",
                               [(sample_id, item.item_id, s.scanner, s.run_id,
                                 dumps(finding_to_dict(s.finding))) for s in item.sources])

    def sample_ids(self, prefix: str = "") -> list[str]:
        """Ids of the samples whose id starts with `prefix`, newest first."""
        with self._db.reading() as db:
            rows = db.execute("SELECT id FROM label_samples WHERE substr(id, 1, ?) = ?"
                              " ORDER BY created_at DESC, rowid DESC",
                              (len(prefix), prefix)).fetchall()
        return [str(r[0]) for r in rows]

    def sample(self, sample_id: str) -> SampleInfo:
        """One sample's summary with its item and labeled-item counts."""
        with self._db.reading() as db:
            row = db.execute("SELECT id, created_at, seed, per_scanner, root, commit_id, runs,"
                             " population FROM label_samples WHERE id = ?",
                             (sample_id,)).fetchone()
            if row is None:
                raise LedgerError(f"label sample {sample_id!r} does not exist in "
                                  f"{self._db.location}", "list samples with `assay label list`")
            items = db.execute("SELECT COUNT(*) FROM label_items WHERE sample_id = ?",
                               (sample_id,)).fetchone()[0]
            labeled = db.execute("SELECT COUNT(DISTINCT item_id) FROM labels "
                                 "WHERE sample_id = ?", (sample_id,)).fetchone()[0]
        return SampleInfo(row[0], row[1], row[2], row[3], row[4], row[5],
                          tuple(RunId(r) for r in row[6].split(",") if r),
                          dict(json.loads(row[7])), items, labeled)

    def items(self, sample_id: str) -> list[BlindItem]:
        """A sample's items by item id, blinded, without verdicts."""
        with self._db.reading() as db:
            rows = db.execute(
                "SELECT item_id, path, start_line, end_line, cwe, message, rationale, snippet"
                " FROM label_items WHERE sample_id = ? ORDER BY item_id",
                (sample_id,)).fetchall()
        return [BlindItem(sample_id, r[0], r[1], Span(r[2], r[3]), r[4], r[5], r[6], r[7])
                for r in rows]

    def origins(self, sample_id: str) -> list[ItemOrigin]:
        """Where a sample's items came from, in the order they were stored."""
        with self._db.reading() as db:
            rows = db.execute("SELECT item_id, scanner, run_id, finding FROM "
                              "label_item_sources WHERE sample_id = ? ORDER BY rowid",
                              (sample_id,)).fetchall()
        return [ItemOrigin(item_id, scanner, RunId(run_id), finding_from_dict(json.loads(text)))
                for item_id, scanner, run_id, text in rows]

    def append(self, sample_id: str, labels: Sequence[Label]) -> None:
        """Append labels, all or none (KeyError naming the first unknown item)."""
        with self._db.writing() as db:
            known = {r[0] for r in db.execute(
                "SELECT item_id FROM label_items WHERE sample_id = ?", (sample_id,))}
            unknown = sorted({label.item_id for label in labels} - known)
            if unknown:
                raise KeyError(f"sample {sample_id} has no item {unknown[0]}")
            db.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(sample_id, label.item_id, label.verdict.value, label.labeler,
                             label.labeled_at, label.note, label.source) for label in labels])

    def labels(self, sample_id: str) -> list[Label]:
        """Every label of a sample, oldest first."""
        with self._db.reading() as db:
            rows = db.execute("SELECT item_id, verdict, labeler, labeled_at, note, source "
                              "FROM labels WHERE sample_id = ? ORDER BY rowid",
                              (sample_id,)).fetchall()
        return [Label(sample_id, r[0], Verdict(r[1]), r[2], r[3], r[4], r[5]) for r in rows]
