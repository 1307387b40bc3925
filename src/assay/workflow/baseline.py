"""Baselines: what is new in a run compared with an earlier one.

Findings are matched one-to-one, by fingerprint first (the same scanner before any
other), then by GitHub's line hash for baselines without assay fingerprints, then by
path and family. A match with the same fingerprint and span is `unchanged`; any other
match is `updated` (moved or changed); a current finding without a match is `new`;
a baseline finding without a match is `absent`, or `unknown` when either run was
incomplete, because an incomplete run cannot show that a finding went away.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.formats.errors import FormatError
from assay.formats.sarif_read import read_sarif
from assay.model import Finding, Run, sorted_findings
from assay.workflow.errors import BaselineError


class BaselineState(enum.StrEnum):
    """How a finding relates to the baseline (SARIF `baselineState`, plus `unknown`)."""

    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATED = "updated"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Baseline:
    """The findings of a baseline, where they came from, and whether that run completed."""

    source: str
    findings: tuple[Finding, ...]
    complete: bool
    reasons: tuple[str, ...] = ()

    @classmethod
    def from_run(cls, run: Run, source: str) -> Baseline:
        """A recorded or freshly scanned run as a baseline."""
        return cls(source, run.findings, run.complete, run.reasons)


@dataclass(frozen=True)
class Comparison:
    """Every current finding and every unmatched baseline finding, with its state."""

    baseline: Baseline
    current: tuple[tuple[Finding, BaselineState], ...]
    gone: tuple[tuple[Finding, BaselineState], ...]

    def with_state(self, state: BaselineState) -> tuple[Finding, ...]:
        """Current (or, for absent/unknown, baseline) findings in `state`."""
        return tuple(f for f, s in (*self.current, *self.gone) if s is state)

    def state_of(self, finding: Finding) -> BaselineState:
        """The state of a current finding (`new` for a finding not compared)."""
        return next((s for f, s in self.current if f == finding), BaselineState.NEW)

    def counts(self) -> dict[str, int]:
        """How many findings are in each state (every state listed)."""
        counts = {s.value: 0 for s in BaselineState}
        for _, state in (*self.current, *self.gone):
            counts[state.value] += 1
        return counts

    def sarif_states(self) -> dict[Finding, str]:
        """The state of every finding, current and gone, for the SARIF writer."""
        return {f: s.value for f, s in (*self.current, *self.gone)}


def _keys(f: Finding) -> tuple[tuple[object, ...], ...]:
    """Match keys from strongest to weakest; empty parts never match."""
    return (
        ("fp+scanner", f.fingerprint, f.scanner) if f.fingerprint else (),
        ("fp", f.fingerprint) if f.fingerprint else (),
        ("linehash", f.path, f.family, f.line_hash) if f.line_hash else (),
        ("family", f.path, f.family),
    )


def _match(current: Sequence[Finding], base: Sequence[Finding]) -> dict[int, int]:
    """One-to-one pairs current index -> baseline index, strongest keys first."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for level in range(4):
        queues: dict[tuple[object, ...], list[int]] = {}
        for j, f in enumerate(base):
            key = _keys(f)[level]
            if key and j not in taken:
                queues.setdefault(key, []).append(j)
        for i, f in enumerate(current):
            key = _keys(f)[level]
            if i in pairs or not key or not queues.get(key):
                continue
            j = queues[key].pop(0)
            pairs[i] = j
            taken.add(j)
    return pairs


def _state(current: Finding, base: Finding) -> BaselineState:
    same_print = bool(current.fingerprint) and current.fingerprint == base.fingerprint
    same_hash = not base.fingerprint and bool(base.line_hash) and \
        current.line_hash == base.line_hash
    if (same_print or same_hash) and current.span == base.span:
        return BaselineState.UNCHANGED
    return BaselineState.UPDATED


def compare(run: Run, baseline: Baseline,
            in_scope: Callable[[str], bool] | None = None) -> Comparison:
    """Compare `run` with `baseline`, limited to the run's scanners and to `in_scope` paths."""
    scanners = set(run.scanner_names)
    current = sorted_findings(run.findings)
    base = sorted_findings(f for f in baseline.findings
                           if f.scanner in scanners and (in_scope is None or in_scope(f.path)))
    pairs = _match(current, base)
    states = tuple((f, _state(f, base[pairs[i]]) if i in pairs else BaselineState.NEW)
                   for i, f in enumerate(current))
    matched = set(pairs.values())
    gone_state = BaselineState.ABSENT if baseline.complete and run.complete \
        else BaselineState.UNKNOWN
    gone = tuple((f, gone_state) for j, f in enumerate(base) if j not in matched)
    return Comparison(baseline, states, gone)


NO_BASELINE = "none"


def empty_baseline() -> Baseline:
    """No baseline: every finding is new and nothing can be absent."""
    return Baseline(NO_BASELINE, (), complete=False, reasons=("no baseline",))


def read_sarif_baseline(path: Path, root: str = "") -> Baseline:
    """A SARIF file (from assay or any tool) as a baseline; malformed input is an error."""
    if not path.is_file():
        raise BaselineError(f"baseline SARIF file not found: {path}")
    try:
        runs = read_sarif(path, root=root)
    except FormatError as exc:
        raise BaselineError(f"baseline {path} is not usable SARIF: {exc.message}",
                            "pass a SARIF 2.1.0 file, a run id or a git revision") from None
    return _merge_runs(runs, f"sarif:{path.name}")


def _merge_runs(runs: Iterable[Run], source: str) -> Baseline:
    runs = list(runs)
    reasons = tuple(r for run in runs for r in run.reasons)
    return Baseline(source, tuple(f for run in runs for f in run.findings),
                    all(run.complete for run in runs), reasons)
