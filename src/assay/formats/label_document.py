"""Documents of blind labeling: a drawn sample (JSON, and CSV for labeling elsewhere),
label CSVs read back, and the result of an import.

Sample and item values come from the ledger's label store and are read by their fields
only (the imports below are for type checking).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.errors import UsageError

if TYPE_CHECKING:
    from assay.ledger.interface import BlindItem, SampleInfo

CSV_COLUMNS = ("sample_id", "item_id", "path", "start_line", "end_line", "cwe", "message",
               "verdict", "labeler", "note")
Row = dict[str, Any]


@dataclass(frozen=True)
class DrawnSample:
    """A sample just drawn and stored: its summary and its blinded items."""

    info: SampleInfo
    items: tuple[BlindItem, ...]


@dataclass(frozen=True)
class LabelImport:
    """What `assay label import` recorded: labels per sample id."""

    file: str
    imported: Mapping[str, int]


def item_row(sample_id: str, item: BlindItem) -> Row:
    """One blinded item as a row of the sample's JSON and CSV."""
    return {"sample_id": sample_id, "item_id": item.item_id, "path": item.path,
            "start_line": item.span.start_line, "end_line": item.span.end_line,
            "cwe": item.cwe, "message": item.message,
            "verdict": item.verdict.value if item.verdict else "", "labeler": "", "note": ""}


def sample_document(drawn: DrawnSample) -> Row:
    """`assay label sample --json` (schema assay.label-sample/1)."""
    info = drawn.info
    return {"schema": "assay.label-sample/1", "sample": info.id, "commit": info.commit,
            "seed": info.seed, "per_scanner": info.per_scanner, "runs": list(info.runs),
            "population": info.population,
            "items": [item_row(info.id, i) for i in drawn.items]}


def sample_csv(drawn: DrawnSample) -> str:
    """The sample's items as CSV (fill in `verdict`, then `assay label import`)."""
    return rows_csv([item_row(drawn.info.id, i) for i in drawn.items])


def rows_csv(rows: Sequence[Row]) -> str:
    """Rows as CSV with the label columns, empty cells for None."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k in CSV_COLUMNS})
    return buffer.getvalue()


def import_document(result: LabelImport) -> Row:
    """`assay label import --json` (schema assay.label-import/1)."""
    return {"schema": "assay.label-import/1", "file": result.file,
            "imported": dict(sorted(result.imported.items()))}


def samples_document(samples: Sequence[SampleInfo]) -> list[Row]:
    """`assay label list --json`: every sample with its labeling progress."""
    return [{"sample": s.id, "created": s.created_at, "commit": s.commit, "seed": s.seed,
             "items": s.items, "labeled": s.labeled} for s in samples]


def read_label_csv(file: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a label CSV with their line numbers (UsageError on a wrong header)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "item_id" not in header or "verdict" not in header:
        raise UsageError(f"{file}: the CSV header must name item_id and verdict, "
                         f"got {', '.join(header) or 'nothing'}",
                         "columns: item_id, verdict[, sample_id, labeler, note]")
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if any(row.values()):
            rows.append((number, row))
    return rows
