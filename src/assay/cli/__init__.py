"""The `assay` command line: a thin layer over `assay.api`.

Each command lives in its own module and registers itself on `app`. Errors derived from
`AssayError` are printed as one line plus a hint and exit with their code (2 by
default); `--debug` (or ASSAY_DEBUG=1) shows the traceback instead.
"""

from __future__ import annotations

import os
import sys

from assay.cli.app import app, state

__all__ = ["app", "main"]


def _load_commands() -> None:
    import importlib

    for name in ("scan", "runs", "drift", "evaluate", "compare", "label", "label_serve", "report",
                 "replay", "tier", "gate", "prove", "findings"):
        try:
            importlib.import_module(f"assay.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"assay.cli.{name}":
                raise


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `assay` console script."""
    from assay.errors import AssayError

    _load_commands()
    args = sys.argv[1:] if argv is None else argv
    state.debug = "--debug" in args or os.environ.get("ASSAY_DEBUG", "") not in ("", "0")
    try:
        app(args=args, prog_name="assay")
    except AssayError as exc:
        if state.debug:
            raise
        print(exc.diagnostics(), file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        if state.debug:
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc}\n"
              "hint: rerun with --debug for the traceback, and please report it",
              file=sys.stderr)
        sys.exit(2)
