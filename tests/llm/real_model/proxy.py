"""A recording HTTP proxy: forwards every request to an upstream server unchanged and keeps
each exchange (path, request body, status, reply body) as the server sent it.

The real-model tests put it between assay and the llama.cpp server, so what assay counted
(tokens, requests) can be checked against what the server itself replied, not against
assay's own trace.
"""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass(frozen=True)
class Exchange:
    """One request and the upstream's reply, as JSON where they are JSON."""

    method: str
    path: str
    request: Any
    status: int
    reply: Any


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", errors="replace")


class RecordingProxy:
    """Forward to `upstream` (a base URL such as `http://127.0.0.1:8080/v1`), record."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._prefix = parts.path.rstrip("/")
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The proxy's base URL, with the upstream's path (`.../v1`)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{self._prefix}"

    def replies(self, path_end: str = "/chat/completions") -> list[dict[str, Any]]:
        """The JSON replies to successful requests whose path ends with `path_end`."""
        with self._lock:
            return [e.reply for e in self.exchanges
                    if e.path.endswith(path_end) and e.status == 200 and isinstance(e.reply, dict)]

    def clear(self) -> None:
        """Forget the exchanges recorded so far."""
        with self._lock:
            self.exchanges.clear()

    def _forward(self, method: str, path: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        upstream = http.client.HTTPConnection(self._host, self._port, timeout=600)
        try:
            upstream.request(method, path, body=body or None, headers=headers)
            reply = upstream.getresponse()
            data = reply.read()
            return reply.status, reply.getheaders(), data
        finally:
            upstream.close()

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                status, reply_headers, data = proxy._forward(self.command, self.path, headers,
                                                             body)
                proxy._record(Exchange(self.command, self.path, _json(body) if body else None,
                                       status, _json(data)))
                self.send_response(status)
                for key, value in reply_headers:
                    if key.lower() not in HOP_HEADERS:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _relay  # the names http.server dispatches to

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the exchanges are the record."""

        return Handler

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
