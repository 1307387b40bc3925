"""`assay eval`: precision, recall and F1 against labeled truth, or from blind labels."""

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
from assay.measure.evaluate import EvalReport, LabelScore, ScannerEval
from assay.measure.owasp import OwaspScore
from assay.measure.scores import Scores
from assay.measure.stats import RunMean
from assay.report.terminal import add_row, line


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
    mc.emit_text(lambda console: render(report, console), output)


def _labels(path: Path, ledger: str | None, sample: str | None, as_json: bool,
            output: Path | None) -> None:
    from assay.app.label import open_project_ledger
    from assay.ledger.labels import get_sample, resolve_sample, unblind
    from assay.measure.evaluate import label_precision

    with open_project_ledger(path, ledger) as store:
        sid = resolve_sample(store, sample)
        info = get_sample(store, sid)
        rows = [(scanner, item.item.verdict.value if item.item.verdict else None)
                for item in unblind(store, sid) for scanner in item.scanners]
    scores = label_precision(rows, info.population)
    if as_json:
        from assay.formats.measure_json import label_eval_to_document

        mc.emit_json(label_eval_to_document(sid, scores, info.population), output)
        return
    mc.emit_text(lambda console: render_labels(sid, scores, info.population, console), output)


def render_labels(sample_id: str, scores: tuple[LabelScore, ...], population: dict[str, int],
                  console: Console) -> None:
    """Per-scanner precision from blind labels, as text."""
    console.print(line(("precision from blind labels", "bold"), " (sample ", sample_id,
                       "; unsure and unlabeled items are left out)"))
    table = Table(header_style="bold")
    for column in ("scanner", "findings", "true", "false", "unsure", "unlabeled",
                   "precision [95% CI]"):
        table.add_column(column)
    for s in scores:
        add_row(table, s.scanner, str(population.get(s.scanner, "")), str(s.true),
                str(s.false), str(s.unsure), str(s.unlabeled), mc.fmt_proportion(s.precision))
    console.print(table)


def _score_cells(s: Scores) -> list[str]:
    c = s.counts
    return [str(c.tp), str(c.fp), str(c.fn), mc.fmt_proportion(s.precision),
            mc.fmt_proportion(s.recall), f"{mc.fmt(s.f1.value)} {mc.fmt_interval(s.f1.interval)}"]


def _score_table(first: str) -> Table:
    table = Table(header_style="bold")
    for column in (first, "TP", "FP", "FN", "precision [95% CI]", "recall [95% CI]",
                   "F1 [95% CI]"):
        table.add_column(column)
    return table


def render(report: EvalReport, console: Console) -> None:
    """The evaluation as text."""
    t = report.truth
    console.print(line(("eval", "bold"), " against ", t.source,
                       f": {len(t.items)} {t.granularity.value} items ({t.positives} "
                       f"vulnerable), line tolerance {report.tolerance}"))
    if report.missing:
        console.print(line(("warning", "yellow"), f": {len(report.missing)} truth item(s) "
                           "refer to files not in the scanned tree and were left out:"))
        for item in report.missing[:20]:
            console.print(line("  ", item.path, f" (CWE-{item.cwe})"))
    elif not report.files_checked:
        console.print("truth paths were not checked against the scanned tree")
    table = _score_table("scanner")
    for s in report.scanners:
        what = f"{len(s.runs)} runs, distinct findings" if s.distinct else "1 run"
        add_row(table, f"{s.scanner} ({what})", *_score_cells(s.scores))
    console.print(table)
    spread = [s for s in report.scanners if s.spread is not None]
    if spread:
        _render_spread(spread, console)
    for s in report.scanners:
        _render_scanner(s, console)


def _run_mean(m: RunMean) -> str:
    scored = f" ({m.scored} of {m.runs} runs)" if m.scored != m.runs else ""
    return f"{mc.fmt(m.value)} {mc.fmt_interval(m.interval)}{scored}".strip()


def _render_spread(evals: list[ScannerEval], console: Console) -> None:
    """Scores averaged over runs, with a bootstrap interval whose unit is the run."""
    first = evals[0].spread
    assert first is not None
    console.print()
    console.print(line(("over runs", "bold"), ": each run scored on its own, the mean with "
                       f"a percentile bootstrap over runs (seed {first.seed}, "
                       f"{first.resamples} resamples); repeats are not pooled"))
    table = Table(header_style="bold")
    for column in ("scanner", "runs", "precision [95% CI]", "recall [95% CI]",
                   "F1 [95% CI]"):
        table.add_column(column)
    for s in evals:
        if s.spread is not None:
            add_row(table, s.scanner, str(len(s.runs)), _run_mean(s.spread.precision),
                    _run_mean(s.spread.recall), _run_mean(s.spread.f1))
    console.print(table)


def _render_scanner(s: ScannerEval, console: Console) -> None:
    console.print()
    console.print(line((visible(s.scanner), "bold"), " per CWE"))
    table = _score_table("CWE")
    for c in s.by_cwe:
        table.add_row("none" if c.cwe is None else f"CWE-{c.cwe}", *_score_cells(c.scores))
    console.print(table)
    if s.owasp is not None:
        _render_owasp(s.owasp, console)
    if s.consensus:
        console.print()
        console.print(line((visible(s.scanner), "bold"),
                           f" consensus over {s.consensus[0].n} runs ({s.consensus[0].tokens} "
                           f"tokens, cost {s.consensus[0].cost:.4f} in all)"))
        table = _score_table("support ≥")
        for row in s.consensus:
            table.add_row(f"{row.k}/{row.n} ({row.findings})", *_score_cells(row.scores))
        console.print(table)


def _render_owasp(o: OwaspScore, console: Console) -> None:
    table = Table(header_style="bold")
    for column in ("category", "CWE", "TP", "FN", "FP", "TN", "TPR", "FPR", "score"):
        table.add_column(column)
    for c in o.categories:
        n = c.counts
        add_row(table, c.category, str(c.cwe), str(n.tp), str(n.fn), str(n.fp), str(n.tn),
                mc.fmt(c.tpr.value), mc.fmt(c.fpr.value), mc.fmt(c.score))
    add_row(table, Text("average", style="bold"), "", "", "", "", "", mc.fmt(o.tpr),
            mc.fmt(o.fpr), mc.fmt(o.score))
    console.print(table)
