"""Copies of the files Semgrep is given, cut down to what its rules can match in.

The taint rules run on sliced copies (see _slicing: the functions that cannot hold a
finding blanked); pattern rules that declare what every match's file holds run on
copies with the functions that hold none of it blanked. Every line keeps its number
and every kept line its columns, so findings in a copy are findings in the file.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.scanners.interface import SliceMetrics
from assay.scanners.semgrep._pack import Rules
from assay.scanners.semgrep._prefilter import requirements
from assay.scanners.semgrep._rulefiles import limited_targets
from assay.scanners.semgrep._slicing import SliceSpec, slice_for_words, slice_source


@dataclass
class SliceStats:
    """What slicing did over a scan, added up as it goes (`ran`: whether it ran at all)."""

    ran: bool = False
    files: int = 0
    sliced: int = 0
    before: int = 0
    after: int = 0
    left_out: int = 0
    seconds: float = 0.0

    def metrics(self) -> SliceMetrics | None:
        """What slicing did, for the run; None when it did not run."""
        if not self.ran:
            return None
        return SliceMetrics(self.seconds, self.files, self.sliced, self.before, self.after,
                            self.left_out)


def sliced_copies(root: Path, paths: Sequence[str], spec: SliceSpec, taint: Rules,
                  out_dir: Path, stats: SliceStats,
                  sourced: frozenset[str] = frozenset()) -> list[str]:
    """The files of `paths` the generated taint rules (`taint`) can report in, written to
    `out_dir` with the functions that cannot hold a finding blanked (`sourced`: files
    known to hold what a source needs, not read for it again)."""
    targets: list[str] = []
    started = time.perf_counter()
    for path in limited_targets(taint, sorted(paths)):
        original = (root / path).read_bytes()
        data = slice_source(original, spec, path in sourced, path)
        if data is None:
            stats.left_out += 1
            continue
        stats.files += 1
        stats.sliced += data != original
        stats.before += len(original)
        stats.after += len(data)
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        targets.append(path)
    stats.seconds += time.perf_counter() - started
    return targets


def pattern_copies(root: Path, paths: Sequence[str], patterns: Rules, out_dir: Path,
                   stats: SliceStats) -> Path | None:
    """Copies of `paths` for the pattern rules `patterns`, written under `out_dir`, with
    the functions that hold none of the text the rules require blanked (see
    `_slicing.slice_for_words`); None (the files as they are) when a rule requires none."""
    rules = list(patterns.all())
    required = requirements(rules)
    if not rules or len(required) < len(rules):
        return None
    expressions = set(required.values())

    @functools.cache
    def wanted(word: str) -> bool:
        return any(e.search(word) for e in expressions)

    started = time.perf_counter()
    for path in paths:
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(slice_for_words((root / path).read_bytes(), wanted))
    stats.seconds += time.perf_counter() - started
    return out_dir
