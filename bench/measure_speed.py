"""Speed of the measurement core on synthetic runs of realistic shape.

    .venv/bin/python bench/measure_speed.py [--repeat 5]

- drift: 10 runs x 10,000 findings of one commit (each run keeps ~90% of a base set with
  lines jittered by up to 2, plus ~10% findings of its own), 2,000 bootstrap resamples;
- eval: one run of 100,000 findings against 60,000 truth locations (per scanner, per CWE);
- eval with consensus: 10 runs x 10,000 findings against 6,000 truth locations
  (scores of the runs, plus the precision/recall table at every support threshold);
- report: the HTML memo of the 10 drift runs (drift, variance heatmap, every figure).

Prints the median and the range of wall times over the repetitions; the target is under
2 seconds for each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from assay.measure.drift import measure_drift
from assay.measure.evaluate import evaluate
from assay.measure.truth import Granularity, Truth, TruthItem
from assay.model import (
    Confidence,
    Coverage,
    Finding,
    Provenance,
    Run,
    RunId,
    RunStatus,
    ScannerInfo,
    Severity,
    Span,
    Target,
)
from assay.report.compose import build_memo
from assay.report.html import memo_to_html

CWES = (22, 78, 79, 89, 94, 327, 328, 502, 611, 798)
SEVERITIES = (Severity.HIGH, Severity.MEDIUM, Severity.LOW)
TARGET_SECONDS = 2.0


def base_findings(rng: random.Random, n: int, files: int) -> list[Finding]:
    """n distinct findings spread over `files` files."""
    out = []
    for i in range(n):
        start = rng.randint(1, 2000)
        out.append(Finding("bench", f"R{i % 40}", f"src/pkg{i % 25}/mod{rng.randrange(files)}.py",
                           Span(start, start + rng.randint(0, 3)), rng.choice(SEVERITIES),
                           Confidence.MEDIUM, "synthetic", cwe=rng.choice(CWES)))
    return out


def jittered(rng: random.Random, base: list[Finding], keep: float) -> list[Finding]:
    """A run's view of the base set: some dropped, lines moved, some of its own added."""
    out = []
    for f in base:
        if rng.random() < keep:
            shift = rng.randint(-2, 2)
            start = max(1, f.span.start_line + shift)
            out.append(Finding(f.scanner, f.rule_id, f.path,
                               Span(start, start + f.span.end_line - f.span.start_line),
                               f.severity, f.confidence, f.message, cwe=f.cwe))
    out.extend(base_findings(rng, len(base) - len(out), 2000))
    return out


def make_run(run_id: str, findings: list[Finding]) -> Run:
    """A complete run of the `bench` scanner at one commit."""
    provenance = Provenance("bench", (ScannerInfo("bench", "1"),), "", Target("/bench",
                                                                               commit="c0ffee"))
    return Run(RunId(run_id), RunStatus.COMPLETE, provenance, Coverage(), tuple(findings))


def truth_of(rng: random.Random, findings: list[Finding], n: int) -> Truth:
    """n truth locations: about half are real findings' locations, the rest elsewhere."""
    items = []
    for f in rng.sample(findings, n // 2):
        items.append(TruthItem(f.path, f.cwe, rng.random() < 0.8, f.span))
    for f in base_findings(rng, n - len(items), 3000):
        items.append(TruthItem(f.path, f.cwe, True, f.span))
    return Truth(tuple(items), Granularity.FINDING, "synthetic")


def timed(label: str, repeat: int, work: Callable[[], object]) -> float:
    """Run `work` `repeat` times; print the median wall and CPU times, return the wall one.

    CPU time is shown too because on a shared machine wall time includes waiting for a core.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    median = statistics.median(walls)
    verdict = "ok" if median < TARGET_SECONDS else "OVER TARGET"
    print(f"{label:54} wall median {median:6.3f} s (min {min(walls):.3f}, max "
          f"{max(walls):.3f})  cpu median {statistics.median(cpus):6.3f} s  n={repeat}  "
          f"{verdict}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(20261125)
    base = base_findings(rng, 10_000, 400)
    drift_runs = [make_run(f"r{i}", jittered(rng, base, 0.9)) for i in range(10)]
    big = make_run("big", base_findings(rng, 100_000, 4000))
    big_truth = truth_of(rng, list(big.findings), 60_000)
    small_truth = truth_of(rng, base, 6_000)
    report = measure_drift(drift_runs)
    assert report.jaccard is not None
    print(f"drift check: mean Jaccard {report.jaccard.mean:.3f}, "
          f"{sum(report.support.values())} distinct findings")
    timed("drift: 10 runs x 10,000 findings (2,000 resamples)", args.repeat,
          lambda: measure_drift(drift_runs))
    timed("eval: 100,000 findings vs 60,000 truth locations", args.repeat,
          lambda: evaluate([big], big_truth))
    timed("eval: 10 runs x 10,000 findings with consensus table", args.repeat,
          lambda: evaluate(drift_runs, small_truth))
    timed("report: HTML memo of the 10 drift runs", args.repeat,
          lambda: memo_to_html(build_memo(drift_runs)))


if __name__ == "__main__":
    main()
