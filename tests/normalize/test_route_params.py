"""Route parameters the framework converts to numbers are constants for the judgement
of a Bandit finding; a parameter the framework does not convert is not."""

from __future__ import annotations

import pytest

from assay.normalize.constant_args import ConstantLines

FASTAPI = "from fastapi import APIRouter, Query\n\nrouter = APIRouter()\n\n\n"
FLASK = "from flask import Blueprint\n\nbp = Blueprint('items', __name__)\n\n\n"
QUERY = "    cursor.execute(f'SELECT * FROM items WHERE id = {item_id}')\n"


def _constant(source: str, shadowed: frozenset[str] = frozenset()) -> bool:
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "execute(" in text)
    return ConstantLines(source.encode(), shadowed).constant(line, "B608")


@pytest.mark.parametrize(("source", "expected"), [
    (FASTAPI + "@router.get('/items/{item_id}')\ndef item(item_id: int):\n" + QUERY, True),
    (FASTAPI + "@router.get('/items')\nasync def item(item_id: int | None = None):\n"
     + QUERY, True),
    (FASTAPI + "@router.get('/items')\ndef item(item_id: Annotated[float, Query()]):\n"
     + QUERY, True),
    (FASTAPI + "@router.get('/items/{item_id}')\ndef item(item_id: UUID):\n" + QUERY, True),
    (FASTAPI + "@router.get('/items')\ndef item(item_id: Literal['a', 'b']):\n" + QUERY,
     True),
    (FLASK + "@bp.route('/items/<int:item_id>')\ndef item(item_id):\n" + QUERY, True),
    (FLASK + "@bp.get('/items/<uuid:item_id>')\ndef item(item_id):\n" + QUERY, True),
    # a string, no annotation, an annotation Flask does not enforce, no framework
    (FASTAPI + "@router.get('/items/{item_id}')\ndef item(item_id: str):\n" + QUERY, False),
    (FASTAPI + "@router.get('/items/{item_id}')\ndef item(item_id):\n" + QUERY, False),
    (FASTAPI + "@router.get('/items')\ndef item(item_id: int | str):\n" + QUERY, False),
    (FLASK + "@bp.route('/items/<item_id>')\ndef item(item_id: int):\n" + QUERY, False),
    (FLASK + "@bp.route('/items/<path:item_id>')\ndef item(item_id):\n" + QUERY, False),
    ("def item(item_id: int):\n" + QUERY, False),
    (FASTAPI + "def item(item_id: int):\n" + QUERY, False),
    # converted, then bound again in the view
    (FASTAPI + "@router.get('/items/{item_id}')\ndef item(item_id: int, q: str):\n"
     "    if q:\n        item_id = q\n" + QUERY, False),
])
def test_converted_route_parameters(source: str, expected: bool) -> None:
    assert _constant(source) is expected


def test_a_framework_the_tree_defines_converts_nothing() -> None:
    # attack: with its own `fastapi.py` (or `werkzeug/`), the pull request decides what
    # an annotation or a converter does
    fastapi = FASTAPI + "@router.get('/items/{item_id}')\ndef item(item_id: int):\n" + QUERY
    flask = FLASK + "@bp.route('/items/<int:item_id>')\ndef item(item_id):\n" + QUERY
    assert _constant(fastapi) and _constant(flask)
    assert not _constant(fastapi, frozenset({"fastapi"}))
    assert not _constant(flask, frozenset({"werkzeug"}))
    assert not _constant(flask, frozenset({"flask"}))
