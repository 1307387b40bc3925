"""JSON forms of the harness values, as they are written to traces and read back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from assay.scanners.llm.interface import (
    Message,
    ModelResponse,
    StopReason,
    ToolCall,
    ToolResult,
    ToolSpec,
    Usage,
)


def canonical(value: Any) -> str:
    """Compact JSON with sorted keys: the text every hash in the harness is taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    """Hex sha256 of a text (UTF-8, lone surrogates kept)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def call_to_dict(call: ToolCall) -> dict[str, str]:
    """A tool call as a JSON object."""
    return {"id": call.id, "name": call.name, "arguments": call.arguments}


def call_from_dict(d: Mapping[str, Any]) -> ToolCall:
    """A tool call from its JSON object."""
    return ToolCall(str(d["id"]), str(d["name"]), str(d["arguments"]))


def result_to_dict(r: ToolResult) -> dict[str, Any]:
    """A tool result as a JSON object."""
    return {"call_id": r.call_id, "name": r.name, "content": r.content, "is_error": r.is_error}


def result_from_dict(d: Mapping[str, Any]) -> ToolResult:
    """A tool result from its JSON object."""
    return ToolResult(str(d["call_id"]), str(d["name"]), str(d["content"]), bool(d["is_error"]))


def message_to_dict(m: Message) -> dict[str, Any]:
    """A message as a JSON object."""
    return {"role": m.role, "text": m.text,
            "tool_calls": [call_to_dict(c) for c in m.tool_calls],
            "results": [result_to_dict(r) for r in m.results]}


def message_from_dict(d: Mapping[str, Any]) -> Message:
    """A message from its JSON object."""
    role = str(d["role"])
    if role not in ("user", "assistant", "tool"):
        raise ValueError(f"unknown role {role!r}")
    return Message(role, str(d.get("text", "")),  # type: ignore[arg-type]
                   tuple(call_from_dict(c) for c in d.get("tool_calls", ())),
                   tuple(result_from_dict(r) for r in d.get("results", ())))


def message_hash(m: Message) -> str:
    """A message's identity in request hashes."""
    return sha256_text(canonical(message_to_dict(m)))


def tools_to_list(tools: tuple[ToolSpec, ...]) -> list[dict[str, Any]]:
    """Tool specs as JSON objects (the tool manifest)."""
    return [{"name": t.name, "description": t.description, "parameters": dict(t.parameters)}
            for t in tools]


def response_to_dict(r: ModelResponse) -> dict[str, Any]:
    """A response as a JSON object (latency included: it is a record, not an identity)."""
    return {"text": r.text, "tool_calls": [call_to_dict(c) for c in r.tool_calls],
            "stop": r.stop.value, "raw_stop": r.raw_stop, "refusal": r.refusal,
            "model": r.model, "latency": round(r.latency, 6),
            "usage": {"input": r.usage.input_tokens, "output": r.usage.output_tokens,
                      "cached": r.usage.cached_tokens}}


def response_from_dict(d: Mapping[str, Any]) -> ModelResponse:
    """A response from its JSON object."""
    usage = d.get("usage", {})
    return ModelResponse(
        text=str(d.get("text", "")),
        tool_calls=tuple(call_from_dict(c) for c in d.get("tool_calls", ())),
        stop=StopReason(str(d["stop"])),
        usage=Usage(int(usage.get("input", 0)), int(usage.get("output", 0)),
                    int(usage.get("cached", 0))),
        model=str(d.get("model", "")), raw_stop=str(d.get("raw_stop", "")),
        refusal=str(d.get("refusal", "")), latency=float(d.get("latency", 0.0)))
