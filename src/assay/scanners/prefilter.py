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

import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Every source of the pack needs one of these (see x-shared.request-data in taint.yaml).
SOURCE_HINTS = (r"\brequest\b|\bRequest\b|\bkwargs\b|\bget_(?:query_|body_)?arguments?\b"
                r"|\bget_cookie\b|^[ \t]*@[\w.]+\.(?:route|get|post|put|patch|delete|api_route)"
                r"\b")
_KEY = re.compile(r"\[\s*[\"']([A-Za-z_][\w-]*)[\"']\s*\]")
_HEAD = re.compile(r"((?:[$\w]+\.)*[$\w]+)\s*[(\[]")
_ALTERNATION = re.compile(r"^\^?\(?([\w|]+)\)?\$?$")
_GENERIC = frozenset(keyword.kwlist) | {"self", "print", "True", "False", "None"}
# Names most files contain: a filter on them filters nothing.
_COMMON = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "open",
                     "save", "copy", "move", "remove", "rename", "replace", "load", "loads",
                     "run", "call", "request", "text", "objects", "update", "input", "parse",
                     "search", "read", "write", "execute", "os", "path", "decode", "render",
                     "Template", "Environment", "Response"})
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
    imported = _IMPORT.match(pattern)  # `import ldap3 ...` inside: the module's name
    if imported:
        return {_word(imported.group(1))}
    key = _KEY.search(pattern)  # $RESP["Location"] = ...: the key is in the code
    if key:
        return {_word(key.group(1))}
    for head in _HEAD.findall(pattern):
        parts = head.split(".")
        literal = [p for p in parts if not p.startswith("$") and p not in _GENERIC]
        # every literal part is in the code (a module's name at least in its import):
        # the last one filters best, or the last one that is not a common word
        if literal and literal[-1] not in _COMMON:
            return {_word(literal[-1])}
        rare = [p for p in literal if p not in _COMMON]
        if rare:
            return {_word(rare[-1])}
        if parts[-1].startswith("$") and parts[-1] in regexes:
            return {_word(n) for n in regexes[parts[-1]]}
        if literal:
            return {_word(literal[-1])}
    return None


def _word(name: str) -> str:
    return rf"\b{re.escape(name)}\b"


def relevant_files(rules: Iterable[Mapping[str, Any]], sources: Mapping[str, str],
                   source_helpers: Sequence[str] = (),
                   wrappers: Mapping[str, Sequence[str]] | None = None,
                   ) -> dict[str, list[str]]:
    """Per taint rule id, the files (sorted) the rule can report in.

    `source_helpers` are names of project functions returning request data;
    `wrappers` maps a rule id to names of project functions wrapping its sinks.
    """
    helper_alt = "|".join(rf"\b{re.escape(n)}\b" for n in sorted(set(source_helpers)))
    source_re = re.compile(SOURCE_HINTS + (f"|{helper_alt}" if helper_alt else ""), re.M)
    with_sources = sorted(p for p, text in sources.items() if source_re.search(text))
    out: dict[str, list[str]] = {}
    for rule in rules:
        rule_id = str(rule["id"])
        tokens = sink_tokens(rule)
        if tokens is None:
            out[rule_id] = with_sources
            continue
        tokens |= {_word(w) for w in (wrappers or {}).get(rule_id, ())}
        sink_re = re.compile("|".join(sorted(tokens)), re.M)
        out[rule_id] = [p for p in with_sources if sink_re.search(sources[p])]
    return out
