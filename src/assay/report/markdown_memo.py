"""The memo in Markdown: the same summary and sections, figures given as their numbers."""

from __future__ import annotations

from assay.report.memo import REPORT_SCHEMA, Memo
from assay.report.templating import render


def memo_to_markdown(memo: Memo) -> str:
    """The Markdown text of a memo."""
    return render("memo.md.j2", memo=memo, schema=REPORT_SCHEMA)
