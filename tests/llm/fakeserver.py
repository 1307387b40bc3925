"""A local stand-in for LLM provider endpoints, for tests and benchmarks.

`FakeLLMServer` listens on 127.0.0.1 (a free port) and speaks two protocols:

- OpenAI chat completions: `POST /v1/chat/completions` with `tools` and `tool_calls`;
- Anthropic messages: `POST /v1/messages` with `tool_use` and `tool_result` blocks.

It answers each request with the next scripted `Turn` (or from `server.responder` when
the script is empty), rendered in the protocol of the request. Every request is kept in
`server.requests`; `server.forbid(text)` records a violation whenever a request contains
the text (assert `server.violations == []`). A request nobody scripted is a violation and
gets HTTP 400. The answers are whatever the test scripted: no model is involved.
`FakeLLMServer(record=False)` keeps no requests (for long benchmark runs).

Reuse in another test suite:

    # your conftest.py
    from tests.llm.fakeserver import fake_llm  # noqa: F401  (the fixture)

    # your test
    from tests.llm.fakeserver import call, reply, scanner_config

    def test_review(fake_llm, repo):
        fake_llm.script(call("read_file", {"path": "app.py"}), reply("done"), reply("ok"))
        config = {"scanners": {"llm-review": scanner_config(fake_llm, "openai")}}
        ...  # write config to assay.toml, run `assay scan --scanner llm-review`

Or without the fixture: `with FakeLLMServer() as server: ...`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

DEFAULT_MODEL = "fake-model-2025-01-01"


@dataclass
class Turn:
    """One scripted answer. `calls` are (tool name, arguments): a dict is sent as JSON, a
    string is sent as is (to script malformed arguments). `stop` is '' (automatic),
    'refusal', 'content_filter' or 'max_tokens'. A `status` other than 200 answers with an
    error body; `delay` sleeps before answering (to provoke client timeouts); `trickle`
    sends the body one byte at a time, this many seconds apart (a server that never
    lets a read timeout fire). `message` is the error message of a non-200 answer."""

    text: str = ""
    calls: tuple[tuple[str, Any], ...] = ()
    stop: str = ""
    status: int = 200
    retry_after: float | None = None
    delay: float = 0.0
    trickle: float = 0.0
    usage: tuple[int, int, int] = (120, 30, 0)
    model: str = ""
    message: str = "scripted error"


def reply(text: str, **kw: Any) -> Turn:
    """A text answer without tool calls."""
    return Turn(text=text, **kw)


def call(name: str, args: Any, text: str = "", **kw: Any) -> Turn:
    """An answer with one tool call."""
    return Turn(text=text, calls=((name, args),), **kw)


def calls(*items: tuple[str, Any], text: str = "", **kw: Any) -> Turn:
    """An answer with several tool calls."""
    return Turn(text=text, calls=tuple(items), **kw)


def error(status: int, retry_after: float | None = None) -> Turn:
    """An HTTP error answer (429, 500, 401, ...)."""
    return Turn(status=status, retry_after=retry_after)


@dataclass
class Received:
    """One request as the server saw it."""

    path: str
    protocol: str
    body: dict[str, Any]
    raw: str
    headers: dict[str, str] = field(default_factory=dict)


class FakeLLMServer:
    """The server; use as a context manager (or `start()`/`stop()`)."""

    def __init__(self, record: bool = True) -> None:
        self.record = record
        self.requests: list[Received] = []
        self.violations: list[str] = []
        self.responder: Callable[[Received], Turn] | None = None
        self._script: deque[Turn] = deque()
        self._forbidden: list[str] = []
        self._lock = threading.Lock()
        self._counter = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self._server.server_port}"

    def base_url(self, provider: str) -> str:
        """The `base_url` to configure for a provider."""
        return f"{self.url}/v1" if provider == "openai" else self.url

    def script(self, *turns: Turn) -> None:
        """Append answers, consumed one per request."""
        with self._lock:
            self._script.extend(turns)

    @property
    def pending(self) -> int:
        """Scripted answers not consumed yet."""
        return len(self._script)

    def forbid(self, text: str) -> None:
        """Record a violation whenever a request contains `text`."""
        self._forbidden.append(text)

    def start(self) -> FakeLLMServer:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def next_turn(self, received: Received) -> Turn | None:
        """The answer to a request (None: nothing scripted)."""
        with self._lock:
            if self.record:
                self.requests.append(received)
            for text in self._forbidden:
                decoded = json.dumps(received.body, ensure_ascii=False)
                if text in received.raw or text in decoded:
                    self.violations.append(f"request {len(self.requests)} contains {text!r}")
            if self._script:
                return self._script.popleft()
        return self.responder(received) if self.responder else None

    def next_id(self) -> int:
        """A fresh number for response and tool-call ids."""
        with self._lock:
            self._counter += 1
            return self._counter


def _handler(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms stalls

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            raw = self.rfile.read(length).decode("utf-8")
            protocol = "openai" if self.path.endswith("/chat/completions") else "anthropic"
            received = Received(self.path, protocol, json.loads(raw or "{}"), raw,
                                {k.lower(): v for k, v in self.headers.items()})
            turn = server.next_turn(received)
            if turn is None:
                server.violations.append(f"unscripted request {len(server.requests)}")
                self._send(400, _error_body(protocol, 400, "no scripted answer left"), {})
                return
            if turn.delay:
                time.sleep(turn.delay)
            if turn.status != 200:
                headers = {} if turn.retry_after is None else {"retry-after": str(turn.retry_after)}
                self._send(turn.status, _error_body(protocol, turn.status, turn.message),
                           headers)
                return
            model = turn.model or str(received.body.get("model", DEFAULT_MODEL))
            render = _openai if protocol == "openai" else _anthropic
            self._send(200, render(turn, model, server.next_id), {}, turn.trickle)

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str],
                  trickle: float = 0.0) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if not trickle:
                    self.wfile.write(data)
                for i in range(len(data) if trickle else 0):
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    time.sleep(trickle)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

    return Handler


def _error_body(protocol: str, status: int, message: str) -> dict[str, Any]:
    kinds = {401: "authentication_error", 429: "rate_limit_error", 400: "invalid_request_error"}
    kind = kinds.get(status, "api_error")
    if protocol == "openai":
        return {"error": {"message": message, "type": kind, "code": None, "param": None}}
    return {"type": "error", "error": {"type": kind, "message": message}}


def _openai(turn: Turn, model: str, next_id: Callable[[], int]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.text or None}
    finish = "stop"
    if turn.calls:
        message["tool_calls"] = [
            {"id": f"call_{next_id()}", "type": "function",
             "function": {"name": name, "arguments": args if isinstance(args, str)
                          else json.dumps(args)}} for name, args in turn.calls]
        finish = "tool_calls"
    if turn.stop == "refusal":
        message["content"], message["refusal"] = None, turn.text or "I can't help with that."
    elif turn.stop == "content_filter":
        finish = "content_filter"
    elif turn.stop == "max_tokens":
        finish = "length"
    tokens_in, tokens_out, cached = turn.usage
    return {"id": f"chatcmpl-{next_id()}", "object": "chat.completion", "created": 0,
            "model": model, "choices": [{"index": 0, "message": message, "finish_reason": finish,
                                         "logprobs": None}],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                      "total_tokens": tokens_in + tokens_out,
                      "prompt_tokens_details": {"cached_tokens": cached}}}


def _anthropic(turn: Turn, model: str, next_id: Callable[[], int]) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": turn.text}] if turn.text else []
    for name, args in turn.calls:
        if isinstance(args, str):
            try:
                args = json.loads(args)
            except ValueError:
                args = {"_raw": args}
        content.append({"type": "tool_use", "id": f"toolu_{next_id()}", "name": name,
                        "input": args})
    stop = "tool_use" if turn.calls else "end_turn"
    if turn.stop in ("refusal", "content_filter"):
        stop = "refusal"
    elif turn.stop == "max_tokens":
        stop = "max_tokens"
    tokens_in, tokens_out, cached = turn.usage
    return {"id": f"msg_{next_id()}", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": tokens_in - cached, "output_tokens": tokens_out,
                      "cache_read_input_tokens": cached}}


def scanner_config(server: FakeLLMServer, provider: str = "openai",
                   **overrides: Any) -> dict[str, Any]:
    """A `[scanners.NAME]` table pointing an LLM scanner at the fake server."""
    base: dict[str, Any] = {
        "type": "llm", "provider": provider, "model": DEFAULT_MODEL,
        "base_url": server.base_url(provider), "api_key_env": "",
        "retry": {"max_retries": 3, "backoff_base": 0.01, "backoff_max": 0.05},
    }
    base.update(overrides)
    return base


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    """A running FakeLLMServer, stopped after the test."""
    with FakeLLMServer() as server:
        yield server
