"""Conditions written with constants fold to their value; anything else, or anything
costly to compute, is not known."""

from __future__ import annotations

import ast

import pytest

from assay.normalize.folding import Value, truth

KNOWN: dict[str, Value] = {"retries": 2, "mode": "prod", "debug": False, "nothing": None}


def _truth(text: str) -> bool | None:
    return truth(ast.parse(text, mode="eval").body,
                 lambda name: (name in KNOWN, KNOWN.get(name)))


@pytest.mark.parametrize(("text", "expected"), [
    ("retries > 5", False),
    ("retries * 3 > 5", True),
    ("retries // 2 == 1 and mode == 'prod'", True),
    ("not debug", True),
    ("debug or retries - 2", False),
    ("mode + '-x' != 'prod-x'", False),
    ("1 < retries < 3", True),
    ("nothing is None", True),
    ("-retries % 5 == 3", True),
    ("'ab' * 2 == 'abab'", True),
    ("debug and unknown_name", False),  # decided before the unknown, as Python does
    ("retries or unknown_name and 1", True),
])
def test_constant_conditions_fold(text: str, expected: bool) -> None:
    assert _truth(text) is expected


@pytest.mark.parametrize("text", [
    "unknown_name > 5",
    "retries > len('abc')",
    "settings.DEBUG",
    "unknown_name and debug",
    "x if debug else 1",
    "retries ** 2 > 1",
    "retries in (1, 2)",
    "10 ** 13 > 1",
    "1000000 * 1000000 * 1000000 > 1",  # past the bound
    "'a' * 10000000000 == ''",  # never built
    "'%0999999999d' % 1 == ''",  # never formatted
    "retries / 0 > 1",
    "retries // 0 > 1",
])
def test_anything_else_is_not_known(text: str) -> None:
    assert _truth(text) is None
