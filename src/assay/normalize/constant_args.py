"""Whether what a pattern check flags on a line is built from constants only.

Bandit's injection checks match a call or a string whatever reaches it:
`subprocess.call("ls -l", shell=True)`, `eval("2 ** 8")`, `f"SELECT ... ORDER BY
{column}"` where `column = ORDER.get(key, "id")`. When the taint rules found no flow there
either, such a finding would stand, low and unconfirmed, on code no attacker can reach
into. The value is positively not attacker-controlled when every value on the line is
a constant: a literal; an f-string, `+`, `%`, `*` or `.format`/`.join` of constants; a
number (`int(...)`, `len(...)`); a module-level name bound once to a constant; a local
name every assignment of which in its function is a constant; a lookup in a module
constant or a class's constant attribute (the table's values are its own). Anything
else, a parameter, an attribute, a call's result, is not.

What is judged on the line: for an SQL check (B608, B610, B611), every string built
there; for the others, the arguments of every call that starts there. The file is
parsed once and its expressions indexed by line; a file that does not parse, is nested
too deeply to judge, or a line with nothing to judge, is not constant.
"""

from __future__ import annotations

import ast

SQL_CHECKS = frozenset({"B608", "B610", "B611"})
_NUMBERS = frozenset({"int", "float", "len", "abs", "round", "bool", "ord"})
_TEXT_METHODS = frozenset({"format", "join", "upper", "lower", "strip", "replace"})
_FLAGS = frozenset({"shell", "check", "text", "timeout", "capture_output", "universal_newlines"})


class ConstantLines:
    """One parsed file, asked about its lines."""

    def __init__(self, source: bytes) -> None:
        self._module: dict[str, ast.expr] = {}
        self._scopes: list[Scope] = []
        self._lines: dict[int, list[ast.expr]] = {}
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        self._module = _module_constants(tree)
        self._scopes = _scopes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.expr):
                self._lines.setdefault(node.lineno, []).append(node)

    def constant(self, line: int, check: str, col: int | None = None) -> bool:
        """Whether everything `check` flags at `line` is built from constants; with the
        flagged node's column (1-based), that node only, when one starts there."""
        scope = next((s for s in self._scopes if s[0] <= line <= s[1]), None)
        judge = _Judge(self._module, scope[2] if scope else {}, scope[3] if scope else set())
        flagged = _is_string if check in SQL_CHECKS else _is_call
        nodes = [n for n in self._lines.get(line, []) if flagged(n)]
        judged = [a for n in _at_column(nodes, col) for a in _judged_parts(n)]
        try:
            return bool(judged) and all(judge.constant(node) for node in judged)
        except RecursionError:  # a left-deep `"a" + "a" + ...` of thousands of terms
            return False


class _Judge:
    def __init__(self, module: dict[str, ast.expr], local: dict[str, list[ast.expr]],
                 params: set[str]) -> None:
        self.module = module
        self.local = local
        self.params = params
        self.pending: set[str] = set()

    def constant(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(self.constant(v) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return self.constant(node.value)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return all(self.constant(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(k is not None and self.constant(k) for k in node.keys) and all(
                self.constant(v) for v in node.values)
        if isinstance(node, ast.BinOp):
            return self.constant(node.left) and self.constant(node.right)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Subscript):
            return self._table(node.value)
        if isinstance(node, ast.Call):
            return self._call(node)
        return False

    def _name(self, name: str) -> bool:
        if name in self.params:
            return False
        if name in self.local:
            return self._all_constant(f"local:{name}", self.local[name], self)
        return self._table(ast.Name(id=name))

    def _table(self, node: ast.expr) -> bool:
        """A module constant or a class's constant attribute (a table of constants), its
        value judged at module level."""
        dotted = _dotted(node)
        if not dotted or dotted not in self.module:
            return False
        at_module = _Judge(self.module, {}, set())
        at_module.pending = self.pending
        return self._all_constant(f"module:{dotted}", [self.module[dotted]], at_module)

    def _all_constant(self, key: str, values: list[ast.expr], judge: _Judge) -> bool:
        """Whether every value bound to a name (`key`: its scope and name) is a constant
        (a name met again while its own values are judged is not: `A = B`, `B = A`)."""
        if key in self.pending:
            return False
        self.pending.add(key)
        try:
            return all(judge.constant(v) for v in values)
        finally:
            self.pending.discard(key)

    def _call(self, node: ast.Call) -> bool:
        func = node.func
        args = [*node.args, *(k.value for k in node.keywords)]
        if isinstance(func, ast.Name) and func.id in _NUMBERS:
            return True  # a number: no quote, no metacharacter
        if isinstance(func, ast.Attribute) and func.attr == "get" and self._table(func.value):
            return all(self.constant(a) for a in node.args[1:])
        if isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS:
            return self.constant(func.value) and all(self.constant(a) for a in args)
        return False


def _at_column(nodes: list[ast.expr], col: int | None) -> list[ast.expr]:
    """The innermost of `nodes` that holds the 1-based column `col` (Bandit's column of
    the node it flags: a string's first part, a call), or all of them without one."""
    if col is None:
        return nodes
    holding = [n for n in nodes if n.col_offset <= col - 1
               and (n.end_lineno != n.lineno or col - 1 < (n.end_col_offset or 0))]
    if not holding:
        return nodes
    return [max(holding, key=lambda n: n.col_offset)]


def _is_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call)


def _judged_parts(node: ast.expr) -> list[ast.expr]:
    """A call's arguments (its flags aside); a string expression itself."""
    if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Attribute)
                                           and node.func.attr == "format"):
        return [*node.args, *(k.value for k in node.keywords if k.arg not in _FLAGS)]
    return [node]


def _is_string(node: ast.expr) -> bool:
    """A string built there: an f-string, `"..." + x`, `"..." % x`, `"...".format(x)`."""
    return isinstance(node, ast.JoinedStr) or _is_text_building(node)


def _is_text_building(node: ast.AST) -> bool:
    """`"..." + x`, `"..." % x`, `"...".format(x)`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _has_text(node.left) or _has_text(node.right)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and node.func.attr == "format" and _has_text(node.func.value)


def _has_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, ast.JoinedStr | ast.BinOp)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Names bound once at module level (and `Class.NAME` in a class body), to their value;
    a name bound anywhere else in the file too (`global`, `+=`, a loop, an attribute store
    of that name: `self.NAME = ...`) has none."""
    found: dict[str, ast.expr] = {}
    seen = _bound_elsewhere(tree)
    bodies = [("", tree.body)] + [(f"{n.name}.", n.body) for n in tree.body
                                  if isinstance(n, ast.ClassDef)]
    for prefix, body in bodies:
        for node in body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        name = prefix + target.id
                        if name in seen:
                            found.pop(name, None)
                        else:
                            found[name] = node.value
                        seen.add(name)
    return found


def _bound_elsewhere(tree: ast.Module) -> set[str]:
    """Names bound other than by a plain assignment at module or class level, and every
    name a `global` statement or an attribute store mentions (as `Class.NAME` too)."""
    top = {id(n) for body in [tree.body, *(c.body for c in tree.body
                                           if isinstance(c, ast.ClassDef))]
           for n in body if isinstance(n, ast.Assign | ast.AnnAssign)}
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Global | ast.Nonlocal):
            out.update(node.names)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            out.update({node.attr, *(f"{c}.{node.attr}" for c in classes)})
    stores: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            stores[node.id] = stores.get(node.id, 0) + 1
    plain: dict[str, int] = {}
    for node in ast.walk(tree):
        if id(node) in top and isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    plain[target.id] = plain.get(target.id, 0) + 1
    out |= {name for name, n in stores.items() if n > plain.get(name, 0)}
    return out


Scope = tuple[int, int, dict[str, list[ast.expr]], set[str]]


def _scopes(tree: ast.Module) -> list[Scope]:
    """Each function's lines, its local names' assigned values (a name no code binds
    stands for a value not known: a loop variable, an augmented assignment, ...), and its
    parameters; innermost first."""
    out: list[Scope] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
            params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
            out.append((node.lineno, node.end_lineno or node.lineno, _locals(node), params))
    return sorted(out, key=lambda s: s[1] - s[0])


def _locals(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[ast.expr]]:
    unknown = ast.Name(id="\0unknown")
    local: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in _target_names(target):
                    local.setdefault(name, []).append(
                        node.value if isinstance(target, ast.Name) else unknown)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
            value = node.value if isinstance(node, ast.AnnAssign | ast.NamedExpr) else None
            for name in _target_names(node.target):
                local.setdefault(name, []).append(value if value is not None else unknown)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension | ast.withitem):
            bound = node.optional_vars if isinstance(node, ast.withitem) else node.target
            for name in _target_names(bound):
                local.setdefault(name, []).append(unknown)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.setdefault(node.name, []).append(unknown)
    return local


def _target_names(target: ast.AST | None) -> list[str]:
    if target is None:
        return []
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
