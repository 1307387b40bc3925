"""How long the memo takes: measuring and drawing runs of growing size.

    .venv/bin/python bench/report_bench.py [--findings 1000 10000] [--runs 10]

Two scanner setups (one stable, one drifting: each finding kept with probability 0.8,
lines jittered by up to 2) with `--runs` runs each at one commit, scored against a truth
of the stable setup's findings. Prints the median of three builds of the memo (measure +
figures) and of the HTML rendering, and the HTML size.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

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

COMMIT = "c" * 40


def findings(scanner: str, n: int, rng: random.Random | None) -> tuple[Finding, ...]:
    out = []
    for i in range(n):
        if rng is not None and rng.random() > 0.8:
            continue
        line = 10 + (i % 50) * 20 + (rng.randint(-2, 2) if rng else 0)
        out.append(Finding(scanner, "rule", f"pkg/mod{i // 50}.py", Span(line, line),
                           Severity.HIGH, Confidence.MEDIUM, "m", cwe=(89, 79, 22)[i % 3]))
    return tuple(out)


def run(run_id: str, scanner: str, fs: tuple[Finding, ...]) -> Run:
    prov = Provenance("bench", (ScannerInfo(scanner, "1"),), "", Target("/r", commit=COMMIT))
    return Run(RunId(run_id), RunStatus.COMPLETE, prov, Coverage(1, 1), fs)


def median_seconds(action: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def one_size(n: int, per_setup: int) -> None:
    """Time the memo for `per_setup` runs of each setup with about `n` findings each."""
    rng = random.Random(1)
    stable = findings("stable", n, None)
    runs = [run(f"s{i}", "stable", stable) for i in range(per_setup)]
    runs += [run(f"d{i}", "drifting", findings("drifting", n, rng)) for i in range(per_setup)]
    truth = Truth(tuple(TruthItem(f.path, f.cwe, True, f.span) for f in stable),
                  Granularity.FINDING)
    evaluation = evaluate(runs, truth)
    memo_s = median_seconds(lambda: build_memo(runs, evaluation=evaluation))
    memo = build_memo(runs, evaluation=evaluation)
    html_s = median_seconds(lambda: memo_to_html(memo))
    size = len(memo_to_html(memo).encode()) / 1024
    print(f"{n:>12} {len(runs):>5} {memo_s:>8.2f} {html_s:>8.3f} {size:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"{'findings/run':>12} {'runs':>5} {'memo s':>8} {'html s':>8} {'html KiB':>9}")
    for n in args.findings:
        one_size(n, args.runs)

if __name__ == "__main__":
    main()
