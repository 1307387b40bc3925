"""Blind labeling storage: samples of findings, their items, and labels, in the ledger.

    from assay.ledger import open_ledger
    from assay.ledger.labels import list_sample, record_label, store_sample

    with open_ledger("ledger.db") as ledger:
        info = store_sample(ledger, sample, root="/repo")          # a drawn Sample
        for item in list_sample(ledger, info.id):                  # blinded: no scanner
            record_label(ledger, info.id, item.item_id, "true", "alice")

`list_sample` never returns which scanner reported an item; `unblind` does, for
`assay eval --labels`. Labels are appended (the latest verdict of an item counts).
All functions are safe to call from several threads sharing one ledger.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from assay.formats.json import dumps, finding_from_dict, finding_to_dict
from assay.ledger.interface import LedgerError
from assay.ledger.migrations import transaction
from assay.ledger.sqlite import SqliteLedger
from assay.measure.sampling import Sample
from assay.model import Finding, RunId, Span

Clock = Callable[[], datetime]


class Verdict(StrEnum):
    """A labeler's verdict on one finding."""

    TRUE = "true"
    FALSE = "false"
    UNSURE = "unsure"

    @classmethod
    def parse(cls, text: str) -> Verdict:
        """true/false/unsure, also yes/no, y/n, tp/fp, 1/0, t/f and `?` (ValueError else)."""
        word = text.strip().lower()
        for verdict, words in _WORDS.items():
            if word in words:
                return verdict
        raise ValueError(f"unknown verdict {text!r} (use true, false or unsure)")


_WORDS = {
    Verdict.TRUE: ("true", "t", "yes", "y", "1", "tp", "vulnerable"),
    Verdict.FALSE: ("false", "f", "no", "n", "0", "fp", "safe"),
    Verdict.UNSURE: ("unsure", "?", "u", "skip", "unknown"),
}


@dataclass(frozen=True)
class SampleInfo:
    """A stored sample: how it was drawn and how far labeling has come."""

    id: str
    created_at: str
    seed: int
    per_scanner: int
    root: str
    commit: str | None
    runs: tuple[RunId, ...]
    population: dict[str, int]
    items: int
    labeled: int


@dataclass(frozen=True)
class BlindItem:
    """One item as a labeler sees it: no scanner, rule id or fingerprint."""

    sample_id: str
    item_id: int
    path: str
    span: Span
    cwe: int | None
    message: str
    rationale: str
    snippet: str
    verdict: Verdict | None = None

    @property
    def family(self) -> str:
        """`CWE-N`, or `unknown` when the finding carries no CWE."""
        return f"CWE-{self.cwe}" if self.cwe is not None else "unknown"


@dataclass(frozen=True)
class Label:
    """One recorded verdict."""

    sample_id: str
    item_id: int
    verdict: Verdict
    labeler: str
    labeled_at: str
    note: str = ""
    source: str = "api"


@dataclass(frozen=True)
class UnblindedItem:
    """An item with the scanners that drew it and its latest verdict."""

    item: BlindItem
    scanners: tuple[str, ...]
    findings: tuple[tuple[str, RunId, Finding], ...]


@contextmanager
def _locked(ledger: SqliteLedger) -> Iterator[None]:
    with ledger._lock:  # the ledger's own lock: one statement sequence at a time
        yield


def new_sample_id(now: datetime) -> str:
    """A unique, time-ordered sample id: s20261125T174905Z-3f9a."""
    return f"s{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(2)}"


def store_sample(ledger: SqliteLedger, sample: Sample, root: str = "",
                 clock: Clock | None = None, sample_id: str | None = None) -> SampleInfo:
    """Store a drawn sample and its items; returns its summary."""
    now = (clock or (lambda: datetime.now(UTC)))()
    sid = sample_id or new_sample_id(now)
    with _locked(ledger), transaction(ledger.db) as db:
        db.execute("INSERT INTO label_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (sid, now.isoformat(timespec="seconds"), sample.seed, sample.per_scanner,
                    root, sample.commit, ",".join(sample.runs),
                    json.dumps(sample.population, sort_keys=True)))
        for item in sample.items:
            f = item.finding
            db.execute("INSERT INTO label_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (sid, item.item_id, f.path, f.span.start_line, f.span.end_line, f.cwe,
                        f.message, f.rationale, f.snippet))
            db.executemany("INSERT INTO label_item_sources VALUES (?, ?, ?, ?, ?)",
                           [(sid, item.item_id, s.scanner, s.run_id,
                             dumps(finding_to_dict(s.finding))) for s in item.sources])
    return get_sample(ledger, sid)


def list_samples(ledger: SqliteLedger) -> list[SampleInfo]:
    """Every stored sample, newest first."""
    with _locked(ledger):
        ids = [r[0] for r in ledger.db.execute(
            "SELECT id FROM label_samples ORDER BY created_at DESC, rowid DESC").fetchall()]
    return [get_sample(ledger, i) for i in ids]


def resolve_sample(ledger: SqliteLedger, sample_id: str | None) -> str:
    """The full id of a sample from an id or unique prefix; the newest when None."""
    with _locked(ledger):
        if sample_id is None:
            row = ledger.db.execute("SELECT id FROM label_samples "
                                    "ORDER BY created_at DESC, rowid DESC LIMIT 1").fetchone()
            if row is None:
                raise LedgerError(f"no label samples in ledger {ledger.path}",
                                  "draw one with `assay label sample`")
            return str(row[0])
        rows = ledger.db.execute("SELECT id FROM label_samples WHERE id = ? OR substr(id, 1, ?) = ?"
                                 " LIMIT 3", (sample_id, len(sample_id), sample_id)).fetchall()
    exact = [r[0] for r in rows if r[0] == sample_id]
    if exact:
        return str(exact[0])
    if len(rows) != 1:
        problem = "is ambiguous" if rows else "does not exist"
        raise LedgerError(f"label sample {sample_id!r} {problem} in {ledger.path}",
                          "list samples with `assay label list`")
    return str(rows[0][0])


def get_sample(ledger: SqliteLedger, sample_id: str) -> SampleInfo:
    """One sample's summary (LedgerError when there is no such sample)."""
    sid = resolve_sample(ledger, sample_id)
    with _locked(ledger):
        row = ledger.db.execute("SELECT id, created_at, seed, per_scanner, root, commit_id, runs,"
                                " population FROM label_samples WHERE id = ?", (sid,)).fetchone()
        items = ledger.db.execute("SELECT COUNT(*) FROM label_items WHERE sample_id = ?",
                                  (sid,)).fetchone()[0]
        labeled = ledger.db.execute("SELECT COUNT(DISTINCT item_id) FROM labels "
                                    "WHERE sample_id = ?", (sid,)).fetchone()[0]
    return SampleInfo(row[0], row[1], row[2], row[3], row[4], row[5],
                      tuple(RunId(r) for r in row[6].split(",") if r),
                      dict(json.loads(row[7])), items, labeled)


def list_sample(ledger: SqliteLedger, sample_id: str) -> list[BlindItem]:
    """A sample's items in presentation order, blinded, with each item's latest verdict."""
    sid = resolve_sample(ledger, sample_id)
    latest = latest_verdicts(ledger, sid)
    with _locked(ledger):
        rows = ledger.db.execute(
            "SELECT item_id, path, start_line, end_line, cwe, message, rationale, snippet"
            " FROM label_items WHERE sample_id = ? ORDER BY item_id", (sid,)).fetchall()
    return [BlindItem(sid, r[0], r[1], Span(r[2], r[3]), r[4], r[5], r[6], r[7],
                      latest.get(r[0])) for r in rows]


def record_label(ledger: SqliteLedger, sample_id: str, item_id: int, verdict: str | Verdict,
                 labeler: str, note: str = "", source: str = "api",
                 clock: Clock | None = None) -> Label:
    """Append a verdict for one item (KeyError for an item the sample does not have)."""
    sid = resolve_sample(ledger, sample_id)
    parsed = verdict if isinstance(verdict, Verdict) else Verdict.parse(verdict)
    when = (clock or (lambda: datetime.now(UTC)))().isoformat(timespec="seconds")
    with _locked(ledger), transaction(ledger.db) as db:
        known = db.execute("SELECT 1 FROM label_items WHERE sample_id = ? AND item_id = ?",
                           (sid, int(item_id))).fetchone()
        if known is None:
            raise KeyError(f"sample {sid} has no item {item_id}")
        db.execute("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (sid, int(item_id), parsed.value, labeler, when, note, source))
    return Label(sid, int(item_id), parsed, labeler, when, note, source)


@dataclass(frozen=True)
class NewLabel:
    """A verdict to record (for `record_labels`)."""

    item_id: int
    verdict: Verdict
    labeler: str
    note: str = ""


def record_labels(ledger: SqliteLedger, sample_id: str, labels: Sequence[NewLabel],
                  source: str = "import", clock: Clock | None = None) -> int:
    """Append several verdicts at once: all or none (KeyError naming an unknown item)."""
    sid = resolve_sample(ledger, sample_id)
    when = (clock or (lambda: datetime.now(UTC)))().isoformat(timespec="seconds")
    with _locked(ledger), transaction(ledger.db) as db:
        known = {r[0] for r in db.execute("SELECT item_id FROM label_items WHERE sample_id = ?",
                                          (sid,))}
        unknown = sorted({label.item_id for label in labels} - known)
        if unknown:
            raise KeyError(f"sample {sid} has no item {unknown[0]}")
        db.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(sid, label.item_id, label.verdict.value, label.labeler, when,
                         label.note, source) for label in labels])
    return len(labels)


def labels_of(ledger: SqliteLedger, sample_id: str) -> list[Label]:
    """Every recorded label of a sample, oldest first."""
    sid = resolve_sample(ledger, sample_id)
    with _locked(ledger):
        rows = ledger.db.execute("SELECT item_id, verdict, labeler, labeled_at, note, source "
                                 "FROM labels WHERE sample_id = ? ORDER BY rowid", (sid,))
        return [Label(sid, r[0], Verdict(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def latest_verdicts(ledger: SqliteLedger, sample_id: str) -> dict[int, Verdict]:
    """The verdict that counts for each labeled item: its most recent label."""
    return {label.item_id: label.verdict for label in labels_of(ledger, sample_id)}


def unblind(ledger: SqliteLedger, sample_id: str) -> list[UnblindedItem]:
    """Every item with the scanners that drew it (for `assay eval --labels`)."""
    sid = resolve_sample(ledger, sample_id)
    items = list_sample(ledger, sid)
    with _locked(ledger):
        rows = ledger.db.execute("SELECT item_id, scanner, run_id, finding FROM "
                                 "label_item_sources WHERE sample_id = ? ORDER BY rowid",
                                 (sid,)).fetchall()
    sources: dict[int, list[tuple[str, RunId, Finding]]] = {}
    for item_id, scanner, run_id, text in rows:
        sources.setdefault(item_id, []).append(
            (scanner, RunId(run_id), finding_from_dict(json.loads(text))))
    return [UnblindedItem(i, tuple(sorted({s for s, _, _ in sources.get(i.item_id, [])})),
                          tuple(sources.get(i.item_id, []))) for i in items]
