"""Sliced copies of Python files for the taint rules: functions without a source blanked.

Semgrep CE's taint analysis follows data within one function at a time; the only flow
into a function from outside it is from module-level code (a module-level variable
assigned from request data). So a function whose code holds nothing a source of the
pack needs (see `prefilter.SOURCE_HINTS`), nor a call of a project helper returning
request data, cannot hold a taint finding, and neither can the rest of the file because
of it. The taint rules run on a copy of each file in which such top-level functions and
methods are blanked: the first line becomes `pass` at the same indentation and the rest
empty lines, so every line keeps its number and every kept line its columns. On large
test-heavy files this is most of the code Semgrep would otherwise match every pattern of
every taint rule against. Pattern rules (weak crypto, secrets, cookies) always run on
the files as they are.

A file is left whole when it cannot be sliced safely: its module-level code holds a
source, it has `\\r` line ends, it does not parse, or a helper call cannot be matched by
name. Functions the generated rules match by their definition (summarized helpers, sink
wrappers) and functions declaring `global` names are always kept.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assay.scanners.filescan import decode_source
from assay.scanners.semgrep._prefilter import FileIndex, identifiers, request_hint, token_word

VERSION = "5c0d7e2a9f13b846"
"""The slicing's identity in the scanner's rules hash: change it whenever slicing changes
what it cuts."""

_CLASS_LINE = re.compile(r"^class\s+(\w+)")
_REQUEST = " request"  # marks a name bound to a request object (never an identifier)


@dataclass(frozen=True)
class SliceSpec:
    """What the slicer needs from the pre-pass.

    `sources`: tokens (regular expressions) of calls of project helpers returning request
    data; `keep`: project functions the generated rules may match by their definition,
    as `path:name` (a module-level function, in its own file only: a call is matched
    by the definition of the file it is in, never by a function of that name elsewhere);
    `methods`: such helpers that are methods, as `Class.name` (a method of `Class`
    calling `self.name()` needs neither the class's name nor the helper's tokens);
    `own`: the expressions of the rules whose sources are no request data
    (_prefilter.OWN_SOURCES: a template filter's decorator), what a function they can
    report in matches.
    """

    sources: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    own: tuple[str, ...] = ()

    @functools.cache  # noqa: B019 - frozen and small; one per scan
    def methods_of(self) -> dict[str, frozenset[str]]:
        """The source methods of each class `methods` names, by class."""
        out: dict[str, set[str]] = {}
        for dotted in self.methods:
            owner, _, name = dotted.rpartition(".")
            out.setdefault(owner, set()).add(name)
        return {k: frozenset(v) for k, v in out.items()}

    def to_json(self) -> dict[str, list[str]]:
        """A JSON-ready form (for the kept pre-pass result)."""
        return {"sources": list(self.sources), "keep": list(self.keep),
                "methods": list(self.methods), "own": list(self.own)}

    @classmethod
    def from_json(cls, doc: Any) -> SliceSpec:
        """The spec `to_json` wrote; TypeError or KeyError when it is not one."""
        sources, keep, methods, own = doc["sources"], doc["keep"], doc["methods"], doc["own"]
        if not all(isinstance(v, list) and all(isinstance(s, str) for s in v)
                   for v in (sources, keep, methods, own)):
            raise TypeError("slicing")
        return cls(tuple(sources), tuple(keep), tuple(methods), tuple(own))


@dataclass(frozen=True)
class _Unit:
    name: str
    start: int  # first line (the first decorator's), 1-based
    end: int  # last line
    owner: str = ""  # the class of a method


@dataclass(frozen=True)
class _Parsed:
    """A file as both slicers read it."""

    tree: ast.Module
    text: str
    lines: list[str]
    units: list[_Unit]
    imports: list[ast.Import | ast.ImportFrom]


def _parsed(data: bytes) -> _Parsed | None:
    """The file parsed, or None when it cannot be sliced safely (`\\r` line ends, not
    decodable, not parsable)."""
    text = decode_source(data) if b"\r" not in data and b"\0" not in data else None
    if text is None:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # too deeply nested
        return None
    imports = [n for n in _statements(tree.body) if isinstance(n, ast.Import | ast.ImportFrom)]
    return _Parsed(tree, text, text.split("\n"), list(_units(tree)), imports)


def slice_source(data: bytes, spec: SliceSpec, sourced: bool = False,
                 path: str = "") -> bytes | None:
    """The file's bytes for the taint rules: with the functions that cannot hold a finding
    blanked, unchanged when it cannot be sliced safely, or None when nothing in it can
    be a source (no taint rule can report in it). `sourced`: the file is known to hold
    what a source needs (the pre-pass's prefilter read it), which is not read again;
    `path`: the file's path in the tree (what `spec.keep` names)."""
    if not sourced and not _may_hold_source(data, spec):
        return None
    parsed = _parsed(data) if all(token_word(t) for t in spec.sources) else None
    if parsed is None:
        return data
    lines, units = parsed.lines, parsed.units
    aliases = _aliases(parsed.imports)
    imports = _import_lines(parsed.tree, parsed.imports)
    if _rest_has_source(lines, units, imports, aliases, spec):
        # again without comments and strings (tokenizing costs: only when it may tell)
        lines = _code_lines(parsed.text, parsed.lines)
        if _rest_has_source(lines, units, imports, aliases, spec):
            return data
    dropped = [u for u in units if not _needed(u, lines, aliases, spec, path)]
    if len(dropped) == len(units):
        return None
    return _blanked(data, dropped) if dropped else data


def _may_hold_source(data: bytes, spec: SliceSpec) -> bool:
    """Whether anything in the file may be a source, read from its text (parsing a file
    costs more: the template rule runs on files naming a template, most of which, in
    tests, read no request)."""
    text = decode_source(data) if b"\0" not in data else None
    return text is None or _has_source(text, identifiers(text), {}, spec)


def _code_lines(text: str, lines: list[str]) -> list[str]:
    """`lines` with comments and the text of string literals blanked: a helper's name or
    `request.GET` in a docstring is no code a source could be (f-strings are kept whole;
    `lines` as they are when the text cannot be tokenized)."""
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.COMMENT, tokenize.STRING):
                spans.append((token.start, token.end))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return lines
    out = list(lines)
    for (first, start), (last, end) in spans:
        if first == last:
            out[first - 1] = out[first - 1][:start] + " " * (end - start) + out[first - 1][end:]
            continue
        out[first - 1] = out[first - 1][:start]
        for row in range(first, last - 1):
            out[row] = ""
        out[last - 1] = " " * end + out[last - 1][end:]
    return out


def slice_for_words(data: bytes, wanted: Callable[[str], bool]) -> bytes:
    """The file's bytes for pattern rules every match of which holds a word that `wanted`
    accepts: top-level functions and methods without such a word blanked (a name an
    import or a module-level assignment binds counts as the words of what it binds), or
    unchanged when it cannot be sliced safely. Module-level code is always kept."""
    parsed = _parsed(data)
    accepted = {w for w in identifiers(parsed.text) if wanted(w)} if parsed else set()
    if parsed is None or not parsed.units or not accepted:
        return data
    bound = _aliases(parsed.imports)
    for name, words in _assigned(parsed.tree, parsed.lines).items():
        bound[name] = bound.get(name, frozenset()) | words
    dropped = []
    for unit in parsed.units:
        words = identifiers("\n".join(parsed.lines[unit.start - 1 : unit.end]))
        if words.isdisjoint(accepted) and all(bound[w].isdisjoint(accepted)
                                              for w in words & bound.keys()):
            dropped.append(unit)
    return _blanked(data, dropped) if dropped else data


def _assigned(tree: ast.Module, lines: Sequence[str]) -> dict[str, frozenset[str]]:
    """Each name a module-level assignment binds -> the words of that assignment."""
    out: dict[str, frozenset[str]] = {}
    for node in tree.body:
        targets = (node.targets if isinstance(node, ast.Assign) else
                   [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else [])
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if names:
            words = identifiers("\n".join(lines[node.lineno - 1 : node.end_lineno or node.lineno]))
            for name in names:
                out[name] = out.get(name, frozenset()) | words
    return out


def _units(tree: ast.Module) -> Iterator[_Unit]:
    """Top-level functions and the methods of top-level classes, decorators included."""
    for node in tree.body:
        items = node.body if isinstance(node, ast.ClassDef) else [node]
        owner = node.name if isinstance(node, ast.ClassDef) else ""
        for item in items:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([d.lineno for d in item.decorator_list] + [item.lineno])
                yield _Unit(item.name, start, item.end_lineno or item.lineno, owner)


def _statements(body: Sequence[ast.AST]) -> Iterator[ast.AST]:
    """Every statement, nested ones included (imports are statements: no need to visit
    every expression)."""
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from _statements([n for n in inner if isinstance(n, ast.AST)])


def _aliases(imports: Sequence[ast.Import | ast.ImportFrom]) -> dict[str, frozenset[str]]:
    """Each name an import binds -> the parts of what it names; the request object bound
    to a name of its own (`from flask import request as r`) -> {"request"}."""
    out: dict[str, frozenset[str]] = {}
    for node in imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                parts = alias.name.split(".")
                if alias.asname and parts[-1] == "request":
                    parts.append(_REQUEST)
                out[local] = out.get(local, frozenset()) | frozenset(parts)
        elif isinstance(node, ast.ImportFrom):
            base = (node.module or "").split(".")
            for alias in node.names:
                extra = [_REQUEST] if alias.name == "request" else []
                out[alias.asname or alias.name] = (out.get(alias.asname or alias.name,
                                                           frozenset())
                                                   | frozenset([*base, alias.name, *extra]))
    return out


def _has_source(text: str, words: frozenset[str], aliases: dict[str, frozenset[str]],
                spec: SliceSpec) -> bool:
    """Whether `text` (a function, or module-level code; `words`, its identifiers) holds
    what a source needs."""
    bound = words & aliases.keys()
    if any(_REQUEST in aliases[w] for w in bound):
        return True  # the request object under a name an import gave it
    if request_hint(text, words) or any(_own(o).search(text) for o in spec.own):
        return True
    expanded = words.union(*(aliases[w] for w in bound))
    tokens = [t for t in spec.sources if _may_call(t, expanded, spec)]
    return bool(tokens) and FileIndex({"": text}, {"": expanded}).contains("", tokens)


@functools.lru_cache(maxsize=16)
def _own(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.M)


def _may_call(token: str, words: frozenset[str], spec: SliceSpec) -> bool:
    """Whether code of `words` may call a helper `token` stands for: a class's name stands
    for its methods returning request data (`ma = ModelAdmin(...)`, then
    `ma.get_preserved_filters(request)`), which the code must name too (on Django's
    sdist, code naming `ModelAdmin` alone was 200 kB of what the taint rules read)."""
    name = token_word(token)
    methods = spec.methods_of().get(name) if name else None
    return methods is None or not methods.isdisjoint(words)


def _needed(unit: _Unit, lines: Sequence[str], aliases: dict[str, frozenset[str]],
            spec: SliceSpec, path: str) -> bool:
    text = "\n".join(lines[unit.start - 1 : unit.end])
    words = identifiers(text)
    # a function, or every method of a class, whose code a generated rule matches
    kept = f"{path}:{unit.owner}.*" in spec.keep if unit.owner \
        else f"{path}:{unit.name}" in spec.keep
    return (kept or "global" in words or _calls_own_helper(unit, words, spec)
            or _has_source(text, words, aliases, spec))


def _calls_own_helper(unit: _Unit, words: frozenset[str], spec: SliceSpec) -> bool:
    """Whether a method may call a helper method of its own class (`self.get()` inside
    `class RedirectView`), which the helper's tokens (the class's name) do not show."""
    return bool(unit.owner) and any(f"{unit.owner}.{w}" in spec.methods for w in words)


def _import_lines(tree: ast.Module, imports: Sequence[ast.Import | ast.ImportFrom]) -> set[int]:
    """The lines of imports, and of top-level classes' decorators (a route decorator is a
    source only on a function)."""
    spans = [(n.lineno, n.end_lineno or n.lineno) for n in imports]
    spans += [(d.lineno, d.end_lineno or d.lineno) for n in tree.body
              if isinstance(n, ast.ClassDef) for d in n.decorator_list]
    return {line for start, end in spans for line in range(start, end + 1)}


def _rest_has_source(lines: Sequence[str], units: Sequence[_Unit], imports: set[int],
                     aliases: dict[str, frozenset[str]], spec: SliceSpec) -> bool:
    """Whether the code outside the units (imports aside) holds a source: module-level
    taint reaches every function."""
    inside = imports | {n for u in units for n in range(u.start, u.end + 1)}
    owners = {u.owner for u in units if u.owner}
    rest = "\n".join(_unnamed(line, owners) for number, line in enumerate(lines, 1)
                     if number not in inside)
    return _has_source(rest, identifiers(rest), aliases, spec)


def _unnamed(line: str, classes: set[str]) -> str:
    """A line without the name a class statement defines (`class Page(Base):` is no use
    of `Page`, which may be what a helper's call needs)."""
    match = _CLASS_LINE.match(line)
    return line[: match.start(1)] + line[match.end(1) :] if match and match.group(1) in classes \
        else line


def _blanked(data: bytes, dropped: Sequence[_Unit]) -> bytes:
    lines = data.split(b"\n")
    for unit in dropped:
        first = lines[unit.start - 1]
        lines[unit.start - 1] = first[: len(first) - len(first.lstrip())] + b"pass"
        for number in range(unit.start, unit.end):
            lines[number] = b""
    return b"\n".join(lines)
