"""XML parser factories: project functions returning a parser that resolves entities.

`def make_reader(): r = xml.sax.make_parser(); r.setFeature(feature_external_ges,
True); return r`, then `minidom.parseString(body, parser=make_reader())`: the XXE
rule's own patterns see the feature switched on only in the function that parses. A
factory is a module-level function that returns a SAX parser (or reader) it switched
external general entities on for, or an lxml `XMLParser` not made with
`resolve_entities=False` (the rule takes lxml's default parser to resolve them); the
XXE rule gets the factory's calls as parsers (see `factory_sinks`). A factory of an
lxml parser made with `resolve_entities=False` is a closed one: a document parsed with
its parser is no sink (see `closed_factories`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

_EXTERNAL = ("feature_external_ges", "http://xml.org/sax/features/external-general-entities")
LXML_PARSER = "lxml.etree.XMLParser"


OPEN = "open"
CLOSED = "closed"


def parser_factory(node: ast.FunctionDef | ast.AsyncFunctionDef,
                   resolve: Callable[[ast.expr], str | None]) -> str:
    """OPEN when the function returns a parser that resolves external entities, CLOSED
    when it returns an lxml parser made not to, else ''."""
    returns = [n.value for n in ast.walk(node) if isinstance(n, ast.Return)]
    if len(returns) != 1 or returns[0] is None:
        return ""
    value = returns[0]
    made = _made(node, value)
    if isinstance(made, ast.Call) and resolve(made.func) == LXML_PARSER:
        closed = any(k.arg == "resolve_entities" and isinstance(k.value, ast.Constant)
                     and k.value.value is False for k in made.keywords)
        return CLOSED if closed else OPEN
    return OPEN if isinstance(value, ast.Name) and _switched_on(node, value.id) else ""


def _made(node: ast.AST, value: ast.expr) -> ast.expr:
    """The call `value` names when it is a local name bound once, else `value`."""
    if not isinstance(value, ast.Name):
        return value
    bound = [n.value for n in ast.walk(node) if isinstance(n, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == value.id for t in n.targets)]
    return bound[0] if len(bound) == 1 else value


def _switched_on(node: ast.AST, name: str) -> bool:
    """Whether the function calls `name.setFeature(<external general entities>, True)`."""
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                and call.func.attr == "setFeature" and isinstance(call.func.value, ast.Name) \
                and call.func.value.id == name and len(call.args) == 2:
            feature, value = call.args
            text = feature.value if isinstance(feature, ast.Constant) else \
                feature.attr if isinstance(feature, ast.Attribute) else \
                feature.id if isinstance(feature, ast.Name) else None
            if text in _EXTERNAL and isinstance(value, ast.Constant) and value.value in (True, 1):
                return True
    return False


def factory_sinks(forms: list[str]) -> dict[str, Any] | None:
    """An XXE sink entry: documents parsed with a parser one of the factory calls
    `forms` (how a factory's name can be written) make."""
    if not forms:
        return None
    calls = [f"{form}(...)" for form in forms]
    alternatives: list[dict[str, Any]] = []
    for made in calls:  # (on the factory's result itself: `make_parser().parse(f)`)
        alternatives += [{"pattern": p.format(parser=made)} for p in (*_PARSED, *_ON_PARSER)]
    alternatives += [{"patterns": [{"pattern-either": [{"pattern-inside": f"$P = {c}\n...\n"}
                                                       for c in calls]},
                                   {"pattern-either": [{"pattern": p.format(parser="$P")}
                                                       for p in (*_PARSED, *_ON_PARSER)]}]}]
    return {"patterns": [{"pattern-either": alternatives}, {"focus-metavariable": "$XML"}]}


def closed_factories(sinks: list[Any], forms: list[str]) -> list[Any]:
    """The XXE rule's `sinks` with each block that excludes a document parsed with an
    lxml parser made not to resolve entities (`pattern-not-inside: $PARSER =
    lxml.etree.XMLParser(..., resolve_entities=False, ...)`) also excluding one made
    by a closed factory (`forms`: how its name can be written)."""
    if not forms:
        return sinks
    out: list[Any] = []
    for sink in sinks:
        steps = sink.get("patterns", []) if isinstance(sink, dict) else []
        if not any(str(s.get("pattern-not-inside", "")).startswith(f"$PARSER = {LXML_PARSER}(")
                   for s in steps if isinstance(s, dict)):
            out.append(sink)
            continue
        extra: list[dict[str, Any]] = []
        for form in forms:
            extra.append({"pattern-not-inside": f"$PARSER = {form}(...)\n...\n"})
            extra += [{"pattern-not": p.format(parser=f"{form}(...)")} for p in _PARSED
                      if p.startswith("lxml.")]
        focus = [s for s in steps if isinstance(s, dict) and "focus-metavariable" in s]
        rest = [s for s in steps if s not in focus]
        out.append({**sink, "patterns": [*rest, *extra, *focus]})
    return out


_PARSED = ("xml.dom.minidom.parse($XML, parser={parser}, ...)",
           "xml.dom.minidom.parseString($XML, parser={parser}, ...)",
           "xml.dom.pulldom.parse($XML, parser={parser}, ...)",
           "xml.dom.pulldom.parseString($XML, parser={parser}, ...)",
           "lxml.etree.fromstring($XML, {parser}, ...)",
           "lxml.etree.fromstring($XML, parser={parser}, ...)",
           "lxml.etree.parse($XML, {parser}, ...)",
           "lxml.etree.parse($XML, parser={parser}, ...)",
           "lxml.etree.XML($XML, {parser}, ...)",
           "lxml.etree.XML($XML, parser={parser}, ...)")
_ON_PARSER = ("{parser}.parse($XML, ...)", "{parser}.feed($XML, ...)")
