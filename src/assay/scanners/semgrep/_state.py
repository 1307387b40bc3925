"""Request state: values a function keeps for later: on Flask's `g`, in the session, on an
aiohttp request's items or Starlette's `request.state`.

A `before_request` hook or a view decorator that sets `g.sort = request.args["sort"]`
hands the request's text to every view that reads `g.sort`, in any module; a login view
that keeps `request.session["return_to"] = return_to` hands it to the callback that
redirects there. The module facts record each such store with the fact of its value
(see `_pysource`); the summaries tell which names some store fills with request data
(`flask.g.sort`, `session.return_to`), and the rules take reading those for a source
(`state_sources`). Reading any other name of `g` or of the session stays what it was.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from assay.scanners.semgrep._receivers import dotted as _dotted

FLASK_G = "flask.g"
SESSION = "session"  # the names of session keys: `session.<key>`, any framework's session
ITEM = "request"  # an aiohttp request's own items: `request["asset"]`, `request.<key>`
STATE = "state"  # Starlette's `request.state.<attribute>`
_REQUESTS = frozenset({"request", "req"})
_FLASK_SESSION = "flask.session"
_REQUEST_SESSIONS = frozenset({"request.session", "req.session", "self.request.session"})
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # a key written into rule patterns

Qualified = Callable[[ast.expr], str]


def constant_keys(constants: Mapping[str, ast.expr]) -> dict[str, str]:
    """Session keys a module names by a constant (`FEED_KEY = "feed_source"`, `KEYS =
    {"return": "sso_return_to"}`): each constant expression as written (`FEED_KEY`,
    `KEYS['return']`) with the key it stands for."""
    out: dict[str, str] = {}
    for name, value in constants.items():
        if not _KEY.match(name):
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str) \
                and _KEY.match(value.value):
            out[name] = value.value
        elif isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) \
                        and _KEY.match(key.value) and isinstance(item, ast.Constant) \
                        and isinstance(item.value, str) and _KEY.match(item.value):
                    out[f"{name}['{key.value}']"] = item.value
    return out



def state_targets(nodes: Iterable[ast.AST], qualified: Qualified,
                  keys: Mapping[str, str] | None = None) -> Iterator[tuple[str, ast.expr]]:
    """(name, value) of each store on Flask's `g` (`g.sort = value`, `g.sort: str =
    value`, `setattr(g, "sort", value)`: `flask.g.sort`) or in a session (`session[
    "next"] = value`, `request.session["next"] = value`: `session.next`) among `nodes`;
    `qualified` gives the name a node stands for by the module's imports (`g` of `from
    flask import g` is `flask.g`)."""
    for node in nodes:
        targets: list[ast.expr] = node.targets if isinstance(node, ast.Assign) else [
            node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else []
        for target in targets:
            name = _stored_name(target, qualified, keys or {})
            if name and isinstance(node, ast.Assign | ast.AnnAssign) and node.value:
                yield name, node.value
        if isinstance(node, ast.Call) and _set_on_g(node, qualified):
            key = node.args[1]
            if isinstance(key, ast.Constant) and isinstance(key.value, str) \
                    and _KEY.match(key.value):
                yield f"{FLASK_G}.{key.value}", node.args[2]


def _stored_name(target: ast.expr, qualified: Qualified, keys: Mapping[str, str]) -> str:
    if isinstance(target, ast.Attribute) and qualified(target.value) == FLASK_G:
        return f"{FLASK_G}.{target.attr}"
    if isinstance(target, ast.Attribute) and _is_state(target.value):
        return f"{STATE}.{target.attr}"
    if isinstance(target, ast.Subscript) and _is_session(target.value, qualified):
        return _session_name(target.slice, keys)
    if isinstance(target, ast.Subscript) and _dotted(target.value) in _REQUESTS:
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _KEY.match(key.value):
            return f"{ITEM}.{key.value}"
    return ""


def _is_state(node: ast.expr) -> bool:
    """`request.state` (Starlette's per-request namespace)."""
    return isinstance(node, ast.Attribute) and node.attr == "state" \
        and _dotted(node.value) in _REQUESTS


def _session_name(key: ast.expr, keys: Mapping[str, str]) -> str:
    """`session.<key>` for a key written as a literal, or as a module constant standing
    for one (`session.<key>#<constant as written>`: see `constant_keys`); else ''."""
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and _KEY.match(key.value):
        return f"{SESSION}.{key.value}"
    written = ast.unparse(key) if isinstance(key, ast.Name | ast.Subscript) else ""
    return f"{SESSION}.{keys[written]}#{written}" if written in keys else ""


def _is_session(node: ast.expr, qualified: Qualified) -> bool:
    return qualified(node) == _FLASK_SESSION or _dotted(node) in _REQUEST_SESSIONS


def _set_on_g(call: ast.Call, qualified: Qualified) -> bool:
    return (isinstance(call.func, ast.Name) and call.func.id == "setattr"
            and len(call.args) == 3 and not call.keywords
            and qualified(call.args[0]) == FLASK_G)


def state_read(node: ast.expr, qualified: Qualified,
               keys: Mapping[str, str] | None = None) -> str:
    """The name a read of `g` or of a session stands for (`g.sort`, `g.get("sort")`,
    `getattr(g, "sort", None)`: `flask.g.sort`; `session["next"]`, `request.session.
    get("next")`, `.pop("next")`: `session.next`), else ''."""
    if isinstance(node, ast.Attribute):
        return f"{FLASK_G}.{node.attr}" if qualified(node.value) == FLASK_G else \
            f"{STATE}.{node.attr}" if _is_state(node.value) else ""
    if isinstance(node, ast.Subscript):
        if _dotted(node.value) in _REQUESTS:
            return _named(ITEM, node.slice)
        return _session_name(node.slice, keys or {}).partition("#")[0] \
            if _is_session(node.value, qualified) else ""
    if not isinstance(node, ast.Call) or not node.args:
        return ""
    func, first = node.func, node.args[0]
    if isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) >= 2 \
            and qualified(first) == FLASK_G:
        return _named(FLASK_G, node.args[1])
    if not isinstance(func, ast.Attribute):
        return ""
    if func.attr == "get" and qualified(func.value) == FLASK_G:
        return _named(FLASK_G, first)
    if func.attr == "get" and _dotted(func.value) in _REQUESTS:
        return _named(ITEM, first)
    if func.attr in ("get", "pop") and _is_session(func.value, qualified):
        return _session_name(first, keys or {}).partition("#")[0]
    return ""


def _named(space: str, key: ast.expr) -> str:
    return f"{space}.{key.value}" if isinstance(key, ast.Constant) \
        and isinstance(key.value, str) else ""


def state_words(name: str) -> list[str]:
    """The words a file reading the state `name` has: its key (`sort`), and the
    constant it is written as (`SSO_KEYS` of `session.sso_return_to#SSO_KEYS['return']`)."""
    name, _, written = name.partition("#")
    return [name.rpartition(".")[2], *([written.partition("[")[0]] if written else [])]


def state_sources(names: Iterable[str]) -> dict[str, Any] | None:
    """A source entry for reading what holds request data: an attribute of `g` (as an
    attribute, through `g.get("name")` and `getattr(g, "name", ...)`), a session's key
    (`session["key"]`, `.get("key", ...)`, `.pop("key", ...)`, of Flask's session or a
    request's)."""
    patterns: list[dict[str, Any]] = []
    for full in sorted(set(names)):
        name, _, written = full.partition("#")
        space, _, key = name.rpartition(".")
        if not _KEY.match(key):
            continue
        if written and space == SESSION and _WRITTEN.match(written):
            # the constant as the code writes it, and the literal it stands for
            patterns += [{"pattern": f"{owner}[{written}]"} for owner in _SESSIONS]
            patterns += [{"pattern": f"{owner}.{method}({written}, ...)"}
                         for owner in _SESSIONS for method in ("get", "pop")]
        if space == FLASK_G:
            patterns += [{"pattern": f"flask.g.{key}"},
                         {"pattern": f'flask.g.get("{key}", ...)'},
                         {"pattern": f'getattr(flask.g, "{key}", ...)'}]
        elif space == ITEM:
            patterns += [{"pattern": f'{owner}["{key}"]'} for owner in _REQUESTS]
            patterns += [{"pattern": f'{owner}.get("{key}", ...)'} for owner in _REQUESTS]
        elif space == STATE:
            patterns.append({"pattern": f"$REQ.state.{key}"})
        elif space == SESSION:
            patterns += [{"pattern": f'{owner}["{key}"]'} for owner in _SESSIONS]
            patterns += [{"pattern": f'{owner}.{method}("{key}", ...)'}
                         for owner in _SESSIONS for method in ("get", "pop")]
    return {"pattern-either": patterns} if patterns else None


_SESSIONS = ("flask.session", "$REQ.session")
_WRITTEN = re.compile(r"^[A-Za-z_]\w{0,63}(\['[A-Za-z_]\w{0,63}'\])?$")


_ADDERS = frozenset({"append", "extend", "insert", "add", "appendleft"})


def kept_text(nodes: Iterable[ast.AST]) -> Iterator[ast.expr]:
    """The text a method builds and keeps on its object, among its `nodes`: `self.
    filters.append(f"source = '{source}'")`, `self.sql += " AND " + clause`, `self.where
    = "name = '%s'" % name`. A value kept as it is (`self.args.append(level)`: a bound
    parameter's list) is no text built."""
    for node in nodes:
        value: ast.expr | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _ADDERS and _on_self(node.func.value) and node.args:
            value = node.args[-1]
        elif _kept_on_self(node):
            value = node.value  # type: ignore[attr-defined]
        if value is not None and _builds_text(value):
            yield value


def _kept_on_self(node: ast.AST) -> bool:
    if isinstance(node, ast.Assign):
        return any(_on_self(t) for t in node.targets)
    return isinstance(node, ast.AugAssign | ast.AnnAssign) and _on_self(node.target)


def _on_self(node: ast.expr) -> bool:
    while isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
        and node.value.id == "self"


def _builds_text(node: ast.expr) -> bool:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_builds_text(e) for e in node.elts)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return any(_builds_text(side) or (isinstance(side, ast.Constant)
                                          and isinstance(side.value, str))
                   for side in (node.left, node.right))
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and node.func.attr == "format" and isinstance(node.func.value, ast.Constant)


def keeper_propagators(keepers: Iterable[tuple[str, str, int]],
                       usable: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Propagators for the methods that keep text built of a parameter on their object
    (see `kept_text`; (method, parameter, position)): what the call passes there taints
    the object, and so what its other methods build of it (`q.where_source(s)`, then
    `sql = q.build()`). A method by its name, when `usable` says the name is its own."""
    out: list[dict[str, Any]] = []
    for method, param, position in sorted(set(keepers)):
        name = method.rsplit(".", 1)[-1]
        if not (usable(name) and name.isidentifier() and param.isidentifier()):
            continue
        before = "".join(f"$A{i}, " for i in range(position))
        for args in (f"{before}$X, ...", f"..., {param}=$X, ..."):
            out.append({"pattern": f"$OBJ.{name}({args})", "from": "$X", "to": "$OBJ"})
    return out
