"""The pre-pass the Semgrep scanner runs before Semgrep: summaries -> rule extensions."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.scanners.filescan import decode_source
from assay.scanners.interface import ScanContext
from assay.scanners.rulegen import all_wrappers, extend_pack, provenance
from assay.scanners.summaries import Summaries, summarize


@dataclass(frozen=True)
class Prepared:
    """The rule files for one scan, the summaries behind them and what to record."""

    rules: tuple[Path, ...]
    summaries: Summaries
    provenance: tuple[tuple[str, str], ...]
    seconds: float


def python_sources(ctx: ScanContext) -> dict[str, str]:
    """Every readable Python file of the snapshot, whether or not it is in scope.

    Helpers outside the scanned scope (or excluded from it) still shape the flows inside.
    """
    paths = [f.path for f in ctx.snapshot.files
             if f.path.endswith(".py") and not f.symlink and f.size <= ctx.max_file_size]
    out: dict[str, str] = {}
    for path, data in ctx.snapshot.read_many(paths).items():
        text = decode_source(data) if b"\0" not in data else None
        if text is not None:
            out[path] = text
    return out


def prepare(ctx: ScanContext, rules: Sequence[Path]) -> Prepared:
    """Summarize the snapshot's functions and extend the taint rules with them."""
    started = time.perf_counter()
    sources = python_sources(ctx)
    summaries = summarize(sources, (f.path for f in ctx.snapshot.files))
    wrappers = all_wrappers(rules, summaries)
    files = extend_pack(rules, summaries, ctx.state_dir / "semgrep" / "generated", wrappers)
    record = (*provenance(summaries, wrappers), ("semgrep.summaries.files", str(len(sources))))
    return Prepared(tuple(files), summaries, record, time.perf_counter() - started)
