"""`assay runs` and `assay show`: what the ledger holds."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli.app import app, stdout_console, write_output
from assay.cli.output import emit
from assay.cli.scan import OutputFormat
from assay.formats.writer import WriteOptions


@app.command()
def runs(
    path: Path = typer.Argument(Path("."), help="Project whose ledger to read."),
    ledger: str | None = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                                      help="Ledger file or sqlite:/// URL."),
    scanner: str | None = typer.Option(None, "--scanner", "-s", help="Only runs of SCANNER."),
    commit: str | None = typer.Option(None, "--commit", help="Only runs at this commit "
                                                             "(REV like HEAD, or id prefix)."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="How many runs to list."),
    as_json: bool = typer.Option(False, "--json", help="Print the runs as JSON."),
) -> None:
    """List recorded runs, newest first, with what each covered (Scope: `tree`, `paths
    (2)` for a path set, `diff BASE..HEAD (3 files)` for a diff's changed files)."""
    from assay.app.runs import list_runs

    if commit:
        from assay.app.report import resolve_commit

        commit = resolve_commit(commit, path)
    rows = list_runs(path, ledger=ledger, scanner=scanner, commit=commit, limit=limit)
    if as_json:
        from assay.formats.json import dumps
        from assay.formats.runs_document import runs_document

        write_output(dumps(runs_document(rows)), None)
        return
    from assay.report.runs_terminal import runs_table

    stdout_console().print(runs_table(rows))


@app.command()
def show(
    run_id: str = typer.Argument(..., help="Run id (or a unique prefix)."),
    path: Path = typer.Option(Path("."), "--path", help="Project whose ledger to read."),
    ledger: str | None = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                                      help="Ledger file or sqlite:/// URL."),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f",
                                     case_sensitive=False, help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to FILE."),
) -> None:
    """Render a recorded run again, in any output format, with its LLM findings' states
    as they stand in the ledger today (proven, refuted, ...)."""
    from assay.app.findings import recorded_run

    recorded = recorded_run(path, run_id, ledger=ledger)
    emit("run", recorded.run, fmt.value, output,
         WriteOptions(with_metrics=True, states=dict(recorded.states)))
