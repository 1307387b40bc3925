"""Provider-neutral values of the LLM harness: messages, tool calls, requests, responses.

The agent loop speaks only these types; each provider module translates them to and from
its SDK's wire format. Every value is a frozen dataclass so that a conversation can be
hashed, traced and replayed.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from assay.errors import AssayError

Role = Literal["user", "assistant", "tool"]


class LlmError(AssayError):
    """The error base of the LLM harness."""


class ErrorKind(enum.StrEnum):
    """What went wrong talking to a provider; decides whether a retry can help."""

    AUTH = "auth"
    RATE_LIMIT = "rate-limit"
    SERVER = "server"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    BAD_REQUEST = "bad-request"
    BAD_RESPONSE = "bad-response"

    @property
    def transient(self) -> bool:
        """Rate limits, server errors, timeouts and dropped connections are retried."""
        return self in (ErrorKind.RATE_LIMIT, ErrorKind.SERVER, ErrorKind.TIMEOUT,
                        ErrorKind.CONNECTION, ErrorKind.BAD_RESPONSE)


class ProviderError(LlmError):
    """A provider call failed; `kind` says whether retrying may help."""

    def __init__(self, kind: ErrorKind, message: str, hint: str = "",
                 retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message, hint)
        self.kind = kind
        self.retry_after = retry_after
        self.status = status


class StopReason(enum.StrEnum):
    """Why the model stopped, normalized across providers."""

    END = "end"
    TOOL_USE = "tool_use"
    MAX_TOKENS = "max_tokens"
    REFUSED = "refused"
    OTHER = "other"


@dataclass(frozen=True)
class ToolCall:
    """A tool call proposed by the model; `arguments` is the raw JSON text it sent."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class ToolResult:
    """What the harness answers to one tool call."""

    call_id: str
    name: str
    content: str
    is_error: bool = False


@dataclass(frozen=True)
class Message:
    """One conversation turn. `tool` turns carry the results of the previous calls."""

    role: Role
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    results: tuple[ToolResult, ...] = ()

    @property
    def size(self) -> int:
        """Characters of content, the unit of the context estimate."""
        return (len(self.text) + sum(len(c.arguments) + len(c.name) for c in self.tool_calls)
                + sum(len(r.content) for r in self.results))


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered to the model: name, description and JSON schema of its arguments."""

    name: str
    description: str
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GenerationParams:
    """Sampling parameters sent with every request (None: the provider's default)."""

    max_tokens: int
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The parameters as recorded in provenance and cache keys."""
        return {"max_tokens": self.max_tokens, "temperature": self.temperature,
                "top_p": self.top_p, "seed": self.seed}


@dataclass(frozen=True)
class OutputSpec:
    """How the reply of a request is constrained.

    `mode` is `json_schema` (OpenAI structured outputs: `response_format` with the schema,
    strict), `json_object` (JSON mode with the schema in `response_format.schema`, which
    llama.cpp servers turn into a grammar) or `tool` (the reply is a call of the tool
    `name`, which the request forces). `name` names the reply object and `schema` is its
    JSON schema.
    """

    mode: str
    name: str
    schema: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelRequest:
    """One request: the whole conversation as it is sent."""

    model: str
    system: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...]
    params: GenerationParams
    timeout: float
    output: OutputSpec | None = None


@dataclass(frozen=True)
class Usage:
    """Tokens of one response. `input_tokens` includes `cached_tokens`."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0


@dataclass(frozen=True)
class ModelResponse:
    """One response, normalized. `model` is the id the provider reported back."""

    text: str
    tool_calls: tuple[ToolCall, ...]
    stop: StopReason
    usage: Usage
    model: str = ""
    raw_stop: str = ""
    refusal: str = ""
    latency: float = 0.0


class Provider(abc.ABC):
    """A model endpoint."""

    name: str = ""

    @abc.abstractmethod
    def complete(self, request: ModelRequest) -> ModelResponse:
        """Send one request; raise ProviderError on failure (never retries itself)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
