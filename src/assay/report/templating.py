"""The Jinja2 environments the memo and the labeling page are rendered with.

Every value a template prints is escaped, whatever the template says: HTML templates
(`*.html.j2`) escape it for HTML after `assay.formats.escape.visible` (no control
character or bidirectional override reaches the page), Markdown templates (`*.md.j2`)
write it as literal Markdown text (`md_text`), and tables through `md_table`. Only values
marked safe pass unchanged: `Markup` (the SVG figures) in HTML, `MarkdownBlock` (the
tables `md_table` built from escaped cells) in Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from assay.formats.escape import md_cell, md_text, visible
from assay.report.memo import Table

_NUMBER = re.compile(r"^[-+]?[\d.,]+\s*(%|s|ms)?$")


class MarkdownBlock(str):
    """Markdown assay built from escaped parts; printed as it is."""

    __slots__ = ()


def is_number(cell: object) -> bool:
    """True for cells that read as a number (right-aligned in HTML tables)."""
    return bool(_NUMBER.match(str(cell).strip()))


def md_table(table: Table) -> MarkdownBlock:
    """A Markdown pipe table (no trailing newline); every cell escaped with `md_cell`."""
    lines = ["| " + " | ".join(md_cell(c) for c in table.columns) + " |",
             "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in table.rows]
    return MarkdownBlock("\n".join(lines))


def _html_value(value: object) -> object:
    """What an HTML template prints: text with control characters shown as escapes."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value)


def _markdown_value(value: object) -> str:
    """What a Markdown template prints: literal text, unless it is a MarkdownBlock."""
    if isinstance(value, MarkdownBlock):
        return value
    return md_text(str(value))


def _environment(finalize: Callable[[Any], Any]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("assay.report", "templates"),
        autoescape=jinja2.select_autoescape(("html.j2",), default=False),
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["is_number"] = is_number
    env.filters["md_table"] = md_table
    return env


@cache
def html_environment() -> jinja2.Environment:
    """HTML templates: every value escaped for HTML, control characters made visible."""
    return _environment(_html_value)


@cache
def markdown_environment() -> jinja2.Environment:
    """Markdown templates: every value literal Markdown text."""
    return _environment(_markdown_value)


def render(template: str, **context: object) -> str:
    """Render a packaged template (`*.html.j2` or `*.md.j2`) with `context`."""
    if template.endswith(".md.j2"):
        return markdown_environment().get_template(template).render(**context)
    if template.endswith(".html.j2"):
        return html_environment().get_template(template).render(**context)
    raise ValueError(f"unknown kind of template: {template}")
