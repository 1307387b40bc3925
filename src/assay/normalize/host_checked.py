"""Whether the URL a pattern check flags was first held to a constant set of remote hosts.

Bandit's urlopen check (B310) reports every `urllib.request.urlopen(url)`: it opens
`file:` and custom schemes as well as `http:`. When the function first makes sure the
URL's host is one of a constant set of remote hosts, and leaves when it is not

    IMAGE_HOSTS = {"images.example.com", "cdn.example.com"}

    def fetch(url):
        if urlparse(url).hostname not in IMAGE_HOSTS:
            raise ValueError(...)
        return urllib.request.urlopen(url).read()

the request goes to those hosts only, and no such URL reads a local file (urllib refuses
a `file:` URL that names a host other than the local one). That is positive evidence,
as constants are (normalize/constant_args.py). What counts: an `if` among the function's
own statements before the call, with no `else`, whose test is `urlparse(url).hostname`
(or `.netloc`; `urlsplit` too) `not in` a module constant holding string literals only,
or `!=` one string literal, and whose body ends by raising or returning; `url` a
parameter the function never assigns; `urlparse` the standard library's (imported from
`urllib.parse` by that name and not defined in the file, or `urllib.parse.urlparse`).
A host of the machine itself (`localhost`, `127.0.0.1`, an empty host) in the set
counts as no check.
"""

from __future__ import annotations

import ast

from assay.normalize.constant_args import Function, at_line, dotted, module_constants

# hosts of the machine itself: a `file:` URL naming one reads a local file
LOCAL_HOSTS = frozenset({"", "localhost", "localhost.localdomain", "127.0.0.1", "::1",
                         "0.0.0.0"})  # noqa: S104 (a host name compared, nothing bound)
_PARSERS = frozenset({"urlparse", "urlsplit"})
_PARTS = frozenset({"hostname", "netloc"})
_MUTATORS = frozenset({"add", "update", "append", "extend", "insert", "discard", "remove",
                       "pop", "clear", "__setitem__", "__ior__"})


def host_checked(source: bytes, line: int) -> bool:
    """Whether the URL passed (first argument, a name) to the call at `line` was held to
    a constant set of remote hosts before it, in its function (see the module doc)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    nodes, function = at_line(tree, line)
    names = [n.args[0].id for n in nodes if isinstance(n, ast.Call) and n.args
             and isinstance(n.args[0], ast.Name) and _opens_urls(n.func)]
    if function is None or not names:
        return False
    name = names[0]
    if not _parameter(function, name) or _assigned(function, name):
        return False
    hosts = _HostSets(tree)
    return any(isinstance(stmt, ast.If) and _rejects(stmt, name, hosts)
               for stmt in function.body if stmt.lineno < line)


def _opens_urls(func: ast.expr) -> bool:
    """`urlopen`, `Request`, `urlretrieve`, a URL opener: what the check reports."""
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return "url" in name.lower() or name == "Request"


def _parameter(function: Function, name: str) -> bool:
    args = function.args
    return name in {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}


def _assigned(function: Function, name: str) -> bool:
    """Whether `name` is bound in the function other than as its parameter."""
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            return True
    return False


class _HostSets:
    """The module's constant sets of remote hosts, and whether its `urlparse` is the
    standard library's."""

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

    def remote(self, node: ast.expr) -> bool:
        """Whether `node` names a module constant holding remote hosts only."""
        if not isinstance(node, ast.Name) or node.id not in self.constants \
                or node.id in self.mutated:
            return False
        value = self.constants[node.id]
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
                and value.func.id in ("frozenset", "set", "tuple") and len(value.args) == 1 \
                and not value.keywords:
            value = value.args[0]
        return isinstance(value, ast.Set | ast.List | ast.Tuple) and bool(value.elts) and all(
            _remote_host(e) for e in value.elts)


def _rejects(stmt: ast.If, name: str, hosts: _HostSets) -> bool:
    """Whether `stmt` leaves (raises, returns) unless the URL `name`'s host is allowed."""
    if stmt.orelse or not isinstance(stmt.body[-1], ast.Raise | ast.Return):
        return False
    test = stmt.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and _host_of(test.left, name, hosts)):
        return False
    op, right = test.ops[0], test.comparators[0]
    if isinstance(op, ast.NotIn):
        return hosts.remote(right)
    return isinstance(op, ast.NotEq) and _remote_host(right)


def _host_of(node: ast.expr, name: str, hosts: _HostSets) -> bool:
    """`urlparse(name).hostname` (or `.netloc`, or `urlsplit`)."""
    return (isinstance(node, ast.Attribute) and node.attr in _PARTS
            and isinstance(node.value, ast.Call) and hosts.is_parser(node.value.func)
            and len(node.value.args) == 1 and not node.value.keywords
            and isinstance(node.value.args[0], ast.Name) and node.value.args[0].id == name)


def _remote_host(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) \
        and node.value.strip().lower() not in LOCAL_HOSTS

