"""Any OpenAI-compatible chat-completions endpoint through the official `openai` SDK
(OpenAI, vLLM, Ollama, llama.cpp server, OpenRouter): base URL and key from config/env.

The SDK's own retries are off (`max_retries=0`): the harness retries, so every attempt
is traced and counted against the budget.
"""

from __future__ import annotations

import time
from typing import Any

import openai

from assay.scanners.llm.interface import (
    ErrorKind,
    Message,
    ModelRequest,
    ModelResponse,
    OutputSpec,
    Provider,
    ProviderError,
    StopReason,
    ToolCall,
    Usage,
)
from assay.scanners.llm.providers.errors import translate

_STOP = {"stop": StopReason.END, "tool_calls": StopReason.TOOL_USE,
         "function_call": StopReason.TOOL_USE, "length": StopReason.MAX_TOKENS,
         "content_filter": StopReason.REFUSED}
_FILTER_CODES = ("content_filter", "content_policy_violation")


def to_wire(system: str, messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    """Chat-completions messages for a neutral conversation."""
    out: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    for m in messages:
        if m.role == "user":
            out.append({"role": "user", "content": m.text})
        elif m.role == "assistant":
            item: dict[str, Any] = {"role": "assistant", "content": m.text or None}
            if m.tool_calls:
                item["tool_calls"] = [
                    {"id": c.id, "type": "function",
                     "function": {"name": c.name, "arguments": c.arguments}}
                    for c in m.tool_calls]
            out.append(item)
        else:
            out.extend({"role": "tool", "tool_call_id": r.call_id, "content": r.content}
                       for r in m.results)
    return out


def output_fields(output: OutputSpec | None) -> dict[str, Any]:
    """The request fields that constrain the reply: `response_format` (OpenAI structured
    outputs' `json_schema`, or JSON mode with llama.cpp's `schema` member), or a forced
    `tool_choice`."""
    if output is None:
        return {}
    schema = dict(output.schema)
    if output.mode == "json_schema":
        return {"response_format": {"type": "json_schema", "json_schema": {
            "name": output.name, "schema": schema, "strict": True}}}
    if output.mode == "json_object":
        return {"response_format": {"type": "json_object", "schema": schema}}
    if output.mode == "tool":
        return {"tool_choice": {"type": "function", "function": {"name": output.name}}}
    return {}


class OpenAIProvider(Provider):
    """Chat completions with function tools."""

    name = "openai"

    def __init__(self, api_key: str, base_url: str | None, key_env: str,
                 max_tokens_param: str = "max_tokens") -> None:
        self.key_env = key_env
        self.max_tokens_param = max_tokens_param
        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0)

    def complete(self, request: ModelRequest) -> ModelResponse:
        """One chat-completions call."""
        kwargs = self._kwargs(request)
        started = time.perf_counter()
        try:
            response = self._client.chat.completions.create(**kwargs)
        except openai.BadRequestError as exc:
            if getattr(exc, "code", None) in _FILTER_CODES:
                return ModelResponse("", (), StopReason.REFUSED, Usage(), request.model,
                                     raw_stop=f"{exc.code} (HTTP 400)", refusal=exc.message,
                                     latency=time.perf_counter() - started)
            raise translate(exc, self.name, self.key_env) from None
        except openai.OpenAIError as exc:
            raise translate(exc, self.name, self.key_env) from None
        latency = time.perf_counter() - started
        return _parse(response, latency)

    def _kwargs(self, request: ModelRequest) -> dict[str, Any]:
        p = request.params
        kwargs: dict[str, Any] = {
            "model": request.model,
            "messages": to_wire(request.system, request.messages),
            self.max_tokens_param: p.max_tokens,
            "timeout": request.timeout,
        }
        if request.tools:
            kwargs["tools"] = [{"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": dict(t.parameters)}}
                for t in request.tools]
        for key in ("temperature", "top_p", "seed"):
            value = getattr(p, key)
            if value is not None:
                kwargs[key] = value
        kwargs.update(output_fields(request.output))
        return kwargs

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()


def _parse(response: Any, latency: float) -> ModelResponse:
    choices = getattr(response, "choices", None) or []
    if not choices:
        raise ProviderError(ErrorKind.BAD_RESPONSE, "openai: response has no choices")
    choice = choices[0]
    message = choice.message
    calls = tuple(
        ToolCall(tc.id or f"call_{i}", tc.function.name, tc.function.arguments or "")
        for i, tc in enumerate(message.tool_calls or ())
        if getattr(tc, "function", None) is not None)
    refusal = getattr(message, "refusal", None) or ""
    raw = str(choice.finish_reason or "")
    stop = StopReason.REFUSED if refusal else _STOP.get(raw, StopReason.OTHER)
    if stop is StopReason.END and calls:
        stop = StopReason.TOOL_USE
    usage = response.usage
    cached = 0
    if usage is not None and usage.prompt_tokens_details is not None:
        cached = usage.prompt_tokens_details.cached_tokens or 0
    return ModelResponse(
        text=message.content or "", tool_calls=calls, stop=stop,
        usage=Usage(usage.prompt_tokens if usage else 0, usage.completion_tokens if usage else 0,
                    cached),
        model=str(response.model or ""), raw_stop=raw, refusal=refusal, latency=latency)
