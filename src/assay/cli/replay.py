"""`assay replay RUN_ID`: re-run a recorded LLM run from its trace and report divergence."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from assay import api
from assay.cli.app import app, stdout_console
from assay.report.terminal import line

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
) -> None:
    """Re-run the LLM scanners of RUN_ID with the replay provider and compare.

    The recorded responses are served in order; tools run again on the recorded snapshot.
    Exit codes: 0 identical, 1 divergence, 2 usage error (unknown run, no trace).
    """
    reports = api.replay(run_id, path=path, ledger=ledger, scanners=tuple(scanner or ()),
                         config_path=config)
    if as_json:
        doc = [{"run": r.run_id, "scanner": r.scanner, "source_run": r.source_run,
                "identical": r.identical, "findings": r.findings, "steps": r.steps,
                "divergences": list(r.divergences)} for r in reports]
        typer.echo(json.dumps(doc, indent=2, sort_keys=True))
    else:
        out = stdout_console()
        for r in reports:
            via = f" (served from the cache of {r.source_run})" if r.source_run else ""
            verdict = "identical" if r.identical else f"{len(r.divergences)} divergence(s)"
            out.print(line(r.run_id, " ", r.scanner, via, f": {r.steps} replayed step(s), "
                           f"{r.findings} finding(s): {verdict}"))
            for divergence in r.divergences:
                out.print(line("  - ", divergence))
    raise typer.Exit(EXIT_IDENTICAL if all(r.identical for r in reports) else EXIT_DIVERGED)
