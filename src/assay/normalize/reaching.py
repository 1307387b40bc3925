"""What a local name holds at a line, read from the statements that run before it.

A name assigned twice in a function (`expr = request.args["e"]`, then `expr = "1 + 1"`)
is not a constant by its assignments; at a line after the second, in straight-line
code, it holds the second's value. And a name a guard holds to a constant set, to
digits or to a regular expression (`if name not in PLUGINS: abort(404)`, `if not
n.isdigit(): raise ...`, `if not SLUG.fullmatch(s): abort(404)`) is, after the guard,
one of those values or a run of digits and letters (or of what the expression allows:
normalize/regex_guard.py): nothing an attacker can write code, a command or a query
with.

Read backwards from the statement at the line, through the statements of its block
before it, then those before the enclosing `if`, `with` or `try` (its body only), and so
on up to the function's first statement:

- the last plain assignment of the name (`name = value`, `name: T = value`) is what it
  holds, judged at that assignment's line;
- an `if` with no `else` whose test rejects the name unless it is in a collection, a
  string of digits or letters, or matches a regular expression, and whose body always
  leaves (`raise`, `return`, `continue`, `break`, Flask's `abort(...)` imported under
  its own name), holds it; so
  does the test of an enclosing `if name in ...:`, `if name.isdigit():` or `if
  SLUG.fullmatch(name):` whose body the line is in (whether the collection is constant,
  or the expression allows plain characters only, is for the caller to judge);
- an `if` whose test folds to a constant (`retries > 5` where `retries = 2`: see
  normalize/folding.py) says what its branch taken says, and nothing when that branch
  does not bind the name;
- any other statement that binds the name (in a branch, a loop, `+=`, a `global`) makes
  it unknown, as does leaving a loop's body (the loop comes back) or an `except`,
  `else` or `finally` block (what ran before is not known).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assay.normalize.folding import Value, truth
from assay.normalize.regex_guard import METHODS

Function = ast.FunctionDef | ast.AsyncFunctionDef
_LEAVE = (ast.Raise, ast.Return, ast.Continue, ast.Break)
FOLD_LOOKUPS = 64  # names looked up to fold conditions, for one question
# where a function that raises an HTTP error is imported from, by its name
ABORT_MODULES = frozenset({"flask", "werkzeug.exceptions"})
# string tests that hold a value to digits or letters (no quote, space or operator)
_PLAIN = frozenset({"isdigit", "isdecimal", "isnumeric", "isalnum", "isalpha"})


@dataclass(frozen=True)
class Assigned:
    """The name holds `value`, assigned at `line`."""

    value: ast.expr
    line: int


@dataclass(frozen=True)
class Matched:
    """A test that the name matches a regular expression: `pattern` is the expression
    given (a string, or the compiled pattern whose method was called: `compiled`),
    `method` the one called (`fullmatch`, `match`, `search`), `flags` those given."""

    pattern: ast.expr
    method: str
    flags: ast.expr | None = None
    compiled: bool = False


@dataclass(frozen=True)
class Guarded:
    """The name is held by a guard to the members of `collection` (None: to digits or
    letters), or to what a regular expression matches (`matched`: whether it allows
    plain characters only is for the caller to judge)."""

    collection: ast.expr | None
    matched: Matched | None = None


Reach = Assigned | Guarded | None
_Step = tuple[ast.stmt | None, list[ast.stmt], int]  # a block's owner, the block, an index


def reaching(function: Function, line: int, name: str,
             aborts: frozenset[str] = frozenset(), budget: list[int] | None = None) -> Reach:
    """What `name` holds at the statement of `function` that starts at `line`, read from
    the statements before it (None: not known from them); `aborts` are the names of the
    module that raise an HTTP error (`abort` imported from Flask). Folding conditions
    looks up at most `FOLD_LOOKUPS` names in all (`budget`, shared by the lookups one
    question makes): a file written to make each lookup ask two more does not hang."""
    left = [FOLD_LOOKUPS] if budget is None else budget

    def lookup(var: str, at: int) -> tuple[bool, Value]:
        if left[0] <= 0:
            return False, None
        left[0] -= 1
        return _literal(reaching(function, at, var, aborts, left))

    def fold(test: ast.expr, at: int) -> bool | None:
        return truth(test, lambda var: lookup(var, at))

    return _walk(function, line, name, lambda stmt: _before(stmt, name, aborts, fold), True)


def _literal(held: Reach) -> tuple[bool, Value]:
    """The value a name holds when it is a literal (number, string, bool, None)."""
    if isinstance(held, Assigned) and isinstance(held.value, ast.Constant) \
            and isinstance(held.value.value, int | float | str | None):
        return True, held.value.value
    return False, None


def reaching_item(function: Function, line: int, name: str, key: str | int) -> Reach:
    """What `name[key]` (a constant key) holds at the statement that starts at `line`:
    its last store (`name[key] = value`, or `name = {key: value, ...}`), when every
    statement between names `name` only to read or store another constant key."""
    return _walk(function, line, name, lambda stmt: _item_before(stmt, name, key), False)


def _walk(function: Function, line: int, name: str,
          before: Callable[[ast.stmt], tuple[bool, Reach]], guards: bool) -> Reach:
    path = _path(function.body, line)
    if path is None:
        return None
    for parent, block, index in reversed(path):
        for stmt in reversed(block[:index]):
            said, found = before(stmt)
            if said:
                return found
        if parent is None or not _enters(parent, block, name):
            return None
        held = _held_inside(parent, block, name) if guards else None
        if held is not None:
            return held
    return None


def _item_before(stmt: ast.stmt, name: str, key: str | int) -> tuple[bool, Reach]:
    """Whether one statement before the line says what `name[key]` holds, and what."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if is_name(target, name):
            return True, _dict_value(stmt.value, key, stmt.lineno)
        if isinstance(target, ast.Subscript) and is_name(target.value, name) \
                and _constant_key(target.slice) == key and not _mentions(stmt.value, name):
            return True, Assigned(stmt.value, stmt.lineno)
    mentioned = [n for n in ast.walk(stmt) if is_name(n, name)]
    if not mentioned:
        return False, None
    others = {id(n.value) for n in ast.walk(stmt) if isinstance(n, ast.Subscript)
              and not isinstance(n.ctx, ast.Del) and is_name(n.value, name)
              and _constant_key(n.slice) not in (None, key)}
    return any(id(n) not in others for n in mentioned), None


def _dict_value(value: ast.expr, key: str | int, line: int) -> Reach:
    """The value a dict literal holds under `key` (None: not a literal, or none)."""
    if not isinstance(value, ast.Dict) or None in value.keys:
        return None
    found = [v for k, v in zip(value.keys, value.values, strict=True)
             if k is not None and _constant_key(k) == key]
    return Assigned(found[-1], line) if found else None


def _constant_key(node: ast.expr) -> str | int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int) \
            and not isinstance(node.value, bool):
        return node.value
    return None


def _mentions(tree: ast.AST, name: str) -> bool:
    return any(is_name(n, name) for n in ast.walk(tree))


def _before(stmt: ast.stmt, name: str, aborts: frozenset[str],
            fold: Callable[[ast.expr, int], bool | None]) -> tuple[bool, Reach]:
    """Whether one statement before the line says what the name holds, and what (an
    `if` whose test folds to a constant: what the branch it takes says)."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            and is_name(stmt.targets[0], name):
        return True, Assigned(stmt.value, stmt.lineno)
    if isinstance(stmt, ast.AnnAssign) and is_name(stmt.target, name) and stmt.value is not None:
        return True, Assigned(stmt.value, stmt.lineno)
    if isinstance(stmt, ast.If) and not stmt.orelse and _leaves(stmt.body, aborts):
        guard = _rejects(stmt.test, name)
        if guard is not None:
            return True, guard
    if isinstance(stmt, ast.If) and _binds_in(stmt, name) and not _binds_in(stmt.test, name):
        taken = fold(stmt.test, stmt.lineno)
        if taken is not None:
            for inner in reversed(stmt.body if taken else stmt.orelse):
                said, found = _before(inner, name, aborts, fold)
                if said:
                    return True, found
            return False, None
    return _binds_in(stmt, name), None


def _path(block: list[ast.stmt], line: int, parent: ast.stmt | None = None,
          ) -> list[_Step] | None:
    """The blocks from the function's body down to the innermost statement whose lines
    hold `line`: (the statement owning the block, the block, the index in it). None
    when that is a nested function or class, or a `while`'s test (run again after its
    body)."""
    for index, stmt in enumerate(block):
        if not stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            continue
        for inner in _blocks(stmt):
            below = _path(inner, line, stmt)
            if below is not None:
                return [(parent, block, index), *below]
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                      | ast.While) or any(_holds(b, line) for b in _blocks(stmt)):
            return None
        return [(parent, block, index)]
    return None


def _holds(block: list[ast.stmt], line: int) -> bool:
    return block[0].lineno <= line <= (block[-1].end_lineno or block[-1].lineno)


def _blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    for field in ("body", "orelse", "finalbody"):
        value = getattr(stmt, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    for case in getattr(stmt, "cases", ()):
        yield case.body


def _enters(parent: ast.stmt, block: list[ast.stmt], name: str) -> bool:
    """Whether what ran before `parent` also ran before its `block`, the name untouched
    on the way in (no loop back, not a handler or an `else`/`finally` after a `try`'s
    body, not bound by the `if`'s test or the `with`'s items)."""
    if isinstance(parent, ast.If):
        return not _binds_in(parent.test, name)
    if isinstance(parent, ast.With | ast.AsyncWith):
        return not any(_binds_in(item, name) for item in parent.items)
    return isinstance(parent, ast.Try | ast.TryStar) and block is parent.body


def _held_inside(parent: ast.stmt, block: list[ast.stmt], name: str) -> Guarded | None:
    """A guard of an enclosing `if name in COLLECTION:`, `if name.isdigit():` or `if
    SLUG.fullmatch(name):` whose body holds the line."""
    if isinstance(parent, ast.If) and block is parent.body:
        test = parent.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 \
                and isinstance(test.ops[0], ast.In) and is_name(test.left, name):
            return Guarded(test.comparators[0])
        return plain_test(test, name)
    return None


def plain_test(test: ast.expr, name: str) -> Guarded | None:
    """The guard a test sets that is true only when the name holds digits or letters
    (`name.isdigit()`) or matches a regular expression (`SLUG.fullmatch(name)`,
    `re.match(r"^[a-z]+$", name) is not None`)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 \
            and isinstance(test.ops[0], ast.IsNot) and _is_none(test.comparators[0]):
        test = test.left
    if not isinstance(test, ast.Call) or not isinstance(test.func, ast.Attribute):
        return None
    func, args = test.func, test.args
    if func.attr in _PLAIN and not args and is_name(func.value, name):
        return Guarded(None)
    if func.attr not in METHODS or test.keywords:
        return None
    if is_name(func.value, "re") and len(args) in (2, 3) and is_name(args[1], name):
        return Guarded(None, Matched(args[0], func.attr, args[2] if len(args) == 3 else None))
    if len(args) == 1 and is_name(args[0], name) and not is_name(func.value, "re"):
        return Guarded(None, Matched(func.value, func.attr, compiled=True))
    return None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _rejects(test: ast.expr, name: str) -> Guarded | None:
    """The guard a test that is true unless the name passes it sets (None: none)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 \
            and isinstance(test.ops[0], ast.NotIn) and is_name(test.left, name):
        return Guarded(test.comparators[0])
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return plain_test(test.operand, name)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 \
            and isinstance(test.ops[0], ast.Is) and _is_none(test.comparators[0]):
        return plain_test(test.left, name)
    return None


def _leaves(body: list[ast.stmt], aborts: frozenset[str]) -> bool:
    last = body[-1]
    if isinstance(last, _LEAVE):
        return True
    return isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) \
        and isinstance(last.value.func, ast.Name) and last.value.func.id in aborts


def _binds_in(tree: ast.AST, name: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name \
                and isinstance(node.ctx, ast.Store | ast.Del):
            return True
        if isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            return True
        if isinstance(node, ast.ExceptHandler) and node.name == name:
            return True
    return False


def dotted(node: ast.expr) -> str:
    """`a.b.c` for a name or a chain of attributes of one ('' for anything else)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def is_name(node: ast.AST, name: str) -> bool:
    """Whether `node` is the name `name`."""
    return isinstance(node, ast.Name) and node.id == name


def is_parameter(function: Function, name: str) -> bool:
    """Whether `name` is a parameter of `function` (`*args` and `**kwargs` too)."""
    args = function.args
    every = (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
    return any(a is not None and a.arg == name for a in every)
