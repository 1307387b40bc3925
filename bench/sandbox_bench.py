"""Benchmark the proof sandbox: what bubblewrap adds to a proof run.

    python bench/sandbox_bench.py [--runs 10]

Runs, sandboxed and with `unsafe_no_sandbox` (rlimits and timeout only), interleaved so
both see the same machine load, and reports medians of the wall time as
`run_sandboxed` measures it:
  startup   `python -c pass`                          (the fixed cost per run)
  proof     a failing pytest proof, as `assay prove` runs it
Writes a Markdown table to bench/results/sandbox.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from assay.workflow.sandbox import python_binds, run_sandboxed, sandbox_unavailable

PYTHON = Path(sys.executable)
RESULTS = Path(__file__).resolve().parent / "results" / "sandbox.md"

APP = "def lookup(name):\n    return [('alice',)] if \"'\" in name else []\n"
PROOF = ("from app import lookup\n\n\ndef test_no_injection():\n"
         "    assert lookup(\"x' OR '1'='1\") == []\n")

CASES = {
    "startup": [str(PYTHON), "-c", "pass"],
    "proof": [str(PYTHON), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
              "test_proof.py"],
}


def _timed(argv: Sequence[str], work: Path, *, unsafe: bool, expect: int) -> float:
    result = run_sandboxed(argv, workdir=work, readonly=python_binds(PYTHON),
                           unsafe_no_sandbox=unsafe)
    if result.returncode != expect:
        raise RuntimeError(f"{argv} exited {result.returncode}: {result.stderr[-500:]}")
    return result.duration


def measure(runs: int) -> dict[str, tuple[float, float]]:
    """Median seconds (sandboxed, unsandboxed) per case."""
    medians = {}
    for name, argv in CASES.items():
        expect = 1 if name == "proof" else 0
        times: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(runs):
            for sandboxed in (True, False):
                with tempfile.TemporaryDirectory() as tmp:
                    work = Path(tmp) / "work"
                    work.mkdir()
                    (work / "app.py").write_text(APP)
                    (work / "test_proof.py").write_text(PROOF)
                    times[sandboxed].append(
                        _timed(argv, work, unsafe=not sandboxed, expect=expect))
        medians[name] = (statistics.median(times[True]), statistics.median(times[False]))
    return medians


def table(medians: dict[str, tuple[float, float]], runs: int) -> str:
    """The results as Markdown."""
    lines = [f"# Proof sandbox overhead ({runs} runs each, medians)", "",
             f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, "
             f"Python {platform.python_version()}", "",
             "| case | sandboxed (s) | unsandboxed (s) | overhead (s) |", "|---|---|---|---|"]
    for name, (inside, outside) in medians.items():
        lines.append(f"| {name} | {inside:.3f} | {outside:.3f} | {inside - outside:+.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Measure and write bench/results/sandbox.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    reason = sandbox_unavailable()
    if reason:
        raise SystemExit(f"sandbox unavailable: {reason}")
    text = table(measure(args.runs), args.runs)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)
    print(text, end="")


if __name__ == "__main__":
    main()
