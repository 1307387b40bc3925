"""One-shot structured generation: a harness stage with its own budget and trace.

Later stages reuse the harness through this function (e.g. proof generation asks the LLM
scanner that made a finding to write a test). The model is offered a single tool,
`submit`, whose parameters are the JSON schema of the wanted object; a malformed or
missing submission is answered once with what was wrong, within the stage's budget. The
trace is stored under scanner `<scanner>#<stage>` in the run given.

    task = GenerationTask(stage="prove", instructions="...", prompt="...",
                          schema={"type": "object", "properties": {...}, "required": [...]},
                          documents=(("app.py", source),), limits=Limits(max_steps=3))
    result = scanner.generate(task, run_id=run.id, ledger=ledger)
    if result.value is not None: ...
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assay.model import RunStatus, StageMetrics
from assay.scanners.llm.budget import BudgetExhausted, Limits, Meter
from assay.scanners.llm.codec import canonical, sha256_text
from assay.scanners.llm.context import Conversation
from assay.scanners.llm.harness import Harness
from assay.scanners.llm.interface import (
    ErrorKind,
    Message,
    ModelResponse,
    Provider,
    ProviderError,
    StopReason,
    ToolResult,
    ToolSpec,
)
from assay.scanners.llm.metrics import StageRecorder
from assay.scanners.llm.redact import Redactor
from assay.scanners.llm.repair import parse_arguments
from assay.scanners.llm.session import call_settings, price_of
from assay.scanners.llm.settings import LlmSettings
from assay.scanners.llm.store import LlmStore
from assay.scanners.llm.trace import Trace

SUBMIT = "submit"


@dataclass(frozen=True)
class GenerationTask:
    """What to generate: instructions, the request, the schema of the answer, and data."""

    stage: str
    instructions: str
    prompt: str
    schema: Mapping[str, Any]
    documents: tuple[tuple[str, str], ...] = ()
    limits: Limits = field(default_factory=lambda: Limits(max_steps=2))


@dataclass(frozen=True)
class Generation:
    """The generated object (None when the stage did not produce one) and its record."""

    value: dict[str, Any] | None
    status: RunStatus
    reason: str
    stage: StageMetrics
    model_reported: str = ""
    redactions: int = 0


def _missing(value: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    return [str(k) for k in schema.get("required", ()) if k not in value]


def _user_turn(task: GenerationTask, redactor: Redactor) -> str:
    parts = [task.prompt]
    for name, text in task.documents:
        parts.append(f'<document name="{name}">\n{redactor.redact(text)}\n</document>')
    return "\n\n".join(parts)


def generate(settings: LlmSettings, task: GenerationTask, provider: Provider, *,
             scanner: str, run_id: str = "", store: LlmStore | None = None,
             sleep: Callable[[float], None] = time.sleep) -> Generation:
    """Run one generation stage; failures are data (status and reason), never raised."""
    trace = Trace(store, run_id, f"{scanner}#{task.stage}")
    trace.emit("header", settings=settings.public(), stage=task.stage,
               instructions_sha256=sha256_text(task.instructions),
               schema=dict(task.schema), documents=[n for n, _ in task.documents])
    recorder = StageRecorder(scanner)
    meter = Meter(task.limits, price_of(settings))
    harness = Harness(provider, call_settings(settings), meter, trace, recorder, sleep=sleep)
    tools = (ToolSpec(SUBMIT, "Submit the requested object.", dict(task.schema)),)
    system = task.instructions + f"\n\nAnswer by calling {SUBMIT} exactly once."
    redactor = Redactor()
    conversation = Conversation(len(system) + len(canonical(dict(task.schema))),
                                settings.context_window - settings.max_tokens,
                                settings.max_messages)
    conversation.add(Message("user", _user_turn(task, redactor)))
    value, status, reason = _attempts(harness, conversation, system, tools, task)
    trace.emit("end", status=status.value, reason=reason, produced=value is not None)
    trace.flush()
    stages = recorder.stages()
    stage = stages[0] if stages else StageMetrics(f"{scanner}:{task.stage}")
    return Generation(value, status, reason, stage, ",".join(sorted(harness.models_reported)),
                      redactor.total)


def _attempts(harness: Harness, conversation: Conversation, system: str,
              tools: tuple[ToolSpec, ...], task: GenerationTask,
              ) -> tuple[dict[str, Any] | None, RunStatus, str]:
    while True:
        try:
            response = harness.call(system, conversation, tools, task.stage)
        except BudgetExhausted as exc:
            return None, RunStatus.INCOMPLETE, exc.reason
        except ProviderError as exc:
            label = "auth" if exc.kind is ErrorKind.AUTH else f"provider error ({exc.kind.value})"
            return None, RunStatus.INCOMPLETE, f"{label}: {exc.message}"
        if response.stop is StopReason.REFUSED:
            return None, RunStatus.INCOMPLETE, f"refused: {response.refusal or response.raw_stop}"
        value, problem = _submission(response, task.schema)
        if value is not None:
            return value, RunStatus.COMPLETE, ""
        conversation.add(Message("assistant", response.text, response.tool_calls))
        if response.tool_calls:
            conversation.add(Message("tool", results=tuple(
                ToolResult(c.id, c.name, f"error: {problem}", is_error=True)
                for c in response.tool_calls)))
        else:
            conversation.add(Message("user", f"{problem}. Call {SUBMIT} with the object."))


def _submission(response: ModelResponse, schema: Mapping[str, Any],
                ) -> tuple[dict[str, Any] | None, str]:
    submitted = [c for c in response.tool_calls if c.name == SUBMIT]
    text = submitted[0].arguments if submitted else response.text
    if not submitted and not text.strip():
        return None, f"no {SUBMIT} call"
    parsed = parse_arguments(text)
    if parsed.value is None:
        return None, parsed.error or "no JSON object"
    missing = _missing(parsed.value, schema)
    if missing:
        return None, f"missing required field(s): {', '.join(missing)}"
    return parsed.value, ""
