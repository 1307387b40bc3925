"""`assay label serve`: the blind-labeling page, added to the `assay label` sub-app."""

from __future__ import annotations

import signal
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

import typer

from assay.cli import measure_common as mc
from assay.cli.app import stderr_console
from assay.cli.label import label_app


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM stop the server, even when the process was started
    with SIGINT ignored (a background job of a non-interactive shell: Python then keeps
    the inherited SIG_IGN and Ctrl-C would do nothing)."""
    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@label_app.command("serve")
def serve(
    path: Path = typer.Argument(Path("."), help="Project whose ledger to use."),
    sample_id: str | None = typer.Option(None, "--sample",
                                         help="Sample to label (id or prefix; default newest)."),
    labeler: str | None = typer.Option(None, "--labeler",
                                       help="Who is labeling (default: git user.name, "
                                            "else the login name)."),
    port: int = typer.Option(0, "--port", min=0, max=65535,
                             help="Port on 127.0.0.1 (default: any free port)."),
    no_open: bool = typer.Option(False, "--no-open", help="Do not open a browser."),
    ledger: str | None = mc.LEDGER,
) -> None:
    """Label a sample in a local, keyboard-driven page: t true, f false, u unsure, j/k move."""
    from assay.app.label import label_server, sample_progress

    console = stderr_console()
    with _stopped_by_signals(), label_server(path, sample_id, labeler, port,
                                             ledger=ledger) as (server, info):
        console.print(f"labeling sample {info.id} ({info.labeled}/{info.items} labeled) "
                      f"at {server.url}", highlight=False)
        console.print("press Ctrl-C to stop; every verdict is saved as it is given",
                      highlight=False)
        if not no_open:
            webbrowser.open(server.url)
        with suppress(KeyboardInterrupt):
            server.serve()
    done = sample_progress(path, info.id, ledger=ledger)
    console.print(f"sample {done.id}: {done.labeled}/{done.items} items labeled",
                  highlight=False)
