"""Retrying transient provider errors: exponential backoff with full jitter, in budget.

Rate limits (429), server errors (5xx), timeouts and dropped connections are retried up
to `max_retries` times; a `Retry-After` the provider sent is honoured as a lower bound.
Authentication and bad-request errors are never retried. A wait that would overrun the
run's time-box ends the run instead of sleeping past it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from assay.scanners.llm.budget import BudgetExhausted, Meter
from assay.scanners.llm.interface import ProviderError


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait between attempts."""

    max_retries: int = 4
    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        ceiling = min(self.cap, self.base * (2 ** attempt))
        wait = rng.uniform(0.0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.cap))
        return wait




def with_retries[T](call: Callable[[], T], policy: RetryPolicy, meter: Meter,
                    rng: random.Random, sleep: Callable[[float], None],
                    on_error: Callable[[int, ProviderError, float], None]) -> T:
    """Run `call`, retrying transient ProviderErrors within policy and time-box.

    `on_error(attempt, error, wait)` is told about every failed attempt (wait is -1 when
    the error is final). Raises the last ProviderError, or BudgetExhausted when the
    time-box would be overrun by waiting.
    """
    attempt = 0
    while True:
        try:
            return call()
        except ProviderError as exc:
            if not exc.kind.transient or attempt >= policy.max_retries:
                on_error(attempt, exc, -1.0)
                raise
            wait = policy.delay(attempt, rng, exc.retry_after)
            remaining = meter.remaining_seconds()
            if remaining is not None and wait >= remaining:
                on_error(attempt, exc, -1.0)
                raise BudgetExhausted(
                    f"budget: time-box {meter.limits.time_box:g}s reached while retrying "
                    f"({exc.kind.value}: {exc.message})") from None
            on_error(attempt, exc, wait)
            sleep(wait)
            attempt += 1
