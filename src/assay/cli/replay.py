"""`assay replay RUN_ID`: re-run a recorded LLM run from its trace and report divergence."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assay.cli.app import app, stdout_console, write_output
from assay.cli.output import emit
from assay.formats.writer import JSON, TEXT

if TYPE_CHECKING:
    from assay.formats.lifecycle_document import GenerationTrace

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
    A proof id (from `assay prove --generate`) lists the recorded steps of the proof's
    generation instead. Exit codes: 0 identical (or a generation listed), 1 divergence,
    2 usage error (unknown run, no trace).
    """
    from assay.app.findings import generation_trace, is_proof_id

    if is_proof_id(run_id):
        _write_trace(generation_trace(path, run_id, ledger=ledger), as_json, output)
        raise typer.Exit(EXIT_IDENTICAL)
    from assay.app.replay import replay as replay_run

    reports = replay_run(run_id, path=path, ledger=ledger, scanners=tuple(scanner or ()),
                         config_path=config)
    emit("replay", reports, JSON if as_json else TEXT, output)
    raise typer.Exit(EXIT_IDENTICAL if all(r.identical for r in reports) else EXIT_DIVERGED)


def _write_trace(trace: GenerationTrace, as_json: bool, output: Path | None) -> None:
    """A generation trace as JSON, on the terminal, or as text in a file."""
    if as_json:
        from assay.formats.json import dumps
        from assay.formats.lifecycle_document import trace_document

        write_output(dumps(trace_document(trace)), output)
        return
    from assay.report.lifecycle_view import render_trace

    if output is None:
        render_trace(trace, stdout_console())
        return
    from assay.report.terminal import buffer_console

    buffer = StringIO()
    render_trace(trace, buffer_console(buffer))
    write_output(buffer.getvalue(), output)
