"""`assay scan`: scan a working tree or a commit with the deterministic scanners."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assay.choices import FAIL_ON_CHOICES
from assay.cli.app import app, stderr_console
from assay.cli.output import emit
from assay.errors import UsageError
from assay.formats import writer as write
from assay.formats.writer import WriteOptions

if TYPE_CHECKING:
    from assay.app.scan import ScanResult
    from assay.model import Run
    from assay.scanners.interface import Progress


class OutputFormat(StrEnum):
    """Output formats of `assay scan`."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    MD = "md"


EXIT_OK, EXIT_BLOCK, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def exit_code(run: Run, fail_on: str, states: Mapping[str, str] | None = None) -> int:
    """3 when incomplete (never a pass), else 1 when a deterministic or proven finding is
    at/above `fail_on`, else 0."""
    from assay.formats.trust_view import scan_exit_code

    return scan_exit_code(run, fail_on, states)


def render(run: Run, fmt: OutputFormat, with_metrics: bool = False, fail_on: str | None = None,
           states: Mapping[str, str] | None = None) -> str:
    """The run as text in the requested format."""
    return write.render("run", run, fmt.value, WriteOptions(with_metrics, fail_on, "", states))


@contextmanager
def progress_display(enabled: bool) -> Iterator[Progress | None]:
    """A files-done progress bar on stderr, only when stderr is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from assay.formats.escape import visible

    bars = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                    MofNCompleteColumn(), console=stderr_console(), transient=True)
    tasks: dict[str, int] = {}

    def update(scanner: str, done: int, total: int) -> None:
        if scanner not in tasks:
            tasks[scanner] = int(bars.add_task(visible(scanner), total=total))
        bars.update(tasks[scanner], completed=done, total=total)  # type: ignore[arg-type]

    with bars:
        yield update


def split_names(values: list[str] | None) -> list[str]:
    """Scanner names from repeated flags or a comma/space separated env var."""
    names: list[str] = []
    for value in values or []:
        names.extend(v for v in value.replace(",", " ").split() if v)
    return names


@app.command()
def scan(
    path: Path = typer.Argument(Path("."), help="Directory or file to scan (default: .)."),
    rev: str | None = typer.Option(None, "--rev", envvar="ASSAY_REV",
                                   help="Scan this commit's tree instead of the working tree."),
    scanner: list[str] | None = typer.Option(None, "--scanner", "-s", envvar="ASSAY_SCANNER",
                                             help="Scanner to run (repeatable). Default: "
                                                  "[scan] scanners, else bandit and semgrep."),
    fmt: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f", envvar="ASSAY_FORMAT",
                                     help="Output format.", case_sensitive=False),
    output: Path | None = typer.Option(None, "--output", "-o", envvar="ASSAY_OUTPUT",
                                       help="Write the output to FILE instead of stdout."),
    fail_on: str | None = typer.Option(None, "--fail-on", envvar="ASSAY_FAIL_ON",
                                       help="Exit 1 when a finding is at/above this severity "
                                            "(critical|high|medium|low|info|none; default high)."),
    no_cache: bool = typer.Option(False, "--no-cache", envvar="ASSAY_NO_CACHE",
                                  help="Analyze every file again (the cache is refreshed)."),
    ledger: str | None = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                                      help="Ledger file or sqlite:/// URL (default: the "
                                           "project's ledger in the user's state "
                                           "directory)."),
    no_record: bool = typer.Option(False, "--no-record", envvar="ASSAY_NO_RECORD",
                                   help="Do not record the run in the ledger."),
    config: Path | None = typer.Option(None, "--config", envvar="ASSAY_CONFIG",
                                       help="Configuration file (default: assay.toml or "
                                            "[tool.assay] in pyproject.toml)."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", envvar="ASSAY_JOBS", min=1,
                                    help="Worker processes (default: all cores)."),
    exclude: list[str] | None = typer.Option(None, "--exclude", envvar="ASSAY_EXCLUDE",
                                             help="Exclude pattern (repeatable)."),
    with_metrics: bool = typer.Option(False, "--with-metrics", envvar="ASSAY_WITH_METRICS",
                                      help="Include run id, timings and cache statistics "
                                           "in JSON output (makes it non-reproducible)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", envvar="ASSAY_QUIET",
                               help="No progress display and no summary on stderr."),
    consensus: str | None = typer.Option(None, "--consensus", envvar="ASSAY_CONSENSUS",
                                         help="K/N: scan N times fresh, keep the findings at "
                                              "least K runs found (docs/measure.md)."),
    diff: str | None = typer.Option(None, "--diff", envvar="ASSAY_DIFF",
                                    help="BASE, BASE..HEAD or BASE...HEAD: LLM scanners review "
                                         "only the changed hunks (docs/llm.md)."),
    fresh: bool = typer.Option(False, "--fresh", envvar="ASSAY_FRESH",
                               help="Do not serve LLM results from the ledger's cache."),
) -> None:
    """Scan PATH (or commit --rev) and report findings, coverage and provenance.

    Exit codes: 0 nothing at/above --fail-on, 1 findings at/above it, 2 usage or
    configuration error, 3 incomplete (in-scope code was not analyzed).
    """
    if fail_on is not None and fail_on.lower() not in FAIL_ON_CHOICES:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, "
                         f"not {fail_on!r}")
    if consensus and diff:
        raise UsageError("--diff cannot be combined with --consensus")
    if consensus:
        from assay.app.measure import consensus_scan, consensus_spec

        result = consensus_scan(path, spec=consensus_spec(consensus), rev=rev,
                                scanners=split_names(scanner) or None, ledger=ledger,
                                record=not no_record, config_path=config, jobs=jobs,
                                exclude=split_names(exclude))
    else:
        from assay.app.scan import scan as run_scan

        with progress_display(not quiet) as progress:
            result = run_scan(path, rev=rev, scanners=split_names(scanner) or None,
                              no_cache=no_cache, ledger=ledger, record=not no_record,
                              config_path=config, jobs=jobs, exclude=split_names(exclude),
                              progress=progress, diff=diff, fresh=fresh)
    if not quiet:
        print_warnings(result.warnings)
    threshold = (fail_on or result.config.scan.fail_on).lower()
    _emit(result, fmt, output, with_metrics, quiet, threshold)
    raise typer.Exit(exit_code(result.run, threshold, dict(result.states)))


def print_warnings(warnings: Iterable[str]) -> None:
    """Warnings on stderr; they quote paths and tool output, shown as untrusted text."""
    from assay.report.terminal import line

    err = stderr_console()
    for warning in warnings:
        err.print(line(("warning", "yellow"), ": ", warning))


def _emit(result: ScanResult, fmt: OutputFormat, output: Path | None, with_metrics: bool,
          quiet: bool, fail_on: str) -> None:
    ledger = str(result.ledger) if result.ledger else ""
    states = dict(result.states)
    emit("run", result.run, fmt.value, output,
         WriteOptions(with_metrics, fail_on, ledger if fmt is OutputFormat.TEXT else "", states))
    if output is not None and fmt is not OutputFormat.TEXT and not quiet:
        from assay.formats.markdown import status_line
        from assay.report.terminal import line

        stderr_console().print(line(status_line(result.run, fail_on, states), " → ",
                                    str(output)))
