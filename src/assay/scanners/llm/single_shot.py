"""The single-shot harness: no tools, one request per unit of code, findings as JSON.

Each request carries one file, or one part of a file (a diff hunk with context, or a
line range of a file too large for the context window), with numbered lines between
markers that the code cannot forge (they carry a digest of the code shown), and asks
for the findings JSON in the configured structured-output mode. Code goes into the
prompt as data: masked like every tool result, and never read as instructions.

A reply is read leniently once; a reply that is cut off, not the JSON asked for, or
prose is re-asked once with what was wrong (all counted). A finding naming another
path than the request's file, or lines outside the code shown, is dropped and counted,
never reported. A file counts as reviewed only when every request of it returned a
usable reply. A budget limit, a final provider error or a refusal ends the run as
incomplete; the files not reviewed by then are listed with the reason.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assay.model import RunStatus
from assay.scanners.llm.budget import BudgetExhausted
from assay.scanners.llm.codec import sha256_text
from assay.scanners.llm.context import Conversation
from assay.scanners.llm.findings import FindingReporter, Invalid
from assay.scanners.llm.harness import Harness
from assay.scanners.llm.interface import (
    ErrorKind,
    Message,
    OutputSpec,
    ProviderError,
    StopReason,
    ToolResult,
    ToolSpec,
)
from assay.scanners.llm.loop import MASK, LoopOutcome
from assay.scanners.llm.prompt import PromptPack
from assay.scanners.llm.sandbox import Refused, Sandbox
from assay.scanners.llm.scope import Scope
from assay.scanners.llm.settings import LlmSettings
from assay.scanners.llm.structured import TOOL_NAME, Reply, read_reply
from assay.scanners.llm.units import Unit, plan, room_chars, shown

STAGE = "review"
WHOLE = ((1, 1 << 31),)
NO_REPLY = "no usable reply"
PROMPT_SLACK = 600
"""Characters kept free in a request for the path, the range, the markers and the note."""
REPLY_KEPT = 2000
"""Characters of an unusable reply kept in the re-ask (the rest would crowd the window)."""
NOTHING_SHOWN = "every finding named another file or lines that were not shown"
"""Why a reply whose findings were all dropped is re-asked (and the file not reviewed)."""


@dataclass
class Progress:
    """What the review has done so far: per file, its units and those answered."""

    units: dict[str, int] = field(default_factory=dict)
    answered: Counter[str] = field(default_factory=Counter)
    failed: dict[str, str] = field(default_factory=dict)

    def reviewed(self) -> dict[str, tuple[tuple[int, int], ...]]:
        """Files every unit of which was answered, as review coverage reads them."""
        return {p: WHOLE for p, n in self.units.items()
                if p not in self.failed and self.answered[p] == n}


def numbered(unit: Unit, lines: tuple[str, ...]) -> str:
    """The unit's lines, numbered, between markers that carry a digest of them."""
    body = "\n".join(f"{n:>6}| {shown(lines[n - 1])}" for n in range(unit.start, unit.end + 1))
    mark = sha256_text(body)[:16]
    return f"<<<CODE {mark}\n{body}\nCODE {mark}>>>"


class SingleShotReview:
    """Runs the units of one review through the harness."""

    def __init__(self, harness: Harness, sandbox: Sandbox, reporter: FindingReporter,
                 pack: PromptPack, output: OutputSpec | None, settings: LlmSettings) -> None:
        self.harness = harness
        self.sandbox = sandbox
        self.reporter = reporter
        self.pack = pack
        self.output = output
        self.settings = settings
        self.outcome = LoopOutcome()
        self.progress = Progress()
        self.tools = ((ToolSpec(TOOL_NAME, "Report the findings of the code shown (an empty "
                                "list when there are none).", dict(output.schema)),)
                      if output is not None and output.mode == "tool" else ())

    @property
    def faults(self) -> Counter[str]:
        """The weak-model counts (see metrics.REPLY_FAULTS)."""
        return self.outcome.faults

    def run(self, scope: Scope) -> LoopOutcome:
        """Review every file of `scope`, in order, until done or stopped (each file is
        read and cut into units when its turn comes)."""
        s = self.settings
        prompt = len(self.pack.system) + len(self.pack.review) + PROMPT_SLACK
        room = room_chars(s.context_window, s.max_tokens, prompt)
        for path in scope.files:
            if not self._file(scope, path, room):
                break
        if self.outcome.status is RunStatus.INCOMPLETE:
            reviewed = self.progress.reviewed()
            for path in scope.files:
                if path not in reviewed:
                    self.progress.failed.setdefault(path, f"not reviewed: {self.outcome.reason}")
        return self.outcome

    def _file(self, scope: Scope, path: str, room: int) -> bool:
        """Send the units of one file; False when the run must stop."""
        try:
            lines = self.sandbox.text(path).masked
        except Refused as exc:
            self.progress.units[path] = 1
            self.progress.failed[path] = str(exc)
            return True
        units = plan(scope, path, lines, room)
        self.progress.units[path] = len(units)
        for unit in units:
            if path in self.progress.failed:
                break
            if not self._unit(unit, lines):
                return False
        return True

    def _unit(self, unit: Unit, lines: tuple[str, ...]) -> bool:
        """Send one unit (and its one re-ask); False when the run must stop."""
        s = self.settings
        conversation = Conversation(len(self.pack.system), s.context_window - s.max_tokens,
                                    s.max_messages)
        conversation.add(Message("user", self._prompt(unit, lines)))
        for attempt in (1, 2):
            try:
                response = self.harness.call(self.pack.system, conversation, self.tools,
                                             STAGE, self.output)
            except BudgetExhausted as exc:
                return self._end(exc.reason)
            except ProviderError as exc:
                return self._end(self._provider_reason(exc))
            if response.stop is StopReason.REFUSED:
                detail = response.refusal or f"stop reason {response.raw_stop}"
                return self._end(f"refused: {detail}"[:300])
            reply = read_reply(response, self.output)
            self.outcome.repaired += int(reply.repaired)
            if reply.findings is not None:
                if self._accept(unit, reply):
                    return True
                # every finding named another file or lines not shown: the reply shows no
                # reading of this code, so it does not make the file reviewed
                reply = replace(reply, findings=None, fault="nothing_shown",
                                problem=NOTHING_SHOWN)
            else:
                self.faults[reply.fault] += 1
            self._trace_fault(unit, reply, attempt)
            if attempt == 1:
                self._reask(conversation, response.text, reply)
        why = NOTHING_SHOWN if reply.fault == "nothing_shown" else reply.fault.replace("_", " ")
        self.progress.failed[unit.path] = (f"{NO_REPLY} for lines {unit.lines} after one "
                                           f"re-ask ({why})")
        return True

    def _provider_reason(self, exc: ProviderError) -> str:
        """Why a final provider error ended the run, with a hint where the endpoint
        refused the response format (llama-cpp-python's server knows only json_object)."""
        label = "auth" if exc.kind is ErrorKind.AUTH else f"provider error ({exc.kind.value})"
        hint = exc.hint
        if (not hint and self.output is not None and self.output.mode == "json_schema"
                and "json_object" in exc.message):
            hint = ('the endpoint does not take response_format json_schema: set '
                    'structured_output = "json_object"')
        return f"{label}: {exc.message}" + (f" ({hint})" if hint else "")

    def _prompt(self, unit: Unit, lines: tuple[str, ...]) -> str:
        shown_lines = lines[unit.start - 1:unit.end]
        raw = self.sandbox.text(unit.path).raw[unit.start - 1:unit.end]
        self.outcome.redactions += (sum(x.count(MASK) for x in shown_lines)
                                    - sum(x.count(MASK) for x in raw))
        note = "" if (unit.start, unit.end) == (1, unit.total) else (
            "\nThis is a part of the file; report only what these lines show.")
        return self.pack.render_review(json.dumps(unit.path, ensure_ascii=False), unit.lines,
                                       note, numbered(unit, lines))

    def _reask(self, conversation: Conversation, text: str, reply: Reply) -> None:
        self.faults["reasks"] += 1
        problem = f"Your reply could not be used: {reply.problem}."
        if reply.call is not None:
            conversation.add(Message("assistant", text, (reply.call,)))
            conversation.add(Message("tool", results=(ToolResult(
                reply.call.id, reply.call.name, f"error: {problem}", is_error=True),)))
            return
        if len(text) > REPLY_KEPT:
            text = text[:REPLY_KEPT] + f"\n[... {len(text) - REPLY_KEPT} more characters]"
        conversation.add(Message("assistant", text))
        conversation.add(Message("user", problem))

    def _accept(self, unit: Unit, reply: Reply) -> bool:
        """Record a reply's findings; False when it had findings and none of them was
        about the code shown (the unit is then not answered)."""
        dropped = 0
        for item in reply.findings or ():
            fault = self._finding(unit, item)
            if fault:
                self.faults[fault] += 1
                dropped += 1
        if reply.findings and dropped == len(reply.findings):
            return False
        self.progress.answered[unit.path] += 1
        return True

    def _finding(self, unit: Unit, item: Any) -> str:
        """Record one finding of a reply; the fault when it is dropped ('' when kept)."""
        if not isinstance(item, Mapping):
            return "invalid_findings"
        args = dict(item)
        if args.get("path") in (None, ""):
            args["path"] = unit.path
        try:
            if self.sandbox.normalize(args["path"]) != unit.path:
                return "invented_paths"
        except Refused:
            return "invented_paths"
        try:
            finding = self.reporter.build(args, STAGE)
        except (Invalid, Refused):
            return "invalid_findings"
        span = finding.span
        if not unit.start <= span.start_line <= unit.end or span.end_line > unit.total:
            return "invented_lines"
        self.reporter.add(finding)
        return ""

    def _trace_fault(self, unit: Unit, reply: Reply, attempt: int) -> None:
        self.harness.trace.emit("reply_fault", STAGE, self.harness.step - 1, path=unit.path,
                                lines=unit.lines, fault=reply.fault, problem=reply.problem,
                                attempt=attempt)

    def _end(self, reason: str) -> bool:
        self.outcome.status = RunStatus.INCOMPLETE
        self.outcome.reason = reason
        return False

