"""The labeling server over HTTP, without a browser: routes, token, Host check."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator, Sequence
from dataclasses import replace

import pytest

from assay.report.label_server import CodeLine, LabelItem, LabelServer


class MemorySource:
    """A LabelSource over a list, recording every save."""

    def __init__(self, items: Sequence[LabelItem]) -> None:
        self._items = {i.item_id: i for i in items}
        self.saved: list[tuple[str, str]] = []

    def items(self) -> list[LabelItem]:
        return sorted(self._items.values(), key=lambda i: i.position)

    def save(self, item_id: str, verdict: str) -> None:
        item = self._items[item_id]
        self._items[item_id] = replace(item, label=verdict)
        self.saved.append((item_id, verdict))


def make_items(n: int = 3) -> list[LabelItem]:
    return [LabelItem(item_id=f"item-{i}", position=i, family="CWE-89",
                      title="SQL injection", path=f"app/mod{i}.py", start_line=3, end_line=3,
                      context=(CodeLine(2, "def f(x):"), CodeLine(3, "    run(x)", hit=True)))
            for i in range(1, n + 1)]


@pytest.fixture
def served() -> Iterator[tuple[LabelServer, MemorySource]]:
    source = MemorySource(make_items())
    with LabelServer(source, "Sample s1").start() as server:
        yield server, source


def request(server: LabelServer, method: str, path: str, body: object = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, object] | str]:
    host, port = server.url.removeprefix("http://").rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    payload = None if body is None else json.dumps(body)
    conn.request(method, path, body=payload, headers={"Content-Type": "application/json",
                                                      **(headers or {})})
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    if response.getheader("Content-Type", "").startswith("application/json"):
        return response.status, json.loads(text)
    return response.status, text


def test_page_embeds_token_and_no_scanner(served: tuple[LabelServer, MemorySource]) -> None:
    server, _ = served
    status, page = request(server, "GET", "/")
    assert status == 200
    assert isinstance(page, str)
    assert server.token in page
    status, doc = request(server, "GET", "/api/items")
    assert status == 200
    assert isinstance(doc, dict)
    items = doc["items"]
    assert isinstance(items, list)
    assert [i["item_id"] for i in items] == ["item-1", "item-2", "item-3"]
    assert all("scanner" not in json.dumps(i) for i in items)


def test_label_needs_the_page_token(served: tuple[LabelServer, MemorySource]) -> None:
    server, source = served
    status, _ = request(server, "POST", "/api/label", {"id": "item-1", "label": "true"})
    assert status == 403
    status, _ = request(server, "POST", "/api/label", {"id": "item-1", "label": "true"},
                        {"X-Assay-Token": "guess"})
    assert status == 403
    assert source.saved == []
    status, doc = request(server, "POST", "/api/label", {"id": "item-1", "label": "true"},
                          {"X-Assay-Token": server.token})
    assert status == 200
    assert doc == {"id": "item-1", "label": "true", "ok": True}
    assert source.saved == [("item-1", "true")]


def test_bad_labels_are_rejected(served: tuple[LabelServer, MemorySource]) -> None:
    server, source = served
    token = {"X-Assay-Token": server.token}
    assert request(server, "POST", "/api/label", {"id": "item-1", "label": "maybe"},
                   token)[0] == 400
    assert request(server, "POST", "/api/label", {"id": "nope", "label": "true"},
                   token)[0] == 400
    assert request(server, "POST", "/api/label", ["not", "an", "object"], token)[0] == 400
    assert request(server, "POST", "/api/label", {"label": "true"}, token)[0] == 400
    assert source.saved == []


def test_foreign_host_header_is_refused(served: tuple[LabelServer, MemorySource]) -> None:
    server, source = served
    status, _ = request(server, "GET", "/api/items", headers={"Host": "evil.example:80"})
    assert status == 421
    status, _ = request(server, "POST", "/api/label", {"id": "item-1", "label": "true"},
                        {"Host": "evil.example", "X-Assay-Token": server.token})
    assert status == 421
    assert source.saved == []
