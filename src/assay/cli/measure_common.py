"""Pieces shared by the measurement commands (drift, eval, compare, label)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from assay.cli.app import stderr_console, stdout_console, write_output
from assay.errors import UsageError
from assay.formats.json import dumps
from assay.report.terminal import buffer_console


@dataclass(frozen=True)
class Inputs:
    """Where runs come from: a project path, ledger run ids, result files."""

    path: Path
    run_ids: tuple[str, ...]
    files: tuple[Path, ...]

    @property
    def existing(self) -> bool:
        """True when the runs already exist (ids or files) rather than being run now."""
        return bool(self.run_ids or self.files)


def split_values(values: list[str] | None) -> list[str]:
    """Values of a repeatable option, also accepting comma-separated lists."""
    out: list[str] = []
    for value in values or []:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def inputs(args: list[str] | None, from_ids: list[str] | None,
           from_files: list[Path] | None) -> Inputs:
    """Resolve positionals: a directory is PATH; the others extend --from-files or --from.

    `assay drift --from-files a.sarif b.json` and `assay drift --from A B` both work, and
    `assay eval PROJECT --from A` reads run A from PROJECT's ledger.
    """
    ids = split_values(from_ids)
    files = list(from_files or [])
    rest = list(args or [])
    dirs = [a for a in rest if Path(a).is_dir()]
    if len(dirs) > 1:
        raise UsageError(f"expected one project PATH, got {len(dirs)}: {' '.join(dirs)}")
    path = Path(dirs[0]) if dirs else Path(".")
    rest = [a for a in rest if a not in dirs]
    if files and ids and rest:
        raise UsageError("cannot tell whether the extra arguments are run ids or files",
                         "repeat --from RUN_ID and --from-files FILE for each value")
    if files:
        return Inputs(path, tuple(ids), tuple([*files, *(Path(a) for a in rest)]))
    if ids:
        return Inputs(path, tuple([*ids, *rest]), ())
    if rest:
        raise UsageError(f"not a directory: {rest[0]}",
                         "to measure existing runs use --from RUN_ID or --from-files FILE")
    return Inputs(path, (), ())


def emit_json(document: dict[str, Any], output: Path | None) -> None:
    """Write a JSON document (canonical form) to `output` or stdout."""
    write_output(dumps(document), output)


PATH_ARGS = typer.Argument(None, help="Project directory (default .); with --from or "
                                      "--from-files, more run ids or files.")
FROM_IDS = typer.Option(None, "--from", help="Measure a recorded run (id or unique prefix; "
                                             "repeatable, comma-separated).")
FROM_FILES = typer.Option(None, "--from-files", help="Measure runs in a result file: "
                                                     "assay JSON or SARIF (repeatable).")
TOLERANCE = typer.Option(3, "--line-tolerance", min=0, envvar="ASSAY_LINE_TOLERANCE",
                         help="Lines two findings' spans may be apart and still match "
                              "(0: exact keys).")
LEDGER = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                      help="Ledger file or sqlite:/// URL (default: the project's ledger "
                           "in the user's state directory).")
JSON = typer.Option(False, "--json", help="Print the versioned JSON document instead of text.")
OUTPUT = typer.Option(None, "--output", "-o", help="Write the output to FILE.")


def emit_text(draw: Callable[[Console], None], output: Path | None) -> None:
    """Render text with `draw` to stdout, or to `output` without colour."""
    if output is None:
        draw(stdout_console())
        return
    buffer = StringIO()
    draw(buffer_console(buffer))
    write_output(buffer.getvalue(), output)


COMMIT = typer.Option(None, "--commit",
                      help="The commit of runs that record none (third-party SARIF without "
                           "versionControlProvenance): a REV like HEAD, or a commit id.")


def resolve_commit(commit: str | None, path: Path) -> str | None:
    """The commit id `--commit` names (None when not given)."""
    if commit is None:
        return None
    from assay.app.report import resolve_commit as resolve

    return resolve(commit, path)


def progress(message: str) -> None:
    """Say what the command is doing, on stderr and only when stderr is a terminal (so
    pipes, files and CI logs get nothing but the result)."""
    if sys.stderr.isatty():
        stderr_console().print(f"{message} …", highlight=False, style="dim")
