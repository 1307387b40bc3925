"""The `assay` command line: a thin layer over the use cases of `assay.app`.

Each command lives in its own module and registers itself on `app`. A command module
imports only light modules (typer, rich, writers, values, `assay.choices`) at module
level and its use case inside the command function, so that starting `assay` costs
little: a pre-commit hook pays for every import on every commit. Errors derived from
`AssayError` are printed as one line plus a hint and exit with their code (2 by
default); `--debug` (or ASSAY_DEBUG=1) shows the traceback instead. `--debug` is
accepted before or after the command name (`assay --debug scan`, `assay scan --debug`).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import warnings
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from assay.cli.app import app, state

if TYPE_CHECKING:
    from assay.errors import AssayError

__all__ = ["app", "main"]


# Command name -> the modules that define it, so that a command imports only what it uses.
COMMANDS = {"scan": ("scan",), "runs": ("runs",), "show": ("runs",), "drift": ("drift",),
            "eval": ("evaluate",), "compare": ("compare",), "label": ("label", "label_serve"),
            "report": ("report",), "replay": ("replay",), "tier": ("tier",), "gate": ("gate",),
            "prove": ("prove",), "findings": ("findings",)}
MODULES = tuple(dict.fromkeys(m for modules in COMMANDS.values() for m in modules))


def _load_commands(args: list[str] | None = None) -> None:
    """Import the command modules: only the invoked command's when it is known."""
    import importlib

    command = next((a for a in args or [] if not a.startswith("-")), None)
    if command is None and "--version" in (args or []):
        return
    for name in COMMANDS.get(command or "", MODULES):
        try:
            importlib.import_module(f"assay.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"assay.cli.{name}":
                raise


def _diagnostics(exc: AssayError) -> str:
    """The one-line error and its hint, with control characters in them made visible.

    Messages quote paths, names and tool output from the scanned tree: a newline or an
    escape sequence there must not add lines or drive the terminal.
    """
    from assay.formats.escape import visible

    text = f"error: {visible(exc.message)}"
    return text + (f"\nhint: {visible(exc.hint)}" if exc.hint else "")


def _take_debug(args: list[str]) -> tuple[list[str], bool]:
    """The arguments without `--debug` (wherever it stands before a `--`), and whether it
    was given: it is a global flag, so `assay scan --debug` means `assay --debug scan`."""
    end = args.index("--") if "--" in args else len(args)
    kept = [a for a in args[:end] if a != "--debug"] + args[end:]
    return kept, len(kept) != len(args)


class Stopped(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM (a cancelled CI job) arrived. Not a KeyboardInterrupt,
    which typer turns into a silent exit: it unwinds to `main`, which ends the scanners'
    processes and exits with 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


def _catch_signals() -> None:
    """SIGTERM, and SIGINT unless this process was started with it ignored (a background
    job of a shell), raise `Stopped` (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, _stop)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _stop)


def _stopped(message: str, code: int) -> NoReturn:
    """Exit after Ctrl-C or SIGTERM, the scanners' processes killed first (they run in
    sessions of their own, and would otherwise run on and hold the exit)."""
    from assay.app.scan import stop_scanners

    stop_scanners()
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `assay` console script."""
    from assay.errors import AssayError

    args, debug = _take_debug(sys.argv[1:] if argv is None else argv)
    # Python's warnings on parsing the scanned code (`"\\d"`: an invalid escape
    # sequence) are the project's, not assay's: printed, they bury what assay says
    warnings.filterwarnings("ignore", category=SyntaxWarning)
    _load_commands(args)
    state.debug = debug or os.environ.get("ASSAY_DEBUG", "") not in ("", "0")
    _catch_signals()
    try:
        app(args=args, prog_name="assay")
    except AssayError as exc:
        if state.debug:
            raise
        print(_diagnostics(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _stopped("interrupted", 130)
    except Stopped as stop:
        _stopped("terminated" if stop.signum == signal.SIGTERM else "interrupted",
                 128 + stop.signum)
    except Exception as exc:
        if state.debug:
            raise
        from assay.formats.escape import visible

        print(f"error: internal error: {type(exc).__name__}: {visible(str(exc))}\n"
              "hint: rerun with --debug for the traceback, and please report it",
              file=sys.stderr)
        sys.exit(2)
