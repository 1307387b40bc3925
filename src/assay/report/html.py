"""The memo as one self-contained HTML file: inline CSS and SVG, no script, no network."""

from __future__ import annotations

from assay.report.memo import REPORT_SCHEMA, Memo
from assay.report.templating import render


def memo_to_html(memo: Memo) -> str:
    """The HTML text of a memo."""
    return render("memo.html.j2", memo=memo, schema=REPORT_SCHEMA)
