"""Compose the memo: measure the runs with `assay.measure`, then lay out words and figures.

Runs are grouped by scanner setup (`bandit`, `bandit+semgrep`, `llm`, ...) and, within a
setup, like for like: same commit, same scope, same scanner configuration
(`assay.measure.groups`). Drift is measured within every group of two or more runs and
never across groups; the memo has one section per group saying which it is. LLM
findings are listed with their trust state (`report.trust_section`). Findings
variance is shown for each commit and scope where two or more setups ran (or, failing
that, for the one with the most runs). Accuracy comes in ready-made from the caller (it
needs truth).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assay import __version__
from assay.measure.drift import DriftReport, measure_drift
from assay.measure.errors import MeasureError
from assay.measure.evaluate import EvalReport
from assay.measure.groups import group_key, group_runs
from assay.measure.matching import DEFAULT_TOLERANCE
from assay.measure.runs import run_facts, status_counts
from assay.measure.variance import CompareReport, compare_runs, run_label
from assay.model import Run
from assay.report import groups_view, runs_view, sections, summary
from assay.report.accuracy_view import AccuracyView, accuracy_view
from assay.report.memo import Chart, Memo, Note
from assay.report.trust_section import trust_section

MAX_HEATMAP_RUNS = 12
MAX_HEATMAPS = 3


@dataclass(frozen=True)
class MemoOptions:
    """Knobs of the measurement shown in the memo."""

    title: str = "Security scanner measurement"
    tolerance: int = DEFAULT_TOLERANCE
    seed: int = 0
    resamples: int = 2000


@dataclass(frozen=True)
class Measured:
    """What `assay.measure` said about the runs."""

    runs: tuple[Run, ...]
    drifts: dict[str, DriftReport]
    compares: tuple[CompareReport, ...]


def measure(runs: Sequence[Run], options: MemoOptions) -> Measured:
    """Drift per scanner setup and findings variance per shared commit."""
    ordered = tuple(sorted(runs, key=lambda r: (run_label(r), r.target.commit or "", r.id)))
    by_setup: dict[str, list[Run]] = defaultdict(list)
    for run in ordered:
        by_setup[run_label(run)].append(run)
    drifts = {}
    for setup, group in sorted(by_setup.items()):
        repeated = _repeated(group)
        if repeated:
            drifts[setup] = measure_drift(repeated, options.tolerance, options.seed,
                                          options.resamples)
    return Measured(ordered, drifts, _compares(ordered, options.tolerance))


def _repeated(runs: Sequence[Run]) -> list[Run]:
    """The runs of this setup whose group (commit, scope, configuration) has 2 or more."""
    return [r for g in group_runs(runs) if len(g.runs) >= 2 for r in g.runs]


def _compares(runs: Sequence[Run], tolerance: int) -> tuple[CompareReport, ...]:
    by_commit: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        if run.complete:
            key = group_key(run)
            by_commit[f"{key.commit}\0{key.scope}"].append(run)
    shared = [c for c, group in by_commit.items() if len({run_label(r) for r in group}) >= 2]
    if not shared and by_commit:
        busiest = max(by_commit.items(), key=lambda item: (len(item[1]), item[0]))
        shared = [busiest[0]] if len(busiest[1]) >= 2 else []
    reports = []
    for commit in sorted(shared)[:MAX_HEATMAPS]:
        group = _spread(by_commit[commit])
        try:
            reports.append(compare_runs(group, tolerance=tolerance))
        except MeasureError:
            continue
    return tuple(reports)


def _spread(runs: Sequence[Run]) -> list[Run]:
    """At most MAX_HEATMAP_RUNS runs, taken round-robin across setups."""
    queues: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        queues[run_label(run)].append(run)
    picked: list[Run] = []
    while len(picked) < min(MAX_HEATMAP_RUNS, len(runs)):
        for queue in queues.values():
            if queue and len(picked) < MAX_HEATMAP_RUNS:
                picked.append(queue.pop(0))
    return picked


def build_memo(runs: Sequence[Run], options: MemoOptions | None = None,
               evaluation: EvalReport | None = None,
               states: Mapping[str, str] | None = None) -> Memo:
    """The memo for `runs`, with accuracy when an evaluation against truth is given.

    `states` is the lifecycle state of LLM findings by fingerprint (from the ledger):
    the memo lists each LLM finding with its trust state (`unverified` without one).
    MeasureError when there are no runs.
    """
    if not runs:
        raise MeasureError("no runs to report on",
                           "pass --run ID (see `assay runs`) or --from-files FILE...")
    opts = options or MemoOptions()
    measured = measure(runs, opts)
    accuracy = accuracy_view(evaluation) if evaluation is not None else AccuracyView(
        (Note("accuracy", "Precision and recall",
              "no truth was given (pass --truth FILE), so accuracy is not measured"),), (), ())
    figures: list[Chart | Note] = [
        sections.drift_histogram(measured.drifts),
        sections.support_histogram(measured.drifts),
        sections.jaccard_per_commit(measured.drifts),
        *accuracy.figures,
        *[sections.variance_heatmap(c) for c in measured.compares],
    ]
    if not measured.compares:
        figures.append(Note("variance", "Findings variance",
                            "no commit has two or more complete runs to compare"))
    stage_charts, stage_notes = runs_view.stage_charts(measured.runs)
    figures += [*stage_charts, *stage_notes, sections.coverage_per_run(measured.runs)]
    groups = groups_view.group_sections(measured.runs, measured.drifts)
    trust_lines, trust_tables = trust_section(measured.runs, states)
    return Memo(
        title=opts.title,
        groups=groups,
        summary=(*summary.overview(measured.runs), *groups_view.summary_lines(groups),
                 *summary.drift_lines(measured.drifts),
                 *accuracy.lines, *summary.cost_lines(measured.runs),
                 *summary.incomplete_lines(measured.runs), *trust_lines),
        method=summary.method(opts.tolerance, opts.seed, opts.resamples),
        charts=tuple(f for f in figures if isinstance(f, Chart)),
        missing=tuple(f for f in figures if isinstance(f, Note)),
        tables=(*accuracy.tables, *trust_tables),
        incomplete=runs_view.incomplete_table(measured.runs),
        provenance=runs_view.provenance_table(measured.runs),
        facts=(("runs", len(measured.runs)),
               ("setups", sorted({run_label(r) for r in measured.runs})),
               ("commits", sorted({r.target.commit or "" for r in measured.runs})),
               ("outcomes", status_counts(run_facts(r) for r in measured.runs))),
        assay_version=__version__,
    )

