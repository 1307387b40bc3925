"""`assay compare`: several runs or scanners on one commit, agreement matrix and uniques."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli import measure_common as mc
from assay.cli.app import app
from assay.errors import UsageError


@app.command()
def compare(
    args: list[str] | None = mc.PATH_ARGS,
    scanner: list[str] | None = typer.Option(None, "--scanner", "-s",
                                             help="Run each scanner once, fresh, and compare "
                                                  "them (repeatable)."),
    rev: str | None = typer.Option(None, "--rev", help="Commit to run the scanners at."),
    from_ids: list[str] | None = mc.FROM_IDS,
    from_files: list[Path] | None = mc.FROM_FILES,
    by_scanner: bool = typer.Option(False, "--by-scanner",
                                    help="Split multi-scanner runs: one column per scanner."),
    label: list[str] | None = typer.Option(None, "--label",
                                           help="Column label per run, in order (repeatable)."),
    tolerance: int = mc.TOLERANCE,
    concurrency: int = typer.Option(2, "--concurrency", "-c", min=1,
                                    help="Scanners run at once."),
    commit: str | None = mc.COMMIT,
    ledger: str | None = mc.LEDGER,
    no_record: bool = typer.Option(False, "--no-record", help="Do not record new runs."),
    config: Path | None = typer.Option(None, "--config", envvar="ASSAY_CONFIG",
                                       help="Configuration file."),
    as_json: bool = mc.JSON,
    output: Path | None = mc.OUTPUT,
) -> None:
    """Pairwise agreement (Jaccard) of runs or scanners on one commit, and what each found alone.

    This is the findings-variance view across model, prompt, harness and policy.
    """
    from assay.app import measure

    source = mc.inputs(args, from_ids, from_files)
    names = mc.split_values(scanner)
    if source.existing and names:
        raise UsageError("--scanner runs new scans; it cannot be combined with --from")
    if source.existing:
        mc.progress("loading runs")
        runs = measure.load_runs(source.run_ids, source.files, path=source.path, ledger=ledger,
                                 commit=mc.resolve_commit(commit, source.path))
    elif len(names) >= 2:
        mc.progress(f"running {', '.join(names)} once each")
        runs = measure.scan_each(source.path, names, rev=rev, concurrency=concurrency,
                                 ledger=ledger, record=not no_record, config_path=config)
    else:
        raise UsageError("compare needs runs to compare",
                         "pass --scanner A --scanner B, or --from RUN_ID..., or --from-files")
    mc.progress(f"comparing {len(runs)} runs")
    report = measure.compare(runs, by_scanner=by_scanner, labels=label or None,
                             tolerance=tolerance)
    if as_json:
        from assay.formats.measure_json import compare_to_document

        mc.emit_json(compare_to_document(report), output)
        return
    from assay.report.measure_terminal import render_compare

    mc.emit_text(lambda console: render_compare(report, console), output)

