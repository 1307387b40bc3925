"""The command reference (docs/cli.md), written from the commands' own `--help`.

    python -m assay.cli.reference > docs/cli.md

A test compares the file with this output, so the reference and `--help` cannot drift.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import typer.main

from assay.cli import _load_commands
from assay.cli.app import app

WIDTH = 92
HEADER = """# Command reference

Generated from `assay COMMAND --help` by `python -m assay.cli.reference > docs/cli.md`; a
test keeps the two equal. Every command also accepts `--debug` (tracebacks instead of
one-line errors), before or after the command name. Exit codes: 0 success, 1 the result
blocks (findings at or above `--fail-on`, a failing gate, a replay that diverged), 2 usage
or configuration error, 3 incomplete or broken (never a pass), 130 stopped by Ctrl-C and
143 by SIGTERM (a cancelled CI job): the scanners' processes, which run in sessions of
their own, are killed first, and nothing is recorded.
"""


def _walk(command: Any, path: tuple[str, ...],
          parent: Any = None) -> Iterator[tuple[str, str]]:
    """(title, help text) of `command` and of every command under it, in order."""
    settings = {**command.context_settings, "terminal_width": WIDTH,
                "max_content_width": WIDTH}
    ctx = command.context_class(command, info_name=path[-1], parent=parent, **settings)
    yield " ".join(path), command.get_help(ctx)
    names = command.list_commands(ctx) if hasattr(command, "commands") else []
    for name in names:
        yield from _walk(command.commands[name], (*path, name), ctx)


def reference() -> str:
    """The Markdown reference of every command: its `--help`, as the terminal shows it."""
    _load_commands()
    root = typer.main.get_command(app)
    parts = [HEADER]
    for title, text in _walk(root, ("assay",)):
        parts.append(f"\n## `{title}`\n\n```text\n{text.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(reference())
