"""Whether the URL a `urlopen` check flags can only be a web URL, or only one of a set of
remote hosts.

Bandit's urlopen check (B310) reports every `urllib.request.urlopen(url)`: it opens
`file:` and custom schemes as well as `http:`. Positive evidence that it cannot, as
constants are (normalize/constant_args.py), comes in three forms:

- the URL is written with its scheme, `"https://api.example.com/v1?" + query`,
  `f"http://localhost:8000{path}"` (directly, in `Request(...)`, or through a name every
  assignment of which is such a value, a module constant included);
- the function first leaves unless the scheme is a web one:
  `if not url.startswith(("http:", "https:")): raise ...`, or
  `if urlparse(url).scheme not in ("http", "https"): return ...`;
- the function first leaves unless the host is one of a constant set of remote hosts:
  `if urlparse(url).hostname not in IMAGE_HOSTS: raise ...` (or `.netloc`, or `!=` one
  host). urllib refuses a `file:` URL that names a host other than the local one.

For a check: an `if` among the function's own statements before the call, with no
`else`, ending in `raise` or `return`; the URL a parameter the function never assigns;
the set a module constant of string literals, never changed in place, none of them the
machine itself (`localhost`, `127.0.0.1`, an empty host); `urlparse` (or `urlsplit`) the
standard library's, imported from `urllib.parse` under its own name and not defined or
bound in the file, or `urllib.parse.urlparse`.
"""

from __future__ import annotations

import ast
import functools
import re

from assay.normalize.constant_args import at_line, module_constants
from assay.normalize.reaching import Function, dotted, is_parameter

# hosts of the machine itself: a `file:` URL naming one reads a local file
LOCAL_HOSTS = frozenset({"", "localhost", "localhost.localdomain", "127.0.0.1", "::1",
                         "0.0.0.0"})  # noqa: S104 (a host name compared, nothing bound)
WEB_SCHEMES = frozenset({"http", "https"})
_WEB_URL = re.compile(r"(?i)https?://")
_WEB_PREFIX = re.compile(r"(?i)https?:")
_PARSERS = frozenset({"urlparse", "urlsplit"})
_PARTS = frozenset({"hostname", "netloc"})
_MUTATORS = frozenset({"add", "update", "append", "extend", "insert", "discard", "remove",
                       "pop", "clear", "__setitem__", "__ior__"})
_DEPTH = 8  # names followed to their values at most
_OPENERS = frozenset({"urlopen", "urlretrieve", "Request"})


def url_checked(source: bytes, line: int) -> bool:
    """Whether the URL opened by the call at `line` can only be a web URL or one of a
    constant set of remote hosts (see the module doc)."""
    parsed = _parsed(source)
    if parsed is None:
        return False
    tree, module = parsed
    nodes, function = at_line(tree, line)
    urls = [_unwrapped(n.args[0]) for n in nodes
            if isinstance(n, ast.Call) and n.args and _opens_urls(n.func)]
    return bool(urls) and all(_checked(url, function, module, line) for url in urls)


@functools.lru_cache(maxsize=32)
def _parsed(source: bytes) -> tuple[ast.Module, _Module] | None:
    """The file parsed and read once for all its findings (None: it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return tree, _Module(tree)


def _checked(url: ast.expr, function: Function | None, module: _Module, line: int) -> bool:
    """Whether `url`, opened at `line`, can only be a web URL or an allowed host's."""
    if _web_url(url, function, module, _DEPTH):
        return True
    if not isinstance(url, ast.Name) or function is None:
        return False
    name = url.id
    if not is_parameter(function, name) or _assigned(function, name):
        return False
    return any(isinstance(stmt, ast.If) and _rejects(stmt, name, module)
               for stmt in function.body if stmt.lineno < line)


def _opens_urls(func: ast.expr) -> bool:
    """`urlopen`, `urlretrieve`, `Request`: the calls the check reports with a URL."""
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _OPENERS


def _unwrapped(node: ast.expr) -> ast.expr:
    """The URL of `Request(url, ...)`; any other value itself."""
    if isinstance(node, ast.Call) and node.args and (
            getattr(node.func, "attr", None) == "Request"
            or getattr(node.func, "id", None) == "Request"):
        return node.args[0]
    return node


def _web_url(node: ast.expr, function: Function | None, module: _Module, depth: int) -> bool:
    """Whether `node` is a URL written with a web scheme in front (through names)."""
    if depth <= 0:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and _WEB_URL.match(node.value) is not None
    if isinstance(node, ast.JoinedStr):
        return bool(node.values) and _web_url(node.values[0], function, module, depth - 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _web_url(node.left, function, module, depth - 1)
    if isinstance(node, ast.Name):
        values = _values(node.id, function, module)
        return bool(values) and all(_web_url(v, function, module, depth - 1) for v in values)
    return False


def _values(name: str, function: Function | None, module: _Module) -> list[ast.expr]:
    """Every value assigned to `name` in the function, when each of its bindings there is
    a plain assignment (none for a parameter); a name the function does not bind, the
    module constant of that name."""
    if function is None or not (is_parameter(function, name) or _assigned(function, name)):
        value = module.constants.get(name)
        return [value] if value is not None else []
    plain = [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name) and t.id == name]
    stores = sum(1 for n in ast.walk(function)
                 if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store))
    return plain if not is_parameter(function, name) and len(plain) == stores else []


def _assigned(function: Function, name: str) -> bool:
    """Whether `name` is bound in the function other than as its parameter."""
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            return True
    return False


class _Module:
    """The module's constants, the sets of them changed in place, and whether its
    `urlparse` is the standard library's."""

    def __init__(self, tree: ast.Module) -> None:
        self.constants = module_constants(tree)
        imported = {alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
                    and node.module == "urllib.parse" and node.level == 0
                    for alias in node.names if alias.asname in (None, alias.name)}
        defined = {n.name for n in ast.walk(tree)
                   if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
        bound = {n.id for n in ast.walk(tree)
                 if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        self.parsers = (imported & _PARSERS) - defined - bound
        # a set changed in place (`HOSTS.add("localhost")`) is no constant
        self.mutated = {n.func.value.id for n in ast.walk(tree) if isinstance(n, ast.Call)
                        and isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATORS
                        and isinstance(n.func.value, ast.Name)}
        self.module_imported = any(
            isinstance(node, ast.Import) and any(a.name in ("urllib", "urllib.parse")
                                                 and a.asname is None for a in node.names)
            for node in tree.body)

    def is_parser(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.parsers
        return (isinstance(func, ast.Attribute) and func.attr in _PARSERS
                and self.module_imported and dotted(func.value) == "urllib.parse")

    def strings(self, node: ast.expr) -> list[str] | None:
        """The string literals of a constant set (a literal, or a module constant never
        changed in place: a set, list, tuple, `frozenset(...)`), or None."""
        if isinstance(node, ast.Name):
            if node.id not in self.constants or node.id in self.mutated:
                return None
            node = self.constants[node.id]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("frozenset", "set", "tuple") and len(node.args) == 1 \
                and not node.keywords:
            node = node.args[0]
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if not isinstance(node, ast.Set | ast.List | ast.Tuple) or not node.elts or not all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            return None
        return [str(e.value) for e in node.elts if isinstance(e, ast.Constant)]


def _rejects(stmt: ast.If, name: str, module: _Module) -> bool:
    """Whether `stmt` leaves (raises, returns) unless the URL `name` is a web URL or goes
    to an allowed remote host."""
    if stmt.orelse or not isinstance(stmt.body[-1], ast.Raise | ast.Return):
        return False
    test = stmt.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _starts_with_web(test.operand, name, module)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    part = _part_of(test.left, name, module)
    op, right = test.ops[0], test.comparators[0]
    allowed = module.strings(right)
    if part is None or allowed is None or not isinstance(op, ast.NotIn | ast.NotEq) \
            or (isinstance(op, ast.NotEq) and not isinstance(right, ast.Constant)):
        return False
    if part == "scheme":
        return all(s.lower() in WEB_SCHEMES for s in allowed)
    return all(s.strip().lower() not in LOCAL_HOSTS for s in allowed)


def _starts_with_web(node: ast.expr, name: str, module: _Module) -> bool:
    """`name.startswith(("http:", "https:"))` (every prefix a web scheme's)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "startswith" and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name and len(node.args) == 1 and not node.keywords):
        return False
    prefixes = module.strings(node.args[0])
    return bool(prefixes) and all(_WEB_PREFIX.match(p) is not None
                                  for p in prefixes or ())


def _part_of(node: ast.expr, name: str, module: _Module) -> str | None:
    """`scheme`, `hostname` or `netloc` for `urlparse(name).<part>`, else None."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call)
            and module.is_parser(node.value.func) and len(node.value.args) == 1
            and not node.value.keywords and isinstance(node.value.args[0], ast.Name)
            and node.value.args[0].id == name):
        return None
    return node.attr if node.attr in _PARTS | {"scheme"} else None
