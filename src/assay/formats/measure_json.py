"""JSON documents of the measurement commands: `assay.drift/1`, `assay.eval/1`,
`assay.compare/1`, `assay.label-sample/1`, `assay.label-eval/1`.

Every document is a pure function of its report (stable key and list order, floats
rounded to 6 places), so the same runs give byte-identical output. docs/measure.md
describes each schema field by field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.measure.consensus import source_runs
from assay.measure.drift import CommitDrift, DriftReport, JaccardSummary
from assay.measure.evaluate import EvalReport, LabelScore, RunSpread, ScannerEval
from assay.measure.owasp import OwaspScore
from assay.measure.runs import RunFacts
from assay.measure.scores import Scores
from assay.measure.stats import Interval, Proportion, RunMean
from assay.measure.truth import TruthItem
from assay.measure.variance import CompareReport
from assay.model import Finding, Run

DRIFT_SCHEMA = "assay.drift/1"
EVAL_SCHEMA = "assay.eval/1"
COMPARE_SCHEMA = "assay.compare/1"
LABEL_SAMPLE_SCHEMA = "assay.label-sample/1"
LABEL_EVAL_SCHEMA = "assay.label-eval/1"


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def interval_doc(interval: Interval | None) -> dict[str, Any] | None:
    """An interval as {low, high, confidence}."""
    if interval is None:
        return None
    return {"low": _r(interval.low), "high": _r(interval.high),
            "confidence": interval.confidence}


def proportion_doc(p: Proportion) -> dict[str, Any]:
    """A proportion as {value, successes, total, interval}."""
    return {"value": _r(p.value), "successes": p.successes, "total": p.total,
            "interval": interval_doc(p.interval)}


def finding_ref(f: Finding) -> dict[str, Any]:
    """The identifying fields of a finding (not the whole finding object)."""
    return {"scanner": f.scanner, "rule_id": f.rule_id, "cwe": f.cwe, "family": f.family,
            "path": f.path, "start_line": f.span.start_line, "end_line": f.span.end_line,
            "severity": f.severity.value, "fingerprint": f.fingerprint, "message": f.message}


def run_doc(r: RunFacts) -> dict[str, Any]:
    """A run's measured facts."""
    return {"id": r.id, "commit": r.commit, "scanners": list(r.scanners), "status": r.outcome,
            "reasons": list(r.reasons), "findings": r.findings,
            "wall_seconds": _r(r.wall_seconds), "tokens_in": r.tokens_in,
            "tokens_out": r.tokens_out, "cost": _r(r.cost), "harness": r.harness or None}


def jaccard_doc(j: JaccardSummary | None) -> dict[str, Any] | None:
    """Pairwise Jaccard summary with every pair."""
    if j is None:
        return None
    return {"mean": _r(j.mean), "min": _r(j.min), "median": _r(j.median),
            "interval": interval_doc(j.interval),
            "pairs": [{"left": p.left, "right": p.right, "jaccard": _r(p.jaccard),
                       "matched": p.matched, "left_only": p.left_only,
                       "right_only": p.right_only} for p in j.pairs]}


def _histogram(h: dict[int, int]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(h.items())}


def commit_drift_doc(c: CommitDrift) -> dict[str, Any]:
    """Drift of one commit."""
    return {
        "commit": c.commit, "scope": c.scope, "configuration": c.config,
        "identical": c.identical,
        "runs": [run_doc(r) for r in c.runs], "measured": list(c.measured),
        "status": c.status, "jaccard": jaccard_doc(c.jaccard), "findings": len(c.clusters),
        "support": _histogram(c.support),
        "singletons": [{"run": s.run_id, "finding": finding_ref(s.finding)}
                       for s in c.singletons],
        "severity_flips": [{"finding": finding_ref(f.finding), "severities": dict(f.severities)}
                           for f in c.flips],
    }


def drift_to_document(report: DriftReport) -> dict[str, Any]:
    """The `assay.drift/1` document."""
    runs = report.runs
    return {
        "schema": DRIFT_SCHEMA, "scanners": list(report.scanners),
        "line_tolerance": report.tolerance,
        "bootstrap": {"seed": report.seed, "resamples": report.resamples,
                      "unit": "runs, resampled within each commit"},
        "overall": {
            "runs": len(runs), "commits": len(report.commits), "status": report.status,
            "jaccard": jaccard_doc(report.jaccard), "support": _histogram(report.support),
            "singletons": report.singletons, "severity_flips": report.flips,
            "wall_seconds": _r(sum(r.wall_seconds for r in runs)),
            "tokens_in": sum(r.tokens_in for r in runs),
            "tokens_out": sum(r.tokens_out for r in runs),
            "cost": _r(sum(r.cost for r in runs)),
        },
        "commits": [commit_drift_doc(c) for c in report.commits],
    }


def scores_doc(s: Scores) -> dict[str, Any]:
    """Counts, precision, recall and F1 with intervals."""
    c = s.counts
    return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "tn": c.tn, "unlabeled": c.unlabeled,
            "precision": proportion_doc(s.precision), "recall": proportion_doc(s.recall),
            "f1": {"value": _r(s.f1.value), "interval": interval_doc(s.f1.interval)}}


def owasp_doc(o: OwaspScore | None) -> dict[str, Any] | None:
    """Per-category TPR/FPR/score and their averages."""
    if o is None:
        return None
    return {"tpr": _r(o.tpr), "fpr": _r(o.fpr), "score": _r(o.score),
            "categories": [{"category": c.category, "cwe": c.cwe, "tp": c.counts.tp,
                            "fn": c.counts.fn, "fp": c.counts.fp, "tn": c.counts.tn,
                            "tpr": proportion_doc(c.tpr), "fpr": proportion_doc(c.fpr),
                            "score": _r(c.score)} for c in o.categories]}


def run_mean_doc(m: RunMean) -> dict[str, Any]:
    """A score averaged over runs with its bootstrap interval over runs."""
    return {"value": _r(m.value), "scored": m.scored, "runs": m.runs,
            "interval": interval_doc(m.interval)}


def spread_doc(s: RunSpread | None) -> dict[str, Any] | None:
    """Precision, recall and F1 over repeated runs (null for a single run)."""
    if s is None:
        return None
    return {"precision": run_mean_doc(s.precision), "recall": run_mean_doc(s.recall),
            "f1": run_mean_doc(s.f1),
            "bootstrap": {"seed": s.seed, "resamples": s.resamples, "unit": "runs"}}


def scanner_eval_doc(s: ScannerEval) -> dict[str, Any]:
    """One scanner's evaluation."""
    return {
        "scanner": s.scanner, "group": s.group, "distinct": s.distinct,
        "scores": scores_doc(s.scores), "over_runs": spread_doc(s.spread),
        "runs": [{"run": run_doc(r.run), "scores": scores_doc(r.scores)} for r in s.runs],
        "by_cwe": [{"cwe": c.cwe, "scores": scores_doc(c.scores)} for c in s.by_cwe],
        "owasp": owasp_doc(s.owasp),
        "consensus": [{"k": row.k, "n": row.n, "findings": row.findings,
                       "scores": scores_doc(row.scores), "tokens": row.tokens,
                       "cost": _r(row.cost)} for row in s.consensus],
    }


def truth_item_doc(i: TruthItem) -> dict[str, Any]:
    """A truth item."""
    return {"path": i.path, "cwe": i.cwe, "vulnerable": i.vulnerable,
            "start_line": i.span.start_line if i.span else None,
            "end_line": i.span.end_line if i.span else None, "category": i.category}


def eval_to_document(report: EvalReport) -> dict[str, Any]:
    """The `assay.eval/1` document."""
    t = report.truth
    return {
        "schema": EVAL_SCHEMA,
        "truth": {"source": t.source, "granularity": t.granularity.value,
                  "items": len(t.items), "vulnerable": t.positives,
                  "missing": [truth_item_doc(i) for i in report.missing],
                  "files_checked": report.files_checked},
        "line_tolerance": report.tolerance, "unlabeled_as_fp": report.unlabeled_as_fp,
        "scanners": [scanner_eval_doc(s) for s in report.scanners],
    }


def compare_to_document(report: CompareReport) -> dict[str, Any]:
    """The `assay.compare/1` document."""
    return {
        "schema": COMPARE_SCHEMA, "commit": report.commit, "scope": report.scope,
        "line_tolerance": report.tolerance,
        "labels": list(report.labels), "runs": [run_doc(r) for r in report.runs],
        "jaccard": [[_r(v) for v in row] for row in report.matrix],
        "matched": [list(row) for row in report.matched],
        "unique": [{"label": label, "count": len(found),
                    "findings": [finding_ref(f) for f in found]}
                   for label, found in zip(report.labels, report.unique, strict=True)],
    }


def label_eval_to_document(sample_id: str, scores: Sequence[LabelScore],
                           population: dict[str, int]) -> dict[str, Any]:
    """The `assay.label-eval/1` document: precision per scanner from blind labels."""
    return {
        "schema": LABEL_EVAL_SCHEMA, "sample": sample_id,
        "scanners": [{"scanner": s.scanner, "population": population.get(s.scanner),
                      "true": s.true, "false": s.false, "unsure": s.unsure,
                      "unlabeled": s.unlabeled, "precision": proportion_doc(s.precision)}
                     for s in scores],
    }


def consensus_doc(run: Run) -> dict[str, Any]:
    """A consensus run in brief: the rule, the runs it came from, the findings it kept."""
    props = dict(run.properties)
    return {"run": run.id, "commit": run.target.commit, "rule": props.get("consensus", ""),
            "runs": list(source_runs(run)),
            "kept": len(run.findings), "dropped": int(props.get("consensus_dropped", "0")),
            "findings": [{**finding_ref(f), "support": _support(f)} for f in run.findings]}


def _support(f: Finding) -> str:
    return next((t.removeprefix("support:") for t in f.tags if t.startswith("support:")), "")
