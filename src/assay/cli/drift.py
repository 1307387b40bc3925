"""`assay drift`: how stable is a scanner? N fresh runs per commit, or existing runs."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from assay.cli import measure_common as mc
from assay.cli.app import app
from assay.errors import UsageError
from assay.formats.escape import visible
from assay.measure.consensus import ConsensusSpec, parse_consensus
from assay.measure.drift import CommitDrift, DriftReport, JaccardSummary
from assay.measure.runs import short_commit
from assay.model import Run
from assay.report.terminal import add_row, line

EXIT_OK, EXIT_INCOMPLETE = 0, 3


@app.command()
def drift(
    args: list[str] | None = mc.PATH_ARGS,
    scanner: list[str] | None = typer.Option(None, "--scanner", "-s", envvar="ASSAY_SCANNER",
                                             help="Scanner to run (repeatable: measures the "
                                                  "combination). Default: [scan] scanners."),
    runs: int | None = typer.Option(None, "--runs", "-n", min=1,
                                    help="Fresh runs per commit (default 5, or N of "
                                         "--consensus)."),
    rev: list[str] | None = typer.Option(None, "--rev",
                                         help="Commit to run at (repeatable; default: the "
                                              "working tree)."),
    concurrency: int = typer.Option(2, "--concurrency", "-c", min=1,
                                    help="Runs in flight at once."),
    from_ids: list[str] | None = mc.FROM_IDS,
    from_files: list[Path] | None = mc.FROM_FILES,
    tolerance: int = mc.TOLERANCE,
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap interval."),
    resamples: int = typer.Option(2000, "--resamples", min=100,
                                  help="Bootstrap resamples."),
    consensus: str | None = typer.Option(None, "--consensus",
                                         help="K/N: also keep the findings at least K of the "
                                              "N runs found (recorded as a consensus run)."),
    commit: str | None = mc.COMMIT,
    ledger: str | None = mc.LEDGER,
    no_record: bool = typer.Option(False, "--no-record", help="Do not record runs."),
    config: Path | None = typer.Option(None, "--config", envvar="ASSAY_CONFIG",
                                       help="Configuration file."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1,
                                    help="Worker processes per run (default 1)."),
    as_json: bool = mc.JSON,
    output: Path | None = mc.OUTPUT,
) -> None:
    """Measure run drift: pairwise Jaccard, support histogram, singletons, severity flips.

    Runs SCANNER N times fresh (no cache) at each --rev, or measures existing runs given
    with --from / --from-files. Exit 0 when drift was measured, 3 when fewer than two runs
    of a commit completed, 2 on bad input.
    """
    from assay.app import measure

    source = mc.inputs(args, from_ids, from_files)
    spec = parse_consensus(consensus) if consensus else None
    count = _run_count(runs, spec)
    if source.existing:
        if scanner or rev or runs:
            raise UsageError("--scanner, --rev and --runs start new runs; they cannot be "
                             "combined with --from/--from-files")
        mc.progress("loading runs")
        loaded = measure.load_runs(source.run_ids, source.files, path=source.path,
                                   ledger=ledger, commit=mc.resolve_commit(commit, source.path))
        mc.progress(f"measuring drift of {len(loaded)} runs")
        target = None if no_record or spec is None else _ledger(source.path, ledger)
        result = measure.measure_existing(loaded, tolerance=tolerance, seed=seed,
                                          resamples=resamples, consensus=spec, ledger=target)
    else:
        if commit is not None:
            raise UsageError("--commit names the commit of existing runs",
                             "to run at a commit use --rev")
        mc.progress(f"running {count} fresh runs per commit, {concurrency} at a time")
        result = measure.drift(source.path, scanner=mc.split_values(scanner), runs=count,
                               revs=rev or (), concurrency=concurrency, tolerance=tolerance,
                               seed=seed, resamples=resamples, ledger=ledger,
                               record=not no_record, config_path=config, jobs=jobs,
                               consensus=spec)
    if as_json:
        from assay.formats.measure_json import consensus_doc, drift_to_document

        document = drift_to_document(result.report)
        if spec is not None:
            document["consensus"] = [consensus_doc(r) for r in result.consensus]
        mc.emit_json(document, output)
    else:
        mc.emit_text(lambda console: render(result.report, result.consensus, console), output)
    raise typer.Exit(EXIT_OK if result.report.measured else EXIT_INCOMPLETE)


def _run_count(runs: int | None, spec: ConsensusSpec | None) -> int:
    if spec is not None and runs is not None and runs != spec.n:
        raise UsageError(f"--consensus {spec} needs N = --runs, got --runs {runs}")
    return runs or (spec.n if spec else 5)


def _ledger(path: Path, ledger: str | None) -> str | Path:
    from assay import api

    return api.default_ledger(api.locate_project(path), ledger)


def _jaccard_line(j: JaccardSummary | None, runs: int = 2) -> str:
    if j is None and runs < 2:
        return "Jaccard: not measured (a single run in this group; nothing to compare with)"
    if j is None:
        return "Jaccard: not measured (fewer than 2 complete runs)"
    return (f"Jaccard mean {mc.fmt(j.mean)} {mc.fmt_interval(j.interval)}  "
            f"min {mc.fmt(j.min)}  median {mc.fmt(j.median)}  ({len(j.pairs)} pairs)")


def _support_line(support: dict[int, int], runs: int) -> str:
    parts = [f"{k}/{runs}: {v}" for k, v in sorted(support.items(), reverse=True)]
    return "found in " + ", ".join(parts) if parts else "no findings"


def render(report: DriftReport, consensus: tuple[Run, ...], console: Console) -> None:
    """The drift report as text."""
    scanners = "+".join(report.scanners) or "(unknown scanner)"
    console.print(line(("drift of ", "bold"), (visible(scanners), "bold"),
                       f": {len(report.runs)} runs in {len(report.commits)} group(s) "
                       "(commit, scope, configuration), "
                       f"line tolerance {report.tolerance}"))
    for c in report.commits:
        _render_commit(c, console)
    if len(report.commits) > 1:
        console.print()
        console.print(Text("overall", style="bold"))
        if report.jaccard is None:
            console.print("  Jaccard: not pooled (the groups differ in scope or "
                          "configuration, not only in commit)")
        else:
            console.print("  " + _jaccard_line(report.jaccard))
        console.print(f"  singletons {report.singletons}  severity flips {report.flips}  "
                      f"status {_status(report.status)}")
    for run in consensus:
        props = dict(run.properties)
        console.print()
        console.print(line(f"consensus {props.get('consensus')} at ",
                           short_commit(run.target.commit),
                           f": kept {len(run.findings)}, dropped "
                           f"{props.get('consensus_dropped')} → run ", run.id))


def _status(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def _render_commit(c: CommitDrift, console: Console) -> None:
    console.print()
    console.print(line(("commit ", "bold"), (visible(short_commit(c.commit)), "bold"),
                       ", ", visible(c.scope), f", configuration {c.config[:12]}",
                       f"  runs {len(c.runs)} ({_status(c.status)})"))
    console.print("  " + _jaccard_line(c.jaccard, len(c.runs)))
    if c.jaccard is not None and c.identical == len(c.measured):
        console.print(f"  deterministic: identical in {c.identical} of {len(c.measured)} runs")
    console.print("  support: " + _support_line(c.support, len(c.measured)))
    console.print(f"  singletons {len(c.singletons)}  severity flips {len(c.flips)}")
    table = Table(header_style="bold", box=None, pad_edge=False)
    for column in ("run", "status", "findings", "seconds", "tokens", "cost"):
        table.add_column(column, justify="left" if column in ("run", "status") else "right")
    for r in c.runs:
        add_row(table, r.id, r.outcome, str(r.findings), f"{r.wall_seconds:.2f}",
                str(r.tokens), f"{r.cost:.4f}")
    console.print(table)
    for flip in c.flips[:10]:
        f = flip.finding
        shown = ", ".join(f"{s} ×{n}" for s, n in flip.severities)
        console.print(line("  severity flip ", f.family, " ", f"{f.path}:{f.span.start_line}",
                           ": ", shown))
