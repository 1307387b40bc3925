"""The Typer application and the options every command shares."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from assay import __version__
from assay.report.terminal import SafeConsole


@dataclass
class _State:
    debug: bool = False


state = _State()

COMMAND_ORDER = ("scan", "runs", "show", "drift", "eval", "compare", "report", "replay", "tier",
                 "gate", "prove", "label", "findings")


class _Commands(TyperGroup):
    """The commands in a fixed order (the order of `COMMAND_ORDER`, then by name), not
    in the order their modules happened to be imported."""

    def list_commands(self, ctx: Any) -> list[str]:
        """The command names in help order."""
        def rank(name: str) -> tuple[int, str]:
            known = name in COMMAND_ORDER
            return (COMMAND_ORDER.index(name) if known else len(COMMAND_ORDER), name)
        return sorted(self.commands, key=rank)


app = typer.Typer(
    name="assay",
    cls=_Commands,
    help="Reproducible security review: deterministic gates, measured LLM review, provenance.",
    no_args_is_help=True,
    # Plain help: rich markup would eat bracketed words ("[scan] scanners", "[tool.assay]")
    # and show boolean flags as "--no-cache <bool>".
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"assay {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", envvar="ASSAY_DEBUG",
                               help="Show tracebacks instead of one-line errors (also "
                                    "accepted after the command: assay scan --debug)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """assay: make security review reproducible."""
    state.debug = state.debug or debug


def stdout_console() -> SafeConsole:
    """Console for results (stdout): no markup, untrusted control characters escaped."""
    return SafeConsole(soft_wrap=False, width=None if sys.stdout.isatty() else 140)


def stderr_console() -> SafeConsole:
    """Console for progress, warnings and summaries (stderr), safe like `stdout_console`."""
    return SafeConsole(stderr=True)


def write_output(text: str, output: Path | None) -> None:
    """Write `text` to `output` atomically (temp file + rename), or to stdout."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from assay.errors import UsageError

    if output.is_dir():
        raise UsageError(f"--output is a directory: {output}", "give a file name")
    if not output.parent.exists():
        raise UsageError(f"--output directory does not exist: {output.parent}")
    if output.exists() and not output.is_file():
        # A device or pipe (/dev/null, /dev/stdout, a fifo): write through it. Renaming a
        # temp file over it would replace the device node itself (as root, /dev/null).
        try:
            with output.open("w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror}") from None
        return
    tmp = output.with_name(f".{output.name}.assay-tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
