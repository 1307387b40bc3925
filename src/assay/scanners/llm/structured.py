"""The findings reply of the single-shot harness: its JSON schema, how a request asks for
it (`output_spec`), and how a reply is read (`read_reply`).

The schema follows OpenAI's strict mode (every field required, no other fields), so the
same schema serves `json_schema`, `json_object` (llama.cpp turns it into a grammar) and
`tool` (the parameters of the forced `report_findings` call). Whatever the endpoint
enforced, a reply is read leniently once (code fences, prose around the object, a bare
array or a bare finding) and otherwise reported as a fault with the problem in words,
for one re-ask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assay.model import Confidence, Severity
from assay.scanners.llm.interface import ModelResponse, OutputSpec, StopReason, ToolCall
from assay.scanners.llm.repair import parse_arguments

REPLY_NAME = "findings"
"""The name of the reply object in `json_schema` mode."""
TOOL_NAME = "report_findings"
"""The tool whose forced call carries the reply in `tool` mode."""


def _strict(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def _text(description: str) -> dict[str, str]:
    return {"type": "string", "description": description}


FINDING_SCHEMA: dict[str, Any] = _strict({
    "cwe": _text("CWE id, e.g. CWE-89"),
    "path": _text("the path of the file shown, exactly as given"),
    "start_line": {"type": "integer", "description": "first line of the vulnerable code"},
    "end_line": {"type": "integer", "description": "last line of the vulnerable code"},
    "severity": {"type": "string", "enum": [s.value for s in Severity]},
    "confidence": {"type": "string", "enum": [c.value for c in Confidence]},
    "title": _text("one-line summary of the vulnerability"),
    "rationale": _text("why this is exploitable"),
    "quote": _text("the vulnerable code, copied verbatim without line numbers"),
    "proof_sketch": _strict({
        "inputs": _text("attacker-controlled inputs"),
        "trust_boundary": _text("boundary crossed"),
        "failing_test": _text("what a test demonstrating it would do"),
    }),
})
REPLY_SCHEMA: dict[str, Any] = _strict({"findings": {"type": "array", "items": FINDING_SCHEMA}})

_FINDING_KEYS = frozenset({"cwe", "quote", "start_line"})
_BRACKET = re.compile(r"[{\[]")


def output_spec(mode: str) -> OutputSpec | None:
    """How a request asks for the reply in `mode` (None for `none`: the prompt asks)."""
    if mode == "none":
        return None
    return OutputSpec(mode, TOOL_NAME if mode == "tool" else REPLY_NAME, REPLY_SCHEMA)


@dataclass(frozen=True)
class Reply:
    """A reply as read: its findings (raw objects), or the fault and the problem in words
    (`findings` is None). `repaired` when it was read leniently."""

    findings: tuple[Any, ...] | None
    fault: str = ""
    problem: str = ""
    repaired: bool = False
    call: ToolCall | None = None


def read_reply(response: ModelResponse, spec: OutputSpec | None) -> Reply:
    """Read one reply to a single-shot request."""
    call = _reply_call(response, spec)
    if response.stop is StopReason.MAX_TOKENS:
        return Reply(None, "truncated_replies", "your reply was cut off at the output token "
                     "limit; reply again with fewer findings and shorter texts", call=call)
    if call is None and response.tool_calls and spec is not None and spec.mode == "tool":
        names = ", ".join(sorted({c.name[:60] for c in response.tool_calls}))
        return Reply(None, "malformed_calls", f"you called {names}; the only tool is "
                     f"{TOOL_NAME}: call it with the findings")
    text = call.arguments if call is not None else response.text
    found = _shaped(text)
    if isinstance(found, Reply):
        return Reply(found.findings, found.fault, found.problem, found.repaired, call)
    return Reply(None, "invalid_json", found, call=call)


def _reply_call(response: ModelResponse, spec: OutputSpec | None) -> ToolCall | None:
    if spec is None or spec.mode != "tool":
        return None
    return next((c for c in response.tool_calls if c.name == spec.name), None)


def _shaped(text: str) -> Reply | str:
    """The findings of a reply's text, or what is wrong with it."""
    if not text.strip():
        return Reply(None, "invalid_json", "the reply was empty; reply with the JSON object "
                     '{"findings": [...]}')
    value, repaired = _value(text)
    if value is _NONE:
        if _BRACKET.search(text) is None:
            return Reply(None, "prose_replies", "the reply was prose, not JSON; reply with "
                         'only the JSON object {"findings": [...]}')
        return Reply(None, "invalid_json", "the reply is not valid JSON; reply with only the "
                     'JSON object {"findings": [...]}')
    if isinstance(value, Mapping) and isinstance(value.get("findings"), list):
        return Reply(tuple(value["findings"]), repaired=repaired)
    if isinstance(value, list):
        return Reply(tuple(value), repaired=True)
    if isinstance(value, Mapping) and set(value) >= _FINDING_KEYS:
        return Reply((value,), repaired=True)
    return ('the reply must be a JSON object with a "findings" array '
            '({"findings": []} when there is nothing to report)')


class _Missing:
    pass


_NONE = _Missing()


def _value(text: str) -> tuple[Any, bool]:
    """The JSON value of `text`: strictly, else repaired once (fences, prose around an
    object, trailing commas, Python literals); `_NONE` when neither reads."""
    try:
        return json.loads(text), False
    except (ValueError, RecursionError):
        pass
    parsed = parse_arguments(text)
    if parsed.value is not None:
        return parsed.value, True
    start, end = text.find("["), text.rfind("]")
    if 0 <= start < end:
        try:
            return json.loads(text[start:end + 1]), True
        except (ValueError, RecursionError):
            pass
    return _NONE, False
