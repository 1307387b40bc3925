"""Request state: values a function stores on Flask's `g` for the rest of the request.

A `before_request` hook or a view decorator that sets `g.sort = request.args["sort"]`
hands the request's text to every view that reads `g.sort`, in any module. The module
facts record each such store with the fact of its value (see `_pysource.state_stores`);
the summaries tell which attributes some store fills with request data, and the rules
take reading those attributes for a source (see `_rulegen.state_sources`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from typing import Any

FLASK_G = "flask.g"


def state_targets(nodes: Iterable[ast.AST],
                  qualified: Callable[[ast.expr], str]) -> Iterator[tuple[str, ast.expr]]:
    """(attribute, value) of each store on Flask's `g` among `nodes`: `g.sort = value`,
    `g.sort: str = value`, `setattr(g, "sort", value)`; `qualified` gives the name a node
    stands for by the module's imports (`g` of `from flask import g` is `flask.g`)."""
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and _on_g(target, qualified):
                    yield target.attr, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None \
                and isinstance(node.target, ast.Attribute) and _on_g(node.target, qualified):
            yield node.target.attr, node.value
        elif isinstance(node, ast.Call) and _set_on_g(node, qualified):
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                yield name.value, node.args[2]


def _on_g(target: ast.Attribute, qualified: Callable[[ast.expr], str]) -> bool:
    return qualified(target.value) == FLASK_G


def _set_on_g(call: ast.Call, qualified: Callable[[ast.expr], str]) -> bool:
    return (isinstance(call.func, ast.Name) and call.func.id == "setattr"
            and len(call.args) == 3 and not call.keywords
            and qualified(call.args[0]) == FLASK_G
            and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)
            and call.args[1].value.isidentifier())


def state_read(node: ast.expr, qualified: Callable[[ast.expr], str]) -> str:
    """`flask.g.<name>` for a read of an attribute of `g` (`g.sort`, `g.get("sort")`,
    `getattr(g, "sort", None)`), else ''."""
    if isinstance(node, ast.Attribute):
        return f"{FLASK_G}.{node.attr}" if qualified(node.value) == FLASK_G else ""
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    key: ast.expr | None = None
    if isinstance(func, ast.Attribute) and func.attr == "get" and node.args \
            and qualified(func.value) == FLASK_G:
        key = node.args[0]
    elif isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) >= 2 \
            and qualified(node.args[0]) == FLASK_G:
        key = node.args[1]
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return f"{FLASK_G}.{key.value}"
    return ""


def state_sources(attributes: Iterable[str]) -> dict[str, Any] | None:
    """A source entry for reading the attributes of `g` that hold request data: as an
    attribute, through `g.get("name")` and `getattr(g, "name", ...)`."""
    patterns: list[dict[str, Any]] = []
    for name in sorted(set(attributes)):
        patterns += [{"pattern": f"flask.g.{name}"},
                     {"pattern": f'flask.g.get("{name}", ...)'},
                     {"pattern": f'getattr(flask.g, "{name}", ...)'}]
    return {"pattern-either": patterns} if patterns else None
