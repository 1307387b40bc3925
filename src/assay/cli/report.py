"""`assay report`: the measurement memo as self-contained HTML and Markdown."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli import measure_common as mc
from assay.cli.app import app, stderr_console, write_output
from assay.errors import UsageError


@app.command()
def report(
    args: list[str] | None = mc.PATH_ARGS,
    run_ids: list[str] | None = typer.Option(
        None, "--run", "--from", "-r", help="A recorded run to include (id or unique prefix; "
                                            "repeatable, comma-separated)."),
    files: list[Path] | None = typer.Option(
        None, "--from-files", help="Include the runs in a result file: assay JSON or SARIF "
                                   "(repeatable; more files may follow as arguments)."),
    commit: str | None = typer.Option(
        None, "--commit", help="Include every recorded run of this commit (REV or id prefix)."),
    truth: Path | None = typer.Option(
        None, "--truth", help="Labeled truth for precision and recall: OWASP expected-results "
                              "CSV, SARIF, or a YAML/JSON list."),
    html: Path | None = typer.Option(None, "--html", help="Write the HTML memo to FILE."),
    md: Path | None = typer.Option(None, "--md", help="Write the Markdown memo to FILE."),
    json_out: bool = mc.JSON,
    title: str = typer.Option("Security scanner measurement", "--title",
                              help="The memo's title."),
    tolerance: int = mc.TOLERANCE,
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap intervals."),
    ledger: str | None = mc.LEDGER,
) -> None:
    """Write the memo: summary in plain words, then drift, accuracy, variance, cost figures."""
    from assay.app.measure import load_runs
    from assay.app.report import MemoOptions, memo_for, memo_to_html, memo_to_markdown, run_ids_at

    if not (html or md or json_out):
        raise UsageError("nothing to write", "pass --html FILE, --md FILE and/or --json")
    source = mc.inputs(args, run_ids, files)
    path = source.path
    ids = list(source.run_ids)
    if commit:
        ids += run_ids_at(commit, path=path, ledger=ledger)
    if not ids and not source.files:
        raise UsageError("no runs selected",
                         "pass --run ID, --commit REV or --from-files FILE (see `assay runs`)")
    mc.progress("loading runs")
    runs = load_runs(ids, source.files, path=path, ledger=ledger)
    mc.progress(f"measuring {len(runs)} runs and drawing the memo")
    memo = memo_for(runs, truth=truth, path=path,
                    options=MemoOptions(title=title, tolerance=tolerance, seed=seed),
                    ledger=ledger)
    if html:
        write_output(memo_to_html(memo), html)
    if md:
        write_output(memo_to_markdown(memo), md)
    if json_out:
        mc.emit_json(memo.to_document(), None)
    written = ", ".join(str(p) for p in (html, md) if p)
    if written:
        stderr_console().print(f"memo of {len(runs)} runs with {len(memo.charts)} figures "
                               f"written to {written}", highlight=False)

