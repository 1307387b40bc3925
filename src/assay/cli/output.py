"""Writing a document the way the user asked: a terminal view on stdout, or text in any
format to stdout or a file (through the writer registry of `assay.formats.writer`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.cli.app import stderr_console, stdout_console, write_output
from assay.formats.writer import TEXT, WriteOptions, render, show


def emit(kind: str, document: Any, fmt: str = TEXT, output: Path | None = None,
         options: WriteOptions | None = None) -> None:
    """Text to a terminal is its view (colour, width); everything else is written whole."""
    if fmt == TEXT and output is None:
        show(kind, document, fmt, stdout_console(), options)
    else:
        write_output(render(kind, document, fmt, options), output)


def note(kind: str, document: Any) -> None:
    """A document's terminal view on stderr (progress and summaries, not results)."""
    show(kind, document, TEXT, stderr_console())
