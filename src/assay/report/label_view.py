"""Terminal views of blind labeling: a drawn sample, an import, the stored samples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from assay.formats.escape import visible
from assay.formats.label_document import DrawnSample, LabelImport
from assay.report.terminal import add_row, plain

if TYPE_CHECKING:
    from assay.ledger.interface import SampleInfo


def sample_text(drawn: DrawnSample) -> str:
    """What was drawn, and how to label it (plain lines, untrusted names escaped)."""
    info = drawn.info
    scanners = ", ".join(f"{visible(k)} ({v} findings)" for k, v in info.population.items())
    return (f"sample {info.id}: {info.items} items drawn from {scanners} at "
            f"{(info.commit or '(no commit)')[:12]}, seed {info.seed}\n"
            f"label them with `assay label serve --sample {info.id}` or fill in a CSV "
            f"(`--csv FILE`) and `assay label import FILE`\n")


def render_import(result: LabelImport, console: Console) -> None:
    """How many labels went into each sample."""
    for sid, n in sorted(result.imported.items()):
        console.print(plain(f"imported {n} label(s) into sample {sid}"))


def render_samples(samples: Sequence[SampleInfo], console: Console) -> None:
    """The stored samples, newest first, with labeling progress."""
    table = Table(header_style="bold")
    for column in ("sample", "created", "commit", "seed", "items", "labeled"):
        table.add_column(column)
    for s in samples:
        add_row(table, s.id, s.created_at, (s.commit or "")[:12], str(s.seed), str(s.items),
                str(s.labeled))
    console.print(table)
