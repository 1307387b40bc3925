"""`assay label serve`: a local, keyboard-driven web page for blind labeling.

The server listens on 127.0.0.1 only, answers only requests whose Host header names that
address, and accepts a label only with the random token embedded in the page it served,
so another web page open in the same browser cannot write labels. It shows each finding's
weakness class, location and code, never the scanner that reported it; everything it
knows comes from a `LabelSource`, which keeps the server free of storage details.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from assay.formats.errors import FormatError
from assay.formats.escape import visible
from assay.formats.reading import parse_json
from assay.report.templating import render

VERDICTS = ("true", "false", "unsure")
MAX_BODY = 4096


@dataclass(frozen=True)
class CodeLine:
    """One line of source shown around a finding; `hit` marks the finding's own lines."""

    number: int
    text: str
    hit: bool = False


@dataclass(frozen=True)
class LabelItem:
    """One blinded finding as the page shows it."""

    item_id: str
    position: int
    family: str
    title: str
    path: str
    start_line: int
    end_line: int
    context: tuple[CodeLine, ...]
    label: str = ""
    message: str = ""


class LabelSource(Protocol):
    """Where the items come from and where a verdict goes."""

    def items(self) -> Sequence[LabelItem]:
        """Every item of the sample, in sample order, with its current label."""
        ...

    def save(self, item_id: str, verdict: str) -> None:
        """Record a verdict (one of VERDICTS) for an item; KeyError for an unknown item."""
        ...


class LabelServer:
    """The HTTP server; `start()` serves from a background thread, `serve()` blocks."""

    def __init__(self, source: LabelSource, title: str, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.source = source
        self.title = title
        self.token = secrets.token_urlsafe(24)
        self.nonce = secrets.token_urlsafe(16)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def allowed_hosts(self) -> frozenset[str]:
        """Host header values this server answers (DNS-rebinding protection)."""
        port = self._httpd.server_address[1]
        return frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})

    def page(self) -> str:
        """The labeling page."""
        return render("label.html.j2", title=self.title, token=self.token, nonce=self.nonce)

    def items_document(self) -> dict[str, Any]:
        """The items as JSON-ready data."""
        with self._lock:
            items = list(self.source.items())
        return {"title": self.title, "items": [_shown(i) for i in items]}

    def label(self, item_id: str, verdict: str) -> None:
        """Write one verdict through the source (serialized: one writer at a time)."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
        with self._lock:
            self.source.save(item_id, verdict)

    def start(self) -> LabelServer:
        """Serve from a daemon thread (for tests and embedding); returns self."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        name="assay-label-server")
        self._thread.start()
        return self

    def serve(self) -> None:
        """Serve until interrupted."""
        self._httpd.serve_forever()

    def close(self) -> None:
        """Stop serving and release the socket."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> LabelServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _shown(item: LabelItem) -> dict[str, Any]:
    """An item as the page gets it: text from the repository with control characters and
    bidirectional overrides shown as escapes (the page sets it as text, never as HTML)."""
    doc = asdict(item)
    for key in ("family", "title", "path", "message"):
        doc[key] = visible(doc[key])
    doc["context"] = [{**line, "text": visible(line["text"], layout=True)}
                      for line in doc["context"]]
    return doc


def _handler_for(server: LabelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        app = server

    return Handler


class _Handler(BaseHTTPRequestHandler):
    app: LabelServer
    server_version = "assay-label"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows the URL and errors, not every request."""

    def do_GET(self) -> None:
        if not self._host_ok():
            return
        if self.path == "/":
            self._send(HTTPStatus.OK, self.app.page().encode(), "text/html; charset=utf-8")
        elif self.path == "/api/items":
            self._json(HTTPStatus.OK, self.app.items_document())
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

    def do_POST(self) -> None:
        if not self._host_ok():
            return
        if self.path != "/api/label":
            self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            return
        if not secrets.compare_digest(self.headers.get("X-Assay-Token", ""), self.app.token):
            self._json(HTTPStatus.FORBIDDEN, {"error": "missing or wrong page token"})
            return
        try:
            body = self._body()
            self.app.label(str(body["id"]), str(body["label"]))
        except KeyError as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": f"unknown or missing {exc}"})
            return
        except (ValueError, TypeError) as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        self._json(HTTPStatus.OK, {"ok": True, "id": body["id"], "label": body["label"]})

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("request body too large")
        try:
            data = parse_json(self.rfile.read(length) or b"{}", "request body")
        except FormatError as exc:
            raise ValueError(exc.message) from None
        if not isinstance(data, dict):
            raise TypeError("expected a JSON object")
        return data

    def _host_ok(self) -> bool:
        if self.headers.get("Host", "") in self.app.allowed_hosts():
            return True
        self._json(HTTPStatus.MISDIRECTED_REQUEST, {"error": "unexpected Host header"})
        return False

    def _json(self, status: HTTPStatus, data: object) -> None:
        self._send(status, json.dumps(data, sort_keys=True).encode(),
                   "application/json; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy",
                         "default-src 'none'; connect-src 'self'; style-src 'unsafe-inline'; "
                         f"script-src 'nonce-{self.app.nonce}'; frame-ancestors 'none'")
        self.end_headers()
        self.wfile.write(body)
