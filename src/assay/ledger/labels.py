"""Blind labeling: samples of findings, their items, and labels, kept in the ledger.

    from assay.ledger import open_ledger
    from assay.ledger.labels import list_sample, record_label, store_sample

    with open_ledger("ledger.db") as ledger:
        info = store_sample(ledger, sample, root="/repo")          # a drawn Sample
        for item in list_sample(ledger, info.id):                  # blinded: no scanner
            record_label(ledger, info.id, item.item_id, "true", "alice")

`list_sample` never returns which scanner reported an item; `unblind` does, for
`assay eval --labels`. Labels are appended (the latest verdict of an item counts).
All functions are safe to call from several threads sharing one ledger; what they store
goes through the ledger's `labels` store.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from assay.ledger.interface import (
    BlindItem,
    Label,
    Ledger,
    LedgerError,
    SampleInfo,
    Verdict,
)
from assay.measure.sampling import Sample
from assay.model import Finding, RunId

__all__ = [
    "BlindItem",
    "Clock",
    "Label",
    "NewLabel",
    "SampleInfo",
    "UnblindedItem",
    "Verdict",
    "get_sample",
    "labels_of",
    "latest_verdicts",
    "list_sample",
    "list_samples",
    "new_sample_id",
    "record_label",
    "record_labels",
    "resolve_sample",
    "store_sample",
    "unblind",
]

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class UnblindedItem:
    """An item with the scanners that drew it and its latest verdict."""

    item: BlindItem
    scanners: tuple[str, ...]
    findings: tuple[tuple[str, RunId, Finding], ...]


@dataclass(frozen=True)
class NewLabel:
    """A verdict to record (for `record_labels`)."""

    item_id: int
    verdict: Verdict
    labeler: str
    note: str = ""


def new_sample_id(now: datetime) -> str:
    """A unique, time-ordered sample id: s20261125T174905Z-3f9a."""
    return f"s{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(2)}"


def _stamp(clock: Clock | None) -> datetime:
    return (clock or (lambda: datetime.now(UTC)))()


def store_sample(ledger: Ledger, sample: Sample, root: str = "",
                 clock: Clock | None = None, sample_id: str | None = None) -> SampleInfo:
    """Store a drawn sample and its items; returns its summary."""
    now = _stamp(clock)
    sid = sample_id or new_sample_id(now)
    ledger.labels.add_sample(sid, now.isoformat(timespec="seconds"), root, sample)
    return get_sample(ledger, sid)


def list_samples(ledger: Ledger) -> list[SampleInfo]:
    """Every stored sample, newest first."""
    return [get_sample(ledger, i) for i in ledger.labels.sample_ids()]


def resolve_sample(ledger: Ledger, sample_id: str | None) -> str:
    """The full id of a sample from an id or unique prefix; the newest when None."""
    ids = ledger.labels.sample_ids(sample_id or "")
    if sample_id is None:
        if not ids:
            raise LedgerError(f"no label samples in ledger {ledger.location}",
                              "draw one with `assay label sample`")
        return ids[0]
    if sample_id in ids:
        return sample_id
    if len(ids) != 1:
        problem = "is ambiguous" if ids else "does not exist"
        raise LedgerError(f"label sample {sample_id!r} {problem} in {ledger.location}",
                          "list samples with `assay label list`")
    return ids[0]


def get_sample(ledger: Ledger, sample_id: str) -> SampleInfo:
    """One sample's summary (LedgerError when there is no such sample)."""
    return ledger.labels.sample(resolve_sample(ledger, sample_id))


def list_sample(ledger: Ledger, sample_id: str) -> list[BlindItem]:
    """A sample's items in presentation order, blinded, with each item's latest verdict."""
    sid = resolve_sample(ledger, sample_id)
    latest = latest_verdicts(ledger, sid)
    return [replace(item, verdict=latest.get(item.item_id))
            for item in ledger.labels.items(sid)]


def record_label(ledger: Ledger, sample_id: str, item_id: int, verdict: str | Verdict,
                 labeler: str, note: str = "", source: str = "api",
                 clock: Clock | None = None) -> Label:
    """Append a verdict for one item (KeyError for an item the sample does not have)."""
    sid = resolve_sample(ledger, sample_id)
    parsed = verdict if isinstance(verdict, Verdict) else Verdict.parse(verdict)
    when = _stamp(clock).isoformat(timespec="seconds")
    label = Label(sid, int(item_id), parsed, labeler, when, note, source)
    ledger.labels.append(sid, [label])
    return label


def record_labels(ledger: Ledger, sample_id: str, labels: Sequence[NewLabel],
                  source: str = "import", clock: Clock | None = None) -> int:
    """Append several verdicts at once: all or none (KeyError naming an unknown item)."""
    sid = resolve_sample(ledger, sample_id)
    when = _stamp(clock).isoformat(timespec="seconds")
    ledger.labels.append(sid, [Label(sid, label.item_id, label.verdict, label.labeler, when,
                                     label.note, source) for label in labels])
    return len(labels)


def labels_of(ledger: Ledger, sample_id: str) -> list[Label]:
    """Every recorded label of a sample, oldest first."""
    return ledger.labels.labels(resolve_sample(ledger, sample_id))


def latest_verdicts(ledger: Ledger, sample_id: str) -> dict[int, Verdict]:
    """The verdict that counts for each labeled item: its most recent label."""
    return {label.item_id: label.verdict for label in labels_of(ledger, sample_id)}


def unblind(ledger: Ledger, sample_id: str) -> list[UnblindedItem]:
    """Every item with the scanners that drew it (for `assay eval --labels`)."""
    sid = resolve_sample(ledger, sample_id)
    items = list_sample(ledger, sid)
    sources: dict[int, list[tuple[str, RunId, Finding]]] = {}
    for origin in ledger.labels.origins(sid):
        sources.setdefault(origin.item_id, []).append(
            (origin.scanner, origin.run_id, origin.finding))
    return [UnblindedItem(i, tuple(sorted({s for s, _, _ in sources.get(i.item_id, [])})),
                          tuple(sources.get(i.item_id, []))) for i in items]
