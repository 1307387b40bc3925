"""Anthropic's messages API through the official `anthropic` SDK, with tool use.

The SDK's own retries are off (`max_retries=0`): the harness retries. Sampling parameters
the SDK does not expose as arguments are sent in the request body; `seed` has no
equivalent in this API and is not sent (provenance says so).
"""

from __future__ import annotations

import json
import time
from typing import Any

import anthropic

from assay.formats.errors import FormatError
from assay.formats.reading import parse_json
from assay.scanners.llm.interface import (
    ErrorKind,
    Message,
    ModelRequest,
    ModelResponse,
    Provider,
    ProviderError,
    StopReason,
    ToolCall,
    Usage,
)
from assay.scanners.llm.providers.errors import translate

_STOP = {"end_turn": StopReason.END, "stop_sequence": StopReason.END,
         "tool_use": StopReason.TOOL_USE, "max_tokens": StopReason.MAX_TOKENS,
         "refusal": StopReason.REFUSED}


def _arguments(text: str) -> dict[str, Any]:
    """A recorded tool call's arguments (what the model wrote: possibly hostile)."""
    try:
        value = parse_json(text, "tool call arguments")
    except FormatError:
        return {}
    return value if isinstance(value, dict) else {}


def _blocks(m: Message) -> list[dict[str, Any]]:
    if m.role == "assistant":
        blocks: list[dict[str, Any]] = [{"type": "text", "text": m.text}] if m.text else []
        blocks.extend({"type": "tool_use", "id": c.id, "name": c.name,
                       "input": _arguments(c.arguments)} for c in m.tool_calls)
        return blocks or [{"type": "text", "text": "(no content)"}]
    if m.role == "tool":
        return [{"type": "tool_result", "tool_use_id": r.call_id,
                 "content": r.content or "(empty)", "is_error": r.is_error} for r in m.results]
    return [{"type": "text", "text": m.text or "(empty)"}]


def to_wire(messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    """Messages-API turns: tool results travel in user turns; same-role turns merge."""
    out: list[dict[str, Any]] = []
    for m in messages:
        role = "assistant" if m.role == "assistant" else "user"
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(_blocks(m))
        else:
            out.append({"role": role, "content": _blocks(m)})
    return out


class AnthropicProvider(Provider):
    """Messages with tool use."""

    name = "anthropic"

    def __init__(self, api_key: str, base_url: str | None, key_env: str) -> None:
        self.key_env = key_env
        self._client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0)

    def complete(self, request: ModelRequest) -> ModelResponse:
        """One messages call."""
        started = time.perf_counter()
        try:
            response = self._client.messages.create(**self._kwargs(request))
        except anthropic.AnthropicError as exc:
            raise translate(exc, self.name, self.key_env) from None
        return _parse(response, time.perf_counter() - started)

    @staticmethod
    def _kwargs(request: ModelRequest) -> dict[str, Any]:
        p = request.params
        kwargs: dict[str, Any] = {
            "model": request.model, "max_tokens": p.max_tokens,
            "messages": to_wire(request.messages), "timeout": request.timeout,
        }
        if request.system:
            kwargs["system"] = request.system
        if request.tools:
            kwargs["tools"] = [{"name": t.name, "description": t.description,
                                "input_schema": dict(t.parameters)} for t in request.tools]
        if request.output is not None and request.output.mode == "tool":
            kwargs["tool_choice"] = {"type": "tool", "name": request.output.name}
        extra = {k: v for k, v in (("temperature", p.temperature), ("top_p", p.top_p))
                 if v is not None}
        if extra:
            kwargs["extra_body"] = extra
        return kwargs

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()


def _parse(response: Any, latency: float) -> ModelResponse:
    content = getattr(response, "content", None)
    if content is None:
        raise ProviderError(ErrorKind.BAD_RESPONSE, "anthropic: response has no content")
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in content:
        if block.type == "text":
            texts.append(block.text)
        elif block.type == "tool_use":
            calls.append(ToolCall(block.id, block.name, json.dumps(block.input)))
    raw = str(response.stop_reason or "")
    usage = response.usage
    cached = int(getattr(usage, "cache_read_input_tokens", None) or 0)
    created = int(getattr(usage, "cache_creation_input_tokens", None) or 0)
    return ModelResponse(
        text="".join(texts), tool_calls=tuple(calls), stop=_STOP.get(raw, StopReason.OTHER),
        usage=Usage(int(usage.input_tokens) + cached + created, int(usage.output_tokens), cached),
        model=str(response.model or ""), raw_stop=raw, latency=latency)
