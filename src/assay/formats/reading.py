"""The one reader of untrusted documents: result files, truth, tool output, requests.

A hostile file must end in a one-line FormatError, never in an internal error: it may be
too large to hold (`read_text` caps the size) or nested so deeply that a recursive
parser or any later walk over it overflows the stack (`parse_json` and `check_depth`
refuse more than MAX_DEPTH levels; SARIF needs about 15).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assay.formats.errors import FormatError

MAX_DEPTH = 256
MAX_BYTES = 1 << 30  # result files: a SARIF log of a very large scan stays well below


class NestingError(FormatError):
    """A document nests deeper than MAX_DEPTH levels."""


def nested_too_deeply(name: str, what: str = "JSON") -> NestingError:
    """The error for a document nested deeper than MAX_DEPTH levels."""
    return NestingError(f"{name}: {what} nested too deeply (more than {MAX_DEPTH} levels)")


def read_text(path: Path, *, max_bytes: int = MAX_BYTES, what: str = "file",
              hint: str = "") -> str:
    """The UTF-8 text of `path` (a BOM is dropped); FormatError when missing, unreadable,
    larger than `max_bytes` or not UTF-8."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise FormatError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise FormatError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise FormatError(f"{path} is larger than {max_bytes:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(f"{path} is not UTF-8 text", hint) from None


def parse_json(text: str | bytes, name: str, hint: str = "") -> Any:
    """The JSON value of `text`; FormatError when it is not JSON or nested too deeply."""
    try:
        doc = json.loads(text)
    except RecursionError:
        raise nested_too_deeply(name) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{name} is not valid JSON: {exc}", hint) from None
    check_depth(doc, name)
    return doc


def check_depth(doc: Any, name: str, what: str = "JSON") -> None:
    """FormatError when `doc` nests containers more than MAX_DEPTH levels deep.

    Iterative; a container shared through YAML aliases is walked again only when reached
    at a greater depth, so an alias bomb stays cheap.
    """
    seen: dict[int, int] = {}
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, (list, tuple)):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise nested_too_deeply(name, what)
        if seen.get(id(value), 0) >= depth:
            continue
        seen[id(value)] = depth
        stack.extend((child, depth + 1) for child in children)
