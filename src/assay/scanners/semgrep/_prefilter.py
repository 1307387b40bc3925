"""Which files each taint rule can possibly report in: a token prefilter for one scan.

Semgrep skips a rule for a file only when a literal every match needs is missing, and
the pack's sources (route parameters, request objects under any name) give it none, so
every taint rule runs on nearly every file. The pre-pass already reads every file; here
it keeps, per taint rule, the files that mention request data (or a project helper that
returns it) and at least one name the rule's sinks need (or a project wrapper of them).
The generated rules carry the result as `paths: include`.

A file left out cannot produce a finding of the rule: every source pattern needs one of
the source hints, and every sink pattern one of its tokens.
"""

from __future__ import annotations

import functools
import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Every source of the pack needs one of these (see x-shared.request-data in taint.yaml;
# a rule whose sources are no request data names its own: OWN_SOURCES):
# an attribute of a request object under the names the pack accepts, the import of
# Flask's request proxy (under any alias), a view whose parameters follow `request`
# (function views, class-based view methods: URL parameters and `kwargs`), a class-based
# view's `self.kwargs`, a parameter typed as a request object (any name), a Tornado
# argument accessor, or a route decorator (route parameters). Each alternative is what
# a match of one source pattern contains.
_REQUEST_ATTRS = (
    "GET|POST|COOKIES|META|FILES|body|headers|path|path_info|data|query_params|path_params"
    "|cookies|args|form|values|json|files|query_string|stream|match_info|query|rel_url|url"
    "|content|view_args|environ|full_path|base_url|url_root|host|host_url|referrer"
    "|user_agent|authorization|access_route|mimetype_params|get_full_path"
    "|get_full_path_info|get_host|build_absolute_uri|get_json|get_data|post|text|read"
    "|readline|readlines|get_signed_cookie|multipart|forms|params|matchdict|json_body"
    "|get_cookie|media|get_media|get_param|get_param_as_list|get_header|bounded_stream"
    "|uri|relative_uri|forwarded_uri|get_cookie_values")
# Falcon's responders: `def on_get(self, req, resp, ...)`
_RESPONDERS = tuple(f"on_{verb}" for verb in ("get", "post", "put", "patch", "delete", "head",
                                              "options"))
_ROUTE_VERBS = ("route", "get", "post", "put", "patch", "delete", "api_route")
# (names one of which the file must contain, the expression it must then match)
SOURCE_HINTS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"request"}), rf"\brequest\s*\.\s*(?:{_REQUEST_ATTRS})\b"),
    (frozenset({"request"}), r"\bimport\s+(?:\([^)]*|[^\n]*)\brequest\b"),
    (frozenset({"request"}), r"\bdef\s+\w+\s*\(\s*(?:self\s*,\s*)?request\s*[,:]"),
    (frozenset({"Request", "HttpRequest"}), r"\w\s*:\s*(?:[\w.]+\.)?(?:Http)?Request\b"),
    (frozenset({"kwargs"}), r"\bself\s*\.\s*kwargs\b"),
    (frozenset({"BaseHTTPRequestHandler", "SimpleHTTPRequestHandler",
                "CGIHTTPRequestHandler"}), ""),
    (frozenset({"get_argument", "get_arguments", "get_query_argument", "get_query_arguments",
                "get_body_argument", "get_body_arguments", "get_cookie"}), ""),
    (frozenset(_ROUTE_VERBS),
     rf"^[ \t]*@[\w.]+\.(?:{'|'.join(_ROUTE_VERBS)})\b"),
    (frozenset(_RESPONDERS), r"\bdef\s+on_[a-z]+\w*\s*\(\s*self\s*,\s*\w+\s*,\s*\w+"),
    (frozenset({"data"}), r"=\s*(?:[\w.]+\.)?[A-Z]\w*Form\s*\("),  # `form = UploadForm(...)`
    (frozenset({"form_valid", "perform_create", "perform_update"}),
     r"\bdef\s+(?:form_valid|perform_create|perform_update)\s*\(\s*self\s*,\s*\w+"),
)
_KEY = re.compile(r"\[\s*[\"']([A-Za-z_][\w-]*)[\"']\s*\]")
_ENTRY = re.compile(r"\{\.\.\.,\s*[\"']([A-Za-z_][\w-]*)[\"']\s*:")
_HEAD = re.compile(r"((?:[$\w]+\.)*[$\w]+)\s*[(\[]")
_ALTERNATION = re.compile(r"^\^?\(?([\w|]+)\)?\$?$")
_GENERIC = frozenset(keyword.kwlist) | {"self", "print", "True", "False", "None"}
# Names most files contain: a filter on them filters nothing.
_COMMON = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "open",
                     "save", "copy", "move", "remove", "rename", "replace", "load", "loads",
                     "run", "call", "request", "text", "objects", "update", "input", "parse",
                     "search", "read", "write", "execute", "os", "path", "decode", "render",
                     "Template", "Environment", "Response"})
_DUNDER = re.compile(r"^__\w+__$")
_CLASS = re.compile(r"^\s*class\s+([A-Za-z_]\w*)\b")
# inside `def $FN(..., $X: Page, ...)`: the annotation's class is in the code
_ANNOTATED = re.compile(r"^\s*(?:async\s+)?def\s+\$?\w+\(.*?\$\w+:\s*(?:[A-Za-z_]\w*\.)*"
                        r"([A-Za-z_]\w*)")
# ... or a local name annotated with it (`$X: Page = $VALUE`)
_ANNOTATED_LOCAL = re.compile(r"^\s*\$\w+:\s*(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\s*=")
_IMPORT = re.compile(r"^\s*(?:from|import)\s+(\w+)")
_DECORATOR = re.compile(r"^\s*@\$?\w+\.(\$?\w+)\(")


def sink_tokens(rule: Mapping[str, Any]) -> set[str] | None:
    """Regular expressions one of which every sink match of `rule` contains (a name, or a
    decorator line); None when a sink needs none.

    For a call or subscript in a pattern, the name right before `(` or `[` must be in the
    code (however the module was imported); when it is a metavariable, one of the names
    its `metavariable-regex` allows, else the name before it.
    """
    tokens: set[str] = set()
    for block in rule.get("pattern-sinks", []):
        found = _required(block, {})
        if not found:
            return None
        tokens |= found
    return tokens


def _required(node: Any, regexes: dict[str, set[str]]) -> set[str] | None:
    if isinstance(node, str):
        return _pattern_tokens(node, regexes)
    if not isinstance(node, dict):
        return None
    if "pattern-either" in node:
        alternatives = [_required(a, regexes) for a in node["pattern-either"]]
        if not alternatives or any(a is None for a in alternatives):
            return None
        return set().union(*(a for a in alternatives if a is not None))
    if "patterns" in node:
        scoped = dict(regexes)
        for item in node["patterns"]:
            regex = item.get("metavariable-regex") if isinstance(item, dict) else None
            match = _ALTERNATION.match(str(regex.get("regex", ""))) if regex else None
            if regex and match:
                scoped[str(regex["metavariable"])] = set(match.group(1).split("|"))
        for item in node["patterns"]:
            if not isinstance(item, dict):
                continue
            for key in ("pattern", "pattern-inside", "pattern-either", "patterns"):
                if key in item:
                    found = _required(item[key] if key in ("pattern", "pattern-inside")
                                      else {key: item[key]}, scoped)
                    if found:
                        return found
        return None
    for key in ("pattern", "pattern-inside"):
        if isinstance(node.get(key), str):
            return _pattern_tokens(node[key], regexes)
    return None


def _pattern_tokens(pattern: str, regexes: Mapping[str, set[str]]) -> set[str] | None:
    """Regular expressions one of which every match of `pattern` contains."""
    decorator = _DECORATOR.match(pattern)
    if decorator:  # @app.route(...): a decorator line, not just the word
        names = regexes.get(decorator.group(1), {decorator.group(1)})
        if not decorator.group(1).startswith("$") or decorator.group(1) in regexes:
            alternation = "|".join(sorted(re.escape(n) for n in names))
            return {rf"^[ \t]*@[\w.]+\.(?:{alternation})\b"}
    scope = _CLASS.match(pattern) or _ANNOTATED.match(pattern) \
        or _ANNOTATED_LOCAL.match(pattern)
    if scope:  # inside `class Name:` or a function taking a `Name`: the name is in the code
        return {_word(scope.group(1))}
    imported = _IMPORT.match(pattern)  # `import ldap3 ...` inside: the module's name
    if imported:
        return {_word(imported.group(1))}
    key = _KEY.search(pattern) or _ENTRY.search(pattern)
    if key:  # $RESP["Location"] = ..., headers={"Location": ...}: the key is in the code
        return {_word(key.group(1))}
    for head in _HEAD.findall(pattern):
        parts = head.split(".")
        literal = [p for p in parts if not p.startswith("$") and p not in _GENERIC]
        # every literal part is in the code (a module's name at least in its import):
        # a class a method is called through (`AdminSite.index`) filters best, else the
        # last part that is not a common word (a function, not its module)
        rare = [p for p in literal if p not in _COMMON and not _DUNDER.match(p)]
        classes = [p for p in rare[:-1] if p[:1].isupper()]
        if rare:
            return {_word((classes or rare)[-1])}
        if parts[-1].startswith("$") and parts[-1] in regexes:
            return {_word(n) for n in regexes[parts[-1]]}
        if literal:
            return {_word(literal[-1])}
    return None


def _word(name: str) -> str:
    return rf"\b{re.escape(name)}\b"


def pattern_tokens(node: Any) -> set[str] | None:
    """Regular expressions one of which every match of a pattern block contains; None
    when a match may contain none of them."""
    return _required(node, {})


class FileIndex:
    """The Python files of a scan with the identifiers of each (computed once, on use,
    unless given: `words` and `hints` are what `identifiers` and `request_hint` say of
    some files)."""

    def __init__(self, sources: Mapping[str, str],
                 words: Mapping[str, frozenset[str]] | None = None,
                 hints: Mapping[str, bool] | None = None) -> None:
        self.sources = sources
        self._words: dict[str, frozenset[str]] = dict(words or {})
        self._hints: dict[str, bool] = dict(hints or {})

    def words(self, path: str) -> frozenset[str]:
        """The identifiers (and numbers) in one file."""
        found = self._words.get(path)
        if found is None:
            found = self._words[path] = identifiers(self.sources[path])
        return found

    def vocabulary(self, paths: Iterable[str]) -> frozenset[str]:
        """The identifiers in any of `paths`."""
        return frozenset().union(*(self.words(p) for p in paths))

    def contains(self, path: str, tokens: Iterable[str]) -> bool:
        """Whether the file contains a match of one of `tokens` (regular expressions);
        a token that is just a word is looked up among the file's identifiers."""
        words = self.words(path)
        rest = []
        for token in tokens:
            name = token_word(token)
            if name is None:
                rest.append(token)
            elif name in words:
                return True
        if not rest:
            return False
        return _compiled("|".join(sorted(rest))).search(self.sources[path]) is not None

    def has_source(self, path: str, helper_tokens: Sequence[str]) -> bool:
        """Whether the file contains what a source of the pack, or a call of a project
        helper returning request data (`helper_tokens`), needs."""
        hint = self._hints.get(path)
        if hint is None:
            hint = self._hints[path] = request_hint(self.sources[path], self.words(path))
        return hint or (bool(helper_tokens) and self.contains(path, helper_tokens))


def identifiers(text: str) -> frozenset[str]:
    """The identifiers (and numbers) in a file's text."""
    return frozenset(_IDENTIFIER.findall(text))


def request_hint(text: str, words: frozenset[str]) -> bool:
    """Whether `text` (with identifiers `words`) has what a source of the pack needs."""
    return any(needed & words and (not expression or _compiled(expression).search(text))
               for needed, expression in SOURCE_HINTS)


_IDENTIFIER = re.compile(r"\w+")
_WORD_TOKEN = re.compile(r"\\b(\w+)\\b")


def token_word(token: str) -> str | None:
    """The identifier a token stands for when it is just `\\bname\\b`, else None."""
    found = _WORD_TOKEN.fullmatch(token)
    return found.group(1) if found else None


@functools.lru_cache(maxsize=256)
def _compiled(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.M)


def relevant_files(rules: Iterable[Mapping[str, Any]], sources: Mapping[str, str] | FileIndex,
                   source_tokens: Sequence[str] = (),
                   wrappers: Mapping[str, Sequence[str]] | None = None,
                   ) -> dict[str, list[str]]:
    """Per taint rule id, the files (sorted) the rule can report in.

    `source_tokens` are regular expressions for calls of project functions returning
    request data (see `pattern_tokens`); `wrappers` maps a rule id to names of project
    functions wrapping its sinks.
    """
    index = sources if isinstance(sources, FileIndex) else FileIndex(sources)
    with_sources = sorted(p for p in index.sources if index.has_source(p, source_tokens))
    out: dict[str, list[str]] = {}
    for rule in rules:
        rule_id = str(rule["id"])
        own = own_sources(rule)
        candidates = with_sources if own is None else [
            p for p in index.sources if index.contains(p, [own])]
        tokens = sink_tokens(rule)
        if tokens is None:
            out[rule_id] = candidates
            continue
        tokens |= {_word(w) for w in (wrappers or {}).get(rule_id, ())}
        out[rule_id] = [p for p in candidates if index.contains(p, tokens)]
    return out


OWN_SOURCES = "assay-sources"
"""A taint rule's metadata: an expression every file holding one of its sources matches,
when its sources are not the request data the other rules share (the XSS filter rule's
decorators). The rule runs on the files it matches in; the sliced copies keep the code
it matches in (see _prepass)."""


def own_sources(rule: Mapping[str, Any]) -> str | None:
    """The rule's OWN_SOURCES expression, if it has one."""
    own = (rule.get("metadata") or {}).get(OWN_SOURCES)
    return own if isinstance(own, str) else None


REQUIRES = "assay-requires"  # a pattern rule's metadata: what every match's file has


def requirements(rules: Iterable[Mapping[str, Any]]) -> dict[str, re.Pattern[str]]:
    """Per pattern rule that declares `metadata.assay-requires` (rule id, a copy's id
    included), its expression compiled."""
    return {str(r["id"]): re.compile(expression) for r in rules if r.get("mode") != "taint"
            and isinstance(expression := (r.get("metadata") or {}).get(REQUIRES), str)}


def required_files(rules: Iterable[Mapping[str, Any]], index: FileIndex) -> dict[str, list[str]]:
    """Per pattern rule that declares `metadata.assay-requires`, the files (sorted) that
    have it: a word (a run of letters, digits and `_`, in code, strings or comments) in
    which the regular expression finds a match. Each distinct word of the project is
    tried once."""
    wanted = requirements(rules)
    if not wanted:
        return {}
    vocabulary = index.vocabulary(index.sources)
    out: dict[str, list[str]] = {}
    for rule, expression in wanted.items():
        matching = {w for w in vocabulary if expression.search(w)}
        out[rule] = sorted(p for p in index.sources if not matching.isdisjoint(index.words(p)))
    return out
