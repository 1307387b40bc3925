"""`assay replay RUN_ID`: re-run a recorded LLM run from its trace and report divergence."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli.app import app
from assay.cli.output import emit
from assay.formats.writer import JSON, TEXT

EXIT_IDENTICAL, EXIT_DIVERGED = 0, 1


@app.command()
def replay(
    run_id: str = typer.Argument(..., help="Run id (or a unique prefix) of a recorded run."),
    path: Path = typer.Option(Path("."), "--path", help="Project whose ledger to read."),
    ledger: str | None = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                                      help="Ledger file or sqlite:/// URL."),
    scanner: list[str] | None = typer.Option(None, "--scanner", "-s",
                                             help="Replay only this LLM scanner (repeatable)."),
    config: Path | None = typer.Option(None, "--config", envvar="ASSAY_CONFIG",
                                       help="Configuration file."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Write to FILE instead of stdout."),
) -> None:
    """Re-run the LLM scanners of RUN_ID with the replay provider and compare.

    The recorded responses are served in order; tools run again on the recorded snapshot.
    Exit codes: 0 identical, 1 divergence, 2 usage error (unknown run, no trace).
    """
    from assay.app.replay import replay as replay_run

    reports = replay_run(run_id, path=path, ledger=ledger, scanners=tuple(scanner or ()),
                         config_path=config)
    emit("replay", reports, JSON if as_json else TEXT, output)
    raise typer.Exit(EXIT_IDENTICAL if all(r.identical for r in reports) else EXIT_DIVERGED)
