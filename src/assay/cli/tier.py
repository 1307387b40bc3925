"""`assay tier`: which risk classes a change touches, and which scanners would run."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli.app import app, stdout_console, write_output
from assay.workflow.tier import LlmMode

LLM_OPTION = typer.Option(LlmMode.AUTO, "--llm", envvar="ASSAY_LLM", case_sensitive=False,
                          help="LLM scanners: auto (when a risk class asks for review), "
                               "always, or never.")


@app.command()
def tier(
    path: Path = typer.Argument(Path("."), help="Repository (or a directory in it)."),
    diff: str = typer.Option("HEAD", "--diff", envvar="ASSAY_DIFF",
                             help="The change: BASE (work tree vs BASE), BASE..HEAD or "
                                  "BASE...HEAD (from the merge base). Default HEAD."),
    as_json: bool = typer.Option(False, "--json", help="Print the assay.tier/1 document."),
    llm: LlmMode = LLM_OPTION,
    config: Path | None = typer.Option(None, "--config", envvar="ASSAY_CONFIG",
                                       help="Configuration file."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to FILE."),
) -> None:
    """Classify a change by risk (auth, routes, dependencies, crypto, SQL, ...) and plan
    the scan: deterministic scanners always, LLM scanners when a class asks for review.

    Exit 0 on success, 2 on bad input.
    """
    from assay.app.gate import tier as classify

    result = classify(path, diff, config_path=config, llm=llm)
    if as_json:
        from assay.formats.gate_document import tier_to_document
        from assay.formats.json import dumps

        write_output(dumps(tier_to_document(result)), output)
        return
    from assay.report.gate_view import render_tier

    if output is None:
        render_tier(result, stdout_console())
        return
    from io import StringIO

    from assay.report.terminal import buffer_console

    buffer = StringIO()
    render_tier(result, buffer_console(buffer))
    write_output(buffer.getvalue(), output)
