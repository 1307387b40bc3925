"""The agent loop: plan, explore, report.

1. plan: the first request carries the scope listing; the model writes a plan and may
   start calling tools.
2. explore: while the model calls tools, the harness runs them and returns the results.
   When it replies without tool calls, the harness asks for the report.
3. report: the model reports remaining findings with report_finding; its first reply
   without tool calls ends the run as `complete`.

A budget limit, a final provider error or a refusal ends the run as `incomplete` with
the findings reported so far. Malformed tool calls are repaired once or answered with a
tool error (and counted); nothing the model sends can crash the loop. Tool calls run
with the end of the time-box as their deadline: a call that reaches it stops there, the
calls after it are answered without running, and the next request ends the run. What
a deadline cut depends on time, so a replay is given the recorded results of those calls
(`timed_out`, by the call's position in the run) instead of running them again.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from assay.model import RunStatus
from assay.scanners.llm.budget import BudgetExhausted
from assay.scanners.llm.codec import result_to_dict
from assay.scanners.llm.context import Conversation
from assay.scanners.llm.harness import Harness
from assay.scanners.llm.interface import (
    ErrorKind,
    Message,
    ModelResponse,
    ProviderError,
    StopReason,
    ToolCall,
    ToolResult,
)
from assay.scanners.llm.matcher import Deadline
from assay.scanners.llm.prompt import PromptPack
from assay.scanners.llm.redact import Redactor
from assay.scanners.llm.repair import parse_arguments
from assay.scanners.llm.tools import Outcome, Toolbox

MASK = "[REDACTED:"
CUT_OFF = ("Your reply was cut off at the output token limit. Continue with shorter replies; "
           "use tools for anything long.")
MAX_CUT_OFFS = 2
_MALFORMED = frozenset({"malformed-arguments", "unknown-tool"})


@dataclass
class LoopOutcome:
    """How the loop ended and what it counted on the way."""

    status: RunStatus = RunStatus.COMPLETE
    reason: str = ""
    errors: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    """Weak-model counts by metrics.REPLY_FAULTS key."""
    repaired: int = 0
    redactions: int = 0
    summary: str = ""


class ReviewLoop:
    """Drives one review through its stages."""

    def __init__(self, harness: Harness, toolbox: Toolbox, pack: PromptPack,
                 conversation: Conversation, timed_out: Mapping[int, str] | None = None,
                 ) -> None:
        self.harness = harness
        self.toolbox = toolbox
        self.pack = pack
        self.conversation = conversation
        self.outcome = LoopOutcome()
        self.timed_out = dict(timed_out or {})
        self._redactor = Redactor()
        self._cut_offs = 0
        self._calls = 0
        self._sent: set[tuple[str, str]] = set()

    def run(self, listing: str, target: str = "") -> LoopOutcome:
        """Run to completion or to the first stop condition."""
        stage = "plan"
        self._user(self.pack.render_plan(listing, target))
        while True:
            response = self._call(stage)
            if response is None:
                return self.outcome
            if response.stop is StopReason.REFUSED:
                detail = response.refusal or f"stop reason {response.raw_stop}"
                return self._end(f"refused: {detail}"[:300])
            calls = response.tool_calls or self._calls_in_text(response)
            self.conversation.add(Message("assistant", "" if calls and not response.tool_calls
                                          else response.text, calls))
            if calls:
                self._run_tools(calls, stage)
                stage = "explore" if stage == "plan" else stage
                continue
            if response.stop is StopReason.MAX_TOKENS:
                if self._cut_off():
                    return self.outcome
                continue
            self.outcome.summary = response.text
            if stage == "report":
                return self.outcome
            stage, text = (("explore", self.pack.explore) if stage == "plan"
                           else ("report", self.pack.report))
            self._user(text)

    def _call(self, stage: str) -> ModelResponse | None:
        try:
            return self.harness.call(self.pack.system, self.conversation, self.toolbox.specs,
                                     stage)
        except BudgetExhausted as exc:
            self._end(exc.reason)
        except ProviderError as exc:
            label = "auth" if exc.kind is ErrorKind.AUTH else f"provider error ({exc.kind.value})"
            self._end(f"{label}: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
        return None

    def _end(self, reason: str) -> LoopOutcome:
        self.outcome.status = RunStatus.INCOMPLETE
        self.outcome.reason = reason
        return self.outcome

    def _user(self, text: str) -> None:
        masked = self._redactor.redact(text)
        self.outcome.redactions += masked.count(MASK) - text.count(MASK)
        self.conversation.add(Message("user", masked))

    def _cut_off(self) -> bool:
        self._cut_offs += 1
        self.outcome.errors["truncated-reply"] += 1
        self.outcome.faults["truncated_replies"] += 1
        if self._cut_offs > MAX_CUT_OFFS:
            self._end("max_tokens: replies were cut off at the output limit repeatedly")
            return True
        self._user(CUT_OFF)
        return False

    def _calls_in_text(self, response: ModelResponse) -> tuple[ToolCall, ...]:
        """A tool call the model wrote as JSON text instead of a call (repaired once)."""
        text = response.text.strip()
        if not text.startswith(("{", "```")):
            return ()
        parsed = parse_arguments(text)
        names = {s.name for s in self.toolbox.specs}
        value = parsed.value or {}
        args = value.get("arguments", value.get("parameters"))
        if value.get("name") not in names or not isinstance(args, dict):
            return ()
        self.outcome.repaired += 1
        return (ToolCall(f"repaired-{self.harness.step}", str(value["name"]), json.dumps(args)),)

    def _run_tools(self, calls: tuple[ToolCall, ...], stage: str) -> None:
        results: list[ToolResult] = []
        for call in calls:
            started = time.perf_counter()
            done = self._execute(call, stage)
            self.harness.recorder.tool(stage, call.name, time.perf_counter() - started)
            if done.error:
                self.outcome.errors[done.error] += 1
            self._count_fault(call, done)
            self.outcome.repaired += int(done.repaired)
            self.outcome.redactions += done.result.content.count(MASK)
            self.harness.trace.emit("tool", stage, self.harness.step, arguments=call.arguments,
                                    error=done.error, repaired=done.repaired,
                                    **result_to_dict(done.result))
            results.append(done.result)
        self.conversation.add(Message("tool", results=tuple(results)))

    def _count_fault(self, call: ToolCall, done: Outcome) -> None:
        """Count what a weak model got wrong in one call (metrics.REPLY_FAULTS)."""
        faults = self.outcome.faults
        key = (call.name, call.arguments)
        if key in self._sent:
            faults["repeated_calls"] += 1
        self._sent.add(key)
        if done.error in _MALFORMED:
            faults["malformed_calls"] += 1
        elif done.error == "invalid-arguments" and call.name == "report_finding":
            faults["invalid_findings"] += 1
        elif done.error == "refused" and "no such file" in done.result.content:
            faults["invented_paths"] += 1

    def _execute(self, call: ToolCall, stage: str) -> Outcome:
        index, self._calls = self._calls, self._calls + 1
        recorded = self.timed_out.get(index)
        if recorded is not None:
            return Outcome(ToolResult(call.id, call.name, recorded, is_error=True), "timeout")
        return self.toolbox.execute(call, stage, self._time_box())

    def _time_box(self) -> Deadline | None:
        """The end of the run's time-box as a tool deadline (None without a time-box)."""
        meter = self.harness.meter
        remaining = meter.remaining_seconds()
        if remaining is None:
            return None
        return Deadline.within(remaining, f"the time-box ({meter.limits.time_box:g}s)")
