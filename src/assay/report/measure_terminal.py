"""Terminal views of the measurement commands: `compare`, `drift` and `eval` (against
truth or from blind labels), drawn on a console from the values of `assay.measure`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assay.formats.escape import visible
from assay.measure.drift import CommitDrift, DriftReport, JaccardSummary
from assay.measure.evaluate import EvalReport, LabelScore, ScannerEval
from assay.measure.owasp import OwaspScore
from assay.measure.runs import short_commit
from assay.measure.scores import Scores
from assay.measure.stats import Interval, Proportion, RunMean
from assay.measure.variance import CompareReport
from assay.model import Run
from assay.report.terminal import add_row, line

UNIQUE_SHOWN = 10


def fmt(value: float | None, digits: int = 3) -> str:
    """A number for tables ('—' when undefined)."""
    return "—" if value is None else f"{value:.{digits}f}"


def fmt_interval(interval: Interval | None, digits: int = 3) -> str:
    """`[low, high]` ('' when there is no interval)."""
    if interval is None:
        return ""
    return f"[{interval.low:.{digits}f}, {interval.high:.{digits}f}]"


def fmt_proportion(p: Proportion) -> str:
    """`0.812 [0.700, 0.890] (13/16)`."""
    return f"{fmt(p.value)} {fmt_interval(p.interval)} ({p.successes}/{p.total})"


# compare


def render_compare(report: CompareReport, console: Console) -> None:
    """The comparison as text: the Jaccard matrix, then each run's unique findings."""
    commit = (report.commit or "(no commit)")[:12]
    console.print(line(("compare", "bold"), f" {len(report.labels)} runs at ", commit,
                       ", ", visible(report.scope),
                       f", line tolerance {report.tolerance} (Jaccard; 1.000 = same findings)"))
    table = Table(header_style="bold")
    table.add_column("")
    harness = any(f.harness for f in report.runs)
    if harness:
        table.add_column("harness")
    table.add_column("findings", justify="right")
    for label in report.labels:
        table.add_column(Text(visible(label)), justify="right")
    for label, facts, row in zip(report.labels, report.runs, report.matrix, strict=True):
        add_row(table, label, *((facts.harness or "-",) if harness else ()),
                str(facts.findings), *(fmt(v) for v in row))
    console.print(table)
    for label, unique in zip(report.labels, report.unique, strict=True):
        console.print()
        console.print(line((visible(label), "bold"),
                           f": {len(unique)} finding(s) no other run found"))
        for f in unique[:UNIQUE_SHOWN]:
            console.print(line("  ", f.family, " ", f"{f.path}:{f.span.start_line}", " ",
                               f.rule_id))
        if len(unique) > UNIQUE_SHOWN:
            console.print(f"  … and {len(unique) - UNIQUE_SHOWN} more (see --json)")


# drift


def _jaccard_line(j: JaccardSummary | None, runs: int = 2) -> str:
    if j is None and runs < 2:
        return "Jaccard: not measured (a single run in this group; nothing to compare with)"
    if j is None:
        return "Jaccard: not measured (fewer than 2 complete runs)"
    return (f"Jaccard mean {fmt(j.mean)} {fmt_interval(j.interval)}  "
            f"min {fmt(j.min)}  median {fmt(j.median)}  ({len(j.pairs)} pairs)")


def _support_line(support: dict[int, int], runs: int) -> str:
    parts = [f"{k}/{runs}: {v}" for k, v in sorted(support.items(), reverse=True)]
    return "found in " + ", ".join(parts) if parts else "no findings"


def render_drift(report: DriftReport, consensus: tuple[Run, ...], console: Console) -> None:
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
        console.print(f"  deterministic: identical in {c.identical} of {len(c.measured)} runs"
                      if any(c.support.values()) else
                      "  no run reported a finding: their agreement says nothing about "
                      "repeatability")
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


# eval


def render_label_precision(sample_id: str, scores: tuple[LabelScore, ...],
                           population: dict[str, int], console: Console) -> None:
    """Per-scanner precision from blind labels, as text."""
    console.print(line(("precision from blind labels", "bold"), " (sample ", sample_id,
                       "; unsure and unlabeled items are left out)"))
    table = Table(header_style="bold")
    for column in ("scanner", "findings", "true", "false", "unsure", "unlabeled",
                   "precision [95% CI]"):
        table.add_column(column)
    for s in scores:
        add_row(table, s.scanner, str(population.get(s.scanner, "")), str(s.true),
                str(s.false), str(s.unsure), str(s.unlabeled), fmt_proportion(s.precision))
    console.print(table)


def _score_cells(s: Scores) -> list[str]:
    c = s.counts
    return [str(c.tp), str(c.fp), str(c.fn), fmt_proportion(s.precision),
            fmt_proportion(s.recall), f"{fmt(s.f1.value)} {fmt_interval(s.f1.interval)}"]


def _score_table(first: str) -> Table:
    table = Table(header_style="bold")
    for column in (first, "TP", "FP", "FN", "precision [95% CI]", "recall [95% CI]",
                   "F1 [95% CI]"):
        table.add_column(column)
    return table


def render_eval(report: EvalReport, console: Console) -> None:
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
    return f"{fmt(m.value)} {fmt_interval(m.interval)}{scored}".strip()


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
                fmt(c.tpr.value), fmt(c.fpr.value), fmt(c.score))
    add_row(table, Text("average", style="bold"), "", "", "", "", "", fmt(o.tpr),
            fmt(o.fpr), fmt(o.score))
    console.print(table)
