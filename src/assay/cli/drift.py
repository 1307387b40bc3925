"""`assay drift`: how stable is a scanner? N fresh runs per commit, or existing runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assay.cli import measure_common as mc
from assay.cli.app import app
from assay.errors import UsageError

if TYPE_CHECKING:
    from assay.measure.consensus import ConsensusSpec

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
    spec = measure.consensus_spec(consensus) if consensus else None
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
        from assay.report.measure_terminal import render_drift

        mc.emit_text(lambda console: render_drift(result.report, result.consensus, console),
                     output)
    raise typer.Exit(EXIT_OK if result.report.measured else EXIT_INCOMPLETE)


def _run_count(runs: int | None, spec: ConsensusSpec | None) -> int:
    if spec is not None and runs is not None and runs != spec.n:
        raise UsageError(f"--consensus {spec} needs N = --runs, got --runs {runs}")
    return runs or (spec.n if spec else 5)


def _ledger(path: Path, ledger: str | None) -> str | Path:
    from assay import api

    return api.default_ledger(api.locate_project(path), ledger)

