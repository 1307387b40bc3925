"""The parts of the memo read straight off the runs: provenance, incomplete runs, stages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from statistics import fmean

from assay.measure.runs import outcome, short_commit
from assay.measure.variance import run_label
from assay.model import Run, StageMetrics
from assay.report import plots
from assay.report.memo import Chart, Note, Table

SHORT = 12


def commit_label(run: Run) -> str:
    """The analyzed commit, short, marked when the work tree had uncommitted changes."""
    return short_commit(run.target.commit) + ("+dirty" if run.target.dirty else "")


def provenance_table(runs: Sequence[Run]) -> Table:
    """One row per run: what produced it and what it analyzed."""
    rows = []
    for run in runs:
        prov = run.provenance
        scanners = "; ".join(f"{s.name} {s.version}".strip() for s in prov.scanners)
        extra = "; ".join(f"{k}={v}" for s in prov.scanners for k, v in s.extra)
        rows.append((run.id, run.status.value, scanners, extra or "-",
                     prov.rules_hash[:SHORT] or "-", commit_label(run), run.target.scope,
                     prov.config_hash[:SHORT] or "-", prov.assay_version or "-",
                     run.metrics.started_at or "-"))
    return Table(("Run", "Status", "Scanners", "Model / prompt / settings", "Rules hash",
                  "Commit", "Scope", "Config hash", "assay", "Started"), tuple(rows))


def incomplete_table(runs: Sequence[Run]) -> Table:
    """One row per incomplete run, with every reason it gives."""
    rows = []
    for run in runs:
        if run.complete:
            continue
        why = list(run.reasons)
        why += [f"{o.name}: {o.reason}" for o in run.scanners
                if o.reason and o.reason not in run.reasons]
        gaps = run.coverage.skipped_by_reason()
        if run.coverage.gaps:
            why.append("files not analyzed: " + ", ".join(
                f"{n} {reason}" for reason, n in gaps.items()))
        rows.append((run.id, run_label(run), outcome(run), commit_label(run),
                     f"{run.coverage.analyzed}/{run.coverage.in_scope}",
                     "; ".join(dict.fromkeys(why)) or "no reason recorded"))
    return Table(("Run", "Scanners", "Outcome", "Commit", "Files analyzed", "Why"),
                 tuple(rows))


def _stages_by_setup(runs: Sequence[Run]) -> dict[str, dict[str, list[StageMetrics]]]:
    grouped: dict[str, dict[str, list[StageMetrics]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        for stage in run.metrics.stages:
            grouped[run_label(run)][stage.name].append(stage)
    return grouped


def stage_table(runs: Sequence[Run]) -> Table:
    """Mean wall time, tokens and cost per stage and scanner setup, over the runs."""
    rows = []
    for setup, stages in sorted(_stages_by_setup(runs).items()):
        for name, items in sorted(stages.items()):
            rows.append((setup, name, str(len(items)),
                         f"{fmean(s.wall_seconds for s in items):.3f}",
                         f"{fmean(s.tokens_in for s in items):.0f}",
                         f"{fmean(s.tokens_out for s in items):.0f}",
                         f"{fmean(s.cost for s in items):.4f}"))
    return Table(("Scanners", "Stage", "Runs", "Mean seconds", "Mean tokens in",
                  "Mean tokens out", "Mean cost"), tuple(rows))


def stage_charts(runs: Sequence[Run]) -> tuple[list[Chart], list[Note]]:
    """Latency per stage, and tokens per stage when any stage used tokens."""
    table = stage_table(runs)
    if not table.rows:
        return [], [Note("stages", "Latency and tokens per stage",
                         "the runs carry no stage measurements (imported runs often do not)")]
    stages = sorted({row[1] for row in table.rows})
    setups = sorted({row[0] for row in table.rows})
    cell = {(row[0], row[1]): row for row in table.rows}

    def series(column: int) -> dict[str, list[float]]:
        return {s: [float(cell[(s, st)][column]) if (s, st) in cell else 0.0 for st in stages]
                for s in setups}

    charts = [Chart("latency", "Latency per stage",
                    "Mean wall-clock seconds each stage took per run, by scanner setup.",
                    plots.bars(stages, series(3), title="", xlabel="stage",
                               ylabel="seconds (mean per run)", salt="latency"), table)]
    notes: list[Note] = []
    tokens_in, tokens_out = series(4), series(5)
    tokens = {s: [a + b for a, b in zip(tokens_in[s], tokens_out[s], strict=True)]
              for s in setups}
    if any(v for values in tokens.values() for v in values):
        charts.append(Chart(
            "tokens", "Tokens and cost per stage",
            "Mean tokens (input plus output) each stage used per run; the cost column of "
            "the table gives the money spent, in the currency of the configured price table.",
            plots.bars(stages, tokens, title="", xlabel="stage", ylabel="tokens (mean per run)",
                       salt="tokens"), table))
    else:
        notes.append(Note("tokens", "Tokens and cost per stage",
                          "no stage used a language model, so no tokens and no cost"))
    return charts, notes
