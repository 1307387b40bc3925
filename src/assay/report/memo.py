"""The memo as values: what the HTML and Markdown renderings both show.

A memo is a short summary in plain words, a paragraph on method, a list of charts (each
an inline SVG plus the table of numbers behind it, which is what the Markdown version
and screen readers get), and two tables: incomplete runs and the provenance of every run.
Builders in `assay.report.sections` fill it from measurements; renderers in
`assay.report.html` and `assay.report.markdown_memo` turn it into text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REPORT_SCHEMA = "assay.report/1"


@dataclass(frozen=True)
class Table:
    """Rows of display strings under named columns."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"row {row!r} has {len(row)} cells, "
                                 f"expected {len(self.columns)}")

    def as_dicts(self) -> list[dict[str, str]]:
        """Each row as a column -> cell mapping (for JSON)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """One figure: its SVG, a caption in plain words and the numbers it plots."""

    key: str
    title: str
    caption: str
    svg: str
    data: Table


@dataclass(frozen=True)
class Note:
    """Why a figure is missing (e.g. one run per commit gives no drift to plot)."""

    key: str
    title: str
    text: str


@dataclass(frozen=True)
class GroupSection:
    """One like-for-like group of runs (setup, commit, scope, configuration) in words."""

    key: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Memo:
    """Everything a rendered memo shows, in order."""

    title: str
    summary: tuple[str, ...]
    method: tuple[str, ...]
    charts: tuple[Chart, ...] = ()
    missing: tuple[Note, ...] = ()
    incomplete: Table = field(default_factory=lambda: Table(("Run",)))
    provenance: Table = field(default_factory=lambda: Table(("Run",)))
    tables: tuple[tuple[str, Table], ...] = ()
    facts: tuple[tuple[str, Any], ...] = ()
    assay_version: str = ""
    groups: tuple[GroupSection, ...] = ()

    def to_document(self) -> dict[str, Any]:
        """The memo as an `assay.report/1` JSON document (no SVG: numbers only)."""
        return {
            "schema": REPORT_SCHEMA,
            "assay_version": self.assay_version,
            "title": self.title,
            "summary": list(self.summary),
            "groups": [{"key": g.key, "title": g.title, "lines": list(g.lines)}
                       for g in self.groups],
            "method": list(self.method),
            "facts": dict(self.facts),
            "figures": [{"key": c.key, "title": c.title, "caption": c.caption,
                         "data": c.data.as_dicts()} for c in self.charts],
            "missing_figures": [{"key": n.key, "title": n.title, "reason": n.text}
                                for n in self.missing],
            "tables": {name: t.as_dicts() for name, t in self.tables},
            "incomplete_runs": self.incomplete.as_dicts(),
            "provenance": self.provenance.as_dicts(),
        }
