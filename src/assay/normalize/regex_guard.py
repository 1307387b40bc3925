"""Whether a regular expression a value was checked against holds it to plain characters.

`if not SLUG.fullmatch(slug): abort(404)` leaves `slug` a run of the characters the
pattern allows. When those are letters, digits, `_`, `-` and `.` only, the value has no
quote, space, operator or shell metacharacter: nothing to write a query, a command or
code with. The pattern must hold the whole value: `fullmatch`, or `match` with an end
anchor (`$` or `\\Z`), or `search` with both anchors; only the case and ASCII flags may
be given (under MULTILINE, `$` matches before any newline).

Only a small, common part of the syntax is read: anchors at the ends, character classes
of ranges and single characters (not negated), `\\d` and `\\w`, plain characters,
groups, alternatives inside a group (at the top level with `fullmatch` only) and
quantifiers. Anything else (`.`, `\\S`, a negated class, a look-ahead) is not plain.
"""

from __future__ import annotations

import ast
import string

# characters that cannot end a quoted string, split a command or start an operator
PLAIN = frozenset(string.ascii_letters + string.digits + "_-.")
_CLASSES = frozenset({"d", "w"})  # \d, \w: digits, word characters
_SAFE_FLAGS = frozenset({"I", "IGNORECASE", "A", "ASCII"})
METHODS = frozenset({"fullmatch", "match", "search"})


class _NotPlain(Exception):
    """The pattern allows more than plain characters, or is not read here."""


def plain_pattern(pattern: str, method: str) -> bool:
    """Whether every string `re.<method>(pattern, s)` accepts is of plain characters."""
    start = pattern.startswith(("^", "\\A"))
    body = pattern[2:] if pattern.startswith("\\A") else pattern[1:] if start else pattern
    end = body.endswith("\\Z") or (body.endswith("$") and not _escaped(body, len(body) - 1))
    if end:
        body = body[:-2] if body.endswith("\\Z") else body[:-1]
    if (method == "match" and not end) or (method == "search" and not (start and end)):
        return False
    try:
        index = _sequence(body, 0, top=method == "fullmatch")
    except _NotPlain:
        return False
    return index == len(body) and body != ""


def flags_plain(flags: ast.expr | None) -> bool:
    """Whether the flags given (`re.I | re.A`) leave the anchors their meaning."""
    if flags is None:
        return True
    if isinstance(flags, ast.BinOp) and isinstance(flags.op, ast.BitOr):
        return flags_plain(flags.left) and flags_plain(flags.right)
    return isinstance(flags, ast.Attribute) and isinstance(flags.value, ast.Name) \
        and flags.value.id == "re" and flags.attr in _SAFE_FLAGS


def _escaped(text: str, index: int) -> bool:
    slashes = len(text[:index]) - len(text[:index].rstrip("\\"))
    return slashes % 2 == 1


def _sequence(text: str, index: int, top: bool) -> int:
    """Read atoms up to the end, a `)` or (inside a group, or at the top with
    fullmatch) a `|`; returns the index after them."""
    while index < len(text) and text[index] != ")":
        if text[index] == "|":
            if not top:
                raise _NotPlain
            index += 1
            continue
        index = _quantifier(text, _atom(text, index))
    return index


def _group(text: str, index: int) -> int:
    index += 3 if text.startswith("(?:", index) else 1
    if text.startswith("?", index):
        raise _NotPlain  # a look-around, a named group, inline flags
    index = _sequence(text, index, top=True)
    if index >= len(text):
        raise _NotPlain
    return index + 1


def _atom(text: str, index: int) -> int:
    char = text[index]
    if char == "(":
        return _group(text, index)
    if char == "[":
        return _class(text, index + 1)
    if char == "\\":
        return _escape(text, index + 1) + 1
    if char in PLAIN and char != ".":
        return index + 1
    raise _NotPlain


def _escape(text: str, index: int) -> int:
    """The index of the escaped character, if it stands for plain characters."""
    if index >= len(text) or not (text[index] in _CLASSES or text[index] in "-._"):
        raise _NotPlain
    return index


def _class(text: str, index: int) -> int:
    if text.startswith("^", index):
        raise _NotPlain
    first = index
    while index < len(text) and text[index] != "]":
        char = text[index]
        if char == "\\":
            index = _escape(text, index + 1) + 1
        elif index + 2 < len(text) and text[index + 1] == "-" and text[index + 2] != "]":
            _range(char, text[index + 2])
            index += 3
        elif char in PLAIN:
            index += 1
        else:
            raise _NotPlain
    if index >= len(text) or index == first:
        raise _NotPlain
    return index + 1


def _range(low: str, high: str) -> None:
    for run in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        if low in run and high in run and low <= high:
            return
    raise _NotPlain


def _quantifier(text: str, index: int) -> int:
    if index < len(text) and text[index] in "+*?":
        index += 1
    elif index < len(text) and text[index] == "{":
        close = text.find("}", index)
        if close < 0 or not all(c.isdigit() or c == "," for c in text[index + 1:close]):
            raise _NotPlain
        index = close + 1
    if index < len(text) and text[index] in "?+":
        index += 1  # lazy or possessive
    return index
