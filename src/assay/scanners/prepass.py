"""The pre-pass the Semgrep scanner runs before Semgrep: summaries -> rule extensions."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.scanners.filescan import decode_source
from assay.scanners.interface import ScanContext
from assay.scanners.prefilter import relevant_files
from assay.scanners.rulegen import all_wrappers, extend_pack, load_rules, logical_key, provenance
from assay.scanners.summaries import Summaries, SummaryKind, summarize


@dataclass(frozen=True)
class Prepared:
    """The rule files for one scan, the summaries behind them and what to record."""

    rules: tuple[Path, ...]
    summaries: Summaries
    provenance: tuple[tuple[str, str], ...]
    seconds: float
    key: str = ""


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
    summaries = summarize(sources, (f.path for f in ctx.snapshot.files), ctx.jobs)
    wrappers = all_wrappers(rules, summaries)
    taint = [r for path in rules for r in load_rules(path) if r.get("mode") == "taint"]
    helpers = [f.name for f in summaries.of_kind(SummaryKind.SOURCE)]
    include = relevant_files(taint, sources, helpers,
                             {rule: [w.name for w in found] for rule, found in wrappers.items()})
    files = extend_pack(rules, summaries, ctx.state_dir / "semgrep" / "generated", wrappers,
                        include)
    record = (*provenance(summaries, wrappers), ("semgrep.summaries.files", str(len(sources))),
              ("semgrep.prefilter", ", ".join(f"{rule.removeprefix('assay.python.')} "
                                              f"{len(paths)}" for rule, paths in
                                              sorted(include.items()))))
    return Prepared(tuple(files), summaries, record, time.perf_counter() - started,
                    logical_key(rules, summaries, wrappers))
