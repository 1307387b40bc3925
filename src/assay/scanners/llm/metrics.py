"""Instrumentation per stage (plan, explore, report, review, ...): wall time, requests,
tokens in and out, cached tokens, tool calls by name and cost, as `StageMetrics`; and the
names of the weak-model counts (`REPLY_FAULTS`)."""

from __future__ import annotations

from collections.abc import Mapping
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


REPLY_FAULTS: tuple[tuple[str, str], ...] = (
    ("truncated_replies", "cut off at the output limit"),
    ("invalid_json", "not the JSON asked for"),
    ("prose_replies", "prose instead of JSON"),
    ("malformed_calls", "malformed tool calls"),
    ("repeated_calls", "tool calls repeating an earlier call"),
    ("invented_paths", "paths outside the request or the repository"),
    ("invented_lines", "findings on lines outside the code shown"),
    ("invalid_findings", "findings with missing or invalid fields"),
    ("reasks", "re-asks sent"),
)
"""What a weak model gets wrong, counted per run as `NAME.<key>` in provenance: replies
cut off at the output limit, replies that are not the findings JSON (`invalid_json`:
unreadable or of the wrong shape; `prose_replies`: no JSON at all), malformed tool
calls (arguments that are not JSON, unknown tools), tool calls repeating an earlier
call exactly, findings on an invented path or on lines outside the code the request
showed, findings with invalid fields, and the re-asks the harness sent for them. In the
agent harness, a finding on a file that does not exist or past its end is kept as a
phantom (`unsupported`) and also counted as an invented path or line."""


REPLIES = "replies"
"""The provenance key (`NAME.replies`) of the non-zero counts in words, which the run's
text output shows."""


def describe_faults(counts: Mapping[str, int]) -> str:
    """The non-zero counts in words ('' when there are none): `2 cut off at the output
    limit, 1 not the JSON asked for, 1 re-asks sent`."""
    return ", ".join(f"{counts[key]} {words}" for key, words in REPLY_FAULTS
                     if counts.get(key, 0))
