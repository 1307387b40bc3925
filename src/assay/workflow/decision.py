"""The gate decision: pass, block or incomplete, with its reasons.

- incomplete (exit 3) when a required scanner did not complete or left in-scope files
  unanalyzed: an incomplete gate is never a pass;
- block (exit 1) on new deterministic findings at or above the threshold, or on LLM
  findings whose state is `proven`;
- pass (exit 0) otherwise. Unverified LLM findings are listed as needing review and
  never block; phantom ones (`unsupported`: their quoted code is not in the file) are not
  counted at all, only mentioned.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assay.model import Finding, FindingKind, Run, RunStatus, Severity
from assay.trust import LoadedConfig
from assay.workflow.baseline import BaselineState, Comparison
from assay.workflow.states import BLOCKING, State
from assay.workflow.tier import TierPlan, TierResult

MAX_LISTED = 5


class Decision(enum.StrEnum):
    """The outcome of a gate."""

    PASS = "pass"  # noqa: S105 - a decision, not a password
    BLOCK = "block"
    INCOMPLETE = "incomplete"

    @property
    def exit_code(self) -> int:
        """0 pass, 1 block, 3 incomplete."""
        return {Decision.PASS: 0, Decision.BLOCK: 1, Decision.INCOMPLETE: 3}[self]


@dataclass(frozen=True)
class LlmItem:
    """An LLM finding the gate considered, its lifecycle state and how it was seen:
    `reported` by this run, or `still-present` (proven earlier, its code still there)."""

    finding: Finding
    state: State
    seen: str = "reported"


@dataclass(frozen=True)
class GateDecision:
    """The decision, the reasons for it, and the findings behind them."""

    decision: Decision
    reasons: tuple[str, ...]
    blocking: tuple[Finding, ...]
    needs_review: tuple[Finding, ...]
    config_review: tuple[str, ...] = ()
    """Changes to assay's configuration made by the gated change: a person reviews them."""


def _where(f: Finding) -> str:
    return f"{f.scanner}/{f.rule_id} at {f.path}:{f.span.start_line}"


def _listing(findings: Sequence[Finding]) -> str:
    shown = ", ".join(_where(f) for f in findings[:MAX_LISTED])
    more = len(findings) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def incomplete_reasons(run: Run, required: Sequence[str]) -> list[str]:
    """Why each required scanner did not complete (empty when all did)."""
    reasons = []
    outcomes = {o.name: o for o in run.scanners}
    for name in required:
        outcome = outcomes.get(name)
        if outcome is None:
            reasons.append(f"{name}: did not run")
        elif outcome.status is RunStatus.INCOMPLETE:
            reasons.append(f"{name}: {outcome.reason or 'incomplete'}")
        gaps = {g.path for g in run.coverage.gaps if g.scanner in (name, "")}
        if gaps and (outcome is None or outcome.status is RunStatus.COMPLETE):
            reasons.append(f"{name}: {len(gaps)} in-scope file(s) not analyzed")
    return reasons


def decide(run: Run, comparison: Comparison, llm: Sequence[LlmItem], threshold: str,
           required: Sequence[str], config_review: Sequence[str] = ()) -> GateDecision:
    """Decide the gate for `run`, compared with its baseline, under severity `threshold`.

    `config_review` lists what the change did to assay's own configuration: it needs a
    person's review and is reported among the reasons, whatever the decision."""
    missing = incomplete_reasons(run, required)
    new = [f for f, s in comparison.current
           if s is BaselineState.NEW and f.kind is not FindingKind.LLM]
    over = [f for f in new if threshold != "none" and f.severity.at_least(Severity(threshold))]
    proven = [i.finding for i in llm if i.state in BLOCKING]
    review = [i.finding for i in llm if i.state is State.UNVERIFIED and not i.finding.phantom]
    phantoms = sum(1 for i in llm if i.finding.phantom and i.state not in BLOCKING)
    reasons = [f"incomplete: {m}" for m in missing]
    if over:
        reasons.append(f"{len(over)} new deterministic finding(s) at or above {threshold}: "
                       + _listing(over))
    if proven:
        reasons.append(f"{len(proven)} proven LLM finding(s): {_listing(proven)}")
    if review:
        reasons.append(f"{len(review)} unverified LLM finding(s) need review (they do not "
                       "block until a proof demonstrates them)")
    if phantoms:
        reasons.append(f"not counted: {phantoms} LLM finding(s) whose quoted code is not in "
                       "the file")
    reasons += [f"needs review: {note}" for note in config_review]
    decision = Decision.INCOMPLETE if missing else Decision.BLOCK if over or proven \
        else Decision.PASS
    if decision is Decision.PASS:
        below = len(new) - len(over)
        reasons.insert(0, f"no new deterministic finding at or above {threshold}"
                       + (f" ({below} below it)" if below else "")
                       + " and no proven LLM finding")
    return GateDecision(decision, tuple(reasons), tuple(over + proven), tuple(review),
                        tuple(config_review))


@dataclass(frozen=True)
class GateResult:
    """A finished gate: the decision and everything it was made from."""

    decision: GateDecision
    threshold: str
    plan: TierPlan
    tier: TierResult | None
    run: Run
    comparison: Comparison
    llm: tuple[LlmItem, ...]
    ledger: Path
    warnings: tuple[str, ...] = field(default=())
    timings: tuple[tuple[str, float], ...] = field(default=())
    config: LoadedConfig | None = None

    @property
    def exit_code(self) -> int:
        """0 pass, 1 block, 3 incomplete."""
        return self.decision.decision.exit_code
