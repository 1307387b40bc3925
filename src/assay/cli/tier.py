"""`assay tier`: which risk classes a change touches, and which scanners would run."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.choices import LlmMode
from assay.cli.app import app
from assay.cli.output import emit
from assay.formats.writer import JSON, TEXT

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

    Exit 0 on success, 2 on bad input or outside a git repository with a commit.
    """
    from assay.app.gate import tier as plan_tier

    result = plan_tier(path, diff, config_path=config, llm=llm)
    emit("tier", result, JSON if as_json else TEXT, output)
