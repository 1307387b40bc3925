"""Callables a module binds with `functools.partial`, read as the functions they are.

`shell = functools.partial(subprocess.run, shell=True)` makes `shell(command)` the call
`subprocess.run(command, shell=True)`; Semgrep sees only a call of a module variable. The
pre-pass reads each such module-level binding as the function it stands for, `def
shell(a0, a1, a2, a3, **kw): return subprocess.run(a0, a1, a2, a3, shell=True, **kw)`
(the bound positional arguments first), so that the sink-wrapper and summary passes treat
it like any helper written out: its calls become the rule's sinks.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator

from assay.scanners.semgrep._receivers import dotted

POSITIONS = 4  # the positional arguments a call of a bound callable is read with
_ARGUMENT = "_bound_{}"
_KEYWORDS = "_bound_keywords"


def with_bound(tree: ast.Module) -> ast.Module:
    """`tree` with a function after each module-level `name = partial(callee, ...)`
    (the tree itself when it binds none)."""
    names = _partial_names(tree)
    if not names:
        return tree
    body: list[ast.stmt] = []
    for node in tree.body:
        body.append(node)
        body.extend(_bound_functions(node, names))
    return ast.Module(body=body, type_ignores=tree.type_ignores)


def _partial_names(tree: ast.Module) -> frozenset[str]:
    """How the module writes `functools.partial`: `functools.partial` (an imported
    `functools`), or the names `from functools import partial` binds."""
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(f"{a.asname or a.name}.partial" for a in node.names
                         if a.name == "functools")
        elif isinstance(node, ast.ImportFrom) and node.module == "functools":
            found.update(a.asname or a.name for a in node.names if a.name == "partial")
    return frozenset(found)


def _bound_functions(node: ast.stmt, names: frozenset[str]) -> Iterator[ast.FunctionDef]:
    value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
    targets = node.targets if isinstance(node, ast.Assign) else \
        [node.target] if isinstance(node, ast.AnnAssign) else []
    if not isinstance(value, ast.Call) or dotted(value.func) not in names \
            or not value.args or any(isinstance(a, ast.Starred) for a in value.args):
        return
    for target in targets:
        if isinstance(target, ast.Name):
            yield _function(target.id, value, node)


def _function(name: str, bound: ast.Call, at: ast.stmt) -> ast.FunctionDef:
    """`def name(a0, ..., **kw): return callee(<bound>, a0, ..., <bound keywords>, **kw)`"""
    own = [ast.arg(_ARGUMENT.format(i)) for i in range(POSITIONS)]
    call = ast.Call(
        func=copy.deepcopy(bound.args[0]),
        args=[*copy.deepcopy(bound.args[1:]), *(ast.Name(a.arg, ast.Load()) for a in own)],
        keywords=[*copy.deepcopy(bound.keywords),
                  ast.keyword(None, ast.Name(_KEYWORDS, ast.Load()))])
    function = ast.FunctionDef(
        name=name,
        args=ast.arguments(posonlyargs=[], args=own, vararg=None, kwonlyargs=[],
                           kw_defaults=[], kwarg=ast.arg(_KEYWORDS), defaults=[]),
        body=[ast.Return(call)], decorator_list=[], returns=None, type_params=[])
    for child in ast.walk(function):
        ast.copy_location(child, at)
    return function
