"""Labeled truth that findings are scored against.

Two granularities:

- `finding`: each item is a location (CWE, path, optional line span) that is, or is
  known not to be, vulnerable. Findings are matched to items one-to-one with the same rule
  as run-to-run matching; an item without a span covers the whole file.
- `file`: each item is a test file with one expected CWE (the OWASP Benchmark way): the
  file is *flagged* when any finding in it has the expected CWE. A file item's `path` is
  the test name, matched against a finding path's file name without extension (or the
  whole path).

Readers for the supported truth documents live in `assay.formats.truth`.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath

from assay.model import Span


class Granularity(enum.StrEnum):
    """What a truth item describes: one location or one whole test file."""

    FINDING = "finding"
    FILE = "file"


@dataclass(frozen=True)
class TruthItem:
    """One labeled location or test file."""

    path: str
    cwe: int | None
    vulnerable: bool
    span: Span | None = None
    category: str = ""
    rule_id: str = ""

    @property
    def family(self) -> str:
        """CWE when known (`CWE-89`), else the rule id, as for findings."""
        return f"CWE-{self.cwe}" if self.cwe is not None else self.rule_id


@dataclass(frozen=True)
class Truth:
    """A set of truth items of one granularity, and where it was read from."""

    items: tuple[TruthItem, ...]
    granularity: Granularity
    source: str = ""

    @property
    def positives(self) -> int:
        """How many items are vulnerable."""
        return sum(1 for i in self.items if i.vulnerable)


def stem_of(path: str) -> str:
    """The test name a finding path stands for: its file name without extension."""
    return PurePosixPath(path).stem


def item_exists(item: TruthItem, granularity: Granularity, files: Collection[str],
                stems: Collection[str]) -> bool:
    """True when the scanned tree has the file an item refers to."""
    if granularity is Granularity.FILE:
        return item.path in stems or item.path in files
    return item.path in files


def split_missing(truth: Truth,
                  files: Collection[str] | None) -> tuple[Truth, tuple[TruthItem, ...]]:
    """The items whose files exist, and those referring to files not in `files`.

    With `files` None nothing is checked and nothing is missing.
    """
    if files is None:
        return truth, ()
    known = set(files)
    stems = {stem_of(f) for f in known}
    present = tuple(i for i in truth.items if item_exists(i, truth.granularity, known, stems))
    missing = tuple(i for i in truth.items if not item_exists(i, truth.granularity, known, stems))
    return Truth(present, truth.granularity, truth.source), missing
