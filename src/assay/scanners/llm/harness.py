"""One model call, with everything around it: budget, retries, tracing, instrumentation.

The agent loop and one-shot generation both call `Harness.call`; it checks the budget
before sending, clamps the output allowance and the timeout to what is left, retries
transient errors, and records the request, each failed attempt and the response.

Each attempt's timeout is the request timeout or the time-box left, whichever is less
(at least MIN_TIMEOUT). The SDKs' timeouts bound each read, not the whole response (a
server sending a byte at a time never trips them), so an attempt runs in a thread and
is abandoned as a timeout once its timeout and REQUEST_GRACE have passed.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from assay.scanners.llm.budget import BudgetExhausted, Meter
from assay.scanners.llm.codec import (
    canonical,
    message_to_dict,
    response_to_dict,
    sha256_text,
    tools_to_list,
)
from assay.scanners.llm.context import Conversation
from assay.scanners.llm.interface import (
    ErrorKind,
    GenerationParams,
    ModelRequest,
    ModelResponse,
    OutputSpec,
    Provider,
    ProviderError,
    ToolSpec,
)
from assay.scanners.llm.metrics import StageRecorder
from assay.scanners.llm.retry import RetryPolicy, with_retries
from assay.scanners.llm.trace import Trace

MIN_TIMEOUT = 1.0
REQUEST_GRACE = 1.0


@dataclass(frozen=True)
class CallSettings:
    """What every request of a run shares."""

    model: str
    params: GenerationParams
    timeout: float
    retry: RetryPolicy


class Harness:
    """Sends requests for one run and accounts for them."""

    def __init__(self, provider: Provider, settings: CallSettings, meter: Meter, trace: Trace,
                 recorder: StageRecorder, seed: int = 0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.provider = provider
        self.settings = settings
        self.meter = meter
        self.trace = trace
        self.recorder = recorder
        self.rng = random.Random(seed)  # noqa: S311 - retry jitter, not security
        self.sleep = sleep
        self.step = 0
        self.provider_seconds = 0.0
        self.models_reported: dict[str, int] = {}
        self._seen: set[str] = set()

    def call(self, system: str, conversation: Conversation, tools: tuple[ToolSpec, ...],
             stage: str, output: OutputSpec | None = None) -> ModelResponse:
        """Send the conversation (its reply constrained by `output`); raise
        BudgetExhausted or a final ProviderError."""
        try:
            self.meter.check()
        except BudgetExhausted as exc:
            self.trace.emit("failure", stage, self.step, kind="budget", reason=exc.reason)
            raise
        request = replace(self._request(system, conversation, tools), output=output)
        self._trace_request(request, conversation, stage)
        started = time.perf_counter()
        try:
            response = with_retries(
                lambda: self._attempt(request), self.settings.retry, self.meter,
                self.rng, self.sleep, lambda n, e, w: self._attempt_error(stage, n, e, w))
        except BudgetExhausted as exc:
            self._failed(stage, started, "budget", exc.reason)
            raise
        except ProviderError as exc:
            self._failed(stage, started, exc.kind.value, exc.message, exc.hint)
            raise
        seconds = time.perf_counter() - started
        self.provider_seconds += seconds
        cost = self.meter.record(response.usage)
        self.recorder.request(stage, seconds, response.usage, cost)
        if response.model:
            self.models_reported[response.model] = self.models_reported.get(response.model, 0) + 1
        self.trace.emit("response", stage, self.step, **response_to_dict(response))
        self.step += 1
        return response

    def _request(self, system: str, conversation: Conversation,
                 tools: tuple[ToolSpec, ...]) -> ModelRequest:
        s = self.settings
        params = replace(s.params, max_tokens=self.meter.output_allowance(s.params.max_tokens))
        return ModelRequest(s.model, system, tuple(conversation.messages), tools, params,
                            self._timeout())

    def _timeout(self) -> float:
        """The timeout of an attempt starting now: never past the time-box (but at least
        MIN_TIMEOUT)."""
        remaining = self.meter.remaining_seconds()
        if remaining is None:
            return self.settings.timeout
        return max(min(self.settings.timeout, remaining), MIN_TIMEOUT)

    def _attempt(self, request: ModelRequest) -> ModelResponse:
        """One attempt with the timeout left now, abandoned if it does not end in time."""
        request = replace(request, timeout=self._timeout())
        outcome: list[ModelResponse | BaseException] = []

        def attempt() -> None:
            try:
                outcome.append(self.provider.complete(request))
            except BaseException as exc:  # handed to the waiting thread
                outcome.append(exc)

        worker = threading.Thread(target=attempt, name="assay-llm-request", daemon=True)
        worker.start()
        worker.join(request.timeout + REQUEST_GRACE)
        if not outcome:
            raise ProviderError(ErrorKind.TIMEOUT, f"{self.provider.name or 'provider'}: no "
                                f"complete response within {request.timeout:g}s")
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def _trace_request(self, request: ModelRequest, conversation: Conversation,
                       stage: str) -> None:
        digest = request_hash(request, conversation.hashes)
        new = [message_to_dict(m) for m, h in zip(conversation.messages, conversation.hashes,
                                                   strict=True)
               if h not in self._seen and m.role == "user"]
        self._seen = set(conversation.hashes)
        extra = {"output": request.output.mode} if request.output is not None else {}
        self.trace.emit("request", stage, self.step, hash=digest, messages=len(request.messages),
                        max_tokens=request.params.max_tokens, new_turns=new,
                        elided=conversation.elided, dropped=conversation.dropped, **extra)

    def _attempt_error(self, stage: str, attempt: int, exc: ProviderError, wait: float) -> None:
        self.trace.emit("attempt_error", stage, self.step, attempt=attempt, kind=exc.kind.value,
                        status=exc.status, message=exc.message, wait=round(wait, 6))

    def _failed(self, stage: str, started: float, kind: str, reason: str,
                hint: str = "") -> None:
        seconds = time.perf_counter() - started
        self.provider_seconds += seconds
        self.recorder.wait(stage, seconds)
        self.trace.emit("failure", stage, self.step, kind=kind, reason=reason, hint=hint)


def request_hash(request: ModelRequest, message_hashes: list[str]) -> str:
    """Identity of a request: model, system prompt, tools, parameters, every message and
    the reply's constraint (when there is one)."""
    identity: dict[str, object] = {
        "model": request.model, "system": sha256_text(request.system),
        "tools": sha256_text(canonical(tools_to_list(request.tools))),
        "params": request.params.as_dict(), "messages": message_hashes}
    if request.output is not None:
        out = request.output
        identity["output"] = {"mode": out.mode, "name": out.name,
                              "schema": sha256_text(canonical(dict(out.schema)))}
    return sha256_text(canonical(identity))
