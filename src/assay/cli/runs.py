"""`assay runs` and `assay show`: what the ledger holds."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from assay.cli.app import app, stdout_console, write_output
from assay.cli.output import emit
from assay.cli.scan import OutputFormat
from assay.formats.writer import WriteOptions
from assay.report.terminal import add_row


def _ledger(path: Path, ledger: str | None) -> str | Path:
    if ledger:
        return ledger
    from assay.project import default_ledger, locate_project

    return default_ledger(locate_project(path))


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
    from assay.formats.runs_document import runs_document, scope_label
    from assay.ledger import open_ledger

    if commit:
        from assay.app.report import resolve_commit

        commit = resolve_commit(commit, path)
    with open_ledger(_ledger(path, ledger)) as store:
        rows = store.list_runs(limit=limit, scanner=scanner, commit=commit)
    if as_json:
        from assay.formats.json import dumps

        write_output(dumps(runs_document(rows)), None)
        return
    table = Table(header_style="bold")
    for column in ("Run", "Started", "Status", "Scanners", "Commit", "Scope", "Findings",
                   "Seconds"):
        table.add_column(column, no_wrap=column in ("Run", "Started", "Status", "Commit", "Scope"))
    for r in rows:
        commit_text = (r.commit or "")[:12] + ("+dirty" if r.dirty else "")
        add_row(table, r.id, r.started_at, r.status, ", ".join(r.scanners), commit_text,
                scope_label(r), str(r.findings), f"{r.wall_seconds:.2f}")
    stdout_console().print(table)


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
