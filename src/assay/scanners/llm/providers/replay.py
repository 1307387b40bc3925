"""The replay provider: answers from a recorded trace instead of a model.

Request number i gets the response recorded for step i; the request itself is hashed and
compared with the recorded hash, and any difference is noted as a divergence. Where the
original run stopped on a final provider error or on its time-box, the same error is
raised at the same step, so a replay ends where the original ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assay.scanners.llm.budget import BudgetExhausted
from assay.scanners.llm.codec import message_hash, response_from_dict
from assay.scanners.llm.harness import request_hash
from assay.scanners.llm.interface import (
    ErrorKind,
    ModelRequest,
    ModelResponse,
    Provider,
    ProviderError,
)
from assay.scanners.llm.store import Event


@dataclass
class _Step:
    hash: str = ""
    response: ModelResponse | None = None
    failure: dict[str, str] = field(default_factory=dict)


def _error(failure: dict[str, str]) -> Exception:
    kind, reason = failure.get("kind", ""), failure.get("reason", "")
    if kind == "budget":
        return BudgetExhausted(reason)
    try:
        error_kind = ErrorKind(kind)
    except ValueError:
        error_kind = ErrorKind.BAD_RESPONSE
    return ProviderError(error_kind, reason, failure.get("hint", ""))


class ReplayProvider(Provider):
    """Serves the responses of one recorded run, in order."""

    name = "replay"

    def __init__(self, events: Sequence[Event]) -> None:
        self.steps: dict[int, _Step] = {}
        self.divergences: list[str] = []
        self.calls = 0
        for event in events:
            if event.kind == "request":
                self._step(event.step).hash = str(event.payload.get("hash", ""))
            elif event.kind == "response":
                self._step(event.step).response = response_from_dict(event.payload)
            elif event.kind == "failure" and event.stage:
                self._step(event.step).failure = {k: str(v) for k, v in event.payload.items()}

    def _step(self, number: int) -> _Step:
        return self.steps.setdefault(number, _Step())

    @property
    def recorded(self) -> int:
        """Recorded responses."""
        return sum(1 for s in self.steps.values() if s.response is not None)

    def complete(self, request: ModelRequest) -> ModelResponse:
        """The recorded response of the next step (or its recorded failure)."""
        number = self.calls
        self.calls += 1
        step = self.steps.get(number)
        if step is None or (step.response is None and not step.failure):
            self.divergences.append(f"step {number}: the replay sent a request the original "
                                    f"run did not send ({self.recorded} were recorded)")
            raise ProviderError(ErrorKind.BAD_REQUEST, "replay: no recorded response")
        digest = request_hash(request, [message_hash(m) for m in request.messages])
        if step.hash and digest != step.hash:
            self.divergences.append(f"step {number}: request differs from the recorded one "
                                    f"({digest[:12]} != {step.hash[:12]})")
        if step.response is None:
            raise _error(step.failure)
        return step.response
