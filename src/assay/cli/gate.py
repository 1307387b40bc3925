"""`assay gate`: tier -> scan -> baseline -> decision, with the exit code CI acts on."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.choices import FAIL_ON_CHOICES, LlmMode
from assay.cli.app import app, stderr_console, write_output
from assay.cli.output import emit
from assay.cli.scan import OutputFormat, progress_display, split_names
from assay.cli.tier import LLM_OPTION
from assay.errors import UsageError
from assay.formats.writer import SARIF, WriteOptions, render
from assay.report.terminal import line


@app.command()
def gate(
    path: Path = typer.Argument(Path("."), help="Repository (or a directory in it)."),
    diff: str | None = typer.Option(None, "--diff", envvar="ASSAY_DIFF",
                                    help="Gate a change: BASE, BASE..HEAD or BASE...HEAD. "
                                         "Only changed files are scanned; the base is the "
                                         "default baseline."),
    baseline: str | None = typer.Option(None, "--baseline", envvar="ASSAY_BASELINE",
                                        help="Compare with a git revision, a run id from the "
                                             "ledger, or a SARIF file."),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f", envvar="ASSAY_FORMAT",
                                     case_sensitive=False, help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", envvar="ASSAY_OUTPUT",
                                       help="Write the output to FILE instead of stdout."),
    sarif: Path | None = typer.Option(None, "--sarif", envvar="ASSAY_SARIF",
                                      help="Also write the SARIF log to FILE (for code "
                                           "scanning uploads)."),
    fail_on: str | None = typer.Option(None, "--fail-on", envvar="ASSAY_FAIL_ON",
                                       help="Block on new deterministic findings at/above "
                                            "this severity (default [gate] or [scan] fail_on)."),
    scanner: list[str] | None = typer.Option(None, "--scanner", "-s", envvar="ASSAY_SCANNER",
                                             help="Deterministic scanner (repeatable; default "
                                                  "[scan] scanners)."),
    llm: LlmMode = LLM_OPTION,
    ledger: str | None = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                                      help="Ledger file or sqlite:/// URL."),
    no_record: bool = typer.Option(False, "--no-record", envvar="ASSAY_NO_RECORD",
                                   help="Do not record the run in the ledger."),
    no_cache: bool = typer.Option(False, "--no-cache", envvar="ASSAY_NO_CACHE",
                                  help="Analyze every file again."),
    config: Path | None = typer.Option(None, "--config", envvar="ASSAY_CONFIG",
                                       help="Configuration file."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", envvar="ASSAY_JOBS", min=1,
                                    help="Worker processes (default: all cores)."),
    with_metrics: bool = typer.Option(False, "--with-metrics",
                                      help="Include the run id and timings in JSON output."),
    quiet: bool = typer.Option(False, "--quiet", "-q", envvar="ASSAY_QUIET",
                               help="No progress display."),
) -> None:
    """Decide whether a change may merge.

    Exit codes: 0 pass; 1 block (new deterministic findings at/above --fail-on, or proven
    LLM findings); 2 usage or configuration error; 3 incomplete (a required scanner did not
    complete: never a pass). Unverified LLM findings are listed for review and never block.
    """
    if fail_on is not None and fail_on.lower() not in FAIL_ON_CHOICES:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, "
                         f"not {fail_on!r}")
    from assay.app.gate import gate as run_gate

    with progress_display(not quiet) as progress:
        result = run_gate(path, diff=diff, baseline=baseline,
                          fail_on=fail_on.lower() if fail_on else None,
                          scanners=split_names(scanner) or None, llm=LlmMode(llm),
                          ledger=ledger, record=not no_record, config_path=config, jobs=jobs,
                          no_cache=no_cache, progress=progress)
    if sarif is not None:
        write_output(render("gate", result, SARIF), sarif)
    emit("gate", result, fmt.value, output, WriteOptions(with_metrics=with_metrics))
    if output is not None and not quiet:
        stderr_console().print(line(f"gate: {result.decision.decision.value} → ", str(output)))
    raise typer.Exit(result.exit_code)
