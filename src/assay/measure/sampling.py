"""Blind labeling samples: findings drawn per scanner, pooled, shuffled, scanner hidden.

`draw_sample(runs, per_scanner, seed)`:

1. Runs are split per scanner. A scanner's population is its findings over its runs,
   deduplicated by exact finding key (family, path, start line, end line) and put in
   canonical order.
2. With one `random.Random(seed)`, scanners in name order each draw `per_scanner` findings
   uniformly without replacement (all of them when the population is smaller), so each
   scanner's draw is a simple random sample of its findings and precision estimated on it
   generalizes to the scanner.
3. Drawn findings with the same key from different scanners become one item (labeled once,
   counted for each scanner that drew it); a finding another scanner also reported but did
   not draw is not attributed to it, which keeps every scanner's sample uniform.
4. Items are shuffled with the same generator and numbered 1..n in that order.

The same runs and seed always give the same sample.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from assay.measure.errors import MeasureError
from assay.measure.matching import content_key
from assay.measure.runs import same_commit
from assay.measure.variance import run_label, split_by_scanner
from assay.model import Finding, Run, RunId


@dataclass(frozen=True)
class ItemSource:
    """Which scanner (and run) reported a sampled item, as it reported it."""

    scanner: str
    run_id: RunId
    finding: Finding


@dataclass(frozen=True)
class DrawnItem:
    """One item of a sample: the finding shown to labelers and who drew it."""

    item_id: int
    finding: Finding
    sources: tuple[ItemSource, ...]

    @property
    def scanners(self) -> tuple[str, ...]:
        """The scanners this item counts for."""
        return tuple(sorted({s.scanner for s in self.sources}))


@dataclass(frozen=True)
class Sample:
    """A drawn sample: items in presentation order, and each scanner's population size."""

    commit: str | None
    seed: int
    per_scanner: int
    runs: tuple[RunId, ...]
    population: dict[str, int]
    items: tuple[DrawnItem, ...]


def exact_key(f: Finding) -> tuple[str, str, int, int]:
    """The key sampled findings are deduplicated and merged by."""
    return f.key()


def populations(runs: Sequence[Run]) -> dict[str, list[ItemSource]]:
    """Each scanner's findings over its runs, deduplicated by exact key, canonical order."""
    found: dict[str, dict[tuple[str, str, int, int], ItemSource]] = {}
    for run in sorted(split_by_scanner(runs), key=lambda r: r.id):
        bucket = found.setdefault(run_label(run), {})
        for f in sorted(run.findings, key=content_key):
            bucket.setdefault(exact_key(f), ItemSource(run_label(run), run.id, f))
    return {name: sorted(b.values(), key=lambda s: content_key(s.finding))
            for name, b in sorted(found.items())}


def draw_sample(runs: Sequence[Run], per_scanner: int, seed: int) -> Sample:
    """Draw a blind labeling sample (see the module docstring)."""
    if per_scanner < 1:
        raise MeasureError(f"--per-scanner must be at least 1, got {per_scanner}")
    commit = same_commit(runs, "sample findings")
    pops = populations(runs)
    if not any(pops.values()):
        raise MeasureError("the runs have no findings to sample",
                           "sample from runs that reported findings")
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not secrets
    merged: dict[tuple[str, str, int, int], list[ItemSource]] = {}
    for _, pop in pops.items():
        for source in rng.sample(pop, min(per_scanner, len(pop))):
            merged.setdefault(exact_key(source.finding), []).append(source)
    groups = sorted(merged.values(), key=lambda g: content_key(g[0].finding))
    rng.shuffle(groups)
    items = tuple(DrawnItem(n, g[0].finding, tuple(sorted(g, key=lambda s: s.scanner)))
                  for n, g in enumerate(groups, start=1))
    return Sample(commit, seed, per_scanner, tuple(sorted({r.id for r in runs})),
                  {name: len(pop) for name, pop in pops.items()}, items)
