"""The layering rules of docs/architecture.md, checked on the import graph of `src/assay`.

Every import counts, at module level or inside a function (a cycle hidden in a function
body is still a cycle of the design); imports only for type checking do not run and are
left out. `from package import name` is an edge to the submodule when `name` is one, else
to the package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {_module_name(p): p for p in sorted((SRC / "assay").rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if _type_checking_only(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        else:
            yield from _imports(node)


def _targets(name: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    known = modules()
    if isinstance(node, ast.Import):
        yield from (a.name for a in node.names if a.name in known)
        return
    base = node.module or ""
    if node.level:
        package = name if modules()[name].name == "__init__.py" else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if node.module else package
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        if sub in known:
            yield sub
        elif base in known:
            yield base


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the modules of assay it imports."""
    out = {}
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out[name] = frozenset(t for node in _imports(tree) for t in _targets(name, node)
                              if t != name)
    return out


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(source: str, forbidden: tuple[str, ...]) -> list[str]:
    """Edges from modules of `source` into any of the `forbidden` packages."""
    return sorted(f"{m} -> {t}" for m, targets in graph().items() if _in(m, source)
                  for t in targets if any(_in(t, f) for f in forbidden)
                  and not any(_in(t, a) for a in ALLOWED))


def test_the_graph_is_read() -> None:
    # control: the graph holds the edges it should, so the rules below cannot pass empty
    assert "assay.model" in graph()["assay.formats.json"]
    assert len(graph()) > 100


def test_no_import_cycle_anywhere() -> None:
    assert cycles() == []


# Lower layers never import higher ones. Two edges across a row are allowed on purpose
# (ALLOWED): formats render the gate's decision values, and the ledger's label store draws
# samples with the pure statistics of the measure package.
ALLOWED = ("assay.workflow.decision", "assay.workflow.tier", "assay.workflow.states",
           "assay.measure.sampling", "assay.measure.stats")
RULES = [
    ("assay.model", ("assay.errors", "assay.config", "assay.repo", "assay.scanners",
                     "assay.ledger", "assay.measure", "assay.workflow", "assay.formats",
                     "assay.report", "assay.app", "assay.cli", "assay.normalize")),
    ("assay.measure", ("assay.ledger", "assay.scanners", "assay.repo", "assay.workflow",
                       "assay.app", "assay.cli", "assay.report", "rich")),
    ("assay.formats", ("assay.ledger", "assay.scanners", "assay.app", "assay.cli",
                       "assay.workflow")),
    ("assay.scanners", ("assay.cli", "assay.app", "assay.workflow", "assay.report")),
    ("assay.ledger", ("assay.cli", "assay.app", "assay.scanners", "assay.workflow",
                      "assay.report", "assay.measure")),
    ("assay.workflow", ("assay.cli", "assay.app")),
    ("assay.report", ("assay.cli", "assay.app", "assay.ledger", "assay.scanners")),
    ("assay.repo", ("assay.cli", "assay.app", "assay.scanners", "assay.ledger",
                    "assay.workflow", "assay.report", "assay.measure", "assay.formats")),
    ("assay.project", ("assay.cli", "assay.app")),
    ("assay.errors", ("assay.config", "assay.repo", "assay.scanners", "assay.ledger",
                      "assay.workflow", "assay.app", "assay.cli")),
    ("assay.config", ("assay.scanners", "assay.ledger", "assay.workflow", "assay.app",
                      "assay.cli")),
    ("assay.trust", ("assay.scanners", "assay.ledger", "assay.workflow", "assay.app",
                     "assay.cli")),
    ("assay.normalize", ("assay.workflow", "assay.report", "assay.app", "assay.cli")),
    # the option choices every command registers at start-up: values only, no pydantic
    ("assay.choices", ("assay.errors", "assay.config", "assay.repo", "assay.scanners",
                       "assay.ledger", "assay.measure", "assay.workflow", "assay.formats",
                       "assay.report", "assay.app", "assay.cli", "assay.normalize",
                       "assay.project", "assay.trust")),
]


@pytest.mark.parametrize(("source", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_layers(source: str, forbidden: tuple[str, ...]) -> None:
    assert violations(source, forbidden) == []


def test_only_the_cli_entry_point_imports_the_cli() -> None:
    outside = [f"{m} -> {t}" for m, targets in graph().items() if not _in(m, "assay.cli")
               and m != "assay.__main__" for t in targets if _in(t, "assay.cli")]
    assert outside == []


def test_a_rule_catches_a_forbidden_edge(tmp_path: Path) -> None:
    """The checker itself: a planted edge is found (so an empty result means something)."""
    assert violations("assay.formats", ("assay.model",))  # formats do import the model


# The command line parses, calls one use case, renders with a writer and picks the exit
# code: it imports the use cases (`app`, `api`), the writers (`formats`, `report`), errors,
# configuration choices, model values and itself, never the packages that do the work.
CLI_MAY_IMPORT = ("assay.app", "assay.api", "assay.formats", "assay.report", "assay.errors",
                  "assay.config", "assay.choices", "assay.model", "assay.cli")


def cli_violations(edges: dict[str, frozenset[str]]) -> list[str]:
    """Edges from command modules outside CLI_MAY_IMPORT; `assay` itself (the version) is
    allowed."""
    return sorted(f"{m} -> {t}" for m, targets in edges.items()
                  if _in(m, "assay.cli")
                  for t in targets if t != "assay"
                  and not any(_in(t, allowed) for allowed in CLI_MAY_IMPORT))


def test_the_cli_imports_only_use_cases_writers_and_values() -> None:
    assert cli_violations(graph()) == []
    # control: the rule looks at real command modules that do import the use cases
    assert "assay.app.findings" in graph()["assay.cli.findings"]
    assert "assay.formats.writer" in graph()["assay.cli.output"]


def test_the_cli_rule_catches_a_command_reaching_into_storage() -> None:
    planted = {**graph(), "assay.cli.findings": graph()["assay.cli.findings"]
               | {"assay.ledger.sqlite", "assay.workflow.lifecycle"}}
    assert cli_violations(planted) == ["assay.cli.findings -> assay.ledger.sqlite",
                                       "assay.cli.findings -> assay.workflow.lifecycle"]
