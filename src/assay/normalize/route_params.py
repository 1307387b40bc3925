"""Route parameters the web framework converts to a number (or a UUID, a date) before the
view runs: `@app.get("/items/{item_id}") def item(item_id: int)` in FastAPI, or
`@app.route("/items/<int:item_id>")` in Flask. Such a value holds no quote, space or
operator: it cannot write a query, a command or code.

FastAPI converts by the annotation (`int`, `float`, `bool`, `Decimal`, `UUID`, dates
and times, `Optional`/`Annotated`/`X | None` of these, pydantic's `conint`-like types, a
`Literal` of constants); the file must import FastAPI. Flask converts by the rule's
converter (`<int:...>`, `<float:...>`, `<uuid:...>`); its annotations convert nothing.
A view is a function decorated by a call of a routing method (`route`, `get`, `post`,
`put`, `patch`, `delete`, `api_route`).
"""

from __future__ import annotations

import ast
import re

from assay.normalize.reaching import Function, dotted

ROUTES = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route"})
_CONVERTER = re.compile(r"<(?:int|float|uuid)(?:\([^)>]*\))?:(\w+)>")
_TYPES = frozenset({"int", "float", "bool", "Decimal", "decimal.Decimal", "UUID",
                    "uuid.UUID", "date", "datetime", "time", "timedelta", "datetime.date",
                    "datetime.datetime", "datetime.time", "datetime.timedelta",
                    "PositiveInt", "NegativeInt", "NonNegativeInt", "NonPositiveInt",
                    "StrictInt", "StrictFloat", "StrictBool", "PositiveFloat"})
_CONSTRAINED = frozenset({"conint", "confloat", "condecimal"})
_WRAPPERS = frozenset({"Optional", "typing.Optional"})
_ANNOTATED = frozenset({"Annotated", "typing.Annotated"})
_LITERAL = frozenset({"Literal", "typing.Literal"})


def converted(function: Function, fastapi: bool, flask: bool) -> set[str]:
    """The parameters of `function` its framework converts before the view runs:
    `fastapi` and `flask` say whether the file's FastAPI or Flask may be trusted."""
    routes = [d for d in function.decorator_list if isinstance(d, ast.Call)
              and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTES]
    if not routes:
        return set()
    out: set[str] = set()
    if flask:
        for route in routes:
            rule = route.args[0] if route.args else None
            if isinstance(rule, ast.Constant) and isinstance(rule.value, str):
                out.update(_CONVERTER.findall(rule.value))
    if fastapi:
        args = function.args
        out.update(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
                   if a.annotation is not None and _scalar(a.annotation))
    return out


def _scalar(node: ast.expr) -> bool:
    """Whether an annotation is a type FastAPI converts to a number, a UUID or a date."""
    if dotted(node) in _TYPES:
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return all(_scalar(side) or _none(side) for side in (node.left, node.right)) \
            and not (_none(node.left) and _none(node.right))
    if isinstance(node, ast.Call):
        return dotted(node.func) in _CONSTRAINED
    if not isinstance(node, ast.Subscript):
        return False
    base, inner = dotted(node.value), node.slice
    if base in _WRAPPERS:
        return _scalar(inner)
    if base in _ANNOTATED and isinstance(inner, ast.Tuple) and inner.elts:
        return _scalar(inner.elts[0])
    if base in _LITERAL:
        values = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        return all(isinstance(v, ast.Constant) for v in values)
    return False


def _none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
