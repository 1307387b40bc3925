"""The accuracy part of the memo, drawn from an `assay.measure` evaluation against truth."""

from __future__ import annotations

from dataclasses import dataclass

from assay.measure.evaluate import EvalReport, ScannerEval
from assay.measure.scores import Scores
from assay.measure.stats import Proportion
from assay.report import plots
from assay.report.memo import Chart, Note, Table


@dataclass(frozen=True)
class AccuracyView:
    """Figures, summary sentences and tables the memo shows about accuracy."""

    figures: tuple[Chart | Note, ...]
    lines: tuple[str, ...]
    tables: tuple[tuple[str, Table], ...]


def _pct(p: Proportion) -> str:
    return "-" if p.value is None else f"{p.value:.0%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _cells(s: Scores) -> tuple[str, ...]:
    c = s.counts
    return (str(c.tp), str(c.fp), str(c.fn), _num(s.precision.value),
            f"{s.precision.interval.low:.2f}-{s.precision.interval.high:.2f}",
            _num(s.recall.value), f"{s.recall.interval.low:.2f}-{s.recall.interval.high:.2f}",
            _num(s.f1.value))


SCORE_COLUMNS = ("TP", "FP", "FN", "Precision", "Precision 95%", "Recall", "Recall 95%", "F1")


def _intervals(evals: tuple[ScannerEval, ...], metric: str) -> list[plots.Interval]:
    rows = []
    for e in evals:
        p: Proportion = getattr(e.scores, metric)
        if p.value is not None:
            rows.append(plots.Interval(e.scanner, p.value, p.interval.low, p.interval.high))
    return rows


def accuracy_view(report: EvalReport) -> AccuracyView:
    """Precision/recall figure, per-CWE and consensus tables, and plain-words lines."""
    panels = {"precision": _intervals(report.scanners, "precision"),
              "recall": _intervals(report.scanners, "recall")}
    table = Table(("Scanner", *SCORE_COLUMNS),
                  tuple((e.scanner, *_cells(e.scores)) for e in report.scanners))
    figure: Chart | Note
    if any(panels.values()):
        figure = Chart(
            "accuracy", "Precision and recall against labeled truth",
            "Dots are the measured precision (share of reported findings that are real) and "
            "recall (share of known vulnerabilities found); bars are 95% Wilson intervals. "
            f"Truth: {report.truth.source or 'given'}, "
            f"{report.truth.positives} vulnerable of {len(report.truth.items)} items.",
            plots.intervals(panels, title="", salt="accuracy"), table)
    else:
        figure = Note("accuracy", "Precision and recall",
                      "no finding or truth item could be scored (nothing to divide by)")
    return AccuracyView((figure,), tuple(_lines(report)), _tables(report))


def _lines(report: EvalReport) -> list[str]:
    lines = []
    for e in report.scanners:
        s = e.scores
        precision = (
            f"{e.scanner}: it reported no finding that could be scored, so its precision is "
            "undefined" if s.precision.value is None else
            f"{e.scanner}: {_pct(s.precision)} of its scored findings were real (precision, "
            f"95% interval {s.precision.interval.low:.0%} to {s.precision.interval.high:.0%})")
        recall = ("no known vulnerability could be scored (recall undefined)"
                  if s.recall.value is None else
                  f"it found {_pct(s.recall)} of the known vulnerabilities (recall, 95% "
                  f"interval {s.recall.interval.low:.0%} to {s.recall.interval.high:.0%})")
        lines.append(f"{precision}; {recall}.")
        if e.owasp is not None and e.owasp.score is not None:
            lines.append(f"{e.scanner}: OWASP Benchmark-style score (true positive rate minus "
                         f"false positive rate, averaged over categories) {e.owasp.score:.2f}.")
    if report.missing:
        lines.append(f"{len(report.missing)} truth items name files that are not in the "
                     "scanned code; they were left out of the scores and are listed below.")
    return lines


def _tables(report: EvalReport) -> tuple[tuple[str, Table], ...]:
    tables = [("Accuracy per CWE", Table(
        ("Scanner", "CWE", *SCORE_COLUMNS),
        tuple((e.scanner, "none" if c.cwe is None else f"CWE-{c.cwe}", *_cells(c.scores))
              for e in report.scanners for c in e.by_cwe)))]
    consensus = tuple((e.scanner, f"{row.k}/{row.n}", str(row.findings),
                       _num(row.scores.precision.value), _num(row.scores.recall.value),
                       f"{row.tokens:,}", f"{row.cost:.2f}")
                      for e in report.scanners for row in e.consensus)
    if consensus:
        tables.append(("Consensus: findings kept when k of N runs agree", Table(
            ("Scanner", "k/N", "Findings kept", "Precision", "Recall", "Tokens (N runs)",
             "Cost (N runs)"), consensus)))
    if report.missing:
        tables.append(("Truth items naming files not in the scanned code", Table(
            ("Path", "CWE", "Vulnerable"),
            tuple((i.path, "-" if i.cwe is None else f"CWE-{i.cwe}",
                   "yes" if i.vulnerable else "no") for i in report.missing))))
    return tuple(tables)
