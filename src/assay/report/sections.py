"""Figures of the memo drawn from measurements (drift and findings variance).

Each builder takes results computed by `assay.measure` and returns a `Chart` (or a `Note`
saying why there is nothing to draw); no metric is computed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assay.measure.drift import CommitDrift, DriftReport, PairJaccard
from assay.measure.runs import short_commit
from assay.measure.variance import CompareReport, run_label
from assay.model import Run
from assay.report import plots
from assay.report.memo import Chart, Note, Table

JACCARD_BINS = tuple(i / 10 for i in range(11))
Drifts = Mapping[str, DriftReport]


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _pairs(d: DriftReport) -> list[PairJaccard]:
    """Pairs of runs within each group (never a pair of runs of two groups)."""
    return [p for c in d.commits if c.jaccard is not None for p in c.jaccard.pairs]


def drift_histogram(drifts: Drifts) -> Chart | Note:
    """Distribution of pairwise Jaccard between repeated runs, per scanner setup."""
    series = {name: [p.jaccard for p in _pairs(d)] for name, d in drifts.items() if _pairs(d)}
    if not series:
        return Note("drift", "Run drift",
                    "no scanner was run more than once on the same commit with complete runs, "
                    "so there is no run-to-run agreement to show")
    rows = []
    for name, d in drifts.items():
        for p in _pairs(d):
            rows.append((name, p.left, p.right, str(p.matched), str(p.left_only),
                         str(p.right_only), _num(p.jaccard)))
    return Chart(
        "drift", "Run drift: agreement between repeated runs",
        "Each pair of runs of the same scanner on the same code is scored by Jaccard: "
        "findings both runs reported divided by findings either reported. 1.0 means the "
        "two runs agreed exactly; a stable scanner puts every pair at 1.0.",
        plots.histogram(series, bins=JACCARD_BINS, title="", xlabel="pairwise Jaccard",
                        ylabel="run pairs", salt="drift"),
        Table(("Scanners", "Run A", "Run B", "Both", "Only A", "Only B", "Jaccard"),
              tuple(rows)))


def support_histogram(drifts: Drifts) -> Chart | Note:
    """How many findings were found in k of the N repeated runs, per scanner setup."""
    measured = {name: d for name, d in drifts.items() if _pairs(d)}
    if not measured:
        return Note("support", "Finding support", "no repeated runs to count support over")
    top = max(k for d in measured.values() for k in d.support)
    ks = list(range(1, top + 1))
    series = {name: [float(d.support.get(k, 0)) for k in ks] for name, d in measured.items()}
    rows = tuple((name, str(k), str(count))
                 for name, d in measured.items() for k, count in sorted(d.support.items()))
    return Chart(
        "support", "Finding support: found in k of N runs",
        "For each distinct finding, the number of repeated runs that reported it. Findings "
        "at the right were reported every time; findings at k = 1 appeared in a single run "
        "and are the least reproducible.",
        plots.bars([str(k) for k in ks], series, title="", xlabel="runs that found it (k)",
                   ylabel="findings", salt="support"),
        Table(("Scanners", "k", "Findings"), rows))


def _where(c: CommitDrift) -> str:
    """A group on an axis: its commit, and its scope unless it is the whole tree."""
    scope = "" if c.scope == "whole tree" else f" {c.scope}"
    return f"{c.commit or ''}{scope}"


def _where_label(where: str) -> str:
    commit, _, scope = where.partition(" ")
    return short_commit(commit or None) + (f" {scope}" if scope else "")


def jaccard_per_commit(drifts: Drifts) -> Chart | Note:
    """Mean pairwise Jaccard in each group (commit and scope) with its bootstrap interval."""
    commits = sorted({_where(c) for d in drifts.values() for c in d.commits
                      if c.jaccard is not None})
    if not commits:
        return Note("jaccard", "Jaccard per commit", "no commit had two or more complete runs")
    series: dict[str, list[float]] = {}
    errors: dict[str, list[tuple[float, float]]] = {}
    rows = []
    for name, d in drifts.items():
        by_commit = {_where(c): c for c in d.commits if c.jaccard is not None}
        if not by_commit:
            continue
        series[name], errors[name] = [], []
        for commit in commits:
            summary = by_commit[commit].jaccard if commit in by_commit else None
            value = summary.mean if summary else 0.0
            interval = summary.interval if summary else None
            series[name].append(value)
            errors[name].append((interval.low, interval.high) if interval else (value, value))
            if summary is not None:
                rows.append((name, _where_label(commit),
                             str(len(by_commit[commit].measured)), _num(summary.mean),
                             _num(summary.min), _num(summary.median),
                             _num(interval.low if interval else None),
                             _num(interval.high if interval else None)))
    return Chart(
        "jaccard", "Jaccard per commit",
        "Mean pairwise Jaccard of the repeated runs at each commit; the bar ends show the "
        "95% bootstrap interval (runs resampled with replacement).",
        plots.bars([_where_label(c) for c in commits], series, title="",
                   xlabel="commit", ylabel="mean pairwise Jaccard", errors=errors,
                   ylim=(0.0, 1.05), salt="jaccard"),
        Table(("Scanners", "Commit", "Runs", "Mean", "Min", "Median", "95% low", "95% high"),
              tuple(rows)))


def variance_heatmap(report: CompareReport) -> Chart:
    """Pairwise agreement of the runs (or scanners) compared on one commit."""
    rows = tuple((report.labels[i], report.labels[j], _num(report.matrix[i][j]),
                  str(report.matched[i][j]))
                 for i in range(len(report.labels)) for j in range(i + 1, len(report.labels)))
    uniques = ", ".join(f"{label}: {len(u)}" for label, u in zip(report.labels, report.unique,
                                                                   strict=True))
    return Chart(
        "variance", f"Findings variance at {short_commit(report.commit)}"
                    + ("" if report.scope == "whole tree" else f", {report.scope}"),
        "Agreement (Jaccard) between every two runs on the same commit; a bright diagonal "
        f"and dark elsewhere means each run found different things. Findings no other run "
        f"found: {uniques}.",
        plots.heatmap(report.labels, report.matrix, title="", salt="variance"),
        Table(("Run A", "Run B", "Jaccard", "Matched"), rows))


def coverage_per_run(runs: Sequence[Run]) -> Chart | Note:
    """Files each run reviewed out of the files in its scope, as the run recorded them.

    For an LLM review a file counts as reviewed only when the run says so (files it did
    not read are skipped with a reason); this figure reads the run, it judges nothing.
    """
    if not runs:
        return Note("coverage", "Review coverage per run", "no runs")
    labels = [f"{r.id[-8:]} {run_label(r)}" for r in runs]
    shares = [r.coverage.analyzed / r.coverage.in_scope if r.coverage.in_scope else 0.0
              for r in runs]
    rows = tuple((r.id, run_label(r), short_commit(r.target.commit), r.target.scope_label,
                  str(r.coverage.analyzed), str(r.coverage.in_scope),
                  _num(share), ", ".join(f"{n} {why}" for why, n in
                                         r.coverage.skipped_by_reason().items()) or "-")
                 for r, share in zip(runs, shares, strict=True))
    return Chart(
        "coverage", "Review coverage per run",
        "The share of the files in each run's scope that the run reviewed (analyzed), as "
        "recorded by the run. A run below 1.0 left files unread; the table says why.",
        plots.bars(labels, {"reviewed / in scope": shares}, title="", xlabel="run",
                   ylabel="files reviewed / in scope", ylim=(0.0, 1.05), salt="coverage"),
        Table(("Run", "Scanners", "Commit", "Scope", "Reviewed", "In scope", "Share",
               "Not reviewed"), rows))
