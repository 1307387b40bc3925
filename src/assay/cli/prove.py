"""`assay prove`: run an executable proof for an LLM finding, sandboxed, and record it."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli.app import app
from assay.cli.output import emit
from assay.formats.writer import JSON, TEXT

EXIT_VERDICT, EXIT_BROKEN = 0, 3
BROKEN = "broken"


@app.command()
def prove(
    finding_id: str = typer.Argument(..., help="The finding's fingerprint (or a unique "
                                                "prefix), from `assay findings list`."),
    proof: Path | None = typer.Option(None, "--proof", help="A pytest file asserting the "
                                                            "secure behaviour."),
    generate: bool = typer.Option(False, "--generate",
                                  help="Have the LLM scanner that reported the finding write "
                                       "the proof, then run it."),
    path: Path = typer.Option(Path("."), "--path", help="The project."),
    rev: str | None = typer.Option(None, "--rev", help="Run against this commit instead of "
                                                       "the work tree."),
    timeout: float | None = typer.Option(None, "--timeout", min=1.0,
                                         help="Wall-clock limit in seconds (default [proof] "
                                              "timeout, 120)."),
    unsafe_no_sandbox: bool = typer.Option(False, "--unsafe-no-sandbox",
                                           help="Run without bubblewrap isolation (only "
                                                "resource limits). Recorded in the ledger."),
    actor: str | None = typer.Option(None, "--actor", envvar="ASSAY_ACTOR",
                                     help="Who runs the proof (default: git user.email)."),
    ledger: str | None = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                                      help="Ledger file or sqlite:/// URL."),
    config: Path | None = typer.Option(None, "--config", envvar="ASSAY_CONFIG",
                                       help="Configuration file."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Write to FILE instead of stdout."),
) -> None:
    """Run a proof against a throwaway copy of the code, in the sandbox.

    A proof fails with an assertion on vulnerable code: the finding becomes `proven`. A
    proof that passes on a proven finding marks it `fixed`. Exit 0 when the proof ran to a
    verdict (proven or not reproduced), 3 when it is broken (import error, typo, timeout),
    2 on bad input or when the sandbox is unavailable.
    """
    from assay.app.findings import proof_run
    from assay.app.prove import prove as run_proof

    result = run_proof(path, finding_id, proof=proof, generate=generate, rev=rev,
                       ledger=ledger, config_path=config, unsafe_no_sandbox=unsafe_no_sandbox,
                       timeout=timeout, actor=actor)
    emit("proof", proof_run(result), JSON if as_json else TEXT, output)
    raise typer.Exit(EXIT_BROKEN if result.record.verdict == BROKEN else EXIT_VERDICT)
