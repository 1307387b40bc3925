"""Lenient reading of tool-call arguments: one repair attempt, never an exception.

Models sometimes wrap arguments in code fences, leave trailing commas, write Python
literals (single quotes, True/None) or add prose around the object. `parse_arguments`
tries strict JSON first, then one repaired reading; the caller records which it was.
Nesting too deep to parse or numbers too long to convert are unreadable, not errors.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass(frozen=True)
class Parsed:
    """Arguments as an object, whether they needed repair, or why they are unreadable."""

    value: dict[str, Any] | None
    repaired: bool = False
    error: str = ""


def parse_arguments(text: str) -> Parsed:
    """The arguments object of a tool call."""
    if not text.strip():
        return Parsed({})
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        repaired = _repair(text)
        if repaired is None:
            return Parsed(None, error=f"arguments are not a JSON object ({exc})")
        return Parsed(repaired, repaired=True)
    if not isinstance(value, dict):
        return Parsed(None, error=f"arguments must be a JSON object, not {type(value).__name__}")
    return Parsed(value)


def _repair(text: str) -> dict[str, Any] | None:
    body = _FENCE.sub("", text.strip())
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        return None
    body = _TRAILING_COMMA.sub(r"\1", body[start : end + 1])
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        try:
            value = ast.literal_eval(body)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    return value if isinstance(value, dict) else None
