"""Which class an object is of, where the code says so.

A service calls its repository as `self.repo.search(text)`, a view its service as
`service.search(q)` with `service: TicketService` a parameter, or `_service().search(q)`
with `_service()` returning one. A method named by a common word (`search`, `get`) is
never matched by its name alone on any object (see _rulegen.callee_forms); these forms
tie the call to one class instead:

- an attribute of `self` that every assignment in the class makes of one class
  (`self.repo = TicketRepository(db)`, `self.repo = repo` of a parameter annotated
  `repo: TicketRepository`, a class-level `repo: TicketRepository`);
- a parameter annotated with the class (`Optional[...]` and `... | None` too), or a
  local name bound once to a call of it;
- a module-level function annotated to return the class, or returning only calls of it
  (a factory).

What a name refers to comes from the module's imports and its own classes; whether it
is a project class is for the summaries to say (they know every module).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

ATTRIBUTE = "attr"
FACTORY = "factory"


@dataclass(frozen=True)
class Names:
    """How a module names things: its dotted name, its imports, its own classes."""

    module: str
    aliases: Mapping[str, str]
    classes: frozenset[str]

    def class_of(self, node: ast.expr | None) -> str:
        """The qualified name of the class an annotation or a called name refers to
        ('' when it names none this module can tell)."""
        node = _unwrapped(node)
        dotted = _dotted(node) if node is not None else None
        if dotted is None:
            return ""
        head, _, rest = dotted.partition(".")
        if not rest and head in self.classes:
            return f"{self.module}.{head}"
        if head in self.aliases:
            return self.aliases[head] + (f".{rest}" if rest else "")
        return ""


def _unwrapped(node: ast.expr | None) -> ast.expr | None:
    """An annotation without `Optional[...]`, `... | None` or quotes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Subscript) and _dotted(node.value) in ("Optional",
                                                                    "typing.Optional"):
        return _unwrapped(node.slice)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [s for s in (node.left, node.right)
                 if not (isinstance(s, ast.Constant) and s.value is None)]
        return _unwrapped(sides[0]) if len(sides) == 1 else None
    return node


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


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
        elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            params = param_classes(item, names)
            for attr, ref in _self_assignments(item, names, params):
                found.setdefault(attr, set()).add(ref)
    return {attr: next(iter(refs)) for attr, refs in sorted(found.items())
            if len(refs) == 1 and "" not in refs}


def _self_assignments(method: ast.FunctionDef | ast.AsyncFunctionDef, names: Names,
                      params: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    for node in ast.walk(method):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if _is_self_attribute(target):
                    assert isinstance(target, ast.Attribute)
                    yield target.attr, _made_of(node.value, names, params)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and _is_self_attribute(node.target):
            assert isinstance(node.target, ast.Attribute)
            yield node.target.attr, names.class_of(node.annotation) \
                if isinstance(node, ast.AnnAssign) else ""


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
            for child in ast.walk(item):
                targets = child.targets if isinstance(child, ast.Assign) else \
                    [child.target] if isinstance(child, ast.AnnAssign | ast.AugAssign) else []
                value = child.value if isinstance(child, ast.Assign | ast.AnnAssign
                                                   | ast.AugAssign) else None
                for target in targets:
                    if _is_self_attribute(target) and isinstance(target, ast.Attribute):
                        found.setdefault(target.attr, []).append(
                            value if value is not None and not isinstance(
                                child, ast.AugAssign) else ast.Constant(None))
    return {attr: values[0] for attr, values in found.items()
            if len(values) == 1 and isinstance(values[0], ast.Call)}


def _is_self_attribute(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
        and node.value.id == "self"


def _made_of(value: ast.expr, names: Names, params: Mapping[str, str]) -> str:
    if isinstance(value, ast.Call):
        return names.class_of(value.func)
    if isinstance(value, ast.Name):
        return params.get(value.id, "")
    return ""


def factories(tree: ast.Module, names: Names) -> dict[str, str]:
    """Each module-level function annotated to return a class, or whose every return
    is a call of one, with the class's qualified name."""
    out: dict[str, str] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        ref = names.class_of(node.returns)
        if not ref:
            made = {names.class_of(r.value.func) if isinstance(r.value, ast.Call) else ""
                    for r in ast.walk(node) if isinstance(r, ast.Return)}
            ref = next(iter(made)) if len(made) == 1 else ""
        if ref:
            out[node.name] = ref
    return out


def receivers(tree: ast.Module, names: Names) -> tuple[tuple[str, str, str], ...]:
    """The module's typed receivers as the summaries take them: (ATTRIBUTE,
    `Owner.attr`, class) for each attribute of its classes' instances, (FACTORY,
    function, class) for each factory."""
    out = [(ATTRIBUTE, f"{node.name}.{attr}", ref) for node in tree.body
           if isinstance(node, ast.ClassDef)
           for attr, ref in attribute_classes(node, names).items()]
    out += [(FACTORY, name, ref) for name, ref in sorted(factories(tree, names).items())]
    return tuple(out)
