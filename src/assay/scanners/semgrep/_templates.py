"""Jinja2 and Django templates: where a template renders a value without escaping.

Both engines escape `{{ value }}` by default; a value is emitted as markup when a filter
says it is safe (`|safe`, Django's `|safeseq`) or inside a block that switches escaping
off (`{% autoescape false %}` in Jinja2, `{% autoescape off %}` in Django). Each such
output is an `UnsafeOutput`: the template's file and line, the name views render it by
(its path below the nearest `templates/` directory) and the context variable it starts
from. A variable the template reads from the request itself (`{{ request.GET.q|safe }}`)
is a finding of the template alone.

Templates come from the scanned tree and are hostile: they are read as text only (never
compiled or rendered), every match is bounded, and a file that is too large, binary or
undecodable is skipped like a Python file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

TEMPLATE_SUFFIXES = frozenset({".html", ".htm", ".jinja", ".jinja2", ".j2", ".djhtml"})
_ANYWHERE_SUFFIXES = frozenset({".jinja", ".jinja2", ".j2"})  # templates wherever they are
# tags are bounded (2,000 characters): an unclosed `{{` costs that much, not the file
_TAG = re.compile(
    r"\{\{(?P<out>(?:(?!\}\}).){0,2000}?)\}\}"
    r"|\{%-?\s*(?P<stmt>(?:(?!%\}).){0,2000}?)-?%\}"
    r"|\{#(?:(?!#\}).){0,2000}?#\}", re.DOTALL)
_ROOT = re.compile(r"\s*([A-Za-z_]\w*)")
_FOR = re.compile(r"for\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\s+([A-Za-z_]\w*)")
_SAFE_FILTERS = frozenset({"safe", "safeseq"})
# filters that escape (or serialize) what they are given: their output is not markup
_ESCAPING_FILTERS = frozenset({"e", "escape", "force_escape", "escapejs", "urlencode",
                               "tojson", "json_script", "striptags", "length", "count",
                               "int", "float", "wordcount", "filesizeformat", "date",
                               "pluralize", "yesno"})
_REQUEST_DATA = re.compile(
    r"\s*request\.(GET|POST|COOKIES|META|args|form|values|cookies|headers|query_params|"
    r"path_params|query|match_info|path|full_path|url)\b")


@dataclass(frozen=True, order=True)
class UnsafeOutput:
    """`{{ ... }}` at `path`:`line` that renders `variable` without escaping (`how`).

    `name` is the template's name as views render it ('' when it is under no
    `templates/` directory and only its own request reads can be reported)."""

    path: str
    line: int
    name: str
    variable: str
    how: str
    from_request: bool = False


def is_template(path: str) -> bool:
    """Whether a repo-relative path is a template the scan reads: a `.html`-like file
    under a `templates/` directory, or a Jinja2 file (`.jinja`, `.jinja2`, `.j2`).

    Read from the string (every file of a scan is asked, twice: a path object each time
    cost a no-change rescan of Django 0.1 s); the suffix as `PurePosixPath` gives it."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    if not 0 < dot < len(name) - 1:
        return False
    suffix = name[dot:].lower()
    if suffix in _ANYWHERE_SUFFIXES:
        return True
    return suffix in TEMPLATE_SUFFIXES and (path.startswith("templates/")
                                            or "/templates/" in path)


def template_name(path: str) -> str:
    """The name views render a template by: its path below the last `templates/`
    directory ('' when there is none)."""
    parts = PurePosixPath(path).parts
    if "templates" not in parts[:-1]:
        return ""
    last = len(parts) - 1 - parts[::-1].index("templates")
    return "/".join(parts[last + 1:])


def unsafe_outputs(path: str, text: str, escaping_off: bool = False) -> list[UnsafeOutput]:
    """Every output of the template `text` that renders a value without escaping.

    `escaping_off`: the template is rendered by an environment with autoescaping off,
    so every output is unescaped unless a filter escapes it."""
    name = template_name(path)
    aliases: dict[str, str] = {}
    off: list[bool] = []
    found: list[UnsafeOutput] = []
    for match in _TAG.finditer(text):
        statement = match.group("stmt")
        if statement is not None:
            _statement(statement.strip(), off, aliases)
            continue
        expression = match.group("out")
        if expression is None:
            continue
        how = _unescaped(expression, escaping_off or (bool(off) and off[-1]))
        root = _ROOT.match(expression)
        if not how or root is None:
            continue
        line = text.count("\n", 0, match.start()) + 1
        variable = aliases.get(root.group(1), root.group(1))
        found.append(UnsafeOutput(path, line, name, variable, how,
                                  bool(_REQUEST_DATA.match(expression))))
    return found


def _statement(statement: str, off: list[bool], aliases: dict[str, str]) -> None:
    """Follow `{% autoescape %}` blocks and loop variables (`{% for x in xs %}`)."""
    words = statement.split()
    if not words:
        return
    if words[0] == "autoescape":
        off.append(len(words) > 1 and words[1].lower() in ("false", "off"))
    elif words[0] == "endautoescape" and off:
        off.pop()
    elif words[0] == "for":
        loop = _FOR.match(statement)
        if loop is not None:
            for target in (loop.group(1), loop.group(2)):
                if target:
                    aliases[target] = aliases.get(loop.group(3), loop.group(3))


def _unescaped(expression: str, escaping_off: bool) -> str:
    """How `expression` is rendered without escaping ('' when it is escaped)."""
    filters = [f.strip().split("(", 1)[0].split(":", 1)[0].strip()
               for f in _filters(expression)]
    if any(f in _SAFE_FILTERS for f in filters):
        return "|safe"
    if escaping_off and not any(f in _ESCAPING_FILTERS for f in filters):
        return "autoescape off"
    return ""


def _filters(expression: str) -> list[str]:
    """The filters of an output expression (`x|a|b(1)` -> `a`, `b(1)`), ignoring `|`
    inside string literals."""
    parts: list[str] = []
    current, quote = "", ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "|":
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [p for p in parts[1:] if p.strip() and not p.startswith("|")]
