"""Budgets of one harness run: steps, input/output tokens, cost and a wall-clock time-box.

The meter is checked before every request and after every response; the first limit hit
ends the run as `incomplete` with the findings reported so far.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from assay.scanners.llm.interface import LlmError, Usage

Clock = Callable[[], float]


class BudgetExhausted(LlmError):
    """A budget limit was reached; `reason` is what the run records."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """The limits of one run (None: unlimited)."""

    max_steps: int | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    max_cost: float | None = None
    time_box: float | None = None


@dataclass(frozen=True)
class Price:
    """Prices per million tokens; cached input tokens at their own price when given."""

    input: float
    output: float
    cached_input: float | None = None

    def cost(self, usage: Usage) -> float:
        """What one response cost."""
        cached = usage.cached_tokens if self.cached_input is not None else 0
        fresh = max(usage.input_tokens - cached, 0)
        return (fresh * self.input + cached * (self.cached_input or 0.0)
                + usage.output_tokens * self.output) / 1_000_000


class Meter:
    """Counts what a run has used against its limits."""

    def __init__(self, limits: Limits, price: Price | None = None,
                 clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self.price = price
        self.clock = clock
        self.started = clock()
        self.steps = 0
        self.tokens_in = 0
        self.tokens_out = 0
        self.cost = 0.0

    def elapsed(self) -> float:
        """Seconds since the meter started."""
        return self.clock() - self.started

    def remaining_seconds(self) -> float | None:
        """Time left in the time-box (None when there is no time-box)."""
        if self.limits.time_box is None:
            return None
        return self.limits.time_box - self.elapsed()

    def exhausted(self) -> str:
        """Why no further request may be sent ('' while every limit has room)."""
        lim = self.limits
        if lim.max_steps is not None and self.steps >= lim.max_steps:
            return f"budget: max_steps {lim.max_steps} reached"
        if lim.max_input_tokens is not None and self.tokens_in >= lim.max_input_tokens:
            return f"budget: max_input_tokens {lim.max_input_tokens} reached ({self.tokens_in})"
        if lim.max_output_tokens is not None and self.tokens_out >= lim.max_output_tokens:
            return (f"budget: max_output_tokens {lim.max_output_tokens} reached "
                    f"({self.tokens_out})")
        if lim.max_cost is not None and self.cost >= lim.max_cost:
            return f"budget: max_cost {lim.max_cost:g} reached ({self.cost:.4f})"
        remaining = self.remaining_seconds()
        if remaining is not None and remaining <= 0:
            return f"budget: time-box {lim.time_box:g}s reached"
        return ""

    def check(self) -> None:
        """Raise BudgetExhausted when a limit has been reached."""
        reason = self.exhausted()
        if reason:
            raise BudgetExhausted(reason)

    def output_allowance(self, max_tokens: int) -> int:
        """Output tokens the next request may ask for: never beyond the output budget."""
        if self.limits.max_output_tokens is None:
            return max_tokens
        return max(1, min(max_tokens, self.limits.max_output_tokens - self.tokens_out))

    def record(self, usage: Usage) -> float:
        """Count one response; returns its cost."""
        self.steps += 1
        self.tokens_in += usage.input_tokens
        self.tokens_out += usage.output_tokens
        cost = self.price.cost(usage) if self.price is not None else 0.0
        self.cost += cost
        return cost
