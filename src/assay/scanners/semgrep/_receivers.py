"""Which class an object is of, where the code says so.

A service calls its repository as `self.repo.search(text)`, a view its service as
`service.search(q)` with `service: TicketService` a parameter, or `_service().search(q)`
with `_service()` returning one. A method named by a common word (`search`, `get`) is
never matched by its name alone on any object (see _rulegen.callee_forms); these forms
tie the call to one class instead:

- an attribute of `self` that every assignment in the class makes of one class
  (`self.repo = TicketRepository(db)`, `self.repo = repo` of a parameter annotated
  `repo: TicketRepository`, a class-level `repo: TicketRepository`; `None` besides, as
  an `Optional` one is), or a property annotated to return the class;
- a parameter annotated with the class (`Optional[...]` and `... | None` too), or a
  local name bound once to a call of it;
- a module-level function annotated to return the class, or returning only calls of it
  (a factory).

What a name refers to comes from the module's imports and its own classes; whether it
is a project class is for the summaries to say (they know every module).
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

ATTRIBUTE = "attr"
FACTORY = "factory"
PARAMETER = "param"
INSTANCE = "instance"  # a module-level name bound once to a call of the class
APP_ITEM = "app-item"  # an application's item made of the class: `app["fetcher"] = Cls(...)`


@dataclass(frozen=True)
class Names:
    """How a module names things: its dotted name, its imports, its own classes."""

    module: str
    aliases: Mapping[str, str]
    classes: frozenset[str]
    type_aliases: Mapping[str, ast.expr] = field(default_factory=dict)
    """The module's own type aliases (see `type_aliases`), by name."""

    def class_of(self, node: ast.expr | None, depth: int = 0) -> str:
        """The qualified name of the class an annotation or a called name refers to
        ('' when it names none this module can tell)."""
        node = unwrapped(node)
        dotted = _dotted(node) if node is not None else None
        if dotted is None:
            return ""
        head, _, rest = dotted.partition(".")
        if not rest and head in self.type_aliases and depth < 3:
            return self.class_of(self.type_aliases[head], depth + 1)
        if not rest and head in self.classes:
            return f"{self.module}.{head}"
        if head in self.aliases:
            return self.aliases[head] + (f".{rest}" if rest else "")
        return ""


def unwrapped(node: ast.expr | None) -> ast.expr | None:
    """An annotation without `Optional[...]`, `... | None`, `Annotated[..., extra]` (a
    FastAPI dependency: `Annotated[TicketService, Depends(get_service)]`) or quotes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Subscript) and _dotted(node.value) in ("Optional",
                                                                    "typing.Optional"):
        return unwrapped(node.slice)
    if isinstance(node, ast.Subscript) and _dotted(node.value) in _ANNOTATED \
            and isinstance(node.slice, ast.Tuple) and node.slice.elts:
        return unwrapped(node.slice.elts[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [s for s in (node.left, node.right)
                 if not (isinstance(s, ast.Constant) and s.value is None)]
        return unwrapped(sides[0]) if len(sides) == 1 else None
    return node


_ANNOTATED = frozenset({"Annotated", "typing.Annotated", "typing_extensions.Annotated"})


def type_aliases(tree: ast.Module) -> dict[str, ast.expr]:
    """The module-level type aliases naming a class with extras (`TicketServiceDep =
    Annotated[TicketService, Depends(get_service)]`), declared ones (`Dep: TypeAlias =
    ...`) and `type` statements, each with what it stands for."""
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Subscript) \
                and _dotted(node.value.value) in _ANNOTATED:
            out[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.value is not None \
                and _dotted(node.annotation) in ("TypeAlias", "typing.TypeAlias"):
            out[node.target.id] = node.value
        elif isinstance(node, ast.TypeAlias) and isinstance(node.name, ast.Name) \
                and not node.type_params:
            out[node.name.id] = node.value
    return out


def dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a name or a chain of attributes on a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


_dotted = dotted


def param_classes(node: ast.FunctionDef | ast.AsyncFunctionDef, names: Names) -> dict[str, str]:
    """Each parameter annotated with a class, with the class's qualified name."""
    args = node.args
    found = {a.arg: names.class_of(a.annotation)
             for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    return {name: ref for name, ref in found.items() if ref}


def attribute_classes(node: ast.ClassDef, names: Names) -> dict[str, str]:
    """Each attribute of the class's instances that all of the class's assignments make
    of one class (see the module's docstring), with the class's qualified name."""
    found: dict[str, set[str]] = {}
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            found.setdefault(item.target.id, set()).add(names.class_of(item.annotation))
        elif isinstance(item, ast.Assign) and isinstance(item.value, ast.Call):
            # an object the class itself holds (`runner = PingRunner()`)
            for target in item.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, set()).add(names.class_of(item.value.func))
        elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _is_property(item):
            found.setdefault(item.name, set()).add(names.class_of(item.returns))
        elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            params = param_classes(item, names)
            given = {a.arg for a in (*item.args.posonlyargs, *item.args.args,
                                     *item.args.kwonlyargs)}
            for statement in _self_assigning(item):
                if isinstance(statement, ast.Assign) and _is_none(statement.value):
                    continue  # not yet made, or let go
                ref = names.class_of(statement.annotation) \
                    if isinstance(statement, ast.AnnAssign) else "" \
                    if isinstance(statement, ast.AugAssign) or statement.value is None \
                    else _made_of(statement.value, names, params, given)
                for attr in _self_targets(statement):
                    found.setdefault(attr, set()).add(ref)
    return {attr: next(iter(refs)) for attr, refs in sorted(found.items())
            if len(refs) == 1 and "" not in refs}


_Assigning = ast.Assign | ast.AnnAssign | ast.AugAssign
_PROPERTIES = frozenset({"property", "functools.cached_property", "cached_property"})


def _is_property(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(_dotted(d) in _PROPERTIES for d in node.decorator_list)


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _self_assigning(method: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[_Assigning]:
    """The method's assignment statements with an attribute of `self` as a target, in
    any block of its body (not in nested functions or classes)."""
    todo: list[ast.stmt] = list(method.body)
    while todo:
        statement = todo.pop()
        if isinstance(statement, _Assigning) and _self_targets(statement):
            yield statement
        elif not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for block in ("body", "orelse", "finalbody", "handlers", "cases"):
                found = getattr(statement, block, None)
                if isinstance(found, list):
                    todo.extend(s for s in found if isinstance(s, ast.stmt))
                    todo.extend(b for h in found for b in getattr(h, "body", [])
                                if not isinstance(h, ast.stmt) and isinstance(b, ast.stmt))


def _self_targets(statement: _Assigning) -> list[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return [t.attr for t in targets if isinstance(t, ast.Attribute)
            and isinstance(t.value, ast.Name) and t.value.id == "self"]


def _made_of(value: ast.expr, names: Names, params: Mapping[str, str],
             given: Collection[str] = ()) -> str:
    """The class `value` makes (a call of it, a parameter annotated with it); a
    parameter's default made in place (`tool or ImageTool()`, `ImageTool() if tool is
    None else tool`, of parameters `given`) makes the default's class, unless the
    parameter is annotated with another."""
    if isinstance(value, ast.BoolOp | ast.IfExp):
        parts = value.values if isinstance(value, ast.BoolOp) else [value.body, value.orelse]
        passed = [p for p in parts if isinstance(p, ast.Name) and p.id in given]
        made = {_made_of(p, names, params) for p in parts if p not in passed}
        found = made | ({params.get(p.id, "") for p in passed} - {""})
        return found.pop() if passed and len(found) == 1 and "" not in made else ""
    if isinstance(value, ast.Call):
        return names.class_of(value.func)
    if isinstance(value, ast.Name):
        return params.get(value.id, "")
    return ""


def attribute_calls(node: ast.ClassDef) -> dict[str, ast.Call]:
    """Each attribute of the class or its instances that the class assigns once, the
    call it is assigned (`self.parser = etree.XMLParser(resolve_entities=False)`, or
    `session = requests.Session()` in the class's body)."""
    found: dict[str, list[ast.expr]] = {}
    for item in node.body:
        if isinstance(item, ast.Assign | ast.AnnAssign) and item.value is not None:
            for target in item.targets if isinstance(item, ast.Assign) else [item.target]:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(item.value)
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            for statement in _self_assigning(item):
                value = statement.value if isinstance(statement, ast.Assign | ast.AnnAssign) \
                    and statement.value is not None else ast.Constant(None)
                for attr in _self_targets(statement):
                    found.setdefault(attr, []).append(value)
    return {attr: values[0] for attr, values in found.items()
            if len(values) == 1 and isinstance(values[0], ast.Call)}


def factories(tree: ast.Module, names: Names) -> dict[str, str]:
    """Each module-level function annotated to return a class, or whose every return
    is a call of one, with the class's qualified name; and each class method of its
    classes whose every return is a call of `cls` (`ReportService.from_app()`), as
    `Class.method`."""
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            ref = names.class_of(node.returns) or _made_by_every_return(node, names)
            if ref:
                out[node.name] = ref
        elif isinstance(node, ast.ClassDef):
            own = names.class_of(ast.Name(id=node.name))
            for method in node.body:
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef) and own \
                        and any(_dotted(d) == "classmethod" for d in method.decorator_list) \
                        and _made_by_every_return(method, names, cls=own) == own:
                    out[f"{node.name}.{method.name}"] = own
    return out


def _made_by_every_return(node: ast.FunctionDef | ast.AsyncFunctionDef, names: Names,
                          cls: str = "") -> str:
    """The class every return of the function is a call of (`cls(...)` is `cls`)."""
    made = {(cls if cls and isinstance(r.value.func, ast.Name) and r.value.func.id == "cls"
             else names.class_of(r.value.func)) if isinstance(r.value, ast.Call) else ""
            for r in ast.walk(node) if isinstance(r, ast.Return)}
    return next(iter(made)) if len(made) == 1 else ""


def receivers(tree: ast.Module, names: Names,
              attributes: Mapping[str, Mapping[str, str]] | None = None,
              made: Mapping[str, str] | None = None, every: Sequence[ast.AST] | None = None,
              ) -> tuple[tuple[str, str, str], ...]:
    """The module's typed receivers as the summaries take them (`attributes`: each
    class's `attribute_classes`, when already known): (ATTRIBUTE,
    `Owner.attr`, class) for each attribute of its classes' instances, (FACTORY,
    function, class) for each factory, (PARAMETER, function, class) for each function
    or method with a parameter annotated with a class (the generated patterns match
    those by the annotation; the summaries only learn which classes are so named)."""
    out = [(ATTRIBUTE, f"{node.name}.{attr}", ref) for node in tree.body
           if isinstance(node, ast.ClassDef)
           for attr, ref in (attribute_classes(node, names) if attributes is None
                             else attributes.get(node.name, {})).items()]
    out += [(FACTORY, name, ref) for name, ref in sorted(
        (factories(tree, names) if made is None else made).items())]
    functions = [(n.name, n) for n in tree.body
                 if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    functions += [(f"{c.name}.{n.name}", n) for c in tree.body if isinstance(c, ast.ClassDef)
                  for n in c.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    out += sorted({(PARAMETER, name, ref) for name, node in functions
                   for ref in param_classes(node, names).values()})
    out += [(INSTANCE, name, ref) for name, ref in sorted(instances(tree, names).items())]
    out += sorted({(APP_ITEM, key, ref) for key, ref in app_items(
        ast.walk(tree) if every is None else every, names)})
    return tuple(out)


def app_items(nodes: Iterable[ast.AST], names: Names) -> Iterator[tuple[str, str]]:
    """(key, class) of each object an application keeps as an item (aiohttp's `app[
    "fetcher"] = RemoteImageFetcher(session)`, read back as `request.app["fetcher"]`),
    among a module's `nodes`."""
    for node in nodes:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        for target in node.targets:
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
                    and isinstance(target.slice.value, str) and target.slice.value.isidentifier() \
                    and (_dotted(target.value) or "").rsplit(".", 1)[-1] == "app" \
                    and (ref := names.class_of(node.value.func)):
                yield target.slice.value, ref


def instances(tree: ast.Module, names: Names) -> dict[str, str]:
    """Each module-level name bound once, to a call of a class (`loader =
    ThemeLoader(THEMES_DIR)`), with the class's qualified name: the module's shared
    object, which its functions and the modules importing it call methods on."""
    values: dict[str, list[ast.expr | None]] = {}
    for node in tree.body:
        pairs: list[tuple[ast.expr, ast.expr | None]] = \
            [(t, node.value) for t in node.targets] if isinstance(node, ast.Assign) else \
            [(node.target, node.value)] if isinstance(node, ast.AnnAssign) else \
            [(node.target, None)] if isinstance(node, ast.AugAssign) else []
        for target, value in pairs:
            for name in (n for n in ast.walk(target) if isinstance(n, ast.Name)):
                values.setdefault(name.id, []).append(
                    value if isinstance(target, ast.Name) else None)
    rebound = {n for g in ast.walk(tree) if isinstance(g, ast.Global) for n in g.names}
    out: dict[str, str] = {}
    for bound, made in values.items():
        value = made[0]
        if len(made) == 1 and bound not in rebound and isinstance(value, ast.Call):
            ref = names.class_of(value.func)
            if ref:
                out[bound] = ref
    return out
