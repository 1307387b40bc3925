"""Terminal output that untrusted text cannot take over.

Every console assay prints to is a `SafeConsole`: strings are never parsed as rich
markup or emoji codes, and no control character reaches the terminal unless rich made it
(colours, cursor moves of the progress bar): any other is shown as an escape, as
`assay.formats.escape.visible` writes it. That is the safety net; renderers also build
their lines from `plain` (one untrusted value, with line breaks escaped too) and styled
pieces of their own (`line`), so that a path can neither end a line nor look like markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from assay.formats.escape import visible

Piece = str | Text | tuple[str, str]


class SafeConsole(Console):
    """A rich console without markup, emoji codes or highlighting, whose output holds no
    control character it did not make itself."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(markup=False, emoji=False, highlight=False)
        super().__init__(**kwargs)

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterable[Segment]:
        """Rich's rendering, with control characters in text segments escaped."""
        for segment in super().render(renderable, options):
            if segment.control is None and segment.text:
                text = visible(segment.text, layout=True)
                if text != segment.text:
                    segment = Segment(text, segment.style)
            yield segment


def buffer_console(file: IO[str], width: int = 120) -> SafeConsole:
    """A colourless console writing to `file` (for `--output FILE`)."""
    return SafeConsole(file=file, width=width, no_color=True)


def plain(text: str) -> Text:
    """One untrusted value as text: escapes shown, never markup, never a line break."""
    return Text(visible(text))


def line(*pieces: Piece, style: str = "") -> Text:
    """A line of pieces in `style`: strings are untrusted values (see `plain`), `Text` and
    `(text, style)` pairs are assay's own."""
    out = Text(style=style)
    for piece in pieces:
        if isinstance(piece, Text):
            out.append_text(piece)
        elif isinstance(piece, tuple):
            out.append(piece[0], style=piece[1])
        else:
            out.append(visible(piece))
    return out


def add_row(table: Table, *cells: str | Text) -> None:
    """A table row of untrusted values (strings) and assay's own `Text` cells."""
    table.add_row(*(cell if isinstance(cell, Text) else plain(cell) for cell in cells))
