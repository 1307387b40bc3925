"""The state machine of LLM findings.

A finding enters as `unverified`. Only a proof can make it `proven` (a failing proof
record is required as evidence); a human or a proof can refute it, accept its risk or
mark it fixed; any closed state can be reopened to `unverified` with a reason. Every
allowed transition is listed here and nowhere else.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from assay.workflow.errors import TransitionError


class State(enum.StrEnum):
    """Where an LLM finding stands."""

    UNVERIFIED = "unverified"
    PROVEN = "proven"
    REFUTED = "refuted"
    ACCEPTED_RISK = "accepted-risk"
    FIXED = "fixed"

    @classmethod
    def parse(cls, text: str) -> State:
        """A state by name; TransitionError naming the valid ones otherwise."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise TransitionError(f"unknown state {text!r}", f"states: {names}") from None


ALLOWED: Mapping[State | None, frozenset[State]] = {
    None: frozenset({State.UNVERIFIED}),
    State.UNVERIFIED: frozenset({State.PROVEN, State.REFUTED, State.ACCEPTED_RISK, State.FIXED}),
    State.PROVEN: frozenset({State.FIXED, State.ACCEPTED_RISK, State.UNVERIFIED}),
    State.REFUTED: frozenset({State.UNVERIFIED, State.PROVEN}),
    State.ACCEPTED_RISK: frozenset({State.UNVERIFIED, State.PROVEN, State.FIXED}),
    State.FIXED: frozenset({State.PROVEN, State.UNVERIFIED}),
}

BLOCKING = frozenset({State.PROVEN})


def check_transition(current: State | None, target: State, reason: str,
                     proof_verdict: str | None = None) -> None:
    """Raise TransitionError unless `current -> target` is allowed with this evidence.

    `proof_verdict` is the verdict of the proof record cited as evidence, if any: a
    finding becomes `proven` only on a proof whose verdict is `proven`.
    """
    if not reason.strip():
        raise TransitionError("a state change needs a reason", "pass --reason TEXT")
    if target not in ALLOWED[current]:
        origin = current.value if current else "(new)"
        options = ", ".join(sorted(s.value for s in ALLOWED[current])) or "none"
        raise TransitionError(f"cannot move a finding from {origin} to {target.value}",
                              f"allowed from {origin}: {options}")
    if target is State.PROVEN and proof_verdict != "proven":
        raise TransitionError("only a proof can mark a finding proven",
                              "run `assay prove FINDING_ID --proof test_file.py`")
