"""Exclude patterns, with the gitignore-like meaning users expect.

- `name` (no slash) matches a file or directory of that name at any depth;
- `dir/sub/*.py` (a slash inside) is anchored at the repository root;
- `**` matches any number of directories, `*` and `?` stay within one path segment;
- a pattern that matches a directory excludes everything below it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable


def _literal(chunk: str) -> str:
    return "".join("[^/]" if char == "?" else re.escape(char) for char in chunk)


def _segment(glob: str) -> str:
    """One path segment. Every `*` but the last matches as little as it can, atomically
    (as fnmatch does): `*a*a*a...*b` then runs in linear time instead of backtracking
    through every split of the name."""
    pieces = glob.split("*")
    if len(pieces) == 1:
        return _literal(glob)
    inner = "".join(f"(?>[^/]*?{_literal(p)})" for p in pieces[1:-1])
    return f"{_literal(pieces[0])}{inner}[^/]*{_literal(pieces[-1])}"


def glob_regex(pattern: str) -> str:
    """The regular expression (anchored, without ^$) for one pattern."""
    text = pattern.strip().strip("/") if pattern.strip() != "/" else ""
    anchored = "/" in pattern.strip().rstrip("/")
    parts = []
    for part in text.split("/"):
        parts.append("(?:.*/)?" if part == "**" else _segment(part) + "/")
    body = "".join(parts)
    body = body[:-1] if body.endswith("/") else body.removesuffix("(?:.*/)?") + ".*"
    prefix = "" if anchored or text.startswith("**") else "(?:.*/)?"
    return f"{prefix}{body}(?:/.*)?"


def compile_excludes(patterns: Iterable[str]) -> Callable[[str], bool]:
    """A predicate: does any pattern exclude this repo-relative path?"""
    regexes = [glob_regex(p) for p in patterns if p.strip()]
    if not regexes:
        return lambda _path: False
    combined = re.compile("|".join(f"(?:{r})" for r in regexes))
    return lambda path: combined.fullmatch(path) is not None
