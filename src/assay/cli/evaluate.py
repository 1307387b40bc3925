"""`assay eval`: precision, recall and F1 against labeled truth, or from blind labels."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli import measure_common as mc
from assay.cli.app import app
from assay.errors import UsageError


@app.command("eval")
def evaluate(
    args: list[str] | None = mc.PATH_ARGS,
    truth: Path | None = typer.Option(None, "--truth", "-t",
                                      help="Truth file: OWASP expected-results CSV, SARIF, "
                                           "or a YAML/JSON list of {cwe, path, start, end, "
                                           "vulnerable}."),
    from_ids: list[str] | None = mc.FROM_IDS,
    from_files: list[Path] | None = mc.FROM_FILES,
    labels: bool = typer.Option(False, "--labels",
                                help="Score from blind labels in the ledger (unblinds the "
                                     "sample): precision per scanner."),
    sample: str | None = typer.Option(None, "--sample",
                                      help="Label sample id (default: the newest)."),
    tolerance: int = mc.TOLERANCE,
    ignore_unlabeled: bool = typer.Option(False, "--ignore-unlabeled",
                                          help="Findings matching no truth item are not "
                                               "false positives (for partial truth)."),
    no_check_files: bool = typer.Option(False, "--no-check-files",
                                        help="Do not check truth paths against the tree."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap over runs."),
    resamples: int = typer.Option(2000, "--resamples", min=100,
                                  help="Bootstrap resamples (over runs)."),
    ledger: str | None = mc.LEDGER,
    as_json: bool = mc.JSON,
    output: Path | None = mc.OUTPUT,
) -> None:
    """Score runs against truth: precision, recall and F1 per scanner and per CWE.

    One run: each score with a Wilson 95% interval over its findings. Several runs of one
    scanner (same commit, scope and configuration): scores over distinct findings, plus
    the mean over runs with a seeded bootstrap interval over runs, and precision and
    recall at every consensus threshold. Per-file truth (OWASP Benchmark CSV) also
    reports TPR, FPR and the category-averaged TPR − FPR.
    """
    from assay.app import measure

    source = mc.inputs(args, from_ids, from_files)
    if labels:
        if truth is not None or source.existing:
            raise UsageError("--labels scores a label sample; it takes no --truth or runs")
        _labels(source.path, ledger, sample, as_json, output)
        return
    if truth is None:
        raise UsageError("no truth given", "pass --truth FILE, or --labels to use blind labels")
    if not source.existing:
        raise UsageError("no runs to evaluate", "pass --from RUN_ID or --from-files FILE")
    mc.progress("loading runs")
    runs = measure.load_runs(source.run_ids, source.files, path=source.path, ledger=ledger)
    mc.progress(f"scoring {len(runs)} runs against {truth.name}")
    report = measure.evaluate_runs(runs, truth, path=None if no_check_files else source.path,
                                   tolerance=tolerance, unlabeled_as_fp=not ignore_unlabeled,
                                   seed=seed, resamples=resamples)
    if as_json:
        from assay.formats.measure_json import eval_to_document

        mc.emit_json(eval_to_document(report), output)
        return
    from assay.report.measure_terminal import render_eval

    mc.emit_text(lambda console: render_eval(report, console), output)


def _labels(path: Path, ledger: str | None, sample: str | None, as_json: bool,
            output: Path | None) -> None:
    from assay.app.label import precision_from_labels

    result = precision_from_labels(path, sample, ledger=ledger)
    if as_json:
        from assay.formats.measure_json import label_eval_to_document

        mc.emit_json(label_eval_to_document(result.sample_id, result.scores, result.population),
                     output)
        return
    from assay.report.measure_terminal import render_label_precision

    mc.emit_text(lambda console: render_label_precision(result.sample_id, result.scores,
                                                        result.population, console), output)
