"""The memo's words: the summary in plain language and the paragraph on method."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assay.measure.drift import DriftReport
from assay.measure.runs import COMPLETE, REFUSED, run_facts, status_counts
from assay.measure.variance import run_label
from assay.model import Run


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _pct(value: float) -> str:
    return f"{value:.0%}"


def overview(runs: Sequence[Run]) -> list[str]:
    """What was measured."""
    setups = sorted({run_label(r) for r in runs})
    commits = {r.target.commit or "" for r in runs}
    return [f"This memo covers {_plural(len(runs), 'run')} of "
            f"{_plural(len(setups), 'scanner setup')} ({', '.join(setups)}) on "
            f"{_plural(len(commits), 'commit')}."]


def drift_lines(drifts: Mapping[str, DriftReport]) -> list[str]:
    """One sentence per scanner setup on how repeatable its findings were."""
    lines = []
    for setup, d in drifts.items():
        j = d.jaccard
        if j is None:
            continue
        pairs = _plural(len(j.pairs), "pair")
        if not any(d.support.values()):
            lines.append(f"{setup}: none of the runs compared ({pairs}) reported any finding; "
                         "they agree by definition, which says nothing about how repeatable "
                         "its findings would be.")
            continue
        if j.min == 1.0:
            lines.append(f"{setup}: repeated runs on the same code reported exactly the same "
                         f"findings every time ({pairs} of runs compared), so its results "
                         "are repeatable.")
            continue
        interval = (f" (95% interval {_pct(j.interval.low)} to {_pct(j.interval.high)})"
                    if j.interval else "")
        distinct = sum(d.support.values())
        text = (f"{setup}: run twice on the same code, it reported on average "
                f"{_pct(j.mean)} of its findings both times{interval}; the two least similar "
                f"runs shared {_pct(j.min)}. {d.singletons} of "
                f"{_plural(distinct, 'distinct finding')} appeared in only one run.")
        if d.flips:
            text += f" {_plural(d.flips, 'finding')} changed severity from run to run."
        lines.append(text)
    return lines


def cost_lines(runs: Sequence[Run]) -> list[str]:
    """Time, tokens and money spent."""
    facts = [run_facts(r) for r in runs]
    seconds = sum(f.wall_seconds for f in facts)
    tokens = sum(f.tokens for f in facts)
    cost = sum(f.cost for f in facts)
    text = (f"The runs took {seconds:.1f} seconds of wall-clock time in total "
            f"({seconds / len(facts):.2f} s per run on average)")
    if tokens:
        text += (f" and used {tokens:,} language-model tokens costing {cost:.2f} in total "
                 f"({cost / len(facts):.4f} per run).")
    else:
        text += " and used no language-model tokens."
    return [text]


def incomplete_lines(runs: Sequence[Run]) -> list[str]:
    """How many runs did not analyze everything, and what that means for the numbers."""
    counts = status_counts(run_facts(r) for r in runs)
    missing = len(runs) - counts[COMPLETE]
    if not missing:
        every = "The run" if len(runs) == 1 else f"All {len(runs)} runs"
        return [f"{every} analyzed everything in scope."]
    refused = f", {counts[REFUSED]} of them refused by the model" if counts[REFUSED] else ""
    return [f"{missing} of {_plural(len(runs), 'run')} did not analyze everything in "
            f"scope{refused}. They are listed under \"Incomplete runs and why\" and are not "
            "counted in the agreement figures: a partial run is not evidence of no findings."]


def method(tolerance: int, seed: int, resamples: int) -> tuple[str, ...]:
    """How the numbers were computed, in a few sentences."""
    tol = ("exactly the same lines" if tolerance == 0
           else f"line ranges that overlap within {_plural(tolerance, 'line')}")
    return (
        "Two findings are taken to be the same finding when they name the same weakness "
        "(CWE, or the scanner's rule when it gives no CWE), in the same file, at "
        f"{tol}. Findings are paired one-to-one, closest first, so no finding is counted "
        "twice.",
        "Agreement between two runs is their Jaccard index: findings both reported divided "
        "by findings either reported (1.0 is perfect agreement, 0.0 none). Drift compares "
        "repeated runs of one scanner on one commit; its 95% interval comes from a "
        f"bootstrap over runs ({resamples:,} resamples, seed {seed}), so it says how much "
        "the average could move with a different set of runs.",
        "Precision (the share of reported findings that are real) and recall (the share of "
        "real vulnerabilities found) are given with 95% Wilson intervals. Runs that did not "
        "finish are reported separately and never read as \"no findings\".",
    )
