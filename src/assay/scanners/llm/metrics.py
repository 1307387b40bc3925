"""Instrumentation per stage (plan, explore, report, ...): wall time, requests, tokens in
and out, cached tokens, tool calls by name and cost, as `StageMetrics`."""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.model import StageMetrics
from assay.scanners.llm.interface import Usage


@dataclass
class _Stage:
    seconds: float = 0.0
    requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    cost: float = 0.0
    tools: dict[str, int] = field(default_factory=dict)


class StageRecorder:
    """Accumulates measurements per stage, in the order stages were first seen."""

    def __init__(self, scanner: str) -> None:
        self.scanner = scanner
        self._stages: dict[str, _Stage] = {}

    def _get(self, stage: str) -> _Stage:
        return self._stages.setdefault(stage, _Stage())

    def request(self, stage: str, seconds: float, usage: Usage, cost: float) -> None:
        """One model request (with its retries)."""
        s = self._get(stage)
        s.seconds += seconds
        s.requests += 1
        s.tokens_in += usage.input_tokens
        s.tokens_out += usage.output_tokens
        s.tokens_cached += usage.cached_tokens
        s.cost += cost

    def wait(self, stage: str, seconds: float) -> None:
        """Time spent in a stage outside requests (failed attempts, harness work)."""
        self._get(stage).seconds += seconds

    def tool(self, stage: str, name: str, seconds: float) -> None:
        """One tool call."""
        s = self._get(stage)
        s.seconds += seconds
        s.tools[name] = s.tools.get(name, 0) + 1

    @property
    def tokens(self) -> int:
        """Input plus output tokens over all stages."""
        return sum(s.tokens_in + s.tokens_out for s in self._stages.values())

    def stages(self) -> tuple[StageMetrics, ...]:
        """`StageMetrics` named `<scanner>:<stage>`."""
        return tuple(
            StageMetrics(f"{self.scanner}:{name}", s.seconds, s.requests, s.tokens_in,
                         s.tokens_out, s.tokens_cached, tuple(sorted(s.tools.items())), s.cost)
            for name, s in self._stages.items())
