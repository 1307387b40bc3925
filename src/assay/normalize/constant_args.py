"""Whether what a pattern check flags on a line is built from constants only.

Bandit's injection checks match a call or a string whatever reaches it:
`subprocess.call("ls -l", shell=True)`, `eval("2 ** 8")`, `f"SELECT ... ORDER BY
{column}"` where `column = ORDER.get(key, "id")`. When the taint rules found no flow there
either, such a finding would stand, low and unconfirmed, on code no attacker can reach
into. The value is positively not attacker-controlled when every value on the line is
a constant: a literal; an f-string, `+`, `%`, `*` or `.format`/`.join` of constants (a
value a numeric `%` conversion formats, `"cal %d" % month`, is digits); a number
(`int(...)`, `len(...)`, a call of a function of the file every return of which gives a
number or None); `min`/`max` of constants; code compiled of them; a file opened by a
constant path (`with open(MODEL) as f`: a server-side file's contents, as the taint
rules read them) and what is read from it; a comprehension of a constant (`"?" for _ in
ids`), or over constants (`{k: compile(v, k, "eval") for k, v in FORMULAS.items()}`); a
choice between constants, or between a constant and the value when it holds digits or
letters only (`n if n.isdigit() else "0"`); a module-level name bound once to a
constant (and never changed in place); a local name every assignment of which in its
function is a constant, or a name whose value at the line, read from the statements
before it, is one, or is held by a guard to a constant collection or to digits and
letters (normalize/reaching.py); an item read by a constant key whose last store before
the line is a constant (`options["table"] = "audit_2024"`); a lookup in a module
constant or a class's constant attribute (the table's values are its own); for a shell
command, a value quoted for the shell (`shlex.quote`, or a function of the file every
return of which quotes). Anything else, a parameter, an attribute, a call's result, is
not.

What is judged on the line: for an SQL check (B608, B610, B611), every string built
there; for `eval` and `exec` (B307, B102), the code they are given (not the namespaces);
for the others, the arguments of every call that starts there. The file is
parsed once and its expressions indexed by line; a file that does not parse, is nested
too deeply to judge, or a line with nothing to judge, is not constant.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Iterator

from assay.normalize.reaching import (
    ABORT_MODULES,
    Assigned,
    Function,
    Guarded,
    Matched,
    Reach,
    dotted,
    plain_test,
    reaching,
    reaching_item,
)
from assay.normalize.regex_guard import flags_plain, plain_pattern
from assay.normalize.route_params import converted

SQL_CHECKS = frozenset({"B608", "B610", "B611"})
SHELL_CHECKS = frozenset({"B602", "B604", "B605"})  # a command line a shell reads
# modules whose functions the judgement trusts by name (shell quoting, Flask's abort,
# regular expressions, the frameworks' conversion of route parameters)
TRUSTED_MODULES = frozenset({"shlex", "pipes", "flask", "werkzeug", "re", "fastapi"})
CODE_CHECKS = frozenset({"B102", "B307"})  # `exec`, `eval`: their first argument runs
# what quotes a value for a POSIX shell: one word, no metacharacter it can use
_SHELL_QUOTING = {"shlex": frozenset({"quote", "join"}), "pipes": frozenset({"quote"})}
_NUMBERS = frozenset({"int", "float", "len", "abs", "round", "bool", "ord"})
_TEXT_METHODS = frozenset({"format", "join", "upper", "lower", "strip", "replace", "read",
                           "decode", "encode"})
_FLAGS = frozenset({"shell", "check", "text", "timeout", "capture_output", "universal_newlines"})
_COLLECTIONS = frozenset({"frozenset", "set", "tuple", "list"})
_VIEWS = frozenset({"items", "keys", "values"})
# a `%` conversion and its type; those giving digits (and sign, point, exponent) only
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?([%a-zA-Z])")
_NUMERIC = frozenset("diouxXeEfFgG")
# one of the arguments, a file they name (a server-side file's contents are not the
# request's: as the taint rules read them), or the code compiled of them
_CHOOSING = frozenset({"min", "max", "open", "compile"})
# methods that change a collection in place: a module's table changed so is no constant
_MUTATORS = frozenset({"add", "update", "append", "extend", "insert", "setdefault",
                       "__setitem__", "__ior__", "__iadd__"})


class ConstantLines:
    """One parsed file, asked about its lines. Only what a question needs is worked out:
    the statements around the line (found by descending through those whose lines hold
    it), the locals of the function it is in, the module's constants on first use."""

    def __init__(self, source: bytes, shadowed: frozenset[str] = frozenset()) -> None:
        """`shadowed`: modules trusted by name (`shlex`, `flask`, ...) that the scanned
        tree defines itself; what they provide proves nothing."""
        self._shadowed = shadowed
        self._tree: ast.Module | None = None
        self._module: dict[str, ast.expr] | None = None
        self._aborts: frozenset[str] | None = None
        self._quoting: frozenset[str] | None = None
        self._owned: frozenset[str] | None = None
        self._counting: frozenset[str] | None = None
        self._functions: dict[int, tuple[dict[str, list[ast.expr]], set[str], set[str]]] = {}
        try:
            self._tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return

    def constant(self, line: int, check: str, col: int | None = None) -> bool:
        """Whether everything `check` flags at `line` is built from constants; with the
        flagged node's column (1-based), that node only, when one starts there."""
        if self._tree is None:
            return False
        nodes, function = at_line(self._tree, line)
        local, params, numbers = self._function(function) if function is not None \
            else ({}, set(), set())
        held = None
        if function is not None:
            aborts = self._abort_names()
            held = functools.partial(reaching, function, aborts=aborts)
        judge = _Judge(self._module_constants, local, params, held, line)
        judge.numbers = numbers - set(local)  # converted by the framework, never rebound
        if function is not None:
            judge.held_item = functools.partial(reaching_item, function)
        if check in SHELL_CHECKS:
            judge.quoting = self._shell_quoting()
        judge.plain_match = self._plain_match
        judge.own = self._own()
        judge.counting = self._counting_functions()
        flagged = _is_string if check in SQL_CHECKS else _is_call
        candidates = [n for n in nodes if flagged(n) and not (
            judge.quoting and isinstance(n, ast.Call) and dotted(n.func) in judge.quoting)]
        judged = [a for n in _at_column(candidates, col) for a in _judged_parts(n, check)]
        try:
            return bool(judged) and all(judge.constant(node) for node in judged)
        except RecursionError:  # a left-deep `"a" + "a" + ...` of thousands of terms
            return False

    def _module_constants(self) -> dict[str, ast.expr]:
        if self._module is None:
            found = module_constants(self._tree) if self._tree is not None else {}
            changed = _changed_in_place(self._tree) if self._tree is not None else set()
            self._module = {k: v for k, v in found.items() if k not in changed}
        return self._module

    def _shell_quoting(self) -> frozenset[str]:
        """The names a call of which quotes a value for the shell: `shlex.quote`,
        `shlex.join`, `pipes.quote`, and those imported from them (under any name)."""
        if self._quoting is None:
            trusted = {m: fs for m, fs in _SHELL_QUOTING.items() if m not in self._shadowed}
            own = {f"{m}.{f}" for m, fs in trusted.items() for f in fs}
            tree = self._tree
            imported = {a.asname or a.name for n in ast.walk(tree)
                        if isinstance(n, ast.ImportFrom) and n.module in trusted
                        for a in n.names if a.name in trusted[n.module]} \
                if tree is not None else set()
            quoting = own | (imported - _defined(tree) if tree else set())
            self._quoting = frozenset(quoting | _quoting_functions(tree, quoting))
        return self._quoting

    def _counting_functions(self) -> frozenset[str]:
        """The file's module-level functions (bound once) every `return` of which gives a
        number or None (`def parse_count(raw): try: value = int(raw) ... return value`)."""
        if self._counting is None:
            own = self._own()
            self._counting = frozenset(f.name for f in _bound_once(self._tree)
                                       if _returns_numbers(f, own))
        return self._counting

    def _own(self) -> frozenset[str]:
        """The builtins' names the file defines or binds itself (`def open(...)`)."""
        if self._owned is None:
            tree = self._tree
            self._owned = frozenset(n for n in _NUMBERS | _COLLECTIONS | _CHOOSING
                                    if tree is not None and _rebinds(tree, n))
        return self._owned

    def _plain_match(self, matched: Matched) -> bool:
        """Whether a regular expression test holds its value to plain characters: the
        file's `re` is the standard library's, the pattern a string (or a module
        constant bound to one, or to `re.compile` of one) that allows plain characters
        only (normalize/regex_guard.py), with no flag that changes the anchors."""
        if self._tree is None or "re" in self._shadowed or _rebinds(self._tree, "re"):
            return False
        pattern, flags = matched.pattern, matched.flags
        if matched.compiled:
            compiled = self._module_constants().get(dotted(pattern))
            if not (isinstance(compiled, ast.Call) and dotted(compiled.func) == "re.compile"
                    and 1 <= len(compiled.args) <= 2 and not compiled.keywords):
                return False
            pattern = compiled.args[0]
            flags = compiled.args[1] if len(compiled.args) == 2 else None
        text = self._string(pattern)
        return text is not None and flags_plain(flags) and plain_pattern(text, matched.method)

    def _string(self, node: ast.expr) -> str | None:
        """A string literal, or the module constant bound to one."""
        if isinstance(node, ast.Name):
            bound = self._module_constants().get(node.id)
            node = bound if bound is not None else node
        return node.value if isinstance(node, ast.Constant) \
            and isinstance(node.value, str) else None

    def _abort_names(self) -> frozenset[str]:
        """The names `abort` is imported under from Flask or Werkzeug (its own only)."""
        if self._aborts is None:
            self._aborts = frozenset(
                a.name for n in ast.walk(self._tree) if isinstance(n, ast.ImportFrom)
                and n.module in ABORT_MODULES and n.module.split(".")[0] not in self._shadowed
                for a in n.names
                if a.name == "abort" and a.asname is None) if self._tree else frozenset()
        return self._aborts

    def _function(self, node: Function,
                  ) -> tuple[dict[str, list[ast.expr]], set[str], set[str]]:
        """The function's locals, its parameters, and those of them its web framework
        converts to a number before it runs (normalize/route_params.py)."""
        if id(node) not in self._functions:
            args = node.args
            params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
            params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
            numbers = converted(node, self._imports("fastapi"),
                                self._imports("flask") and "werkzeug" not in self._shadowed)
            self._functions[id(node)] = (_locals(node), params, numbers)
        return self._functions[id(node)]

    def _imports(self, module: str) -> bool:
        """Whether the file imports `module` (or from it), the tree not defining it."""
        tree = self._tree
        return tree is not None and module not in self._shadowed and any(
            (isinstance(n, ast.Import) and any(a.name.split(".")[0] == module
                                               for a in n.names))
            or (isinstance(n, ast.ImportFrom) and n.level == 0
                and (n.module or "").split(".")[0] == module)
            for n in ast.walk(tree))


def at_line(tree: ast.Module, line: int) -> tuple[list[ast.expr], Function | None]:
    """The expressions that start at `line`, and the innermost function whose lines from
    its `def` on hold it. Only nodes whose lines hold `line` are descended into (a node
    without lines of its own, such as a call's keywords or a comprehension's clauses, is
    looked into too)."""
    found: list[ast.expr] = []
    function: Function | None = None
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.lineno <= line \
                and (function is None or node.lineno >= function.lineno):
            function = node
        if isinstance(node, ast.expr) and node.lineno == line:
            found.append(node)
        for child in ast.iter_child_nodes(node):
            first = _first_line(child)
            if first is None or first <= line <= (getattr(child, "end_lineno", None) or first):
                stack.append(child)
    return found, function


def _first_line(node: ast.AST) -> int | None:
    """A node's first line, its decorators' included (None: it has no lines)."""
    first: int | None = getattr(node, "lineno", None)
    decorators = getattr(node, "decorator_list", None)
    if first is not None and decorators:
        first = min(first, *(d.lineno for d in decorators))
    return first


class _Judge:
    def __init__(self, module: Callable[[], dict[str, ast.expr]],
                 local: dict[str, list[ast.expr]], params: set[str],
                 held: Callable[[int, str], Reach] | None = None, line: int = 0) -> None:
        self.module = module
        self.local = local
        self.params = params
        self.held = held  # what a name holds at a line of the function, when known
        self.line = line
        self.pending: set[str] = set()
        self.known: dict[str, bool] = {}  # verdicts by key, shared by the question's judges
        self.quoting: frozenset[str] = frozenset()  # for a shell check: what quotes a word
        # what `name[key]` holds at a line of the function, when known
        self.held_item: Callable[[int, str, str | int], Reach] | None = None
        # whether a regular expression test holds a value to plain characters
        self.plain_match: Callable[[Matched], bool] = lambda _: False
        self.numbers: set[str] = set()  # parameters the framework made numbers
        self.own: frozenset[str] = frozenset()  # names the file defines or binds itself
        self.counting: frozenset[str] = frozenset()  # its functions giving numbers only

    def constant(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(self.constant(v) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return self.constant(node.value)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return all(self.constant(e) for e in node.elts)
        if isinstance(node, ast.IfExp):
            return self._choice(node)
        if isinstance(node, ast.GeneratorExp | ast.ListComp | ast.SetComp):
            # `"?" for _ in ids`: as many constants
            return self.constant(node.elt) or self._comprehension(node, [node.elt])
        if isinstance(node, ast.DictComp):
            return self._comprehension(node, [node.key, node.value])
        if isinstance(node, ast.Dict):
            return all(k is not None and self.constant(k) for k in node.keys) and all(
                self.constant(v) for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) \
                and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            return self._formatted(node.left.value, node.right)
        if isinstance(node, ast.BinOp):
            return self.constant(node.left) and self.constant(node.right)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Subscript):
            return self._item(node) or self._table(node.value)
        if isinstance(node, ast.Call):
            return self._call(node)
        return False

    def _name(self, name: str) -> bool:
        if self.held is not None and (name in self.local or name in self.params):
            held = self.held(self.line, name)
            if isinstance(held, Assigned):  # its last assignment, judged where it is
                return self._all_constant(f"at:{held.line}:{name}", [held.value],
                                          self._at(held.line))
            if isinstance(held, Guarded):  # one of a constant collection's, or digits
                return self._guarded(held)
        if name in self.numbers:
            return True  # `item_id: int` of a FastAPI view, `<int:item_id>` of Flask's
        if name in self.params:
            return False
        if name in self.local:
            return self._all_constant(f"local:{name}", self.local[name], self)
        return self._table(ast.Name(id=name))

    def _guarded(self, held: Guarded) -> bool:
        if held.matched is not None:
            return self.plain_match(held.matched)
        return held.collection is None or self.constant(held.collection)

    def _comprehension(self, node: ast.DictComp | ast.ListComp | ast.SetComp
                       | ast.GeneratorExp, parts: list[ast.expr]) -> bool:
        """A comprehension over constants (`{k: compile(v, k, "eval") for k, v in
        FORMULAS.items()}`): its loop names hold constants, and what it makes of them is
        judged so."""
        bound: dict[str, list[ast.expr]] = {}
        judge = self
        for generator in node.generators:
            if not judge.constant(generator.iter):
                return False
            bound |= {n.id: [ast.Constant("")] for n in ast.walk(generator.target)
                      if isinstance(n, ast.Name)}
            judge = _Judge(self.module, {**self.local, **bound}, self.params - set(bound),
                           None, self.line)
            judge.pending, judge.known, judge.quoting = self.pending, self.known, self.quoting
            judge.plain_match, judge.numbers, judge.own = (self.plain_match, self.numbers,
                                                           self.own)
            judge.counting = self.counting
        return all(judge.constant(p) for p in parts)

    def _formatted(self, text: str, values: ast.expr) -> bool:
        """`"cal %d %d" % (month, year)`: a value a numeric conversion formats is digits
        (or the formatting fails); the others must be constants."""
        specs = [m.group(1) for m in _CONVERSION.finditer(text) if m.group(1) != "%"]
        items = values.elts if isinstance(values, ast.Tuple) else [values]
        if "*" in text or len(items) != len(specs) \
                or any(isinstance(i, ast.Starred) for i in items):
            return all(self.constant(i) for i in items)  # `%(name)s`, `%*d`: each judged
        return all(spec in _NUMERIC or self.constant(item)
                   for spec, item in zip(specs, items, strict=True))

    def _item(self, node: ast.Subscript) -> bool:
        """`options["table"]` whose last store before the line is a constant."""
        key = node.slice.value if isinstance(node.slice, ast.Constant) else None
        if self.held_item is None or not isinstance(node.value, ast.Name) \
                or not isinstance(key, str | int) or isinstance(key, bool):
            return False
        held = self.held_item(self.line, node.value.id, key)
        if not isinstance(held, Assigned):
            return False
        return self._all_constant(f"item:{held.line}:{node.value.id}", [held.value],
                                  self._at(held.line))

    def _choice(self, node: ast.IfExp) -> bool:
        """`a if test else b`: both constant, or the value itself chosen only when it
        holds digits or letters (`n if n.isdigit() else "0"`), the other constant."""
        test, value, other = node.test, node.body, node.orelse
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test, value, other = test.operand, other, value
        guard = plain_test(test, value.id) if isinstance(value, ast.Name) else None
        if guard is not None and self._guarded(guard):
            return self.constant(other)
        return self.constant(value) and self.constant(other)

    def _table(self, node: ast.expr) -> bool:
        """A module constant or a class's constant attribute (a table of constants), its
        value judged at module level."""
        name = dotted(node)
        constants = self.module() if name else {}
        if name not in constants:
            return False
        return self._all_constant(f"module:{name}", [constants[name]], self._at(0, False))

    def _at(self, line: int, in_function: bool = True) -> _Judge:
        """A judge of the same question at another line of the function, or at module
        level (no locals there), sharing what the question has judged so far."""
        at = _Judge(self.module, self.local if in_function else {},
                    self.params if in_function else set(),
                    self.held if in_function else None, line)
        at.pending, at.known, at.quoting = self.pending, self.known, self.quoting
        at.plain_match = self.plain_match
        at.numbers = self.numbers if in_function else set()
        at.own, at.counting = self.own, self.counting
        at.held_item = self.held_item if in_function else None
        return at

    def _all_constant(self, key: str, values: list[ast.expr], judge: _Judge) -> bool:
        """Whether every value bound to a name (`key`: its scope and name) is a constant
        (a name met again while its own values are judged is not: `A = B`, `B = A`).
        Each key is judged once per question: `b = a + a; c = b + b; ...` costs as many
        judgements as names, not two to the power of their number."""
        if key in self.known:
            return self.known[key]
        if key in self.pending:
            return False
        self.pending.add(key)
        try:
            verdict = all(judge.constant(v) for v in values)
        finally:
            self.pending.discard(key)
        self.known[key] = verdict
        return verdict

    def _call(self, node: ast.Call) -> bool:
        func = node.func
        args = [*node.args, *(k.value for k in node.keywords)]
        if self.quoting and dotted(func) in self.quoting:
            return True  # quoted for the shell: one word, whatever it holds
        if isinstance(func, ast.Name) and func.id in self.own:
            return False  # the file's own `int` or `open`: no builtin
        if isinstance(func, ast.Name) and (func.id in _NUMBERS or func.id in self.counting):
            return True  # a number: no quote, no metacharacter
        if isinstance(func, ast.Name) and func.id in _COLLECTIONS | _CHOOSING:
            return all(self.constant(a) for a in args)  # `frozenset({"a", "b"})`, `max`
        if isinstance(func, ast.Attribute) and func.attr == "get" and self._table(func.value):
            return all(self.constant(a) for a in node.args[1:])
        if isinstance(func, ast.Attribute) and func.attr in _VIEWS and not args:
            return self._table(func.value)  # `TABLE.items()`: the table's own
        if isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS:
            return self.constant(func.value) and all(self.constant(a) for a in args)
        return False


def _returns_numbers(function: ast.FunctionDef, own: frozenset[str]) -> bool:
    """Whether every `return` of `function` gives a number or None: a numeric literal, a
    builtin conversion to a number, or a local name (no parameter) every assignment of
    which is one."""
    params = {a.arg for a in (*function.args.posonlyargs, *function.args.args,
                              *function.args.kwonlyargs, function.args.vararg,
                              function.args.kwarg) if a is not None}
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        for name, value in _bindings(node):
            assigned.setdefault(name, []).append(value)

    def number(value: ast.expr | None, seen: frozenset[str] = frozenset()) -> bool:
        if value is None or (isinstance(value, ast.Constant) and not isinstance(
                value.value, str | bytes) and (value.value is None
                                               or isinstance(value.value, int | float))):
            return True
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            return value.func.id in _NUMBERS and value.func.id not in own
        if isinstance(value, ast.Name) and value.id in assigned and value.id not in params \
                and value.id not in seen:
            return all(number(v, seen | {value.id}) for v in assigned[value.id])
        return False

    returns = [r for r in ast.walk(function) if isinstance(r, ast.Return)]
    return bool(returns) and all(number(r.value) for r in returns)


_UNKNOWN = ast.Name(id="")  # a value bound otherwise than by `=` (a loop, `with`, `+=`)


def _bindings(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """The names a statement or expression binds, each with the value it binds (or
    `_UNKNOWN`)."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                yield target.id, node.value
            else:
                yield from ((n.id, _UNKNOWN) for n in ast.walk(target)
                            if isinstance(n, ast.Name))
        return
    bound: object = node.optional_vars if isinstance(node, ast.withitem) else \
        getattr(node, "target", None)
    if isinstance(node, ast.ExceptHandler) and node.name:
        yield node.name, _UNKNOWN
    elif isinstance(bound, ast.AST):
        value = node.value if isinstance(node, ast.AnnAssign) and node.value else _UNKNOWN
        yield from ((n.id, value) for n in ast.walk(bound) if isinstance(n, ast.Name))


def _quoting_functions(tree: ast.Module | None, quoting: set[str]) -> set[str]:
    """The file's module-level functions every `return` of which quotes a value for the
    shell (`def quoted(d): ...; return shlex.quote(d)`), bound once."""
    return {f.name for f in _bound_once(tree) if (returns := [
        r.value for r in ast.walk(f) if isinstance(r, ast.Return)]) and all(
        isinstance(v, ast.Call) and dotted(v.func) in quoting for v in returns)}


def _bound_once(tree: ast.Module | None) -> list[ast.FunctionDef]:
    """The file's module-level functions whose name nothing else in the file binds (no
    second `def`, class, assignment or import of it: `quoted = lambda d: d` after the
    `def` makes its calls no quoting)."""
    if tree is None:
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.append(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names += [a.asname or a.name.split(".")[0] for a in node.names]
    return [f for f in tree.body if isinstance(f, ast.FunctionDef) and names.count(f.name) == 1]


def _at_column(nodes: list[ast.expr], col: int | None) -> list[ast.expr]:
    """The innermost of `nodes` that holds the 1-based column `col` (Bandit's column of
    the node it flags: a string's first part, a call), or all of them without one."""
    if col is None:
        return nodes
    holding = [n for n in nodes if n.col_offset <= col - 1
               and (n.end_lineno != n.lineno or col - 1 < (n.end_col_offset or 0))]
    if not holding:
        return nodes
    # the innermost: a call and the call made on its result (`run(...).decode()`)
    # start at the same column
    return [max(holding, key=lambda n: (n.col_offset, -(n.end_lineno or n.lineno),
                                        -(n.end_col_offset or 0)))]


def _is_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call)


def _judged_parts(node: ast.expr, check: str = "") -> list[ast.expr]:
    """A call's arguments (its flags aside; for `eval`/`exec`, the code only: the
    namespaces they are given run nothing); a string expression itself."""
    if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Attribute)
                                           and node.func.attr == "format"):
        if check in CODE_CHECKS and _code_call(node):
            return node.args[:1] or [k.value for k in node.keywords if k.arg == "source"]
        return [*node.args, *(k.value for k in node.keywords if k.arg not in _FLAGS)]
    return [node]


def _code_call(node: ast.Call) -> bool:
    """`eval(...)` or `exec(...)` (the builtins, by their own names)."""
    return isinstance(node.func, ast.Name) and node.func.id in ("eval", "exec")


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


def module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """Names bound once at module level (and `Class.NAME` in a class body), to their value;
    a name bound anywhere else in the file too (`global`, `+=`, a loop, an attribute store
    of that name: `self.NAME = ...`) has none."""
    found: dict[str, ast.expr] = {}
    seen = _bound_elsewhere(tree)
    for name, _, value in module_assignments(tree):
        if name in seen:
            found.pop(name, None)
        else:
            found[name] = value
        seen.add(name)
    return found


def module_assignments(tree: ast.Module) -> Iterator[tuple[str, str, ast.expr]]:
    """Each plain assignment of a name at module level or in a top-level class body:
    (`NAME` or `Class.NAME`, the name, the value), once per target."""
    bodies = [("", tree.body)] + [(f"{n.name}.", n.body) for n in tree.body
                                  if isinstance(n, ast.ClassDef)]
    for prefix, body in bodies:
        for node in body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        yield prefix + target.id, target.id, node.value


def _bound_elsewhere(tree: ast.Module) -> set[str]:
    """Names bound other than by a plain assignment at module or class level, and every
    name a `global` statement or an attribute store mentions (as `Class.NAME` too)."""
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    out: set[str] = set()
    stores: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Global | ast.Nonlocal):
            out.update(node.names)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
            out.update({node.attr, *(f"{c}.{node.attr}" for c in classes)})
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            stores[node.id] = stores.get(node.id, 0) + 1
    plain: dict[str, int] = {}
    for _, name, _ in module_assignments(tree):
        plain[name] = plain.get(name, 0) + 1
    out |= {name for name, n in stores.items() if n > plain.get(name, 0)}
    return out


def _defined(tree: ast.Module) -> set[str]:
    """Names the file defines or binds itself (a function, a class, an assignment)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
    return out


def _rebinds(tree: ast.Module, module: str) -> bool:
    """Whether the file binds the name of a module to anything but that module (an
    assignment, a function, `import other as re`, `from x import re`)."""
    if module in _defined(tree):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                if bound == module and (isinstance(node, ast.ImportFrom)
                                        or alias.name != module):
                    return True
    return False


def _changed_in_place(tree: ast.Module) -> set[str]:
    """Names (`NAME`, `Class.NAME`) whose value a call of a mutating method changes
    (`ALLOWED.add(x)`), or an item or attribute store (`ALLOWED[k] = v`)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _MUTATORS:
            out.add(dotted(node.func.value))
        elif isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
            out.add(dotted(node.value))
    return out


def _locals(function: Function) -> dict[str, list[ast.expr]]:
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
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name) \
                and isinstance(node.context_expr, ast.Call) \
                and dotted(node.context_expr.func) == "open":
            local.setdefault(node.optional_vars.id, []).append(node.context_expr)
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
