"""The Jinja2 environments the memo and the labeling page are rendered with."""

from __future__ import annotations

import re
from functools import cache

import jinja2

from assay.report.memo import Table

_NUMBER = re.compile(r"^[-+]?[\d.,]+\s*(%|s|ms)?$")


def is_number(cell: object) -> bool:
    """True for cells that read as a number (right-aligned in HTML tables)."""
    return bool(_NUMBER.match(str(cell).strip()))


def md_cell(cell: object) -> str:
    """A Markdown table cell: pipes escaped, newlines flattened."""
    return str(cell).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def md_table(table: Table) -> str:
    """A Markdown pipe table (no trailing newline)."""
    lines = ["| " + " | ".join(md_cell(c) for c in table.columns) + " |",
             "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


@cache
def environment() -> jinja2.Environment:
    """HTML templates (`*.html.j2`) escape every value; Markdown ones escape table cells."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("assay.report", "templates"),
        autoescape=jinja2.select_autoescape(("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["is_number"] = is_number
    env.filters["md_table"] = md_table
    return env


def render(template: str, **context: object) -> str:
    """Render a packaged template with `context`."""
    return environment().get_template(template).render(**context)
