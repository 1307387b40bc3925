"""`assay label`: blind labeling of findings (sample, import, list; `serve` adds the page).

The sub-app is `label_app`; other modules add commands to it (e.g. `serve`).
"""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli import measure_common as mc
from assay.cli.app import app, write_output
from assay.cli.output import emit, note
from assay.errors import UsageError
from assay.formats.writer import CSV, JSON, TEXT, render

__all__ = ["label_app"]

label_app = typer.Typer(help="Blind labeling: draw a sample, label it, import labels.",
                        no_args_is_help=True)
app.add_typer(label_app, name="label")


@label_app.command("sample")
def sample(
    args: list[str] | None = mc.PATH_ARGS,
    per_scanner: int = typer.Option(50, "--per-scanner", min=1,
                                    help="Findings drawn from each scanner."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draw and the shuffle."),
    commit: str | None = typer.Option(None, "--commit",
                                      help="Sample the runs recorded at this commit "
                                           "(default HEAD): the newest run of each scanner."),
    from_ids: list[str] | None = mc.FROM_IDS,
    from_files: list[Path] | None = mc.FROM_FILES,
    csv_out: Path | None = typer.Option(None, "--csv",
                                        help="Also write the blinded items as CSV for "
                                             "labeling elsewhere (fill in `verdict`)."),
    ledger: str | None = mc.LEDGER,
    as_json: bool = mc.JSON,
    output: Path | None = mc.OUTPUT,
) -> None:
    """Draw findings from several scanners on one commit, shuffled, scanner hidden."""
    from assay.app import label, measure

    source = mc.inputs(args, from_ids, from_files)
    if source.existing:
        if commit:
            raise UsageError("--commit selects ledger runs; drop it when using --from")
        runs = measure.load_runs(source.run_ids, source.files, path=source.path, ledger=ledger)
    else:
        runs = measure.latest_runs(source.path, commit=measure.commit_of(source.path,
                                                                         commit or "HEAD"),
                                   ledger=ledger)
    drawn = label.draw_label_sample(source.path, runs, per_scanner, seed, ledger=ledger)
    if csv_out is not None:
        write_output(render("label-sample", drawn, CSV), csv_out)
    emit("label-sample", drawn, JSON if as_json else TEXT, output)


@label_app.command("import")
def import_labels(
    file: Path = typer.Argument(..., help="CSV with columns item_id and verdict "
                                          "(optional: sample_id, labeler, note)."),
    path: Path = typer.Option(Path("."), "--path", help="Project whose ledger to use."),
    sample_id: str | None = typer.Option(None, "--sample",
                                         help="Sample the labels belong to (default: the "
                                              "CSV's sample_id column, else the newest)."),
    labeler: str | None = typer.Option(None, "--labeler",
                                       help="Who labeled (default: the CSV's labeler column, "
                                            "else $USER)."),
    ledger: str | None = mc.LEDGER,
    as_json: bool = mc.JSON,
) -> None:
    """Import verdicts (true / false / unsure) from a CSV, all rows or none."""
    from assay.app import label

    result = label.import_labels(path, file, sample_id=sample_id, labeler=labeler,
                                 ledger=ledger)
    if as_json:
        emit("label-import", result, JSON)
    else:
        note("label-import", result)


@label_app.command("list")
def list_samples(
    path: Path = typer.Argument(Path("."), help="Project whose ledger to read."),
    ledger: str | None = mc.LEDGER,
    as_json: bool = mc.JSON,
) -> None:
    """List label samples, newest first, with labeling progress."""
    from assay.app import label

    emit("label-samples", label.label_samples(path, ledger=ledger), JSON if as_json else TEXT)
