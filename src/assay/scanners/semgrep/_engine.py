"""Semgrep over the files of one scan, as its plan says.

The files go to Semgrep in chunks (the command line's length), each chunk in runs of
about equal size, `jobs` at a time. Without slicing every rule runs on the files as
they are; with it, the pattern rules run on the files (or on copies cut down to what
they require) while the generated taint rules run on sliced copies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from assay.scanners.filescan import Analysis
from assay.scanners.interface import ScanContext
from assay.scanners.semgrep._copies import SliceStats, pattern_copies, sliced_copies
from assay.scanners.semgrep._layout import Scratch
from assay.scanners.semgrep._pack import Rules
from assay.scanners.semgrep._plan import ScanPlan, Sliced
from assay.scanners.semgrep._process import Invocation, Runs, chunks
from assay.scanners.semgrep._rulefiles import limited_targets, split_limited


def analyze(plan: ScanPlan, invocation: Invocation, stats: SliceStats, root: Path,
            paths: Sequence[str], ctx: ScanContext, report: Callable[[int], None]) -> Analysis:
    """Run Semgrep over `paths` (under `root`) in chunks; translate its JSON. What
    slicing did is added to `stats`."""
    plan.layout.prepare()
    rules = plan.rule_set()  # read once a scan
    meta = rules.meta()
    analysis = Analysis()
    done = 0
    for chunk in chunks(paths):
        with (plan.layout.scratch() as scratch,
              Runs(invocation, ctx.jobs, meta, plan.layout.semgrep) as runs):
            if plan.sliced is None:
                runs.start_parts(root, chunk, rules, scratch.whole, engine=True)
            else:
                _run_sliced(root, chunk, _split(rules, plan.sliced), plan.sliced, runs,
                            scratch, stats)
        runs.joined(chunk, analysis)
        done += len(chunk)
        report(done)
    return analysis


def _split(rules: Rules, sliced: Sliced) -> tuple[Rules, Rules]:
    """The pattern rules' files and the generated taint rules' files."""
    taint = set(sliced.taint)
    return (Rules(tuple(f for f in rules.files if f.path not in taint)),
            Rules(tuple(f for f in rules.files if f.path in taint)))


def _run_sliced(root: Path, chunk: list[str], split: tuple[Rules, Rules], sliced: Sliced,
                runs: Runs, scratch: Scratch, stats: SliceStats) -> None:
    """The pattern rules (`split[0]`) and the generated taint rules (`split[1]`), each on
    copies of the files they can match in with the functions that cannot hold a match
    blanked (see _slicing). The pattern rules start while the taint rules' files are
    sliced."""
    stats.ran = True
    patterns, taint = split
    # the pattern rules in one run each: they take a fraction of the taint rules'
    # time, and a second run would take the core the slicing needs (Django: 1.7 s)
    everywhere, some = split_limited(patterns, scratch.root)
    runs.start_parts(root, chunk, everywhere, scratch.everywhere, most=1, engine=True)
    wanted = limited_targets(some, chunk)
    copies = pattern_copies(root, wanted, some, scratch.pattern_copies, stats)
    runs.start_parts(copies or root, wanted, some, scratch.limited, most=1, engine=True)
    picked = Rules(tuple(f for f in taint.files if f.path not in sliced.unfiltered))
    # the files the pre-pass picked for holding a source need not be read for one again
    sourced = frozenset(limited_targets(picked, chunk)) if picked.files else frozenset()
    targets = sliced_copies(root, chunk, sliced.spec, taint, scratch.sliced, stats, sourced)
    runs.start_parts(scratch.sliced, targets, taint, scratch.taint, engine=True)

