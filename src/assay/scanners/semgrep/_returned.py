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

What a value holds is read as the taint rules read it: a comprehension's filter (`next(r
for r in releases if r.version == version)`) picks among the items and gives none of its
own names; a file opened or read (`with open(path) as f`) gives its contents, not the
path; a call of a function of the same module gives only the arguments that function's
own return can hold (`Unreturned`, worked out for the module first). A call can change
only the objects it is handed as they are (its receiver, a name or attribute passed,
the items of a literal container), never a new value built in its arguments (an
f-string, a sum, another call's result).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence

_OPAQUE = frozenset({"locals", "vars", "globals", "eval", "exec"})
OPENERS = frozenset({"open", "io.open", "codecs.open", "builtins.open"})
READ_METHODS = frozenset({"read_text", "read_bytes"})  # pathlib's

Unreturned = tuple[tuple[int, ...], tuple[str, ...]]
"""A function's parameters its return cannot hold: by position, and by name."""
CARRIES_NOTHING: Unreturned = ((-1,), ())
"""A call read as returning none of its arguments (see `conditional_unreturned`)."""
Condition = tuple[str, str]
"""(callee, argument: its position as a string, or its keyword)."""
# Calls whose result is a new string or number whatever their arguments: a name assigned
# only such values cannot be changed by a call it is passed to.
_IMMUTABLE_CALLS = frozenset({"str", "int", "float", "bool", "len", "repr", "format",
                              "join", "format_map", "strip", "lstrip", "rstrip", "lower",
                              "upper", "replace", "encode", "decode", "hexdigest",
                              # pathlib's paths are immutable too
                              "Path", "PurePath", "PosixPath", "PurePosixPath",
                              "with_suffix", "with_name", "with_stem", "joinpath"})


def unreturned_params(body: Sequence[ast.AST], params: Sequence[str],
                      local: Mapping[str, Unreturned] | None = None,
                      fixed: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The `params` no returned value can hold (see the module docstring); `body` is
    every node of the function's own code (nested definitions excluded); `local`, what
    the module's functions' returns cannot hold, by function name; `fixed`, the
    parameters annotated as strings or numbers (no call can change them)."""
    returns = [n.value for n in body if isinstance(n, ast.Return) and n.value is not None]
    if not returns or not params or any(_opaque(n) for n in body):
        return ()
    # a module function's name the function binds to something else is not that function
    bound = set().union(*(_names(t) for n in body if isinstance(n, ast.Assign)
                          for t in n.targets))
    known = {name: found for name, found in (local or {}).items() if name not in bound}
    flows = list(_flows(body, known))
    immutable = (_immutable(body) - set(params)) | fixed
    reached: set[str] = set().union(*(_value_names(v, known) for v in returns))
    changed = True
    while changed:
        changed = False
        for targets, used, mutates in flows:
            into = (targets & reached) - immutable if mutates else targets & reached
            if into and not used <= reached:
                reached |= used
                changed = True
    return tuple(p for p in params if p not in reached)


ROUNDS = 4
Read = tuple[Sequence[ast.AST], Sequence[str], frozenset[str]]
"""A function as `module_unreturned` reads it: its own nodes, its parameters, and those
of them annotated as strings or numbers."""


def module_unreturned(functions: Mapping[str, Read],
                      positional: Mapping[str, int]) -> dict[str, Unreturned]:
    """What each module function's return cannot hold, each function read with what the
    others' cannot (knowing more never makes a return hold more): at most `ROUNDS`
    readings, so a chain of calls deeper than that is read as holding its arguments (a
    scanned file of many functions calling one another cannot make the pre-pass read it
    once per function). `positional`: how many of a function's parameters can be passed
    by position."""
    found: dict[str, Unreturned] = {}
    for _ in range(ROUNDS):
        now: dict[str, Unreturned] = {}
        for name, (body, params, fixed) in functions.items():
            left = unreturned_params(body, params, found, fixed)
            if left:
                now[name] = (tuple(params.index(p) for p in left
                                   if params.index(p) < positional.get(name, 0)), left)
        if now == found:
            break
        found = now
    return found


_SCALARS = frozenset({"str", "int", "float", "bool", "bytes", "complex", "None"})


def scalar_annotation(annotation: ast.expr | None) -> bool:
    """Whether an annotation says a string or a number (`str`, `int | None`,
    `Optional[str]`, a `Literal`): a value no call can change."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant):
        return annotation.value is None or (isinstance(annotation.value, str)
                                            and annotation.value in _SCALARS)
    if isinstance(annotation, ast.Name):
        return annotation.id in _SCALARS
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return scalar_annotation(annotation.left) and scalar_annotation(annotation.right)
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name):
        if annotation.value.id == "Literal":
            return True
        if annotation.value.id == "Optional":
            return scalar_annotation(annotation.slice)
    return False


def _opaque(node: ast.AST) -> bool:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
        return True
    return isinstance(node, ast.Name) and node.id in _OPAQUE


def _names(node: ast.AST | None) -> set[str]:
    return set() if node is None else {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _value_names(node: ast.AST | None, local: Mapping[str, Unreturned]) -> set[str]:
    """The names a value can hold (see the module docstring)."""
    out: set[str] = set()
    todo = [node] if node is not None else []
    while todo:
        current = todo.pop()
        if isinstance(current, ast.Name):
            out.add(current.id)
        elif isinstance(current, ast.comprehension):
            todo += [current.target, current.iter]  # not its `ifs`
        elif isinstance(current, ast.Call) and is_opened(current):
            continue
        elif isinstance(current, ast.Call) and written_name(current.func) in local:
            todo += carried_arguments(current, local[written_name(current.func)])
        else:
            todo += ast.iter_child_nodes(current)
    return out


def carried_arguments(call: ast.Call, unreturned: Unreturned) -> list[ast.AST]:
    """The arguments of a call of a module function its return can hold: all but those
    it cannot, by position (up to a `*args`, from which on each is kept) or by keyword."""
    positions, names = unreturned
    if unreturned == CARRIES_NOTHING:
        return []
    starred = next((i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)),
                   len(call.args))
    return [*(a for i, a in enumerate(call.args) if i >= starred or i not in positions),
            *(k.value for k in call.keywords if k.arg not in names)]


def written_name(func: ast.expr) -> str:
    """A call's callee as written when it is a name or a dotted name (`export`,
    `services.export`), else ''."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    return ".".join([func.id, *reversed(parts)]) if isinstance(func, ast.Name) else ""


def conditional_unreturned(body: Sequence[ast.AST], params: Sequence[str],
                           local: Mapping[str, Unreturned], fixed: frozenset[str],
                           imported: Mapping[str, str], returned: Sequence[str],
                           ) -> tuple[tuple[str, tuple[Condition, ...]], ...]:
    """The parameters (of `returned`, those the function's own reading finds its return
    can hold) that it cannot hold if the functions of other modules it hands them to do
    not return them: each with those (callee, argument) pairs. `imported` maps a callee
    as written (`services.export`) to its qualified name; the summaries, which know
    every module, decide (`export_attendance(event, password)` returning
    `package_export(path, password)` of another module, which returns no password)."""
    calls = [n for n in body if isinstance(n, ast.Call) and written_name(n.func) in imported]
    if not calls or not returned:
        return ()
    hoping = {**local, **{name: CARRIES_NOTHING for name in imported}}
    left = unreturned_params(body, params, hoping, fixed)
    # (what those calls may put into the objects they are handed is in `left` already:
    # a parameter stored into a returned object so is no candidate)
    into = _graph(flow for node in body if not any(node is c for c in calls)
                  for flow in _flows([node], local))
    handed = [(imported[written_name(c.func)], key, _value_names(arg, local))
              for c in calls for key, arg in _keyed(c)]
    out: list[tuple[str, tuple[Condition, ...]]] = []
    for param in (p for p in left if p in returned):
        held = _reachable(param, into)
        conditions = {(callee, key) for callee, key, names in handed if held & names}
        if conditions and all(key for _, key in conditions):
            out.append((param, tuple(sorted(conditions))))
    return tuple(out)


def _graph(flows: Iterator[Flow]) -> dict[str, set[str]]:
    """For each name, the names a flow puts its value into."""
    into: dict[str, set[str]] = {}
    for targets, used, _ in flows:
        for name in used:
            into.setdefault(name, set()).update(targets)
    return into


def _reachable(start: str, into: Mapping[str, set[str]]) -> set[str]:
    """The names whose values can hold `start`'s (each name visited once)."""
    held, todo = {start}, [start]
    while todo:
        for name in into.get(todo.pop(), ()):
            if name not in held:
                held.add(name)
                todo.append(name)
    return held


def _keyed(call: ast.Call) -> Iterator[tuple[str, ast.AST]]:
    """A call's arguments, each with its position or keyword ('' from a `*args` or for a
    `**kwargs` on: no parameter of the callee can be named for it)."""
    spread = False
    for index, arg in enumerate(call.args):
        spread = spread or isinstance(arg, ast.Starred)
        yield ("" if spread else str(index)), arg
    for keyword in call.keywords:
        yield keyword.arg or "", keyword.value


def is_opened(call: ast.Call) -> bool:
    """Whether `call` opens or reads a file (`open(path)`, `path.read_text()`)."""
    func = call.func
    if isinstance(func, ast.Attribute):
        dotted = ast.unparse(func)
        return func.attr in READ_METHODS or dotted in OPENERS
    return isinstance(func, ast.Name) and func.id in OPENERS


def _handed(call: ast.Call) -> set[str]:
    """The names of the objects a call is handed as they are (see the module docstring):
    the ones it can change."""
    out: set[str] = set()
    todo: list[ast.AST] = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(call.func, ast.Attribute):
        todo.append(call.func.value)
    while todo:
        current = todo.pop()
        if isinstance(current, ast.Name):
            out.add(current.id)
        elif isinstance(current, ast.Attribute | ast.Subscript | ast.Starred):
            todo.append(current.value)
        elif isinstance(current, ast.List | ast.Tuple | ast.Set):
            todo += current.elts
        elif isinstance(current, ast.Dict):
            todo += [v for v in current.values if v is not None]
    return out


Flow = tuple[set[str], set[str], bool]  # (names written, names read, by mutation)


def _flows(body: Sequence[ast.AST], local: Mapping[str, Unreturned]) -> Iterator[Flow]:
    """Where values go: assignments (and `for`, `with`, `:=`, comprehension targets)
    from what they read, and calls and item or attribute stores, which may change the
    objects they are handed (a store: its object) with every value they name."""
    for node in body:
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = _value_names(node.value, local)
            for target in targets:
                names = _names(target)
                if isinstance(target, ast.Name | ast.Tuple | ast.List | ast.Starred):
                    yield names, value, False
                else:  # `obj[key] = value`, `obj.attr = value`: obj changes
                    yield names, names | value, True
        elif isinstance(node, ast.For | ast.AsyncFor):
            yield _names(node.target), _value_names(node.iter, local), False
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            yield _names(node.optional_vars), _value_names(node.context_expr, local), False
        elif isinstance(node, ast.NamedExpr):
            yield _names(node.target), _value_names(node.value, local), False
        elif isinstance(node, ast.comprehension):
            yield _names(node.target), _value_names(node.iter, local), False
        elif isinstance(node, ast.Call) and not is_opened(node):
            handed = _handed(node)
            yield handed, handed | _value_names(node, {}), True


def _immutable(body: Sequence[ast.AST]) -> set[str]:
    """Local names every assignment of which is a new string, number or path (a literal,
    an f-string, `+`/`%` of such, a `/` of a path, a call of `_IMMUTABLE_CALLS` or
    `os.path.join`): no call they are passed to can change them."""
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
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return True  # a new path (`export_dir / f"{name}.pdf"`) or number: immutable
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else \
            func.id if isinstance(func, ast.Name) else ""
        dotted = ast.unparse(func) if isinstance(func, ast.Attribute) else name
        return name in _IMMUTABLE_CALLS or dotted in ("os.path.join", "posixpath.join")
    return False
