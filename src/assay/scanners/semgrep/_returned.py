"""Which parameters of a function can reach what it returns.

`def export_note(note_id, title): ...; subprocess.run([..., f"title={title}", ...]);
return target` returns a path built from `note_id` only: a caller passing request data as
`title` gets back no request data, though Semgrep, following the call, taints its result.
The answer is conservative: a parameter is left out only when no value the function
returns can hold it, directly, through the local names it is assigned to, or through an
object it is passed into or stored on (a call or a stored item with a returned name that
may be mutable takes every name of that statement along). A function that defines
functions, lambdas or classes of its own, or reads `locals()`/`vars()`, has every
parameter returned.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

_OPAQUE = frozenset({"locals", "vars", "globals", "eval", "exec"})
# Calls whose result is a new string or number whatever their arguments: a name assigned
# only such values cannot be changed by a call it is passed to.
_IMMUTABLE_CALLS = frozenset({"str", "int", "float", "bool", "len", "repr", "format",
                              "join", "format_map", "strip", "lstrip", "rstrip", "lower",
                              "upper", "replace", "encode", "decode", "hexdigest"})


def unreturned_params(body: Sequence[ast.AST], params: Sequence[str]) -> tuple[str, ...]:
    """The `params` no returned value can hold (see the module docstring); `body` is
    every node of the function's own code (nested definitions excluded)."""
    returns = [n.value for n in body if isinstance(n, ast.Return) and n.value is not None]
    if not returns or not params or any(_opaque(n) for n in body):
        return ()
    flows = list(_flows(body))
    immutable = _immutable(body) - set(params)
    reached: set[str] = set().union(*(_names(v) for v in returns))
    changed = True
    while changed:
        changed = False
        for targets, used, mutates in flows:
            into = (targets & reached) - immutable if mutates else targets & reached
            if into and not used <= reached:
                reached |= used
                changed = True
    return tuple(p for p in params if p not in reached)


def _opaque(node: ast.AST) -> bool:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
        return True
    return isinstance(node, ast.Name) and node.id in _OPAQUE


def _names(node: ast.AST | None) -> set[str]:
    return set() if node is None else {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


Flow = tuple[set[str], set[str], bool]  # (names written, names read, by mutation)


def _flows(body: Sequence[ast.AST]) -> Iterator[Flow]:
    """Where values go: assignments (and `for`, `with`, `:=`, comprehension targets)
    from what they read, and calls and item or attribute stores, which may mutate every
    object they name with every value they name."""
    for node in body:
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names = _names(target)
                if isinstance(target, ast.Name | ast.Tuple | ast.List | ast.Starred):
                    yield names, _names(node.value), False
                else:  # `obj[key] = value`, `obj.attr = value`: obj changes
                    yield names, names | _names(node.value), True
        elif isinstance(node, ast.For | ast.AsyncFor):
            yield _names(node.target), _names(node.iter), False
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            yield _names(node.optional_vars), _names(node.context_expr), False
        elif isinstance(node, ast.NamedExpr):
            yield _names(node.target), _names(node.value), False
        elif isinstance(node, ast.comprehension):
            yield _names(node.target), _names(node.iter), False
        elif isinstance(node, ast.Call):
            names = _names(node)
            yield names, names, True


def _immutable(body: Sequence[ast.AST]) -> set[str]:
    """Local names every assignment of which is a new string or number (a literal, an
    f-string, `+`/`%` of such, a call of `_IMMUTABLE_CALLS` or `os.path.join`): no call
    they are passed to can change them."""
    fresh: dict[str, bool] = {}
    for node in body:
        pairs: list[tuple[ast.expr, ast.expr | None]]
        if isinstance(node, ast.Assign):
            pairs = [(t, node.value) for t in node.targets]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            pairs = [(node.target, node.value)]
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            pairs = [(node.target, None)]
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            pairs = [(node.optional_vars, None)]
        elif isinstance(node, ast.NamedExpr):
            pairs = [(node.target, node.value)]
        else:
            continue
        for target, value in pairs:
            new = isinstance(target, ast.Name) and _is_new_text(value)
            for name in _names(target):
                fresh[name] = fresh.get(name, True) and new
    return {name for name, new in fresh.items() if new}


def _is_new_text(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _is_new_text(node.left) or isinstance(node.left, ast.Constant)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else \
            func.id if isinstance(func, ast.Name) else ""
        dotted = ast.unparse(func) if isinstance(func, ast.Attribute) else name
        return name in _IMMUTABLE_CALLS or dotted in ("os.path.join", "posixpath.join")
    return False
