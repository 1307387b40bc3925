"""Facts about one Python module, read with `ast`, for the cross-file summaries.

For each module-level function and method: how many parameters it takes and what each
`return` gives back (request data, a constant, the result of one call, or something
derived from calls). Names are resolved through the module's imports so that calls can
be matched across files.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from assay.normalize.constant_args import module_assignments, module_constants
from assay.scanners.semgrep._bound import with_bound
from assay.scanners.semgrep._parsers import parser_factory
from assay.scanners.semgrep._receivers import (
    Names,
    attribute_calls,
    attribute_classes,
    factories,
    param_classes,
    receivers,
    type_aliases,
    unwrapped,
)
from assay.scanners.semgrep._returned import (
    OPENERS,
    READ_METHODS,
    Condition,
    Read,
    Unreturned,
    carried_arguments,
    conditional_unreturned,
    module_unreturned,
    scalar_annotation,
    unreturned_params,
    written_name,
)
from assay.scanners.semgrep._state import constant_keys, kept_text, state_read, state_targets

FLASK_REQUEST = "flask.request"
FLASK_ATTRS = frozenset({
    "args", "form", "values", "cookies", "headers", "json", "data", "files", "view_args",
    "stream", "environ", "path", "full_path", "url", "base_url", "url_root", "host",
    "host_url", "referrer", "user_agent", "query_string", "authorization", "get_json",
    "get_data",
})
REQUEST_NAMES = frozenset({"request", "req"})
# what the pack's request-data sources read of a `request` (attributes, and methods:
# aiohttp's `await request.post()`, `request.multipart()`, `request.text()`)
REQUEST_ATTRS = frozenset({
    "GET", "POST", "COOKIES", "META", "FILES", "body", "headers", "path", "path_info", "data",
    "query_params", "path_params", "cookies", "args", "form", "values", "json", "files",
    "query_string", "match_info", "query", "get_full_path", "get_host", "get_json",
    "get_data", "build_absolute_uri", "stream", "rel_url", "url", "content",
    "get_full_path_info", "post", "text", "read", "readline", "readlines",
    "get_signed_cookie", "multipart", "forms", "params", "matchdict", "json_body", "get_cookie",
    "media", "get_media", "get_param", "get_param_as_list", "get_header", "bounded_stream",
})
DJANGO_ATTRS = frozenset({"GET", "POST", "COOKIES", "META", "FILES"})
# a Tornado handler's methods reading the request's arguments (`self.get_argument("q")`)
TORNADO_ARGUMENTS = frozenset({
    "get_argument", "get_arguments", "get_query_argument", "get_query_arguments",
    "get_body_argument", "get_body_arguments", "get_cookie",
})
_BUILTINS = frozenset(dir(builtins))
# What a name's fact reads as while it is being computed (breaks assignment cycles).
_PENDING: dict[str, Any] = {"reach": set(), "flow": (False, set()), "const": True,
                            "source": False, "callees": (), "stored": False, "outer": (),
                            "pass": {}}


def _param_pending(kind: str, name: str) -> Any:
    """What a parameter's fact reads as in its own assignment (`value = value.strip()`):
    the value it came in with."""
    return {"reach": {name}, "flow": (True, set()), "const": False, "outer": (),
            "pass": {}}.get(kind, _PENDING.get(kind))


# What a view returns that is a response object, not the text of one (redirects, JSON)
RESPONSES = frozenset({
    "flask.redirect", "flask.jsonify", "werkzeug.utils.redirect", "django.shortcuts.redirect",
    "django.http.HttpResponseRedirect", "django.http.HttpResponsePermanentRedirect",
    "django.http.JsonResponse", "starlette.responses.RedirectResponse",
    "starlette.responses.JSONResponse", "fastapi.responses.RedirectResponse",
    "fastapi.responses.JSONResponse",
    # a response the helper builds of its text: an object for its caller, which the
    # helper's own sink reports where the text is passed to it (see _sinks)
    "starlette.responses.HTMLResponse", "fastapi.responses.HTMLResponse",
    "starlette.responses.Response", "fastapi.responses.Response",
    "starlette.responses.PlainTextResponse", "fastapi.responses.PlainTextResponse",
    "django.http.HttpResponse", "flask.Response", "flask.make_response",
    "aiohttp.web.Response", "aiohttp.web.json_response"})
# Reading rows or objects from a database (see `_LocalFlow.is_stored`).
ROW_METHODS = frozenset({"fetchone", "fetchall", "fetchmany", "scalars", "scalar_one",
                         "scalar_one_or_none", "one_or_none", "first_or_404",
                         "get_or_404", "one_or_404"})
STORED_CALLS = frozenset({"django.shortcuts.get_object_or_404",
                          "django.shortcuts.get_list_or_404"})
STORED_CLEANERS = frozenset({"html.escape", "markupsafe.escape", "bleach.clean", "nh3.clean",
                             "django.utils.html.escape", "django.utils.html.strip_tags",
                             "int", "float", "bool", "len"})
# Builtins whose result carries their argument's content (taint passes through them).
_TRANSPARENT = frozenset({"str", "repr", "format", "bytes", "bytearray", "list", "tuple",
                          "dict", "set", "frozenset", "sorted", "reversed", "min", "max",
                          "iter", "next", "getattr", "vars", "zip", "map", "filter"})
# calls that build a path or URL of their arguments: a returned value made so passes on
# whatever its parts passed through (`os.path.join(DIR, os.path.basename(name))` is as
# clean as the name is for a rule trusting `basename`)
_CARRIERS = frozenset({"os.path.join", "posixpath.join", "ntpath.join", "os.fspath",
                       "urllib.parse.urljoin"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                           "request", "send"})
_HTTP_CLIENTS = frozenset({"requests.Session", "requests.session", "httpx.Client",
                           "httpx.AsyncClient", "aiohttp.ClientSession", "urllib3.PoolManager"})
_ROUTE_METHODS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route"})
_TYPED = re.compile(r"<(?:int|float|uuid):(\w+)>")
_BOTTLE_TYPED = re.compile(r"<(\w+):(?:int|float)>")  # Bottle writes the filter after
# FastAPI/Starlette path parameters: `{name}` and `{name:str}` are one URL segment (cannot
# hold `/`), `{name:int}` and the like a value; `{name:path}` (or an aiohttp regex) neither
_BRACED = re.compile(r"\{(\w+)(?::(int|float|uuid|str))?\}")
VALUE_PARAM = "value"  # converted to a number or UUID: safe for every rule
REQUEST_PARAM = "request"  # a dependency's result that is request data (see DEPENDS)
PART_CHECK = "part"  # a part of a value held against constants: its extension, an item
# calls giving a number, a truth value or a digest of their arguments: no text of theirs
_NO_TEXT = frozenset({"int", "float", "bool", "len", "hash", "id", "abs", "round", "ord",
                      "isinstance", "callable", "type", "hex", "oct", "bin", "sum",
                      "any", "all", "os.path.exists", "os.path.isfile", "os.path.isdir",
                      "os.path.getsize", "os.path.getmtime"})
_NO_TEXT_MODULES = ("hashlib.", "hmac.", "uuid.", "secrets.", "zlib.crc32")


def gives_no_text(callee: str) -> bool:
    """Whether a call of `callee` (resolved) gives a number, a truth value or a digest
    of its arguments, none of their text."""
    return callee in _NO_TEXT or callee.startswith(_NO_TEXT_MODULES)
ANNOTATED_PARAM = "annotated:"  # + a class name: a value when the class is an Enum
ENUM_CLASS = "enum"  # ("", class, ENUM_CLASS): the module defines an Enum class
OTHER_CLASS = "class"  # ("", class, OTHER_CLASS): the module defines another class
# ("", alias, DEPENDENCY + callee): the module's type alias of a FastAPI dependency
# (`ServiceDep = Annotated[Service, Depends(get_service)]`); (view, param, DEPENDS +
# callee): a routed view's parameter FastAPI fills with a dependency's result
# (`Annotated[..., Depends(f)]`, `= Depends(f)`). A server value, unless the dependency
# returns request data (`def sort_key(sort: str): return sort`: see _summaries)
DEPENDENCY = "dependency:"
DEPENDS = "depends:"
_ENUM_BASES = frozenset(f"enum.{n}" for n in ("Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"))
SEGMENT_PARAM = "segment"  # one URL segment: cannot name a path outside its folder
# Routes registered apart from their views: Django's URLconf (`path`, `re_path`) passes
# parameters to the view function; aiohttp's router (`add_get`, `add_route`, `web.get`)
# leaves them in `request.match_info`
DJANGO_ROUTE, DJANGO_REGEX_ROUTE, AIOHTTP_ROUTE = "django", "django-regex", "aiohttp"
DECORATOR_ROUTE = "decorator"  # `@app.route("/a/<int:id>")`, `@router.get("/i/{name}")`
_REGISTRARS = {"path": DJANGO_ROUTE, "re_path": DJANGO_REGEX_ROUTE, "url": DJANGO_REGEX_ROUTE,
               **{f"add_{m}": AIOHTTP_ROUTE for m in ("get", "post", "put", "patch", "delete",
                                                      "head", "route")},
               **{m: AIOHTTP_ROUTE for m in ("get", "post", "put", "patch", "delete", "head",
                                            "route", "view")}}
_DJANGO_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_DJANGO_GROUP = re.compile(r"\(\?P<(\w+)>((?:[^()\\]|\\.)*)\)")
_AIOHTTP_PARAM = re.compile(r"\{(\w+)(?::((?:[^{}]|\{\d*,?\d*\})*))?\}")
_DIGITS = frozenset({r"\d+", "[0-9]+"})
# a regular expression for a group that takes one segment without dots: no `/`, no `..`
_NO_DOTS_SEGMENT = re.compile(r"^(?:\[(?:\\w|\\d|[a-zA-Z0-9_]|-)+\]|\\w|\\d)[+*]$")
_MARKUP_CLASSES = frozenset({"markupsafe.Markup", "flask.Markup", "jinja2.Markup"})
HTML_ESCAPE = "html.escape"  # what a hand-written escaping chain counts as


@dataclass(frozen=True)
class ElementFact:
    """One element of a returned tuple (`return note, render_markdown(note["body"])`), as
    far as data read from a database goes: a caller unpacking the tuple gets each element
    in a name of its own (see `_summaries._stored_at`)."""

    stored: bool = False
    """The element is (or holds) a row or object read from a database (`is_stored`)."""
    callees: tuple[str, ...] = ()
    """Every resolved call the element depends on."""
    outer: tuple[str, ...] = ()
    """The resolved calls whose result the element is, through local names (empty when
    some part of it is no such result): a cleaning call there makes it no stored data."""
    const: bool = False
    """No parameter or request data reaches the element (`where` of `return where,
    values` built of literal clauses while the values are the caller's); the calls it
    depends on (`callees`) give nothing the summaries know to be request data."""


@dataclass(frozen=True)
class ReturnFact:
    """What one `return` gives back.

    kind: `source` (request data), `const` (a literal or a module constant) or `flow`.
    For a flow, `raw` says whether a parameter (or `self`, or an unknown global) reaches
    the value other than through a resolved call, `via` names the resolved calls the
    parameters pass through, and `callees` every resolved call the value depends on.
    """

    kind: str
    callees: tuple[str, ...] = ()
    raw: bool = False
    via: tuple[str, ...] = ()
    stored: bool = False
    """The value is (or holds) a row or object read from a database (see `is_stored`)."""
    elements: tuple[ElementFact, ...] = ()
    """For a flow that is a tuple of a known size (`return a, b`), one fact per element."""
    checked: tuple[str, ...] = ()
    """For request data, or a flow of the parameters, the predicates it is returned only
    when they pass (`target if is_safe_url(target) else "/"`, `if is_safe_url(target):
    return target`): each the called name as resolved (see `_LocalFlow.call_target`),
    or as written."""
    fixed_host: bool = False
    """For a flow, the value is a URL whose scheme and host (or a path of this site) are
    constant text in front (`f"{GRAVATAR_BASE}{digest}?s={size}"`: see `fixed_host`)."""
    argv: bool = False
    """For a flow, the value is an argument list with a constant program in front
    (`["tar", "-czf", out, "--", name]`, also a local name bound once to one and then
    only appended to): what reaches it past the program is an argument."""


@dataclass(frozen=True)
class ParamCall:
    """A call inside a function that some of the function's parameters reach.

    `callee` is the resolved dotted name ('' when unknown), `method` the attribute name
    of a method call, `args` maps an argument (its position as a string, or its keyword)
    to the parameters that reach it other than through a resolved call, and `keywords`
    maps each keyword argument to its literal value ('' when not a literal).
    `fixed_host` lists the arguments whose value is a URL with a constant scheme and host
    in front (`"https://api.example.com/v1?q=" + q`, `f"https://host/{x}"`): what
    reaches them chooses a path or a query, not the server. `query_builder` lists the
    arguments that are SQLAlchemy statements built with its constructs
    (`select(User).where(User.name == name)`, `table.select().where(...)`, or a local
    variable every assignment of which is one): what reaches them is a bound parameter.
    `guarded` lists (parameter, check) for each check of a parameter's value that the
    function's body makes before the call and leaves on when it fails (`if
    urlparse(url).hostname not in HOSTS: raise ...`): the check's kind (see
    `FunctionFacts.guard`), or, for a call of a function that may be a project guard,
    `predicate:<dotted>` (`if not is_public_url(url): raise ...`) or `raise:<dotted>` (a
    statement of its own: `ensure_within(BASE, path)`), which the summaries resolve.
    `line` is where the call is in its file (a finding at a call of a wrapper names it).
    """

    callee: str
    method: str
    args: tuple[tuple[str, tuple[str, ...]], ...]
    keywords: tuple[tuple[str, str], ...] = ()
    receiver: str = ""
    fixed_host: tuple[str, ...] = ()
    query_builder: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)
    guarded: tuple[tuple[str, str], ...] = ()
    made: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    """(argument, callee, literal keywords) for each argument that is a call of a
    resolved callee, or a local name assigned once from one (`parser = etree.XMLParser(
    resolve_entities=False)`, then `etree.fromstring(data, parser)`)."""
    receiver_methods: tuple[str, ...] = ()
    """For a method call on a plain name (`parser.feed(data)`), every method the
    function calls on that name (`setFeature`, `feed`, ...)."""
    receiver_made: str = ""
    """For a method call on a local name bound once to a call's result (`root =
    ET.parse(f).getroot()`, then `root.find(q)`), the last name of what was called
    (`getroot`)."""
    passed: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    """(argument, parameters, calls) for the parameters that reach an argument only
    through resolved calls (`os.path.join(ROOT, name + ".csv")`): whether each call
    carries the value on is for the rule to say (one it trusts as a sanitizer does not)."""
    typed: str = ""
    """For a method call on an object whose class the code says (`self.repo.search(q)`
    with `self.repo = TicketRepository(db)`; see _receivers), the class's qualified name
    and the method: the summaries resolve it when the class is the project's."""
    fields: tuple[tuple[str, str, str], ...] = ()
    """(argument, class, field) for each argument that is a field of a parameter
    annotated with a class (`seed(registration.locale)` of `registration:
    CreateUserRegistration`): a field the summaries know holds a value reaches nothing."""
    written: str = field(default="", compare=False)
    """The callee as the module resolved it, when the summaries read it through a
    package's re-export (`callee` is then what it stands for): a sink of a library's
    name still matches it, whatever a package of the tree re-exports under that name."""


@dataclass(frozen=True)
class FunctionFacts:
    """A function's qualified name within its module, parameters, returns and calls.

    `guard` says how the function checks a parameter's value, if it does: `predicate`
    (every return is the result of such a check), `raise` (it raises, aborts or returns
    early when the check fails; `guard_returns` when what it returns is the checked
    value); `checks` the kinds of check (`allow`: membership in a constant collection,
    `contain`: a path containment test, `url`: a test of a URL's host or scheme,
    `regex`: a full regular-expression match, `signed`: a MAC of the value compared with
    `hmac.compare_digest`)."""

    qualname: str
    params: int
    returns: tuple[ReturnFact, ...]
    param_names: tuple[str, ...] = ()
    calls: tuple[ParamCall, ...] = ()
    source: str = ""
    guard: str = ""
    checks: tuple[str, ...] = ()
    guard_returns: bool = False
    unreturned: tuple[str, ...] = ()  # parameters no return value can hold (_returned)
    unreturned_if: tuple[tuple[str, tuple[Condition, ...]], ...] = ()
    """Parameters no return value can hold if the other modules' functions they are
    handed do not return them: each with those (callee, argument) pairs."""
    kwargs: str = ""
    """The name of its `**kwargs` parameter (what callers pass by keywords it does not
    name, or spread with `**`), whose flows its calls record as a parameter's."""
    context: tuple[tuple[str, str], ...] = ()
    """(parameter, key) for each key of a dict literal it returns that the parameter's
    value reaches as it is (`return {"note": note, ...}`): a template context a view
    renders (see _template_flow)."""
    text_returned: bool = False
    """A parameter not annotated as a number, a truth value or a date reaches a return
    value as it is (a FastAPI dependency returning its query parameter: see DEPENDS)."""
    keeps: tuple[str, ...] = ()
    """For a method, the parameters it builds text of and keeps on its object (see
    _state.kept_text): the caller's argument taints the object."""
    state: tuple[tuple[str, ReturnFact], ...] = ()
    """(name, fact of the value) of each value it stores on Flask's `g` or in the
    session (`flask.g.sort`, `session.return_to`: see _state), but a row read from a
    database (`g.user = User.query...first()`)."""


@dataclass(frozen=True)
class ModuleInfo:
    """The facts of one module."""

    path: str
    name: str
    functions: tuple[FunctionFacts, ...]
    typed_params: tuple[tuple[str, str, str], ...] = ()
    """(function, param, `annotated:<Class>`) of routed views' parameters typed by a
    class the summaries resolve; and ("", class, `enum` or `class`) for each class the
    module defines. What routes give parameters is in `routes`."""
    called: frozenset[str] = frozenset()
    constant_maps: tuple[str, ...] = ()
    local_calls: frozenset[str] = frozenset()
    routes: tuple[tuple[str, str, str, tuple[str, ...]], ...] = ()
    """(view function name, router, URL) of each route the module declares: decorators of
    its views, and registrations apart from the view (`path("a/<int:pk>/",
    views.detail)`, `router.add_get("/r/{room}", room)`), with the view's parameters when
    the module defines it (a decorator's view), else ()."""
    receivers: tuple[tuple[str, str, str], ...] = ()
    """The attributes of its classes' instances and its factories, each with the class
    it is of (see _receivers.receivers)."""
    class_sources: tuple[tuple[str, str], ...] = ()
    """(class, code) of each of its classes short enough to serve as a pattern: a class
    whose name another module's class has too is told apart by its code."""
    init_stores: tuple[tuple[str, str, str, int], ...] = ()
    """(class, attribute, parameter, position) for each attribute a class's `__init__`
    sets from one of its parameters (`self.formula = formula`): a method passing the
    attribute to a sink makes the constructor's argument a sink (see _sinks)."""
    parser_factories: tuple[tuple[str, str], ...] = ()
    """Its module-level functions returning an XML parser, each with whether the parser
    resolves entities (OPEN) or is an lxml parser made not to (CLOSED; see _parsers)."""
    class_bases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(class, its bases' qualified names as the module's imports name them) for each of
    its classes with such bases: `self.fetch_all(...)` in a subclass calls the base's."""
    model_fields: tuple[tuple[str, str, str], ...] = ()
    """(model class, field, SCALAR_FIELD or the qualified class it is annotated with) for
    each field of its pydantic models typed as a number, date, UUID, `Literal` or a
    class (an Enum's members are values: the summaries tell which classes are)."""
    handed: frozenset[str] = frozenset()
    """The names of the functions it hands to a runner with their arguments (see
    `handed_functions`): a sink wrapper handed so is called with them."""
    hooks: frozenset[str] = frozenset()
    """The qualified names of the functions it registers as template filters by a call
    (see `registered_hooks`): what a template passes them is any value."""
    exports: tuple[tuple[str, str], ...] = ()
    """For a package's `__init__`: (name, qualified name) of each name it imports from
    another module (`from .reports import ReportService`), which the package's importers
    name as `package.ReportService`; for any module, (alias, class) of each of its type
    aliases naming a project class (`ServiceDep = Annotated[Service, Depends(...)]`)."""
    state: tuple[tuple[str, ReturnFact], ...] = ()
    """What its functions (views and nested ones too) store on Flask's `g` or in the
    session (FunctionFacts.state)."""


def module_names(paths: list[str], all_paths: set[str]) -> dict[str, str]:
    """Each file's importable dotted name; packages are directories with `__init__.py`."""
    out: dict[str, str] = {}
    for path in paths:
        parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        start = len(parts) - 1
        while start > 0 and "/".join(parts[:start]) + "/__init__.py" in all_paths:
            start -= 1
        out[path] = ".".join(parts[start:])
    return out


def read_module(path: str, name: str, text: str) -> ModuleInfo | None:
    """The facts of one module's source (None when it does not parse, or is nested too
    deeply for the facts to be read: a left-deep `"a" + "a" + ...` of 1,500 terms parses,
    and reading it recursively overflowed the stack and stopped the whole scanner)."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # too deeply nested
        return None
    try:
        return module_facts(path, name, tree, text)
    except (RecursionError, MemoryError):
        # (any other error is the pre-pass's own: the scanner reports the file as not
        # analyzed rather than reading it without its facts)
        return None


def module_facts(path: str, name: str, tree: ast.Module, text: str = "") -> ModuleInfo:
    """The facts of one parsed module (`text`, its source, gives functions their code)."""
    tree = with_bound(tree)
    local = frozenset(n.name for n in tree.body
                      if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))
    every = list(_walk(tree))
    constants = module_constants(tree)
    made = {k: v for k, v in constants.items() if "." not in k and isinstance(v, ast.Call)}
    aliases = _imports(every, name, path.endswith("__init__.py"))
    typing_aliases = type_aliases(tree)
    names = Names(name, aliases, frozenset(n.name for n in tree.body
                                           if isinstance(n, ast.ClassDef)), typing_aliases)
    by_class = {node.name: attribute_classes(node, names) for node in tree.body
                if isinstance(node, ast.ClassDef)}
    attributes = {(cls, attr): ref for cls, found in by_class.items()
                  for attr, ref in found.items()}
    attribute_made = {(node.name, attr): call for node in tree.body
                      if isinstance(node, ast.ClassDef)
                      for attr, call in attribute_calls(node).items()}
    methods = {node.name: frozenset(n.name for n in node.body
                                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))
               for node in tree.body if isinstance(node, ast.ClassDef)}
    texts = {k: v.value for k, v in constants.items()
             if "." not in k and isinstance(v, ast.Constant) and isinstance(v.value, str)}
    made_by = factories(tree, names)
    scope = _Scope(name, aliases, _constants(tree), local, made, names, attributes,
                   attribute_made, methods, _module_unreturned(tree, every), texts,
                   {k: v for k, v in made_by.items() if "." not in k},
                   constant_keys(constants), _returned_attributes(tree, every))
    functions: list[FunctionFacts] = []
    typed: list[tuple[str, str, str]] = []
    stores: list[tuple[str, str, str, int]] = []
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            typed.extend((node.name, p, kind)
                         for p, kind in _annotated_route_params(node, scope))
            if not _is_view(node):  # views are entry points, never helpers
                facts = _function(node, node.name, scope, None)
                code = "".join(lines[node.lineno - 1 : node.end_lineno or node.lineno])
                functions.append(replace(facts, source=code.rstrip()))
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.TypeAlias):
            typed.extend(("", alias, DEPENDENCY + _qualified(callee, scope))
                         for alias, callee in _dependency_aliases(node, typing_aliases))
        elif isinstance(node, ast.ClassDef):
            enum = any(_is_enum_base(b, scope) for b in node.bases)
            typed.append(("", node.name, ENUM_CLASS if enum else OTHER_CLASS))
            class_stores = _init_stores(node, scope)
            stores.extend((node.name, attr, param, position)
                          for attr, (param, position) in sorted(class_stores.items()))
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    typed.extend((item.name, p, kind)
                                 for p, kind in _annotated_route_params(item, scope))
                    functions.append(_function(
                        item, f"{node.name}.{item.name}", scope, node.name,
                        _is_view_class(node),
                        frozenset() if item.name == "__init__" else frozenset(class_stores)))
    maps = tuple(sorted(n for n in scope.constants if n.isupper() and _is_dict(tree, n)))
    handed = handed_functions(every)
    local_calls = frozenset(n.func.id for n in every if isinstance(n, ast.Call)
                            and isinstance(n.func, ast.Name) and n.func.id in local)
    local_calls |= handed & local
    state = tuple(s for f in functions for s in f.state) + _nested_state(tree, every, scope)
    return ModuleInfo(path, name, tuple(f for f in functions
                                        if f.returns or f.calls or f.guard or f.keeps
                                        or f.context or f.text_returned),
                      tuple(typed), _called(every, scope) | handed, maps, local_calls,
                      tuple(_decorator_routes(tree) + _registered_routes(every)),
                      receivers(tree, names, by_class, made_by, every),
                      _class_sources(tree, lines),
                      tuple(stores),
                      _parser_factories(tree, scope, text),
                      tuple((n.name, bases) for n in tree.body if isinstance(n, ast.ClassDef)
                            if (bases := tuple(b for b in map(names.class_of, n.bases) if b))),
                      (*_model_fields(tree, names), *_validated_fields(tree, scope)),
                      handed, registered_hooks(every, scope),
                      (_exports(tree, aliases) if path.endswith("__init__.py") else ())
                      + _alias_exports(typing_aliases, names), state)


def _alias_exports(found: Mapping[str, ast.expr], names: Names) -> tuple[tuple[str, str], ...]:
    """(alias, class) of each type alias of the module naming a class (see
    _receivers.type_aliases): an annotation by the alias, here or where it is imported,
    names the class, as a package's re-export does."""
    return tuple(sorted((alias, ref) for alias in found
                        if (ref := names.class_of(ast.Name(alias)))))


def _returned_attributes(tree: ast.Module, every: Sequence[ast.AST],
                         ) -> dict[tuple[str, str], frozenset[str]]:
    """(class, method) -> the attributes of `self` its return values read, for the
    methods the module calls on `self`."""
    on_self = {n.func.attr for n in every if isinstance(n, ast.Call)
               and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
               and n.func.value.id == "self"}
    # (a property read through `self`, `self.command`, is such a call)
    on_self |= {n.attr for n in every if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name) and n.value.id == "self"}
    out: dict[tuple[str, str], frozenset[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name in on_self:
                found = frozenset(a for r in _own_nodes(item) if isinstance(r, ast.Return)
                                  and r.value is not None for a in _self_text(r.value))
                if found:
                    out[(node.name, item.name)] = found
    return out


def _self_text(node: ast.expr) -> Iterator[str]:
    """The attributes of `self` whose text `node` holds: not those only passed to a call
    (`int(self.year)`); a method of one (`self.region.upper()`) keeps its text."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id == "self":
        yield node.attr
    elif isinstance(node, ast.Call):
        yield from _self_text(node.func)
    else:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                yield from _self_text(child)


def _nested_state(tree: ast.Module, every: Sequence[ast.AST],
                  scope: _Scope) -> tuple[tuple[str, ReturnFact], ...]:
    """What the functions not read as helpers (views, and functions nested in others: a
    view decorator's wrapper) store on `g`."""
    outer = {id(n) for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
             and not _is_view(n)} | {id(item) for n in tree.body
                                         if isinstance(n, ast.ClassDef) for item in n.body}
    qualified = partial(_qualified, scope=scope)
    if not any(state_targets(every, qualified, scope.keys)):
        return ()  # (most modules keep nothing: one pass over the module says so)
    return tuple(_in_view(n, s) for n in every
                 if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                 and id(n) not in outer
                 and any(state_targets(_own_nodes(n), qualified, scope.keys))
                 for s in _function(n, n.name, scope, None).state)


def _in_view(node: ast.FunctionDef | ast.AsyncFunctionDef,
             stored: tuple[str, ReturnFact]) -> tuple[str, ReturnFact]:
    """A store of a routed view: what its parameters give is the request's (`request.
    session["return_to"] = return_to` of a query parameter)."""
    name, fact = stored
    if fact.kind == "flow" and fact.raw and _route_urls(node):
        return name, ReturnFact("source")
    return stored


def _exports(tree: ast.Module, aliases: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """(name, qualified name) of each name a package's `__init__` imports from another
    module at its top level (see ModuleInfo.exports)."""
    return tuple(sorted({(local, aliases[local]) for node in tree.body
                         if isinstance(node, ast.ImportFrom)
                         for alias in node.names
                         if (local := alias.asname or alias.name) in aliases
                         and local != "*"}))


# Jinja's filters only: a global function (`env.globals["run_hook"] = run_hook`) is
# called with what the template writes, mostly its own constants (flaskbb's plugin hooks)
_HOOK_TABLES = frozenset({"filters"})
_HOOK_ADDERS = frozenset({"add_template_filter", "add_app_template_filter"})


def registered_hooks(every: Sequence[ast.AST], scope: _Scope) -> frozenset[str]:
    """The functions a module registers as Jinja filters by a call, qualified as its
    imports name them: `app.jinja_env.filters.update(linkify=linkify)` (or a dict of
    them), `env.filters["linkify"] = linkify`, `app.add_template_filter(linkify)`
    (Flask's decorators are the XSS filter rule's own sources); a table built in a name
    first is read by the name (`filters["x"] = f; app.jinja_env.filters.update(filters)`).
    """
    found: list[ast.expr] = []
    tables: set[str] = set()
    for node in every:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            if func.attr == "update" and isinstance(func.value, ast.Attribute) \
                    and func.value.attr in _HOOK_TABLES:
                found += _table_values(node)
                tables |= {a.id for a in node.args if isinstance(a, ast.Name)}
            elif func.attr in _HOOK_ADDERS and node.args:
                found.append(node.args[0])
        elif isinstance(node, ast.Assign):
            found += [node.value for t in node.targets if isinstance(t, ast.Subscript)
                      and isinstance(t.value, ast.Attribute) and t.value.attr in _HOOK_TABLES]
    found += _named_table_values(every, tables)
    return frozenset(q for f in found if (q := _qualified(f, scope)))


def _table_values(node: ast.expr) -> list[ast.expr]:
    """The values of a mapping written out: `update(k=f)`, `{"k": f}`, `dict(k=f)`."""
    if isinstance(node, ast.Dict):
        return [v for v in node.values]
    if isinstance(node, ast.Call):
        return [k.value for k in node.keywords if k.arg is not None] \
            + [v for a in node.args for v in _table_values(a)]
    return []


def _named_table_values(every: Sequence[ast.AST], names: set[str]) -> list[ast.expr]:
    """The values put in the local tables `names`: `table = {...}`, `table["k"] = f`,
    `table.update(k=f)`."""
    found: list[ast.expr] = []
    if not names:
        return found
    for node in every:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in names:
                    found += _table_values(node.value)
                elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                        and target.value.id in names:
                    found.append(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "update" and isinstance(node.func.value, ast.Name) \
                and node.func.value.id in names:
            found += _table_values(node)
    return found


def _qualified(node: ast.expr, scope: _Scope) -> str:
    """The qualified name of a function named by `node` ('' when it names none)."""
    dotted = _dotted(node)
    return (_named_in(dotted, scope) or "") if dotted is not None else ""


def _named_in(dotted: str, scope: _Scope) -> str | None:
    """The qualified name `dotted` stands for by the module's imports and its own
    functions (None when they do not name it)."""
    head, _, rest = dotted.partition(".")
    if head in scope.aliases:
        return scope.aliases[head] + (f".{rest}" if rest else "")
    if not rest and head in scope.local_functions:
        return f"{scope.module}.{head}"
    return None


# A call that runs a function it is handed with the arguments it is given, by the
# handed function's place: a background task (`background_tasks.add_task(f, url)`),
# an executor, a thread of the event loop's pool
RUNNERS = {"add_task": 0, "submit": 0, "to_thread": 0, "run_in_executor": 1}
QUEUED = "delay"  # a task queue's call of a task function: `fetch.delay(url)`
PARTIALS = frozenset({"partial", "functools.partial"})  # a function bound to arguments


def handed_functions(every: list[ast.AST]) -> frozenset[str]:
    """The names of the functions the module hands to a runner (see RUNNERS) or queues
    (`f.delay(url)`)."""
    return frozenset(_last_name(call.func) for node in every if isinstance(node, ast.Call)
                     for call in handed_call(node))


def _normalized(node: ast.expr, name: str) -> bool:
    """Whether `node` is the name `name`, or methods without arguments called on it
    (`host.strip().lower()`): a list's own elements, made uniform."""
    while isinstance(node, ast.Call) and not node.args and not node.keywords \
            and isinstance(node.func, ast.Attribute):
        node = node.func.value
    return isinstance(node, ast.Name) and node.id == name


def handed_call(call: ast.Call) -> list[ast.Call]:
    """A runner's call (see RUNNERS) as the call it makes of the function it is handed
    (`tasks.submit(deliver, url)` -> `deliver(url)`), at the runner's place."""
    func = call.func
    if _dotted(func) in PARTIALS and call.args:
        handed, args = call.args[0], call.args[1:]  # `partial(check, condition=c)`
    elif not isinstance(func, ast.Attribute):
        return []
    elif func.attr == QUEUED:
        handed, args = func.value, call.args
    elif func.attr in RUNNERS and len(call.args) > RUNNERS[func.attr]:
        at = RUNNERS[func.attr]
        handed, args = call.args[at], call.args[at + 1:]
    else:
        return []
    if not isinstance(handed, ast.Name | ast.Attribute):
        return []
    return [ast.copy_location(ast.Call(func=handed, args=args, keywords=call.keywords), call)]


def _last_name(node: ast.expr) -> str:
    """The last name of a (dotted) name: `fetch` of `tasks.fetch` ('' for others)."""
    return node.id if isinstance(node, ast.Name) else \
        node.attr if isinstance(node, ast.Attribute) else ""


SCALAR_FIELD = "scalar"
_MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel"})


def _model_fields(tree: ast.Module, names: Names) -> tuple[tuple[str, str, str], ...]:
    """The typed fields of the module's pydantic models (see ModuleInfo.model_fields): a
    class based on `BaseModel` (or `SQLModel`), or on a model of the same module."""
    models: set[str] = set()
    out: list[tuple[str, str, str]] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or not any(
                names.class_of(b) in _MODEL_BASES or _dotted(b) in models for b in node.bases):
            continue
        models.add(node.name)
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                kind = SCALAR_FIELD if _is_scalar(item.annotation) or _is_literal_type(
                    item.annotation) else names.class_of(item.annotation)
                if kind:
                    out.append((node.name, item.target.id, kind))
    return tuple(out)


CHECKED_FIELD = "checked:"  # + the check a pydantic validator makes of a field's value
_VALIDATORS = frozenset({"field_validator", "validator"})


def _validated_fields(tree: ast.Module, scope: _Scope) -> list[tuple[str, str, str]]:
    """(class, field, CHECKED_FIELD + check) for each field a validator of a pydantic
    model raises on unless a check passes (`@field_validator("locale")` with `if not
    validate_locale(v): raise ValueError(...)`): the model cannot be made with another
    value. The check: `allow` (`v not in LOCALES`), `regex`, or `predicate:<callee>` for
    the summaries to resolve."""
    out: list[tuple[str, str, str]] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            fields = [a.value for d in item.decorator_list if isinstance(d, ast.Call)
                      and (_dotted(d.func) or "").rsplit(".", 1)[-1] in _VALIDATORS
                      for a in d.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            params = [a.arg for a in (*item.args.posonlyargs, *item.args.args)]
            value = params[1] if len(params) > 1 else ""
            checks = {c for statement in item.body if isinstance(statement, ast.If)
                      and any(isinstance(s, ast.Raise) for s in statement.body)
                      for c in _failed_checks(statement.test, value, scope)}
            out += [(node.name, field, f"{CHECKED_FIELD}{check}")
                    for field in fields for check in sorted(checks)]
    return out


def _failed_checks(test: ast.expr, value: str, scope: _Scope) -> Iterator[str]:
    """The checks of `value` a test that is true when they fail makes: `not P(value)`,
    `value not in CONSTANTS`, `not PATTERN.fullmatch(value)`; each part of an `or`."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        for part in test.values:
            yield from _failed_checks(part, value, scope)
        return
    if isinstance(test, ast.Compare) and len(test.ops) == 1 \
            and isinstance(test.ops[0], ast.NotIn) and isinstance(test.left, ast.Name) \
            and test.left.id == value and _dotted(test.comparators[0]) in scope.constants:
        yield "allow"
        return
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
            and isinstance(call := test.operand, ast.Call)
            and any(isinstance(a, ast.Name) and a.id == value for a in call.args)):
        return
    dotted = _dotted(call.func) or ""
    if dotted.rsplit(".", 1)[-1] in ("fullmatch",):
        yield "regex"
    elif (callee := _named_in(dotted, scope)) is not None:
        yield f"predicate:{callee}"


def _is_literal_type(annotation: ast.expr) -> bool:
    """`Literal["a", "b"]` (also Optional, `| None`): one of those constants."""
    node = unwrapped(annotation)
    return isinstance(node, ast.Subscript) \
        and (_dotted(node.value) or "").rsplit(".", 1)[-1] == "Literal"


def _parser_factories(tree: ast.Module, scope: _Scope, text: str) -> tuple[tuple[str, str], ...]:
    """The module's XML parser factories (see _parsers), looked for in a module naming
    what makes one."""
    if "XMLParser" not in text and "setFeature" not in text:
        return ()
    resolve = _LocalFlow(scope, None, {}).resolve
    return tuple((n.name, kind) for n in tree.body
                 if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                 and (kind := parser_factory(n, resolve)))


MAX_CLASS_LINES = 80  # longer classes are not used as patterns


def _class_sources(tree: ast.Module, lines: list[str]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for node in tree.body:
        end = node.end_lineno or node.lineno
        if isinstance(node, ast.ClassDef) and end - node.lineno < MAX_CLASS_LINES:
            out.append((node.name, "".join(lines[node.lineno - 1 : end]).rstrip()))
    return tuple(out)


def _decorator_routes(tree: ast.Module) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(view, DECORATOR_ROUTE, URL, parameters) of each route decorator of the module's
    functions and methods (URL "" when it is not a literal: such a route gives no
    parameter a kind)."""
    out: list[tuple[str, str, str, tuple[str, ...]]] = []
    for node in tree.body:
        items = node.body if isinstance(node, ast.ClassDef) else [node]
        for item in items:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                params = tuple(a.arg for a in (*item.args.posonlyargs, *item.args.args,
                                               *item.args.kwonlyargs))
                out += [(item.name, DECORATOR_ROUTE, url, params) for url in _route_urls(item)]
    return out


def _registered_routes(nodes: Iterable[ast.AST],
                       ) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(view, router, URL, ()) of the route registrations among `nodes`: a call named as a
    router registers (`path`, `add_get`, `web.get`, ...) with a URL literal and then the
    view as a name (`views.detail`; `View.as_view()` and `include(...)` are not views)."""
    out: list[tuple[str, str, str, tuple[str, ...]]] = []
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        called = _dotted(node.func) or ""
        router = _REGISTRARS.get(called.rsplit(".", 1)[-1])
        args = node.args[1:3] if called.endswith("add_route") else node.args[:2]
        if router is None or len(args) != 2 or not isinstance(args[0], ast.Constant) \
                or not isinstance(args[0].value, str) or "://" in args[0].value:
            continue
        view = _dotted(args[1])
        if view:
            out.append((view.rsplit(".", 1)[-1], router, args[0].value, ()))
    return out


def route_param_kinds(router: str, url: str) -> dict[str, str]:
    """The parameters one route gives its view, each with its kind ("" for one that may
    hold `/` or `..`)."""
    found: dict[str, str] = {}
    if router == DECORATOR_ROUTE:  # Flask's and Bottle's converters, FastAPI's braces
        found.update((name, "") for _, name in _DJANGO_PARAM.findall(url))
        found.update((name, VALUE_PARAM) for name in _TYPED.findall(url))
        found.update((name, VALUE_PARAM) for name in _BOTTLE_TYPED.findall(url))
        found.update((name, "") for name, _ in _AIOHTTP_PARAM.findall(url))
        found.update((name, SEGMENT_PARAM if conv in ("", "str") else VALUE_PARAM)
                     for name, conv in _BRACED.findall(url))
    elif router == DJANGO_ROUTE:
        for conv, name in _DJANGO_PARAM.findall(url):
            found[name] = (VALUE_PARAM if conv in ("int", "uuid") else
                           SEGMENT_PARAM if conv in ("", "str", "slug") else "")
    elif router == DJANGO_REGEX_ROUTE:
        for name, regex in _DJANGO_GROUP.findall(url):
            found[name] = (VALUE_PARAM if regex in _DIGITS else
                           SEGMENT_PARAM if _NO_DOTS_SEGMENT.match(regex) else "")
    else:
        for name, regex in _AIOHTTP_PARAM.findall(url):
            found[name] = (VALUE_PARAM if regex in _DIGITS else
                           SEGMENT_PARAM if not regex else "")
    return found


def agreed_kinds(kinds: Sequence[Mapping[str, str]]) -> list[tuple[str, str]]:
    """The parameters every route of a view gives the same safe way: a value when every
    route converts it, one segment when each route converts it or takes one segment."""
    out: list[tuple[str, str]] = []
    for name in sorted({name for found in kinds for name in found}):
        every = {found.get(name, "") for found in kinds}
        if every == {VALUE_PARAM}:
            out.append((name, VALUE_PARAM))
        elif every <= {VALUE_PARAM, SEGMENT_PARAM}:
            out.append((name, SEGMENT_PARAM))
    return out


def _is_dict(tree: ast.Module, name: str) -> bool:
    """Whether module-level `name` is bound to a dict literal (or comprehension)."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return isinstance(node.value, ast.Dict | ast.DictComp)
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and node.target.id == name):
            return isinstance(node.value, ast.Dict | ast.DictComp)
    return False


def _called(every: list[ast.AST], scope: _Scope) -> frozenset[str]:
    """Every name this module calls: resolved dotted names and plain function names."""
    flow = _LocalFlow(scope, None, {})
    names: set[str] = set()
    for node in every:
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
            resolved = flow.resolve(node.func)
            if resolved is not None:
                names.add(resolved)
    # a property of the module's classes read on an object runs it (`self.fn`)
    properties = {item.name for node in every if isinstance(node, ast.ClassDef)
                  for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                  and _is_property_def(item)}
    if properties:
        names |= {n.attr for n in every if isinstance(n, ast.Attribute)
                  and isinstance(n.ctx, ast.Load) and n.attr in properties}
    return frozenset(names)


def _is_property_def(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any((_dotted(d) or "").rsplit(".", 1)[-1] in ("property", "cached_property")
               for d in node.decorator_list)


@dataclass(frozen=True)
class _Scope:
    module: str
    aliases: dict[str, str]
    constants: set[str]
    local_functions: frozenset[str]
    # module-level names bound once, to a call's result (`SAFE = etree.XMLParser(...)`)
    made: dict[str, ast.Call] = field(default_factory=dict)
    # how the module names classes, and the class of each (class, attribute) of its
    # classes' instances that one class makes (see _receivers)
    names: Names | None = None
    attributes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # (class, attribute) of its classes' instances assigned once, to a call's result
    attribute_made: Mapping[tuple[str, str], ast.Call] = field(default_factory=dict)
    # the methods each of its classes defines in its own body
    methods: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # what the returns of its functions cannot hold, by function (see _returned)
    unreturned: Mapping[str, Unreturned] = field(default_factory=dict)
    # module-level names bound once, to a string literal (`AVATARS = "https://..."`)
    texts: Mapping[str, str] = field(default_factory=dict)
    # its module-level functions returning an object of a class (see _receivers)
    factories: Mapping[str, str] = field(default_factory=dict)
    # session keys its constants stand for (see _state.constant_keys)
    keys: Mapping[str, str] = field(default_factory=dict)
    # (class, method): the attributes of `self` its returns read (`return f"WHERE
    # region = '{self.region}'"`): a call of it on `self` gives them
    returned: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)


def _imports(every: list[ast.AST], module: str, is_package: bool = False) -> dict[str, str]:
    """The qualified name each imported name stands for (`is_package`: the module is a
    package's `__init__`, where `from .reports import X` is the package's own module)."""
    aliases: dict[str, str] = {}
    package = module if is_package else module.rsplit(".", 1)[0] if "." in module else ""
    for node in every:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                aliases[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: max(0, len(package.split(".")) - node.level + 1)]
                base = ".".join(p for p in [*parent, base] if p)
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return aliases


def _constants(tree: ast.Module) -> set[str]:
    """Module-level names bound once to literals (or containers of literals), and
    dispatch tables: containers whose values are the module's classes and functions or
    imported names (`HANDLERS = {"csv": CsvExport}`), so a lookup picks code, not data."""
    counts: dict[str, int] = {}
    literal: set[str] = set()
    code = _code_names(tree)
    derived: list[tuple[str, ast.expr]] = []
    for name, _, value in module_assignments(tree):  # and class attributes, `Class.NAME`
        counts[name] = counts.get(name, 0) + 1
        if _is_literal(value) or _is_table(value, code):
            literal.add(name)
        elif isinstance(value, ast.DictComp | ast.ListComp | ast.SetComp):
            derived.append((name, value))
    # a table made of another (`COMPILED = {k: compile(v, k, "eval") for k, v in
    # FORMULAS.items()}`): what it holds the module made from constants
    literal |= {name for name, value in derived if _of_constants(value, literal | code)}
    return {n for n in literal if counts[n] == 1} - _set_on_instances(tree)


def _set_on_instances(tree: ast.Module) -> set[str]:
    """`Class.name` for each attribute of a class the module sets on any object (`self.sql
    = sql` in a method, `query.sql = text` elsewhere, `setattr(query, "sql", ...)`): the
    class's value of it is a default an instance may replace."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            names.update(t.attr for t in (node.targets if isinstance(node, ast.Assign)
                                          else [node.target]) if isinstance(t, ast.Attribute))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "setattr" and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            names.add(node.args[1].value)
    return {f"{node.name}.{name}" for node in tree.body if isinstance(node, ast.ClassDef)
            for name in names}


def _of_constants(value: ast.expr, known: set[str] | frozenset[str]) -> bool:
    """Whether a comprehension reads nothing but constants (`known`), its own loop
    names, literals and builtins."""
    generators = getattr(value, "generators", [])
    own = {n.id for g in generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
    return all(n.id in own or n.id in known or n.id in _BUILTINS
               for n in ast.walk(value) if isinstance(n, ast.Name))


def _code_names(tree: ast.Module) -> frozenset[str]:
    """Names the module binds to code: its classes and functions, and its imports."""
    names = {n.name for n in tree.body
             if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)}
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    rebound = {t.id for n in tree.body if isinstance(n, ast.Assign)
               for t in n.targets if isinstance(t, ast.Name)}
    return frozenset(names - rebound)


def _is_table(node: ast.expr, code: frozenset[str]) -> bool:
    """A container of literals and names of code (classes, functions, imported names)."""
    def entry(value: ast.expr) -> bool:
        if isinstance(value, ast.Lambda):  # `lambda: export(admin=True)`
            body = value.body
            return isinstance(body, ast.Call) and entry(body.func) and all(
                _is_literal(a) for a in (*body.args, *(k.value for k in body.keywords)))
        root = value
        while isinstance(root, ast.Attribute):
            root = root.value
        return _is_literal(value) or (isinstance(root, ast.Name) and root.id in code)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts) and all(entry(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.values) and all(k is not None and _is_literal(k) for k in node.keys) \
            and all(entry(v) for v in node.values)
    return False


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is None or _is_literal(k) for k in node.keys) and all(
            _is_literal(v) for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in _COLLECTIONS and not node.keywords and len(node.args) <= 1:
        return all(_is_literal(a) for a in node.args)  # `frozenset({".jpg", ".png"})`
    return isinstance(node, ast.JoinedStr) and all(
        isinstance(v, ast.Constant) for v in node.values)


_COLLECTIONS = frozenset({"frozenset", "set", "tuple", "list", "dict"})


def _is_view_class(node: ast.ClassDef) -> bool:
    """Whether a class is a class-based view or a view's mixin by its bases (Django's
    `DetailView`, `LoginRequiredMixin`, DRF's `APIView`, `ModelViewSet`): its
    `self.kwargs` are the URL's keyword arguments (as the pack's source says)."""
    names = [_dotted(b) for b in node.bases]
    return any(n is not None and _VIEW_BASE.search(n) for n in names)


_VIEW_BASE = re.compile(r"(View|ViewSet|Mixin)$")


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str, scope: _Scope,
              cls: str | None, view: bool = False,
              stored: frozenset[str] = frozenset()) -> FunctionFacts:
    """The facts of one function; a method's calls also say where the attributes its
    class's `__init__` sets from a parameter (`stored`) reach, as `self.<attribute>`."""
    args = node.args
    params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if cls is not None and params and params[0] in ("self", "cls"):
        params = params[1:]
    own = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    own |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    nested: list[ast.AST] = []
    nodes = list(_own_nodes(node, nested))
    written = _assignments(nodes)
    assigned = dict(written)
    for name in _reset_to_listed(node.body, nodes, scope) - own:
        assigned[name] = [ast.Constant("")]  # a value of a list of constants from the check on
    attributes = frozenset(f"self.{a}" for a in stored) if "self" in own else frozenset()
    flow = _LocalFlow(scope, cls, assigned, frozenset(own) | attributes, view,
                      frozenset(own & set(assigned)) - _replaced(node.body, own),
                      param_classes(node, scope.names) if scope.names else {},
                      _with_bound(nodes))
    flow.declared = _declared(nodes, scope.names)
    flow.argv_names = _argv_names(nodes)
    state = tuple((attr, flow.kept(value)) for attr, value in state_targets(
        nodes, partial(_qualified, scope=scope), scope.keys) if not flow.is_stored(value))
    keeps = tuple(p for p in params if cls is not None and any(
        p in flow.reaching(v, frozenset()) for v in kept_text(nodes)))
    kwargs = args.kwarg.arg if args.kwarg is not None else ""
    wanted = frozenset(params) | ({kwargs} if kwargs else frozenset())
    guards = _Guards(flow, frozenset(params), written)
    checked = guards.before(node.body) if wanted else []
    within = guards.within(nodes) if wanted else []
    narrowed = _narrowed(node.body, wanted) if wanted else {}
    calls = tuple(_guarded(c, checked, within) for c in (
        flow.param_call(call, (wanted - narrowed.get(id(n), frozenset())) | attributes)
        for n in nodes if isinstance(n, ast.Call) and (wanted or attributes)
        for call in (n, *handed_call(n)))
        if c is not None)
    if any(c.method and c.receiver.isidentifier() for c in calls):
        on = _methods_on_names(nodes)
        calls = tuple(replace(c, receiver_methods=on.get(c.receiver, ())) if c.method
                      else c for c in calls)
    scalars = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
               if _is_scalar(a.annotation)}
    yielded = _yielded(nodes)
    exits = yielded or [r for r in nodes if isinstance(r, ast.Return)]
    text_returned = any(p in params and p not in scalars
                        for r in exits if r.value is not None
                        for p in flow.reaching(r.value, frozenset()))
    if yielded:
        # a generator's caller gets what it yields: its flows, nothing of its checks
        returns = tuple(fact for r in yielded for fact in flow.facts(r.value, ()))
        return FunctionFacts(qualname, len(params), returns, tuple(params), calls,
                             text_returned=text_returned, keeps=keeps, state=state)
    tests = _return_tests(node.body)
    returns = tuple(_checked_before(fact, r, flow, node.body, written)
                    for r in exits for fact in flow.facts(r.value, tests.get(id(r), ())))
    context = tuple(sorted({(p, key) for r in exits
                            for key, value in _dict_items(r.value)
                            for p in _parameters(flow.reaching(value, frozenset()))
                            if p in params}))
    if qualname.endswith(".__init__"):
        # a class FastAPI makes as a dependency (`Depends(Filters)`) of the request's
        # parameters: one taking text gives the request's text to its object
        defaults = _defaults(args)
        text_returned = any(p not in scalars and _depended(defaults.get(p)) is None
                            for p in params)
    fallbacks = frozenset(p for p, d in _defaults(args).items() if _is_literal(d))
    guard, checks, returned = guards.of(nodes, fallbacks)
    # only a function returning some parameters and not others has any to tell
    unreturned: tuple[str, ...] = ()
    conditional: tuple[tuple[str, tuple[Condition, ...]], ...] = ()
    if not nested and returns and len(params) >= 2:
        scalar = _scalar_params((*args.posonlyargs, *args.args, *args.kwonlyargs))
        unreturned = unreturned_params(nodes, params, scope.unreturned, scalar)
        conditional = conditional_unreturned(
            nodes, params, scope.unreturned, scalar, _imported_calls(nodes, scope),
            [p for p in params if p not in unreturned])
    return FunctionFacts(qualname, len(params), returns, tuple(params), calls, "", guard,
                         checks, returned, unreturned, conditional, kwargs, context,
                         text_returned, keeps, state)


# programs that run what their arguments say (`sh -c script`, `env cmd`, `ssh host cmd`,
# `pip install <package>`), by name without a path, a version or `.exe`
_RUNS_ARGUMENTS = frozenset({
    "sh", "bash", "zsh", "dash", "ksh", "csh", "tcsh", "fish", "cmd", "powershell", "pwsh",
    "python", "pypy", "perl", "ruby", "node", "deno", "bun", "php", "lua", "tclsh", "wish",
    "env", "sudo", "su", "doas", "xargs", "ssh", "nohup", "timeout", "nice", "watch",
    "docker", "podman", "kubectl", "busybox", "awk", "gawk", "find", "git", "make",
    "pip", "pipx", "uv", "npm", "npx", "yarn", "gem", "bundle",
})
_PROGRAM_NAME = re.compile(r"^(.*?)[\d.\-]*(?:\.exe)?$")


def _argv_display(node: ast.expr) -> bool:
    """A list display with a literal program in front (`["tar", "-czf", out]`) that does
    not run what its arguments say (`["sh", "-c", script]`, `["python3.12", "-c", code]`,
    `["ssh", host, cmd]`)."""
    first = node.elts[0] if isinstance(node, ast.List) and node.elts else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return False
    base = first.value.replace("\\", "/").rsplit("/", 1)[-1].lower()
    match = _PROGRAM_NAME.match(base)
    return bool(base) and (match.group(1) if match else base) not in _RUNS_ARGUMENTS


def _argv_names(nodes: Sequence[ast.AST]) -> frozenset[str]:
    """The local names every binding of which is an argument list with a constant
    program in front (see `_argv_display`), filled afterwards only at its end (`append`,
    `extend`, `+=`): not one the code also binds otherwise (a loop, `with ... as`), nor
    one an item of which it may replace or put in front (`insert`, `name[i] = ...`,
    `reverse`, `sort`)."""
    bound: dict[str, list[ast.expr | None]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        bound.setdefault(name.id, []).append(
                            node.value if target is name else None)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.withitem | ast.NamedExpr
                        | ast.comprehension):
            other = node.optional_vars if isinstance(node, ast.withitem) else node.target
            for name in ast.walk(other) if other is not None else ():
                if isinstance(name, ast.Name):
                    bound.setdefault(name.id, []).append(None)
    changed = {n.func.value.id for n in nodes if isinstance(n, ast.Call)
               and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
               and n.func.attr in ("insert", "reverse", "sort")}
    changed |= {t.value.id for n in nodes if isinstance(n, ast.Assign | ast.AugAssign)
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)}
    return frozenset(name for name, values in bound.items() if name not in changed
                     and all(v is not None and _argv_display(v) for v in values))


def _yielded(nodes: Sequence[ast.AST]) -> list[ast.Return]:
    """A generator's yields as the returns of what iterating it gives (`yield from
    parts(x)` gives the elements of `parts(x)`; a bare `yield`, None); no return for a
    function that yields nothing."""
    found = [n for n in nodes if isinstance(n, ast.Yield | ast.YieldFrom)]
    return [ast.copy_location(ast.Return(value=n.value if n.value is not None
                                         else ast.Constant(None)), n) for n in found]


KIND_CHECK = "kind:"
"""The prefix of ReturnFact.checked for a check the function makes inline (`if
os.path.commonpath([candidate, ROOT]) != ROOT: raise Http404`): its kind follows."""


def _checked_before(fact: ReturnFact, returned: ast.Return, flow: _LocalFlow,
                    body: list[ast.stmt], written: Mapping[str, list[ast.expr]]) -> ReturnFact:
    """A source fact of `return <name>` with the checks of that name the function's own
    statements make before it and leave on when they fail (see `_Guards.before`)."""
    value = returned.value
    if fact.kind != "source" or not isinstance(value, ast.Name):
        return fact
    found = [check for end, _, check in _Guards(flow, frozenset({value.id}), written, True)
             .before(body) if end < returned.lineno]
    extra = {KIND_CHECK + c if ":" not in c else c.partition(":")[2] for c in found
             if ":" not in c or c.startswith("predicate:")}
    return replace(fact, checked=tuple(sorted({*fact.checked, *extra}))) if extra else fact


_SESSION_NAMES = re.compile(r"^(?:.*\.)?(?:session|db_session|dbsession|db)$")


def _session_get(call: ast.Call) -> bool:
    """`session.get(Model, key)` (SQLAlchemy's, of a name ending in `session` or `db`): a
    row by its key; not a dict's `get(key, default)`, whose first argument is no class."""
    func = call.func
    owner = _dotted(func.value) if isinstance(func, ast.Attribute) else None
    first = call.args[0] if call.args else None
    return owner is not None and _SESSION_NAMES.match(owner) is not None \
        and isinstance(first, ast.Name) and first.id[:1].isupper()


def _dot_led(node: ast.expr) -> bool:
    """A suffix that starts at a domain's boundary: a literal led by a dot, `"." + name`,
    `f".{name}"`, or a tuple of such."""
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_dot_led(e) for e in node.elts)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.startswith(".")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _dot_led(node.left)
    if isinstance(node, ast.JoinedStr) and node.values:
        return _dot_led(node.values[0])
    return False


def _top_alternation(text: str) -> bool:
    """Whether a regular expression has a `|` outside any group (`^a|b$` anchors each
    branch at one end only)."""
    depth, escaped, in_class = 0, False, False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return True
    return False


def _dict_items(value: ast.expr | None) -> Iterator[tuple[str, ast.expr]]:
    """(key, value) of a dict literal's entries with a name for a key (`{"note": note}`,
    `dict(note=note)`)."""
    if isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) \
                    and key.value.isidentifier():
                yield key.value, item
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
            and value.func.id == "dict" and not value.args:
        yield from ((k.arg, k.value) for k in value.keywords if k.arg is not None)


def _imported_calls(nodes: Sequence[ast.AST], scope: _Scope) -> dict[str, str]:
    """The callees of the function's calls that name another module's function through
    an import (`package_export`, `services.export_attendance`), as written, each with
    its qualified name."""
    out: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Call):
            written = written_name(node.func)
            head = written.partition(".")[0]
            if written and head in scope.aliases and written not in out:
                qualified = _named_in(written, scope)
                if qualified and not qualified.startswith(f"{scope.module}."):
                    out[written] = qualified
    return out


def _module_unreturned(tree: ast.Module, every: Sequence[ast.AST]) -> dict[str, Unreturned]:
    """What the return of each module-level function the module calls by name cannot
    hold (see _returned; `every`, the module's nodes): a function defining others, or a
    generator, is left out."""
    called = {n.func.id for n in every
              if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    functions: dict[str, Read] = {}
    positional: dict[str, int] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                or node.name not in called:
            continue
        nested: list[ast.AST] = []
        nodes = list(_own_nodes(node, nested))
        if nested or any(isinstance(n, ast.Yield | ast.YieldFrom) for n in nodes):
            continue
        args = node.args
        arguments = (*args.posonlyargs, *args.args, *args.kwonlyargs)
        functions[node.name] = (nodes, [a.arg for a in arguments], _scalar_params(arguments))
        positional[node.name] = len(args.posonlyargs) + len(args.args)
    return module_unreturned(functions, positional)


def _scalar_params(arguments: Iterable[ast.arg]) -> frozenset[str]:
    """The parameters annotated as strings or numbers (see _returned)."""
    return frozenset(a.arg for a in arguments if scalar_annotation(a.annotation))


_CONTAINMENT = frozenset({"is_relative_to", "startswith", "commonpath"})
# what makes a path its own: `..` resolved (os.path.join keeps it; `startswith`,
# `is_relative_to` and `commonpath` compare the text as it is)
_NORMALIZING = frozenset({"realpath", "abspath", "normpath", "resolve"})
_HOST_PARTS = frozenset({"netloc", "hostname", "host"})
# what an `ipaddress` address says of itself: a check of where a resolved host points
_ADDRESS_PARTS = frozenset({"is_global", "is_private", "is_loopback", "is_link_local",
                            "is_reserved", "is_multicast", "is_unspecified"})
_REGEX = frozenset({"fullmatch"})
_SAME_VALUE = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip"})
_EXIT_CALLS = frozenset({"abort", "flask.abort"})


def _guarded(call: ParamCall, checked: list[tuple[int, str, str]],
             within: Sequence[tuple[int, int, str, str]] = ()) -> ParamCall:
    """`call` with the checks made before its line, and those of the `if` blocks it is
    in (see `ParamCall.guarded`)."""
    found = {(param, kind) for line, param, kind in checked if line < call.line}
    found |= {(param, kind) for first, last, param, kind in within
              if first <= call.line <= last}
    return replace(call, guarded=tuple(sorted(found | set(call.guarded)))) if found else call


class _Guards:
    """How a function checks its parameters' values (see `FunctionFacts.guard`)."""

    def __init__(self, flow: _LocalFlow, params: frozenset[str],
                 written: Mapping[str, list[ast.expr]] | None = None,
                 local: bool = False) -> None:
        self.flow = flow
        self.params = params
        # the checked names are local names, followed to what they were assigned
        self.local = local
        # what the code assigns each local name (a checked name the flow takes for a
        # listed value still names what it was read from: `host = urlparse(url).hostname`)
        self.written = flow.assigned if written is None else written

    def of(self, nodes: list[ast.AST], fallbacks: frozenset[str] = frozenset(),
           ) -> tuple[str, tuple[str, ...], bool]:
        """(`guard`, `checks`, `guard_returns`) of a function body's nodes; `fallbacks`,
        the parameters with a literal default (`default="/"`)."""
        if not self.params:
            return "", (), False
        returns = [n.value for n in nodes if isinstance(n, ast.Return)]
        kinds = [self.all_checks(v) if v is not None else set[str]() for v in returns]
        if returns and all(k or _is_bool(v) for k, v in zip(kinds, returns, strict=True)):
            found = set().union(*kinds)
            if found:
                return "predicate", tuple(sorted(found)), False
        if returns and all(_is_boolean(v) for v in returns):
            # a predicate answering no early (`if parsed.netloc: return False`): its
            # caller goes on unless it tests the answer, so it is no guard that leaves
            found = set().union(*kinds, *(self._answered_no(n) for n in nodes))
            return ("predicate", tuple(sorted(found)), False) if found else ("", (), False)
        exits = set[str]()
        tested = set[str]()
        for node in nodes:
            if isinstance(node, ast.If) and any(_exits(b) for b in node.body):
                exits |= self.all_checks(node.test, negated=True)
                tested |= self.named(node.test)
        # a check of some arguments clears none of those no exit tests (`if op not in
        # OPERATORS: raise` in `build_condition(metric, op, threshold)`); the request
        # object a helper reads its value from is no value of its own, and a fallback
        # with a literal default (`safe_next(request, default="/")`) is not told apart
        if not exits or self.params - tested - REQUEST_NAMES - fallbacks:
            return "", (), False
        returned = any(v is not None and self.mentions(v) for v in returns)
        return "raise", tuple(sorted(exits)), returned

    def _answered_no(self, node: ast.AST) -> set[str]:
        """The checks an `if` makes whose failing branch returns False (a URL's parts
        only where they are held against a list of hosts, as in `before`)."""
        if not (isinstance(node, ast.If) and node.body and isinstance(node.body[-1], ast.Return)
                and isinstance(node.body[-1].value, ast.Constant)
                and node.body[-1].value.value is False):
            return set()
        found = self.all_checks(node.test, negated=True)
        return found if "url" not in found or self._host_listed(node.test) else found - {"url"}

    def before(self, body: list[ast.stmt]) -> list[tuple[int, str, str]]:
        """(last line, parameter, check) of the checks the function's own statements
        (not those inside a branch or a loop) make and leave on when they fail."""
        out: list[tuple[int, str, str]] = []
        for statement in body:
            end = statement.end_lineno or statement.lineno
            replaced = self._set_anew(statement) if isinstance(statement, ast.If) else set()
            if isinstance(statement, ast.If) and (any(_exits(b) for b in statement.body)
                                                  or replaced):
                kind = self.check(statement.test)
                test = statement.test
                if kind == "allow" and not self._is_param_in(test):
                    kind = None  # `ext(name) in ALLOWED` allows a kind of file, not a name
                if kind == "url" and not self._host_listed(test):
                    kind = None  # a scheme, or that a host is there, is no host check
                if kind is None and isinstance(test, ast.UnaryOp) \
                        and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call):
                    kind, test = self._called("predicate", test.operand), test.operand
                if kind is not None:
                    out += [(end, p, kind) for p in sorted(replaced or self.named(test))]
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                kind = self._called("raise", statement.value)
                if kind is not None:  # `ensure_within(BASE, path)`: raises when it fails
                    out += [(end, p, kind) for p in sorted(self.named(statement.value))]
        return out

    def within(self, nodes: list[ast.AST]) -> list[tuple[int, int, str, str]]:
        """(first line, last line, parameter, check) of each `if` block that runs only
        when a check of a parameter passes (`if is_safe_url(target): return
        redirect(target)`, `if host in HOSTS:`), as `before` reads a check."""
        out: list[tuple[int, int, str, str]] = []
        for node in nodes:
            if not isinstance(node, ast.If) or not node.body:
                continue
            test = node.test
            kind = self.check(test) if not isinstance(test, ast.UnaryOp) else None
            if kind == "allow" and not self._is_param_in(test):
                kind = None
            if kind == "url" and not self._host_listed(test, True):
                kind = None
            if kind is None and isinstance(test, ast.Call):
                kind = self._called("predicate", test)
            if kind is not None:
                first, last = node.body[0].lineno, node.body[-1].end_lineno or node.lineno
                out += [(first, last, p, kind) for p in sorted(self.named(test))]
        return out

    def _set_anew(self, statement: ast.If) -> set[str]:
        """The parameters a check's failing branch sets anew when that is all it does
        (`if not is_safe(target): target = fallback`): after it, their values on the way
        in are the checked ones (what they are set to flows on as itself)."""
        assigned: set[str] = set()
        for line in statement.body:
            if not isinstance(line, ast.Assign):
                return set()
            assigned |= {t.id for t in line.targets if isinstance(t, ast.Name)}
        return self.named(statement.test) & assigned

    def _host_listed(self, test: ast.expr, negated: bool = False) -> bool:
        """The test of an `if` that leaves is true unless the host is one of a list:
        `urlparse(url).hostname not in HOSTS`, `... != HOST`, `not (host in HOSTS)`, the
        host also through a local name (`host = urlparse(url).hostname`), the list of
        constants or settings (`settings.ALLOWED_HOSTS`); in an `or`, any part. A list
        the host leaves on when it is in (`if host in BLOCKED: raise`) allows the rest."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self._host_listed(test.operand, not negated)
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And if negated else ast.Or):
            return any(self._host_listed(v, negated) for v in test.values)
        if isinstance(test, ast.Call) and negated:
            # `if not url_has_allowed_host_and_scheme(url, allowed_hosts=...)`
            return (_dotted(test.func) or "").rsplit(".", 1)[-1] == \
                "url_has_allowed_host_and_scheme"
        allowing = (ast.In, ast.Eq) if negated else (ast.NotIn, ast.NotEq)
        return isinstance(test, ast.Compare) and self._host_of(test.left) \
            and all(isinstance(op, allowing) for op in test.ops) \
            and all(self.flow.is_const(c) or _CONSTANT_NAME.match(_dotted(c) or "")
                    or self._given_list(c) for c in test.comparators)

    def _given_list(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        """A list of hosts the caller or the object gives (`hosts`, `self.allowed`,
        `frozenset(allowed_hosts)`, `{h.lower() for h in hosts}`): the caller's policy,
        no value of the request."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in _COLLECTIONS and len(node.args) == 1:
            node = node.args[0]
        if isinstance(node, ast.SetComp | ast.ListComp | ast.GeneratorExp) \
                and len(node.generators) == 1:
            loop = node.generators[0]
            return isinstance(loop.target, ast.Name) \
                and _normalized(node.elt, loop.target.id) and self._given_list(loop.iter, seen)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.value.id in ("self", "cls")
        if isinstance(node, ast.Name) and node.id not in self.params \
                and node.id not in seen and self.written.get(node.id):
            # a local name made of one: `hosts = {h.lower() for h in allowed_hosts}`
            return all(self._given_list(v, seen | {node.id}) for v in self.written[node.id])
        return isinstance(node, ast.Name) and node.id in self.params \
            and node.id not in REQUEST_NAMES and node.id not in self.written

    def _host_of(self, node: ast.expr) -> bool:
        """Whether `node` is a URL's host: it reads one (`.hostname`, `.netloc`), or is a
        local name every assignment of which does."""
        if isinstance(node, ast.Name) and node.id in self.written \
                and node.id not in self.params:
            return all(self._host_of(v) for v in self.written[node.id])
        return any(isinstance(n, ast.Attribute) and n.attr in _HOST_PARTS for n in _walk(node))

    def _is_param_in(self, test: ast.expr) -> bool:
        """`name in ALLOWED` or `name not in ALLOWED` of a parameter itself."""
        return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
            and test.left.id in self.params

    def _called(self, form: str, call: ast.Call) -> str | None:
        callee = self.flow.resolve(call.func)
        return f"{form}:{callee}" if callee and "." in callee else None

    def all_checks(self, test: ast.expr, negated: bool = False) -> set[str]:
        """Every kind of check a condition makes when it holds (`negated`: when it does
        not, as the test of an `if` that leaves): each part of an `and` that holds (of an
        `or` that does not, `if not a or not b: raise`) is made."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self.all_checks(test.operand, not negated)
        joined = ast.Or if negated else ast.And
        if isinstance(test, ast.BoolOp) and isinstance(test.op, joined):
            return set().union(*(self.all_checks(v, negated) for v in test.values))
        kind = self.check(test)
        return {kind} if kind else set()

    def check(self, test: ast.expr) -> str | None:
        """The kind of check a condition makes on a parameter's value, if any."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self.check(test.operand)
        if isinstance(test, ast.BoolOp):
            kinds = [self.check(v) for v in test.values]
            return next((k for k in kinds if k), None)
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) \
                and test.func.id == "bool" and len(test.args) == 1:
            return self.check(test.args[0])  # `bool(PATTERN.fullmatch(value))`
        if isinstance(test, ast.Compare) and len(test.ops) == 1 \
                and isinstance(test.ops[0], ast.Is | ast.IsNot) \
                and isinstance(test.comparators[0], ast.Constant) \
                and test.comparators[0].value is None:
            return self.check(test.left)  # `PATTERN.fullmatch(value) is not None`
        if isinstance(test, ast.Attribute) and test.attr in _HOST_PARTS and self.mentions(test):
            return "url"  # `not urlparse(target).netloc`: no host of its own
        if isinstance(test, ast.Attribute) and test.attr in _ADDRESS_PARTS \
                and self.mentions(test):
            return "url"  # `ipaddress.ip_address(host).is_global`
        if isinstance(test, ast.Compare) and len(test.ops) == 1 \
                and isinstance(test.ops[0], ast.Eq | ast.NotEq) \
                and isinstance(test.left, ast.Call) \
                and (_dotted(test.left.func) or "").rsplit(".", 1)[-1] == "commonpath":
            return self.check(test.left)  # `commonpath([root, p]) != root`
        if isinstance(test, ast.Compare) and len(test.ops) == 1 \
                and isinstance(test.ops[0], ast.In | ast.NotIn) \
                and isinstance(parents := test.comparators[0], ast.Attribute) \
                and parents.attr == "parents" and self.mentions(parents):
            # `base not in target.parents` of a resolved target
            return "contain" if self._normal(parents.value, frozenset()) else None
        if isinstance(test, ast.Compare) and any(
                self.mentions(side) and self._host_of(side)
                for side in (test.left, *test.comparators)):
            # `urlparse(url).hostname not in HOSTS` (through a name too), `ours.netloc ==
            # urlparse(target).netloc`
            return "url"
        if isinstance(test, ast.Compare) and not self.mentions(test.left) \
                and all(isinstance(op, ast.In | ast.NotIn) for op in test.ops) \
                and any(self.mentions(c) for c in test.comparators):
            return PART_CHECK  # `TRUSTED_DOMAIN in url`: text somewhere in the value
        if isinstance(test, ast.Compare) and self.mentions(test.left) \
                and all(isinstance(op, ast.In | ast.NotIn) for op in test.ops) \
                and all(self.flow.is_const(c) for c in test.comparators):
            # `splitext(name)[1] in ALLOWED` allows a kind of file, not a name: a check
            # of a part, which no rule takes to clear the value
            return "allow" if self._whole(test.left, frozenset()) else PART_CHECK
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute | ast.Name):
            name = test.func.attr if isinstance(test.func, ast.Attribute) else test.func.id
            if not self.mentions(test):
                return None
            if name in _CONTAINMENT:
                return "contain" if self._normalized(test) else None
            if name in _REGEX:
                return "regex"
            if name in ("match", "search"):
                return self._regex_check(test, name)
            if name == "url_has_allowed_host_and_scheme":
                return "url"
            if name == "compare_digest":
                return "signed"  # `hmac.compare_digest(expected, sig)` of a derived MAC
            if name in ("all", "any") and len(test.args) == 1 \
                    and isinstance(test.args[0], ast.GeneratorExp | ast.ListComp):
                if any(isinstance(n, ast.Attribute) and n.attr in _ADDRESS_PARTS
                       for n in _walk(test.args[0].elt)):
                    return "url"  # every address the host resolves to is public
                return self.check(test.args[0].elt)  # each item's check
            if name == "endswith" and isinstance(test.func, ast.Attribute) \
                    and self._host_of(test.func.value) and test.args:
                # a host's suffix holds only at a domain's boundary: `.example.com`, not
                # `example.com`, which `evilexample.com` ends with too
                return "url" if _dot_led(test.args[0]) else PART_CHECK
        return None

    def _regex_check(self, test: ast.Call, name: str) -> str | None:
        """`re.match`/`re.search` (or a compiled pattern's) of a pattern the code spells:
        a full match when it is anchored at both ends, else a check of a part (a value
        that starts with a domain name may go on with `; reboot`)."""
        func = test.func
        pattern: ast.expr | None = None
        if isinstance(func, ast.Attribute) and _dotted(func.value) == "re" and test.args:
            pattern = test.args[0]
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            made = self.flow.scope.made.get(func.value.id)
            if made is not None and _dotted(made.func) in ("re.compile", "compile") \
                    and made.args:
                pattern = made.args[0]
        if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str)):
            return None
        text = pattern.value
        start = name == "match" or text.startswith(("^", "\\A"))
        end = text.endswith("\\Z") or (text.endswith("$") and not text.endswith("\\$"))
        return "regex" if start and end and not _top_alternation(text) else PART_CHECK

    def _normalized(self, test: ast.Call) -> bool:
        """Whether the path a containment test compares is normalized: what it checks
        (`p.startswith(BASE)`, `p.is_relative_to(BASE)`, the paths of `commonpath([BASE,
        p])` naming a parameter) is made by `realpath`, `abspath`, `normpath` or
        `.resolve()`, directly or through local names (`os.path.join(BASE, name)` is
        `BASE/../../etc` for `name = "../../etc"`, and starts with BASE)."""
        if isinstance(test.func, ast.Attribute) and test.func.attr != "commonpath":
            checked: list[ast.expr] = [test.func.value]
        else:
            listed = test.args[0] if test.args else None
            checked = [e for e in listed.elts if self.mentions(e)] \
                if isinstance(listed, ast.List | ast.Tuple) else []
        return bool(checked) and all(self._normal(e, frozenset()) for e in checked)

    def _whole(self, node: ast.expr, seen: frozenset[str]) -> bool:
        """Whether `node` is a parameter's whole value (also in another case or without
        surrounding spaces, or through local names), not a part of it (a suffix, an
        item, a slice)."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _SAME_VALUE and not node.args:
            return self._whole(node.func.value, seen)
        if not isinstance(node, ast.Name) or node.id in seen:
            return False
        if node.id in self.params:
            return True
        values = self.written.get(node.id, [])
        return bool(values) and all(self._whole(v, seen | {node.id}) for v in values)

    def _normal(self, node: ast.expr, seen: frozenset[str]) -> bool:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in _NORMALIZING:
                return True
            # `str(p.resolve())`, `os.fspath(...)`: the same text
            return name in ("str", "fspath") and len(node.args) == 1 \
                and self._normal(node.args[0], seen)
        if isinstance(node, ast.Name) and node.id not in seen \
                and node.id in self.written and (self.local or node.id not in self.params):
            values = self.written[node.id]
            return bool(values) and all(self._normal(v, seen | {node.id}) for v in values)
        return False

    def mentions(self, node: ast.AST) -> bool:
        """Whether a parameter's value (or one derived from it) is used in `node`."""
        return bool(self.named(node, first=True))

    def named(self, node: ast.AST, first: bool = False) -> set[str]:
        """The parameters whose value (or one derived from it) is used in `node`; with
        `first`, at most one."""
        todo, seen, found = [node], set[str](), set[str]()
        while todo:
            for child in _walk(todo.pop()):
                if isinstance(child, ast.Name) and child.id not in seen:
                    seen.add(child.id)
                    if child.id in self.params:
                        found.add(child.id)
                        if first:
                            return found
                    todo.extend(self.written.get(child.id, ()))
        return found


def _declared(nodes: list[ast.AST], names: Names | None) -> dict[str, str]:
    """Each local name annotated with a class (`session: ClientSession = ...`), with the
    class's qualified name (one annotation of it; two disagreeing: none)."""
    if names is None:
        return {}
    found: dict[str, set[str]] = {}
    for node in nodes:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, set()).add(names.class_of(node.annotation))
    return {name: next(iter(refs)) for name, refs in found.items()
            if len(refs) == 1 and "" not in refs}


def _methods_on_names(nodes: list[ast.AST]) -> dict[str, tuple[str, ...]]:
    """The methods a function's own code calls on each plain name, but for calls
    switching something off (a last argument literally false: `setFeature(f, False)`
    leaves a parser as it was; a sink block's preparing call switches a feature on)."""
    found: dict[str, set[str]] = {}
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and not (
                    node.args and isinstance(node.args[-1], ast.Constant)
                    and node.args[-1].value in (False, None)):
            found.setdefault(node.func.value.id, set()).add(node.func.attr)
    return {name: tuple(sorted(methods)) for name, methods in found.items()}


def _literal_keywords(call: ast.Call) -> tuple[tuple[str, str], ...]:
    """Each keyword argument with its literal value's repr ('' when not a literal)."""
    return tuple((k.arg, repr(k.value.value) if isinstance(k.value, ast.Constant) else "")
                 for k in call.keywords if k.arg is not None)


def _is_bool(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and isinstance(value.value, bool)


_BOOLEAN_METHODS = re.compile(r"^(startswith|endswith|is\w*|has\w*|match|fullmatch)$")


def _is_boolean(value: ast.expr | None) -> bool:
    """Whether a returned value is an answer yes or no: a bool, a comparison, a `not`, an
    `and`/`or` of such, a call of `bool`/`isinstance` or of a method asking
    (`startswith`, `is_relative_to`, `isdigit`)."""
    if _is_bool(value) or isinstance(value, ast.Compare):
        return True
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    if isinstance(value, ast.BoolOp):
        return all(_is_boolean(v) for v in value.values)
    if isinstance(value, ast.Call):
        func = value.func
        return (isinstance(func, ast.Name) and func.id in ("bool", "isinstance", "all", "any")) \
            or (isinstance(func, ast.Attribute) and _BOOLEAN_METHODS.match(func.attr) is not None)
    return False


def _exits(statement: ast.stmt) -> bool:
    """Whether a statement leaves the function: raise, return, or `abort(...)`."""
    if isinstance(statement, ast.Raise | ast.Return):
        return True
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and _dotted(statement.value.func) in _EXIT_CALLS)


def _child_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.iter_child_nodes` without the load/store markers of names (no fact needs
    them, and they are a fifth of a module's nodes)."""
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    yield item
        elif isinstance(value, ast.AST) and not isinstance(value, ast.expr_context):
            yield value


def _value_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The parts of `node` its value is made of: a conditional expression's value is one
    of its branches (`"DESC" if descending else "ASC"` holds no `descending`), not its
    test; a comprehension's its element (its loop names hold the iterable's items)."""
    if isinstance(node, ast.IfExp):
        yield from (node.body, node.orelse)
    elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        yield node.elt  # of the items, bound to the iterables' (see _assignments)
    elif isinstance(node, ast.DictComp):
        yield from (node.key, node.value)
    elif (kept := _formatted_text(node)) is not None:
        yield from kept
    else:
        yield from _child_nodes(node)


# one `%` conversion: its mapping key, flags, width, precision, length and type
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)")
_NUMBER_TYPES = frozenset("diouxXeEfFgG")


def _formatted_text(node: ast.AST) -> list[ast.expr] | None:
    """For `"<a href='/r/%d'>%s</a>" % (r.id, title)`, the format and the items it gives
    as text (`title`): a number conversion gives digits, nothing of its item's text; None
    for any other node, or a format it cannot tell the items of."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
            and isinstance(node.right, ast.Tuple)):
        return None
    kinds = [m.group(3) for m in _CONVERSION.finditer(node.left.value) if m.group(3) != "%"]
    if any(m.group(1) == "*" or m.group(2) == "*" for m in _CONVERSION.finditer(
            node.left.value)) or len(kinds) != len(node.right.elts):
        return None
    return [node.left, *(e for e, kind in zip(node.right.elts, kinds, strict=True)
                         if kind not in _NUMBER_TYPES)]


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk` (breadth first) over `_child_nodes`."""
    todo = deque([node])
    while todo:
        current = todo.popleft()
        todo.extend(_child_nodes(current))
        yield current


def _own_nodes(node: ast.AST, nested: list[ast.AST] | None = None) -> Iterator[ast.AST]:
    """The nodes of a function body, without nested functions, classes and lambdas
    (those go to `nested` when it is given)."""
    stack = list(_child_nodes(node))
    while stack:
        child = stack.pop()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            if nested is not None:
                nested.append(child)
            continue
        yield child
        stack.extend(_child_nodes(child))


_SCALARS = frozenset({"int", "float", "bool", "complex", "Decimal", "decimal.Decimal",
                      "date", "datetime", "time", "timedelta", "datetime.date",
                      "datetime.datetime", "datetime.time", "datetime.timedelta", "UUID",
                      "uuid.UUID", "UUID1", "UUID3", "UUID4", "UUID5"})


def _narrowed(body: list[ast.stmt], params: frozenset[str]) -> dict[int, frozenset[str]]:
    """For each call in the body of an `if isinstance(p, (int, float, ...)):` (or its
    `elif`), the parameters that test holds to numbers, dates or UUIDs: what such a
    value carries into the call is no text (a parameter assigned in the body is not)."""
    out: dict[int, frozenset[str]] = {}
    for statement in body:
        for node in ast.walk(statement):
            if not isinstance(node, ast.If):
                continue
            held = _scalar_test(node.test) & params
            held -= {n.id for b in node.body for n in ast.walk(b)
                     if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            if held:
                for inner in node.body:
                    for call in ast.walk(inner):
                        if isinstance(call, ast.Call):
                            out[id(call)] = out.get(id(call), frozenset()) | held
    return out


def _scalar_test(test: ast.expr) -> frozenset[str]:
    """The names `isinstance(name, <scalar types>)` holds to numbers, dates or UUIDs."""
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name)
            and test.func.id == "isinstance" and len(test.args) == 2
            and isinstance(test.args[0], ast.Name)):
        return frozenset()
    kinds = test.args[1]
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return frozenset({test.args[0].id}) if names and all(
        (_dotted(k) or "") in _SCALARS for k in names) else frozenset()


def _unpacked(target: ast.expr, value: ast.expr) -> Iterator[tuple[str, ast.expr]]:
    """The names an assignment binds, each with the value it gets: `a, b = x, y` pairs
    them; `payload, sig = raw[:-32], raw[-32:]` too; `a, b = f(x)` gives each all of it."""
    if isinstance(target, ast.Name):
        yield target.id, value
    elif isinstance(target, ast.Tuple | ast.List):
        pairs = isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts) \
            and not any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts))
        for index, element in enumerate(target.elts):
            inner = element.value if isinstance(element, ast.Starred) else element
            given = value.elts[index] if pairs and isinstance(value, ast.Tuple | ast.List) \
                else value
            yield from _unpacked(inner, given)


def _joined(found: Iterable[dict[str, frozenset[str]]], callee: str = "",
            ) -> dict[str, frozenset[str]]:
    """Parameters and the calls on their ways, joined (and `callee` added to each)."""
    out: dict[str, frozenset[str]] = {}
    for one in found:
        for param, via in one.items():
            out[param] = out.get(param, frozenset()) | via
    return {p: v | {callee} for p, v in out.items()} if callee else out


def _replaced(body: list[ast.stmt], params: set[str]) -> frozenset[str]:
    """The parameters the first statement of the body that names them assigns, whatever
    runs (`value = value.strip()`, `page = int(page)`): what they held on the way in is
    read there only, on the right-hand side."""
    out: set[str] = set()
    left = set(params)
    for statement in body:
        named = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)} & left
        target = statement.targets[0] if isinstance(statement, ast.Assign) \
            and len(statement.targets) == 1 else statement.target \
            if isinstance(statement, ast.AnnAssign) and statement.value is not None else None
        if isinstance(target, ast.Name) and target.id in named:
            out.add(target.id)
        left -= named
        if not left:
            break
    return frozenset(out)


def _assignments(nodes: list[ast.AST]) -> dict[str, list[ast.expr]]:
    out: dict[str, list[ast.expr]] = {}
    for child in nodes:
        if isinstance(child, ast.Assign):
            for target in child.targets:
                for name, value in _unpacked(target, child.value):
                    out.setdefault(name, []).append(value)
        elif isinstance(child, ast.AnnAssign | ast.AugAssign) and child.value is not None:
            if isinstance(child.target, ast.Name):
                out.setdefault(child.target.id, []).append(child.value)
        elif isinstance(child, ast.NamedExpr):
            out.setdefault(child.target.id, []).append(child.value)
        elif isinstance(child, ast.For | ast.AsyncFor | ast.comprehension):
            # `for line in body.splitlines()`: each item is of the iterable
            for name, value in _unpacked(child.target, child.iter):
                out.setdefault(name, []).append(value)
        for name, value in _filled(child):
            out.setdefault(name, []).append(value)
    return out


# methods that put their last argument into the list, set or mapping they are called on
_FILLING = frozenset({"append", "extend", "insert", "add", "update", "appendleft",
                      "setdefault"})


RECEIVER = "@"  # the argument key of a method call's receiver (see _receiver_argument)
SPREAD = "**"  # the argument key of a mapping spread into a call's keywords (`**opts`)
# a path object's methods that use the file system: the rules' sinks on the receiver
# (`(BASE / name).read_text()`); a test holds the path rule's list to this one
RECEIVER_SINKS = frozenset({"open", "read_text", "read_bytes", "write_text", "write_bytes",
                            "unlink", "rmdir", "mkdir", "touch", "iterdir", "glob", "rglob",
                            "symlink_to", "chmod"})


def _receiver_argument(call: ast.Call) -> Iterator[tuple[str, ast.expr]]:
    """The receiver of a call of a method the rules take their receiver as a sink of
    (RECEIVER_SINKS), as an argument keyed RECEIVER; of a name or attribute only (a
    module's `os.open(...)` is resolved, never a receiver)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in RECEIVER_SINKS \
            and not isinstance(func.value, ast.Constant):
        yield RECEIVER, func.value


# a date's methods giving its text (digits, separators, month and day names), as the
# rules' value sanitizers read them
_DATE_TEXT = frozenset({"isoformat", "strftime"})


def _date_text(call: ast.Call) -> bool:
    """`value.isoformat()`, `value.strftime("%d %B")`: no text of the value's own (a
    format the caller passes is copied into the result: only literal ones)."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in _DATE_TEXT \
        and all(isinstance(a, ast.Constant) for a in (*call.args,
                                                      *(k.value for k in call.keywords)))


def _return_tests(body: list[ast.stmt],
                  tests: tuple[tuple[ast.expr, bool], ...] = (),
                  ) -> dict[int, tuple[tuple[ast.expr, bool], ...]]:
    """For each `return` of a body (by its id), the `if` tests it is under and whether
    each holds there (not into nested functions or classes)."""
    out: dict[int, tuple[tuple[ast.expr, bool], ...]] = {}
    for statement in body:
        if isinstance(statement, ast.Return):
            out[id(statement)] = tests
        elif isinstance(statement, ast.If):
            out.update(_return_tests(statement.body, (*tests, (statement.test, True))))
            out.update(_return_tests(statement.orelse, (*tests, (statement.test, False))))
        elif isinstance(statement, ast.For | ast.AsyncFor | ast.While | ast.With
                        | ast.AsyncWith | ast.Try):
            for block in ("body", "orelse", "finalbody"):
                out.update(_return_tests(getattr(statement, block, []), tests))
            for handler in getattr(statement, "handlers", []):
                out.update(_return_tests(handler.body, tests))
    return out


def _filled(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """(name, value) for a value put into a local container: `clauses.append(f"a = {a}")`
    (then `" AND ".join(clauses)` holds it), `params["q"] = q`."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call = node.value
        if isinstance(call.func, ast.Attribute) and call.func.attr in _FILLING \
                and isinstance(call.func.value, ast.Name) and call.args:
            yield call.func.value.id, call.args[-1]
    elif isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                yield target.value.id, node.value


def _init_stores(node: ast.ClassDef, scope: _Scope) -> dict[str, tuple[str, int]]:
    """Each attribute the class's `__init__` sets from exactly one of its parameters,
    directly or through local names (`self.formula = formula.strip()`), with that
    parameter and its position (after `self`); an attribute set twice, or from two
    parameters, is none."""
    init = next((i for i in node.body if isinstance(i, ast.FunctionDef)
                 and i.name == "__init__"), None)
    if init is None:
        return _dataclass_fields(node)
    arguments = [*init.args.posonlyargs, *init.args.args][1:]
    params = [a.arg for a in arguments]
    # a number, a UUID or a date carries no text (`recipe_id: UUID4`)
    scalar = {a.arg for a in arguments if _is_scalar(a.annotation)}
    nodes = list(_own_nodes(init))
    flow = _LocalFlow(scope, node.name, _assignments(nodes), frozenset(params))
    found: dict[str, list[set[str]]] = {}
    for child in nodes:
        if isinstance(child, ast.Assign | ast.AnnAssign) and child.value is not None:
            for target in child.targets if isinstance(child, ast.Assign) else [child.target]:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == "self":
                    found.setdefault(target.attr, []).append(
                        flow.reaching(child.value, frozenset()) & set(params))
    out: dict[str, tuple[str, int]] = {}
    for attr, reached in found.items():
        if len(reached) == 1 and len(reached[0]) == 1 and not reached[0] & scalar:
            param = next(iter(reached[0]))
            out[attr] = (param, params.index(param))
    return out


_DATACLASS_DECORATORS = frozenset({"dataclass", "dataclasses.dataclass", "attr.s", "attrs",
                                   "attr.define", "attrs.define", "define", "frozen",
                                   "attr.frozen", "attrs.frozen"})


def _dataclass_fields(node: ast.ClassDef) -> dict[str, tuple[str, int]]:
    """A dataclass's (or an attrs class's) fields as the parameters of the `__init__` it
    is given: each annotated field in order (not a `ClassVar`, not one with
    `field(init=False)`), a number, UUID or date excepted."""
    decorators = {_dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
    if not decorators & _DATACLASS_DECORATORS:
        return {}
    fields = [item for item in node.body if isinstance(item, ast.AnnAssign)
              and isinstance(item.target, ast.Name)
              and "ClassVar" not in ast.unparse(item.annotation)
              and not (isinstance(item.value, ast.Call) and any(
                  k.arg == "init" and isinstance(k.value, ast.Constant) and k.value.value is False
                  for k in item.value.keywords))]
    return {f.target.id: (f.target.id, index) for index, f in enumerate(fields)
            if isinstance(f.target, ast.Name) and not _is_scalar(f.annotation)}


def _is_scalar(annotation: ast.expr | None) -> bool:
    """An annotation naming a number, truth value, UUID or date type (also Optional)."""
    if isinstance(annotation, ast.Subscript) and (_dotted(annotation.value) or "").endswith(
            "Optional"):
        return _is_scalar(annotation.slice)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return all(_is_scalar(side) or (isinstance(side, ast.Constant) and side.value is None)
                   for side in (annotation.left, annotation.right))
    dotted = _dotted(annotation) if annotation is not None else None
    return dotted is not None and (dotted in _SCALARS or dotted.rsplit(".", 1)[-1] in _SCALARS)


def _reset_to_listed(body: list[ast.stmt], nodes: list[ast.AST], scope: _Scope) -> set[str]:
    """Local names a statement of the body checks against a collection of constants
    and sets to a constant when the check fails (`if ext not in IMAGE_EXTENSIONS: ext =
    "jpg"`), or leaves on (`if ext not in ALLOWED: raise ValueError(ext)`), read nowhere
    before that check: from it on, each holds a constant."""
    out: set[str] = set()
    for statement in body:
        if not isinstance(statement, ast.If):
            continue
        test = statement.test
        if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
                and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn)
                and _listed(test.comparators[0], scope)):
            continue
        name = test.left.id
        reset = len(statement.body) == 1 and isinstance(statement.body[0], ast.Assign) \
            and [_dotted(t) for t in statement.body[0].targets] == [name] \
            and isinstance(statement.body[0].value, ast.Constant)
        if (reset or any(_exits(b) for b in statement.body)) \
                and not any(isinstance(n, ast.Name) and n.id == name
                            and isinstance(n.ctx, ast.Load) and n.lineno < statement.lineno
                            for n in nodes):
            out.add(name)
    return out


def _listed(node: ast.expr, scope: _Scope) -> bool:
    """A collection of constants: a literal one, the module's own constant name, or an
    upper-case name of an imported module (`img.IMAGE_EXTENSIONS`); not a local name
    however it is written (`EXTS = request.args.getlist("e")` lists what the request
    says)."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    if isinstance(node, ast.Name):
        return node.id in scope.constants
    dotted = _dotted(node) or ""
    head, _, last = dotted.rpartition(".")
    return head in scope.aliases and last.isupper() and last.isidentifier()


def _with_bound(nodes: list[ast.AST]) -> dict[str, ast.expr]:
    """Names bound once by a `with` statement (`with requests.Session() as session:`),
    each with its context expression: the object a method is then called on is made by
    that call, as far as a sink on a made object goes (its value is not followed: a
    file opened so is no value of its path)."""
    found: dict[str, list[ast.expr]] = {}
    for child in nodes:
        if isinstance(child, ast.withitem) and isinstance(child.optional_vars, ast.Name):
            found.setdefault(child.optional_vars.id, []).append(child.context_expr)
    return {name: values[0] for name, values in found.items() if len(values) == 1}


class _LocalFlow:
    """Flow-insensitive facts about a function's local names."""

    def __init__(self, scope: _Scope, cls: str | None, assigned: dict[str, list[ast.expr]],
                 params: frozenset[str] = frozenset(), view: bool = False,
                 incoming: frozenset[str] = frozenset(),
                 annotated: Mapping[str, str] | None = None,
                 with_bound: Mapping[str, ast.expr] | None = None) -> None:
        self.scope = scope
        self.qualified = partial(_qualified, scope=scope)  # (read for every call)
        self.with_bound = with_bound or {}  # see _with_bound
        self.annotated = annotated or {}  # parameters annotated with a class
        # local names annotated with a class (`session: ClientSession = app["http"]`)
        self.declared: Mapping[str, str] = {}
        self.cls = cls
        self.view = view  # a class-based view's method
        self.assigned = assigned
        self.params = params
        # parameters assigned in the body whose value on the way in may still be read
        # after (`if not sort: sort = "id"`): that value is one of theirs
        self.incoming = incoming
        # local names bound to argument lists only (see `argv_list`)
        self.argv_names: frozenset[str] = frozenset()
        self._memo: dict[tuple[str, str], Any] = {}
        # names whose facts are being computed: a node read meanwhile sees a partial
        # value of theirs, which a later question must not get, so it is not kept
        self._open = 0

    def _named(self, kind: str, name: str, compute: Callable[[], Any]) -> Any:
        """A local name's fact, computed once (a cycle sees the partial result; for a
        parameter assigned again, `value = value.strip()`, what it held on the way in)."""
        key = (kind, name)
        if key not in self._memo:
            self._memo[key] = _param_pending(kind, name) if name in self.params \
                else _PENDING.get(kind)
            self._open += 1
            try:
                self._memo[key] = compute()
            finally:
                self._open -= 1
        return self._memo[key]

    def facts(self, value: ast.expr | None,
              tests: Sequence[tuple[ast.expr, bool]] = ()) -> list[ReturnFact]:
        """The facts of a returned value; a conditional expression has one per branch.
        `tests` are the conditions (and whether each holds) the value is returned under."""
        if isinstance(value, ast.IfExp):
            return [*self.facts(value.body, (*tests, (value.test, True))),
                    *self.facts(value.orelse, (*tests, (value.test, False)))]
        return [self.fact(value, tests)]

    def fact(self, value: ast.expr | None,
             tests: Sequence[tuple[ast.expr, bool]] = ()) -> ReturnFact:
        """The fact of one returned value (a response the framework makes, `redirect(
        request.args["next"])`, is no request data: an object, not text)."""
        if value is None or self.is_const(value):
            return ReturnFact("const")
        if isinstance(value, ast.Call) and self.resolve(value.func) in RESPONSES:
            return ReturnFact("const")
        if self.is_source(value):
            return ReturnFact("source", checked=self._checked(value, tests))
        raw, via = self._flow(value, frozenset())
        checked = self._checked(value, tests) if raw else ()
        elements = () if not isinstance(value, ast.Tuple) or any(
            isinstance(e, ast.Starred) for e in value.elts) else tuple(
            ElementFact(self.is_stored(e), self.callees(e), self.outer(e),
                        self._holds_nothing(e)) for e in value.elts)
        return ReturnFact("flow", self.callees(value), raw, tuple(sorted(via)),
                          self.is_stored(value), elements, checked,
                          fixed_host=raw and self.fixed_host(value, frozenset()),
                          argv=self.argv_list(value))

    def argv_list(self, value: ast.expr) -> bool:
        """Whether `value` is an argument list with a constant program in front: a list
        display whose first item is a literal string, or a local name every assignment
        of which is one and whose first item nothing replaces (`argv.insert(...)`,
        `argv[0] = ...`)."""
        if isinstance(value, ast.List):
            return _argv_display(value)
        return isinstance(value, ast.Name) and value.id in self.argv_names \
            and value.id not in self.incoming

    def _checked(self, value: ast.expr,
                 tests: Sequence[tuple[ast.expr, bool]]) -> tuple[str, ...]:
        """The predicates called on the value's names that pass where it is returned."""
        names = {n.id for n in _walk(value) if isinstance(n, ast.Name)}
        return tuple(sorted({p for test, holds in tests for p in self._passed(test, holds, names)}))

    def kept(self, value: ast.expr) -> ReturnFact:
        """The fact of a value kept on `g` or in the session (see _state): request data
        when it is the request's text itself, read through its own methods (`request.
        args.get("q", "").strip()`); else what the calls whose result it is give (a
        source helper's result is request data; `accounts.authenticate(form.username,
        ...)["id"]`, a row looked up by request data, is not)."""
        if self.direct_source(value):
            return ReturnFact("source")
        fact = self.fact(value)
        if fact.kind != "source":
            return fact
        read = state_read(value, self.qualified, self.scope.keys)
        return ReturnFact("flow", tuple(sorted({*self.outer(value), *([read] if read else [])})))

    def direct_source(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        """Whether `node` is request data as it is, or through its own methods, `str`,
        formatting and joining: no other call's result."""
        if isinstance(node, ast.Attribute):
            return self._request_attr(node) or self.direct_source(node.value, seen)
        if isinstance(node, ast.Subscript | ast.Starred | ast.FormattedValue):
            return self.direct_source(node.value, seen)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                return self.direct_source(func.value, seen) or (
                    func.attr in ("join", "format") and any(
                        self.direct_source(a, seen) for a in node.args))
            return isinstance(func, ast.Name) and func.id == "str" and any(
                self.direct_source(a, seen) for a in node.args)
        if isinstance(node, ast.Name):
            return node.id in self.assigned and node.id not in seen and any(
                self.direct_source(v, seen | {node.id}) for v in self.assigned[node.id])
        if isinstance(node, ast.BinOp | ast.JoinedStr | ast.IfExp | ast.BoolOp):
            return any(self.direct_source(c, seen) for c in ast.iter_child_nodes(node)
                       if isinstance(c, ast.expr))
        return False

    def _flow(self, node: ast.AST, seen: frozenset[str]) -> tuple[bool, set[str]]:
        """Whether parameters reach `node` directly, and the calls they pass through."""
        if isinstance(node, ast.expr) and self.is_const(node, seen):
            return False, set()
        if isinstance(node, ast.Name):
            return self._name_flow(node.id, seen)
        escaped = _html_replace_chain(node)
        if escaped is not None:  # the project's own escaping: as html.escape does
            raw, via = self._flow(escaped, seen)
            return False, ({HTML_ESCAPE} if raw or via else set())
        filled = self._markup_filled(node)
        if filled is not None:  # `Markup("<b>{}</b>").format(x)` escapes what it fills in
            raw, via = self._children_flow(node, seen, filled)
            return False, ({HTML_ESCAPE} if raw or via else set())
        if isinstance(node, ast.Call):
            if self._fetched(node) or self._opened(node) or _date_text(node):
                return False, set()
            callee = self.call_target(node.func)
            if callee is not None and callee not in _TRANSPARENT and callee not in _CARRIERS:
                raw, via = self._children_flow(node, seen, self.carried(node))
                return False, ({callee} if raw or via else set())
        return self._children_flow(node, seen)

    def _markup_filled(self, node: ast.AST) -> list[ast.AST] | None:
        """What `Markup("<b>{}</b>").format(...)` or `Markup("<b>%s</b>") % ...` fills
        into markup of a literal (markupsafe escapes each value it fills in); None for
        any other node."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "format" and self._literal_markup(node.func.value):
            return [*node.args, *(k.value for k in node.keywords)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) \
                and self._literal_markup(node.left):
            return [node.right]
        return None

    def _literal_markup(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
            and _is_literal(node.args[0]) and self.resolve(node.func) in _MARKUP_CLASSES

    def carried(self, call: ast.Call) -> list[ast.AST] | None:
        """The parts of a call of a function of this module its result can hold (its
        arguments but those its return cannot hold: see _returned); None for a call of
        anything else."""
        func = call.func
        if not isinstance(func, ast.Name) or func.id in self.assigned \
                or func.id not in self.scope.unreturned \
                or self.resolve(func) != f"{self.scope.module}.{func.id}":
            return None
        return [func, *carried_arguments(call, self.scope.unreturned[func.id])]

    def _children_flow(self, node: ast.AST, seen: frozenset[str],
                       children: list[ast.AST] | None = None) -> tuple[bool, set[str]]:
        raw, via = False, set[str]()
        for child in _value_nodes(node) if children is None else children:
            child_raw, child_via = self._flow(child, seen)
            raw, via = raw or child_raw, via | child_via
        return raw, via

    def param_call(self, call: ast.Call, params: frozenset[str]) -> ParamCall | None:
        """The call, if one of `params` reaches one of its arguments."""
        reached: list[tuple[str, tuple[str, ...]]] = []
        fixed: list[str] = []
        built: list[str] = []
        passed: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
        for key, arg in (*self._arguments(call), *_receiver_argument(call)):
            names = self.reaching(arg, frozenset()) & params
            if names:
                reached.append((key, tuple(sorted(names))))
            through = {p: via for p, via in self.passing(arg).items()
                       if p in params and p not in names}
            for via in sorted(set(through.values())):
                passed.append((key, tuple(sorted(p for p, v in through.items() if v == via)),
                               tuple(sorted(via))))
            if names or through:
                if self.fixed_host(arg, frozenset()):
                    fixed.append(key)
                if self.query_builder(arg, frozenset()):
                    built.append(key)
        if not reached and not passed:
            return None
        method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        receiver = (_dotted(call.func.value) or "") if isinstance(call.func, ast.Attribute) else ""
        callee = self.resolve(call.func) or self._own_class(call.func)
        if receiver in ("self", "cls") and callee and self.cls is not None \
                and method in self.scope.methods.get(self.cls, frozenset()):
            method = ""  # a method of this very class, not a library object's method
        literals = (*_literal_keywords(call), *self._named_args(call))
        of = self._receiver_class(call.func.value) \
            if isinstance(call.func, ast.Attribute) and not callee else ""
        chosen = tuple(sorted({g for _, arg in self._arguments(call)
                               for g in self._chosen_if_checked(arg, params)}))
        return ParamCall(callee, method, tuple(reached), literals, receiver, tuple(fixed),
                         tuple(built), call.lineno, chosen, self._made(call), (),
                         self._receiver_made(call), tuple(passed),
                         f"{of}.{method}" if of else "", self._fields(call))

    def _fields(self, call: ast.Call) -> tuple[tuple[str, str, str], ...]:
        """The call's arguments that annotated parameters reach only through their fields
        (`open(f"/srv/{config.locale}.json")`, also through local names), with each of
        those fields (see ParamCall.fields)."""
        out: list[tuple[str, str, str]] = []
        for key, arg in self._arguments(call):
            read = self._field_reads(arg, frozenset())
            out += [(key, cls, name) for cls, name in sorted(read or ())]
        return tuple(out)

    def _field_reads(self, node: ast.AST, seen: frozenset[str]) -> set[tuple[str, str]] | None:
        """The (class, field) pairs of annotated parameters `node` reads; None when a
        parameter reaches it otherwise (whole, or not annotated)."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in self.annotated and node.value.id not in self.assigned:
            return {(self.annotated[node.value.id], node.attr)}
        if isinstance(node, ast.Name):
            if node.id in self.params:
                return None
            if node.id in self.assigned and node.id not in seen:
                return self._joined_reads(self.assigned[node.id], seen | {node.id})
            return set()
        return self._joined_reads(list(ast.iter_child_nodes(node)), seen)

    def _joined_reads(self, nodes: Sequence[ast.AST],
                      seen: frozenset[str]) -> set[tuple[str, str]] | None:
        found: set[tuple[str, str]] = set()
        for child in nodes:
            read = self._field_reads(child, seen)
            if read is None:
                return None
            found |= read
        return found

    def _chosen_if_checked(self, arg: ast.expr,
                           params: frozenset[str]) -> Iterator[tuple[str, str]]:
        """(parameter, `predicate:<callee>`) for each conditional expression of `arg`
        choosing a parameter only when a project predicate holds for it (`target if
        is_local_url(target) else fallback`, `"/" if not ok(t) else t`): the check is
        resolved with the summaries (see ParamCall.guarded)."""
        for node in _walk(arg):
            if not isinstance(node, ast.IfExp):
                continue
            test, chosen = node.test, node.body
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, chosen = test.operand, node.orelse
            if isinstance(chosen, ast.Name) and chosen.id in params \
                    and isinstance(test, ast.Call) and any(
                        isinstance(a, ast.Name) and a.id == chosen.id for a in test.args):
                kind = f"predicate:{callee}" if (callee := self.resolve(test.func)) else None
                if kind is not None and "." in kind.removeprefix("predicate:"):
                    yield chosen.id, kind

    def _own_class(self, func: ast.expr) -> str:
        """`Cell` of a class this module defines, as a call names it: its qualified name
        ('' for anything else)."""
        names = self.scope.names
        return f"{self.scope.module}.{func.id}" if names is not None \
            and isinstance(func, ast.Name) and func.id in names.classes else ""

    def _holds_nothing(self, node: ast.expr) -> bool:
        """Whether no parameter or request data reaches `node` (the calls it depends on,
        its `callees`, are for the summaries to clear: a source helper's result is
        request data)."""
        if self.is_const(node):
            return True
        raw, via = self._flow(node, frozenset())
        return not raw and not via and not self.is_source(node)

    def _passed(self, test: ast.expr, holds: bool, names: set[str]) -> Iterator[str]:
        """The predicates called on one of `names` that pass when `test` holds (or,
        `holds` False, when it does not): `is_safe(t)`, each side of an `and` (of a
        negated `or`)."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            yield from self._passed(test.operand, not holds, names)
        elif isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And if holds else ast.Or):
            for value in test.values:
                yield from self._passed(value, holds, names)
        elif holds and isinstance(test, ast.Call) and any(
                isinstance(a, ast.Name) and a.id in names for a in test.args):
            called = self.call_target(test.func) or _dotted(test.func)
            if called:
                yield called

    def call_target(self, func: ast.expr) -> str | None:
        """What a call calls, resolved: a name the module can tell (see `resolve`), or
        `Class.method` for a method called on an object the code says the class of
        (`self.repo.create(...)` with `self.repo = repo` of a parameter annotated
        `repo: ShipmentRepository`): the summaries say what its result carries."""
        callee = self.resolve(func)
        if callee is not None or not isinstance(func, ast.Attribute):
            return callee
        of = self._receiver_class(func.value)
        # (a class by its name: `response = requests.get(url)` names a function)
        return f"{of}.{func.attr}" if of.rpartition(".")[2][:1].isupper() else None

    def _receiver_class(self, receiver: ast.expr) -> str:
        """The class the receiver of a method call is of, when the code says (see
        _receivers): an attribute of `self`, an annotated parameter, a local name bound
        once to a call of the class."""
        if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) \
                and receiver.value.id == "self" and self.cls is not None:
            return self.scope.attributes.get((self.cls, receiver.attr), "")
        if isinstance(receiver, ast.Call):  # `_repository().search(q)` of a factory
            return self._made_class(receiver)
        if not isinstance(receiver, ast.Name) or self.scope.names is None:
            return ""
        if receiver.id in self.declared:
            return self.declared[receiver.id]
        if receiver.id in self.annotated and receiver.id not in self.assigned:
            return self.annotated[receiver.id]
        values = self.assigned.get(receiver.id, [])
        if not values and receiver.id not in self.params and receiver.id in self.scope.made:
            values = [self.scope.made[receiver.id]]  # `loader = ThemeLoader(...)` shared
        if len(values) == 1 and isinstance(values[0], ast.Call):
            return self.scope.names.class_of(values[0].func) or self._made_class(values[0])
        return ""

    def _made_class(self, call: ast.Call) -> str:
        """The class of what a call of one of the module's factories returns."""
        func = call.func
        return self.scope.factories.get(func.id, "") if isinstance(func, ast.Name) else ""

    def _named_args(self, call: ast.Call) -> Iterator[tuple[str, str]]:
        """Each argument that names an imported object (`Loader=yaml.SafeLoader`, or
        `yaml.SafeLoader` as the second argument), by keyword or position, with the
        qualified name it resolves to: a sink's pattern may exclude calls passing it."""
        for key, arg in self._arguments(call):
            named = self.resolve(arg) if isinstance(arg, ast.Name | ast.Attribute) else None
            if named and "." in named:
                yield f"={key}", named

    def _receiver_made(self, call: ast.Call) -> str:
        """What made the receiver of a method call: the name of the call that made it
        (`ET.parse(f).getroot()`: getroot; `session = requests.Session()`: Session),
        else the qualified name of the class the code says it is of (an annotated
        parameter or local name, an attribute or property of the class: see
        `_receiver_class`); '' when neither is known."""
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) \
                and isinstance(func.value.value, ast.Name) and self.cls is not None \
                and func.value.value.id in ("self", "cls"):
            # the class's own object (`cls.session.get(url)`, `session =
            # requests.Session()` in the class's body)
            attribute = self.scope.attribute_made.get((self.cls, func.value.attr))
            values: list[ast.expr] = [attribute] if attribute is not None else []
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            values = [] if func.value.id in self.declared else self._bound(func.value.id)
        else:
            return ""
        maker = values[0] if len(values) == 1 and isinstance(values[0], ast.Call) else None
        made = maker.func if maker is not None else None
        if maker is not None and any(k.arg == "transport" for k in maker.keywords):
            return ""  # a client sending through a transport of its own (see the rule)
        if isinstance(made, ast.Attribute):
            return made.attr  # `ET.parse(f).getroot()`: getroot
        if isinstance(made, ast.Name):
            return made.id
        return "" if maker is not None else self._receiver_class(func.value)

    def _made(self, call: ast.Call) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
        out = []
        for key, arg in self._arguments(call):
            values = self.assigned.get(arg.id, []) if isinstance(arg, ast.Name) else \
                [arg] if isinstance(arg, ast.Call) else []  # made in place
            if isinstance(arg, ast.Name) and arg.id not in self.assigned \
                    and arg.id not in self.params and arg.id in self.scope.made:
                values = [self.scope.made[arg.id]]  # a module's own parser, made once
            if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) \
                    and arg.value.id == "self" and self.cls is not None \
                    and (self.cls, arg.attr) in self.scope.attribute_made:
                # the instance's own parser, made once (`self.parser = XMLParser(...)`)
                values = [self.scope.attribute_made[(self.cls, arg.attr)]]
            if len(values) == 1 and isinstance(values[0], ast.Call):
                made = self.resolve(values[0].func)
                if made:
                    out.append((key, made, _literal_keywords(values[0])))
        return tuple(out)

    @staticmethod
    def _arguments(call: ast.Call) -> Iterator[tuple[str, ast.expr]]:
        """The call's arguments by position (up to a `*args`), by keyword, and a
        mapping spread with `**` (keyed SPREAD)."""
        for index, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                break
            yield str(index), arg
        for keyword in call.keywords:
            yield keyword.arg if keyword.arg is not None else SPREAD, keyword.value

    def query_builder(self, node: ast.expr, seen: frozenset[str]) -> bool:
        """True when `node` is a SQLAlchemy statement built with its constructs (see
        ParamCall.query_builder); `text(...)` and strings are not."""
        if isinstance(node, ast.Name):
            if node.id in seen:
                return True  # `stmt = stmt.where(...)`: the other assignments decide
            values = self.assigned.get(node.id, []) if node.id not in self.params else []
            return bool(values) and all(self.query_builder(v, seen | {node.id})
                                        for v in values)
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _CHAIN_METHODS \
                and isinstance(func.value, ast.Call) and not self._text_call(func.value):
            return True  # `self._query(Model).filter_by(**fields)`: made by a method
        if isinstance(func, ast.Attribute) and func.attr in _BUILDER_METHODS:
            return self.query_builder(func.value, seen)
        callee = self.resolve(func) or ""
        if callee.split(".", 1)[0] in _SQL_BUILDER_PACKAGES:  # `sa.select(Model)`
            return callee.rsplit(".", 1)[-1] in _TABLE_STATEMENTS | _STATEMENT_FUNCTIONS
        if isinstance(func, ast.Attribute) and func.attr in _TABLE_STATEMENTS:
            # `table.select()`, `T.__table__.update()`: no argument (a `db.select(sql)` of
            # some other library takes the statement's text)
            return not node.args and not isinstance(func.value, ast.Call)
        return False

    def _text_call(self, call: ast.Call) -> bool:
        """Whether a call may give SQL text or a textual statement (`text(sql)`, a
        string's method): a chain on it is no statement built with the ORM."""
        name = (self.resolve(call.func) or _dotted(call.func) or "").rsplit(".", 1)[-1]
        return name in ("text", "format", "join", "replace", "strip") \
            or (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Constant))

    def fixed_host(self, node: ast.expr, seen: frozenset[str]) -> bool:
        """True when `node` is a URL whose scheme and host (or a path of this site) are
        constant text in front:
        a literal prefix of `+`, `%`, `.format` or an f-string, or a local variable every
        assignment of which is one."""
        if isinstance(node, ast.Name) and node.id in self.params:
            return False
        if isinstance(node, ast.Name) and node.id in self.assigned and node.id not in seen:
            values = self.assigned[node.id]
            return bool(values) and all(self.fixed_host(v, seen | {node.id}) for v in values)
        if isinstance(node, ast.IfExp):  # each branch fixed, or holding no parameter
            return all(self.fixed_host(b, seen) or not _parameters(self.reaching(b, frozenset()))
                       for b in (node.body, node.orelse))
        prefix = _leading_text(node, self.scope.texts)
        return (prefix is not None and _FIXED_HOST.match(prefix) is not None) \
            or self._own_base(node)

    def _own_base(self, node: ast.expr) -> bool:
        """`f"{self.pay_link}?amount={amount}"`, `self.base + "/items/" + x`: a URL led
        by a value no parameter reaches (the object's, the settings'), then a path,
        query or fragment: what the parameters choose comes after the host."""
        parts: list[ast.expr] = list(node.values) if isinstance(node, ast.JoinedStr) \
            else _added(node) if isinstance(node, ast.BinOp) else []
        if len(parts) < 2:
            return False
        first = parts[0].value if isinstance(parts[0], ast.FormattedValue) else parts[0]
        text = _text_parts(parts[1])[0]
        passed = _parameters(self.reaching(first, frozenset()))
        return not (isinstance(first, ast.Constant) or passed or self.is_source(first)) \
            and text is not None and text[:1] in ("/", "?", "#")

    def reaching(self, node: ast.AST, seen: frozenset[str]) -> set[str]:
        """The names of parameters whose value reaches `node` other than through a
        resolved (non-transparent) call, or as the key of a lookup in a constant table
        (`ORDER_COLUMNS.get(order, "id")` gives a value of the table, or the default).
        Each node is read once (see `passing`)."""
        key = ("reach-node", str(id(node)))
        found: frozenset[str] | None = self._memo.get(key)
        if found is None:
            found = frozenset(self._reaching(node, seen))
            if not self._open:  # see `_open`
                self._memo[key] = found
        return set(found)

    def _reaching(self, node: ast.AST, seen: frozenset[str]) -> set[str]:
        if isinstance(node, ast.Subscript) and self.constant_table(node.value):
            return set()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "get" and self.constant_table(node.func.value):
            return set().union(*(self.reaching(a, seen) for a in node.args[1:]))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "self" and f"self.{node.attr}" in self.params:
            return {f"self.{node.attr}"}  # an attribute `__init__` set from a parameter
        if isinstance(node, ast.Attribute) and (own := self._own_returned(node)):
            return own  # a property of the class (`self.command`) returning such ones
        if isinstance(node, ast.Name):
            if node.id in self.assigned:
                name = node.id
                found: set[str] = self._named("reach", name, lambda: set().union(
                    *(self.reaching(v, seen) for v in self.assigned[name]),
                    {name} & self.incoming))
                return found
            return {node.id} if node.id in self.params else set()
        if isinstance(node, ast.Call):
            own = self._own_returned(node.func)
            if own:  # `self._filters()` returning what `__init__` kept: those attributes
                return own
            callee = self.call_target(node.func)
            if callee is not None and callee not in _TRANSPARENT:
                return set()
            if self._fetched(node) or self._opened(node) or _date_text(node):
                return set()
        out: set[str] = set()
        for child in _value_nodes(node):
            out |= self.reaching(child, seen)
        return out

    def _own_returned(self, func: ast.expr) -> set[str]:
        """The kept attributes (`self.<name>` among the parameters) a method of the
        class, called on `self`, returns."""
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == "self" and self.cls is not None):
            return set()
        return {f"self.{a}" for a in self.scope.returned.get((self.cls, func.attr), ())
                if f"self.{a}" in self.params}

    def _bound(self, name: str) -> list[ast.expr]:
        """What a local name is bound to: its assignments, else the call a `with`
        statement bound it to."""
        bound = self.with_bound.get(name)
        return self.assigned.get(name, []) or ([bound] if bound is not None else [])

    def _opened(self, call: ast.Call) -> bool:
        """Whether `call` opens or reads a file (`open(path)`, `path.read_text()`): what
        it gives is the file's contents, none of the path's text (as the rules' own
        sanitizer of file contents says)."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in READ_METHODS:
            return True
        return (self.resolve(func) or "") in OPENERS

    def _fetched(self, call: ast.Call) -> bool:
        """Whether `call` is a request an HTTP client session makes (`client.get(url)`
        on `client = httpx.AsyncClient()`, or one a `with` made): what it gives is the
        server's response, none of the URL's text."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in _HTTP_METHODS
                and isinstance(func.value, ast.Name)):
            return False
        made = self._bound(func.value.id)
        return len(made) == 1 and isinstance(made[0], ast.Call) \
            and (self.resolve(made[0].func) or "") in _HTTP_CLIENTS

    def passing(self, node: ast.AST) -> dict[str, frozenset[str]]:
        """The parameters whose value reaches `node` through resolved calls that are not
        builtins passing their argument on, each with the calls on its way
        (`os.path.join(ROOT, name + ".csv")`: name, through `os.path.join`). Each node is
        read once: every call of the function asks about its arguments, and nested calls
        would otherwise read the inner ones again at every level."""
        key = ("pass-node", str(id(node)))
        found: dict[str, frozenset[str]] | None = self._memo.get(key)
        if found is None:
            found = self._passing(node)
            if not self._open:  # see `_open`
                self._memo[key] = found
        return found

    def _passing(self, node: ast.AST) -> dict[str, frozenset[str]]:
        if isinstance(node, ast.Subscript) and self.constant_table(node.value):
            return {}
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "get" and self.constant_table(node.func.value):
            return _joined(self.passing(a) for a in node.args[1:])
        if isinstance(node, ast.Name):
            if node.id not in self.assigned:
                return {}
            name = node.id
            found: dict[str, frozenset[str]] = self._named(
                "pass", name, lambda: _joined(self.passing(v) for v in self.assigned[name]))
            return found
        if isinstance(node, ast.Call) and (self._fetched(node) or self._opened(node)
                                           or _date_text(node)):
            return {}
        carried = self.carried(node) if isinstance(node, ast.Call) else None
        children = list(_value_nodes(node)) if carried is None else carried
        inner = _joined(self.passing(c) for c in children)
        callee = self.call_target(node.func) if isinstance(node, ast.Call) else None
        if callee is None or callee in _TRANSPARENT:
            return inner
        direct = set().union(*(self.reaching(c, frozenset()) for c in children))
        return _joined([inner, {p: frozenset() for p in direct}], callee)

    def _name_flow(self, name: str, seen: frozenset[str]) -> tuple[bool, set[str]]:
        bound = self.with_bound.get(name)
        if name not in self.assigned and isinstance(bound, ast.Call) and self._opened(bound):
            return False, set()  # `with open(path) as f`: the file's contents
        if name in self.assigned:
            def compute() -> tuple[bool, set[str]]:
                raw, via = name in self.incoming, set[str]()
                for value in self.assigned[name]:
                    value_raw, value_via = self._flow(value, seen)
                    raw, via = raw or value_raw, via | value_via
                return raw, via

            result: tuple[bool, set[str]] = self._named("flow", name, compute)
            return result
        if name in self.params:
            # (a parameter, whatever else of the module or the builtins has its name:
            # `def find(id)`, `def build(search)` beside a view `search`)
            return True, set()
        if name in seen or name in self.scope.aliases or name in self.scope.local_functions:
            return False, set()
        if name in self.scope.constants or name in _BUILTINS:
            return False, set()
        return True, set()  # self, or a global this module does not pin down

    def constant_table(self, node: ast.expr) -> bool:
        """A module constant or a class's constant attribute (`ORDER_COLUMNS`,
        `NoteDAO.ORDER_COLUMNS`, `self.ORDER_COLUMNS` in that class), not a local name."""
        dotted = _dotted(node)
        if dotted is None or dotted in self.assigned:
            return False
        head, _, rest = dotted.partition(".")
        if head in ("self", "cls") and self.cls is not None and rest and "." not in rest:
            dotted = f"{self.cls}.{rest}"
        return dotted in self.scope.constants

    def is_const(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        if _is_literal(node):
            return True
        if isinstance(node, ast.Name):
            if node.id in self.assigned:
                name = node.id
                const: bool = name not in self.incoming and self._named(
                    "const", name, lambda: all(self.is_const(v, seen)
                                               for v in self.assigned[name]))
                return const
            return node.id in self.scope.constants and node.id not in self.params
        if isinstance(node, ast.Subscript):  # a lookup in a constant
            return self._constant_container(node.value, seen)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"):
            return self._constant_container(node.func.value, seen) and all(
                self.is_const(a, seen) for a in node.args[1:])
        if isinstance(node, ast.IfExp):
            return self.is_const(node.body, seen) and self.is_const(node.orelse, seen)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            return self.is_const(node.left, seen) and self.is_const(node.right, seen)
        if isinstance(node, ast.JoinedStr):
            return all(self.is_const(v.value if isinstance(v, ast.FormattedValue) else v, seen)
                       for v in node.values)
        # a class's constant (`self.BASE_SQL`): upper case, as constants are written, for
        # any other module may set a lower-case attribute of an object it is given
        return isinstance(node, ast.Attribute) and node.attr.isupper() \
            and self.constant_table(node)

    def _constant_container(self, node: ast.expr, seen: frozenset[str]) -> bool:
        """A name holding a constant, or a class's constant table (`cls.SORT_COLUMNS`)."""
        return (isinstance(node, ast.Name) and self.is_const(node, seen)) \
            or self.constant_table(node)

    def is_source(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        """Whether request data reaches the value of `node` (not through a call giving
        a number or a truth value of it: `int(request.args["month"])` is none)."""
        for child in self._text_nodes(node):
            if isinstance(child, ast.Attribute) and self._request_attr(child):
                return True
            if isinstance(child, ast.Name) and child.id in self.assigned and self._named(
                    "source", child.id, partial(self._assigned_source, child.id, seen)):
                return True
        return False

    def _text_nodes(self, node: ast.AST) -> Iterator[ast.AST]:
        todo = [node]
        while todo:
            current = todo.pop()
            yield current
            if isinstance(current, ast.Call) and gives_no_text(self.resolve(current.func) or ""):
                continue
            todo.extend(_child_nodes(current))

    def _assigned_source(self, name: str, seen: frozenset[str]) -> bool:
        return any(self.is_source(v, seen) for v in self.assigned[name])

    def is_stored(self, node: ast.expr) -> bool:
        """Whether the value is read from a database: a row a DB-API cursor fetched
        (`cur.fetchone()`), an ORM object or query (`Post.objects.get(...)`,
        `get_object_or_404(...)`, `Note.query.first()`, `session.scalars(...)`), or a
        local name assigned one. An escaping call around it makes it markup no more."""
        if isinstance(node, ast.Call) and self.resolve(node.func) in STORED_CLEANERS:
            return False
        for child in _walk(node):
            if isinstance(child, ast.Call) and self._reads_rows(child):
                return True
            if isinstance(child, ast.Name) and child.id in self.assigned and self._named(
                    "stored", child.id, partial(self._assigned_stored, child.id)):
                return True
        return False

    def _assigned_stored(self, name: str) -> bool:
        return any(self.is_stored(v) for v in self.assigned[name])

    def outer(self, node: ast.expr) -> tuple[str, ...]:
        """The resolved calls (not the builtins that pass their argument on) whose result
        `node` is, through local names and either branch of a conditional; () when some
        part of it is no such result. A constant assigned or chosen is no part."""
        if isinstance(node, ast.IfExp):
            return self._joined_outer((node.body, node.orelse))
        if isinstance(node, ast.Name) and node.id in self.incoming:
            return ()
        if isinstance(node, ast.Name) and node.id in self.assigned:
            found: tuple[str, ...] = self._named(
                "outer", node.id, partial(self._joined_outer, self.assigned[node.id]))
            return found
        callee = self.resolve(node.func) if isinstance(node, ast.Call) else None
        return (callee,) if callee is not None and callee not in _TRANSPARENT else ()

    def _joined_outer(self, values: Iterable[ast.expr]) -> tuple[str, ...]:
        found = [self.outer(v) for v in values if not self.is_const(v)]
        return tuple(sorted({c for f in found for c in f})) if found and all(found) else ()

    def _reads_rows(self, call: ast.Call) -> bool:
        if self.resolve(call.func) in STORED_CALLS:
            return True
        func = call.func
        if not isinstance(func, ast.Attribute):
            return False
        if func.attr in ROW_METHODS:
            return True
        if func.attr == "get" and _session_get(call):
            return True  # SQLAlchemy's `session.get(Image, image_id)`
        owner = func.value  # `Post.objects.get(...)`, `Note.query.filter_by(...)`
        # (not aiohttp's `request.query.get(...)`: the request's query string)
        return isinstance(owner, ast.Attribute) and owner.attr in ("objects", "query") \
            and not self._request_attr(owner)

    def _assigned_callees(self, name: str, seen: frozenset[str]) -> tuple[str, ...]:
        return tuple(sorted({c for v in self.assigned[name] for c in self.callees(v, seen)}))

    def _request_attr(self, node: ast.Attribute) -> bool:
        base = _dotted(node.value)
        if base is None:
            return False
        head = base.split(".")[0]
        if self.scope.aliases.get(head, head) + base[len(head):] == FLASK_REQUEST:
            return node.attr in FLASK_ATTRS
        if node.attr in DJANGO_ATTRS or (base == "self" and node.attr == "kwargs" and self.view):
            return True
        if base == "self" and node.attr in TORNADO_ARGUMENTS:
            return True
        last = base.rsplit(".", 1)[-1]
        return last in REQUEST_NAMES and node.attr in REQUEST_ATTRS

    def callees(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """The resolved calls `node` depends on, and the attributes of Flask's `g` it
        reads (`flask.g.<name>`: the summaries tell which hold request data)."""
        found: set[str] = set()
        for child in _walk(node):
            if isinstance(child, ast.Call):
                # (a method of an object the code says the class of, too: a row a
                # service's repository reads, `self.images.get(image_id)`)
                name = self.call_target(child.func)
                if name is not None:
                    found.add(name)
                read = state_read(child, self.qualified, self.scope.keys)
                if read:
                    found.add(read)
            elif isinstance(child, ast.Attribute | ast.Subscript) and (read := state_read(
                    child, self.qualified, self.scope.keys)):
                found.add(read)
            elif isinstance(child, ast.Name) and child.id in self.assigned:
                found.update(self._named("callees", child.id,
                                         partial(self._assigned_callees, child.id, seen)))
        return tuple(sorted(found))

    def resolve(self, func: ast.expr) -> str | None:
        """The qualified name a call target refers to, as far as this module can tell."""
        dotted = _dotted(func)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in ("self", "cls") and self.cls is not None and rest and "." not in rest:
            return f"{self.scope.module}.{self.cls}.{rest}"
        named = _named_in(dotted, self.scope)
        if named is not None:
            return named
        return head if not rest and head in _BUILTINS else None


_SQL_BUILDER_PACKAGES = frozenset({"sqlalchemy", "sqlmodel"})
_TABLE_STATEMENTS = frozenset({"select", "insert", "update", "delete"})
_STATEMENT_FUNCTIONS = frozenset({"union", "union_all", "exists", "except_", "intersect"})
_BUILDER_METHODS = frozenset({
    "where", "filter", "filter_by", "values", "order_by", "limit", "offset", "join",
    "outerjoin", "group_by", "having", "returning", "options", "distinct", "select_from",
    "with_only_columns", "execution_options", "add_columns", "on_conflict_do_update",
    "on_conflict_do_nothing", "correlate", "subquery", "scalar_subquery", "cte",
    "with_for_update", "join_from", "unique"})
"""Methods of a SQLAlchemy statement that return a statement: their arguments are
expressions whose values are bound, not SQL text (`text()` is not among them)."""
_CHAIN_METHODS = frozenset({"filter_by", "where", "order_by", "offset", "limit", "options",
                            "group_by", "having", "select_from", "outerjoin", "returning",
                            "with_for_update", "execution_options"})
"""Of those, the methods no string or other common type has: a chain of one on a call's
result (a project method making the query, `self._query(Model)`) is a statement."""

# a constant scheme and host, or a path of this site (`/login?next=...`: one slash, then
# a character that is no slash or backslash, so no `//evil.example` can follow)
_FIXED_HOST = re.compile(r"^(?:https?://[^/{}%?#\s]+[/?#]|/[^/\\{}%\s])")


# an upper-case constant, or an attribute of the settings (`settings.reviews_url`), as
# the SSRF rule reads a configured base URL
_CONSTANT_NAME = re.compile(r"^(([A-Za-z_][\w.]*\.)?[A-Z][A-Z0-9_]*"
                            r"|([A-Za-z_][\w.]*\.)?(settings|config|conf)\.[A-Za-z_]\w*)$")
_BASE_URL = "https://constant.invalid"
"""What an upper-case constant or setting stands for in front of a URL (`f"{API}/x"`):
a base URL the code fixes, as the rules read it."""


def _parameters(names: set[str]) -> set[str]:
    """The parameters among `names` a caller passes (not the object itself, nor what
    its `__init__` kept: the object's own state)."""
    return {n for n in names if n not in ("self", "cls") and not n.startswith("self.")}


def _added(node: ast.BinOp) -> list[ast.expr]:
    """The terms of `a + b + c`, in order (one term when `node` is no addition)."""
    if not isinstance(node.op, ast.Add):
        return [node]
    left = _added(node.left) if isinstance(node.left, ast.BinOp) else [node.left]
    return [*left, node.right]


def _leading_text(node: ast.expr, texts: Mapping[str, str] | None = None) -> str | None:
    """The constant text a string expression starts with (None when it does not); a
    leading module constant (`texts`: `f"{AVATARS}{digest}"`) by its value."""
    head, rest = _head(node)
    if texts and isinstance(head, ast.Name) and head.id in texts:
        return texts[head.id] + ((_leading_text(rest) or "") if rest is not None else "")
    text = ""
    for part in _text_parts(node):
        if part is None:
            break
        text += part
    return text or None


def _head(node: ast.expr) -> tuple[ast.expr | None, ast.expr | None]:
    """The first value of an f-string (not converted or formatted) or of a `+`, and
    the rest of the expression after it."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return node.left, node.right
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.FormattedValue) and first.conversion == -1 \
                and first.format_spec is None:
            return first.value, ast.JoinedStr(node.values[1:])
    return None, None


def _text_parts(node: ast.expr) -> list[str | None]:
    """The pieces of a string expression, in order: constant text, or None for a value
    the code does not fix."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value if isinstance(v, ast.Constant) and isinstance(v.value, str)
                else _constant_base(v.value) if isinstance(v, ast.FormattedValue) else None
                for v in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_text_parts(node.left), *_text_parts(node.right)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return [*_text_parts(node.left), None]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "format":
        return _format_parts(node)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return [_constant_base(node)]
    return [None]


def _format_parts(call: ast.Call) -> list[str | None]:
    """`"{}/x/{}".format(BASE, name)`: the template, its leading `{}` read as its first
    argument when that is a constant."""
    assert isinstance(call.func, ast.Attribute)
    template = call.func.value
    if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
        return [None]
    text = template.value
    for lead in ("{}", "{0}"):
        if text.startswith(lead) and call.args:
            return [_constant_base(call.args[0]), text[len(lead):], None]
    return [text, None]


def _constant_base(node: ast.expr) -> str | None:
    """The base URL an upper-case constant or setting stands for, else None."""
    dotted = _dotted(node)
    return _BASE_URL if dotted and _CONSTANT_NAME.match(dotted) else None


def _html_replace_chain(node: ast.AST) -> ast.expr | None:
    """The escaped value when `node` is a chain of `.replace(old, new)` calls with literal
    arguments that replaces both `<` and `>` (an HTML-escaping helper written by hand:
    `s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")`), else None."""
    replaced: set[str] = set()
    while (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
           and node.func.attr == "replace" and len(node.args) == 2 and not node.keywords
           and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                   for a in node.args)):
        first = node.args[0]
        if isinstance(first, ast.Constant):
            replaced.add(str(first.value))
        node = node.func.value
    if {"<", ">"} <= replaced and isinstance(node, ast.expr):
        return node
    return None


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _is_view(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
               and d.func.attr in _ROUTE_METHODS for d in node.decorator_list)


def _route_urls(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The URL of each route decorator of a view ("" when not a literal)."""
    return [d.args[0].value if d.args and isinstance(d.args[0], ast.Constant)
            and isinstance(d.args[0].value, str) else ""
            for d in node.decorator_list
            if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
            and d.func.attr in _ROUTE_METHODS]


def _annotated_route_params(node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope,
                            ) -> list[tuple[str, str]]:
    """The parameters of a routed view typed by a class (FastAPI validates them against
    it; an Enum's members are values: see _summaries), and those FastAPI fills with a
    dependency's result (`Annotated[Service, Depends(get_service)]`, `= Depends(f)`),
    with the dependency (see DEPENDS)."""
    if not _route_urls(node):
        return []
    args = node.args
    defaults = _defaults(args)
    out: list[tuple[str, str]] = []
    for a in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        callee = _dependency_of(a.annotation) or _depended(defaults.get(a.arg))
        if isinstance(callee, ast.Constant):  # `Depends()`: of the annotation's class
            callee = _dependency_class(a.annotation)
        if callee is not None:
            dependency = _qualified(callee, scope) or (
                scope.names.class_of(callee) if scope.names else "")
            out.append((a.arg, DEPENDS + dependency))
        elif cls := _annotation_class(a.annotation):
            out.append((a.arg, ANNOTATED_PARAM + cls))
    return out


def _defaults(args: ast.arguments) -> dict[str, ast.expr]:
    """Each parameter's default (the last positional parameters have the positional
    defaults, positional-only ones too)."""
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    out = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults,
                   strict=True))
    out.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
               if d is not None)
    return out


def _dependency_class(annotation: ast.expr | None) -> ast.expr | None:
    """The class a `Depends()` without a function makes: the annotation's (in
    `Annotated[Class, Depends()]`, its first part)."""
    if isinstance(annotation, ast.Subscript) \
            and (_dotted(annotation.value) or "").rsplit(".", 1)[-1] == "Annotated" \
            and isinstance(annotation.slice, ast.Tuple) and annotation.slice.elts:
        annotation = annotation.slice.elts[0]
    return unwrapped(annotation)


_DEPENDENCY_MARKERS = frozenset({"Depends", "Security"})


def _depended(node: ast.expr | None) -> ast.expr | None:
    """The function (or class) of `Depends(f)` (or `Security(f)`); a constant for
    `Depends()`, which makes the annotation's class (see `_dependency_class`)."""
    if isinstance(node, ast.Call) \
            and (_dotted(node.func) or "").rsplit(".", 1)[-1] in _DEPENDENCY_MARKERS:
        first = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "dependency"), None)
        return first if first is not None else ast.Constant(None)
    return None


def _dependency_of(annotation: ast.expr | None) -> ast.expr | None:
    """The dependency of `Annotated[..., Depends(f)]`, else None."""
    if isinstance(annotation, ast.Subscript) \
            and (_dotted(annotation.value) or "").rsplit(".", 1)[-1] == "Annotated" \
            and isinstance(annotation.slice, ast.Tuple):
        return next((found for extra in annotation.slice.elts[1:]
                     if (found := _depended(extra)) is not None), None)
    return None


def _dependency_aliases(node: ast.stmt, aliases: Mapping[str, ast.expr],
                        ) -> list[tuple[str, ast.expr]]:
    """The type aliases a module-level statement defines that are dependencies, each
    with its dependency."""
    targets = node.targets if isinstance(node, ast.Assign) else [
        node.target if isinstance(node, ast.AnnAssign) else node.name]  # type: ignore[attr-defined]
    return [(t.id, callee) for t in targets if isinstance(t, ast.Name) and t.id in aliases
            and (callee := _dependency_of(aliases[t.id])) is not None]


def _is_enum_base(base: ast.expr, scope: _Scope) -> bool:
    """True for the standard library's Enum classes as the module imported them (a class
    of the tree named `Enum` is not one: it may accept any value)."""
    head, _, rest = (_dotted(base) or "").partition(".")
    resolved = scope.aliases.get(head, "")
    return bool(resolved) and (f"{resolved}.{rest}" if rest else resolved) in _ENUM_BASES


def _annotation_class(annotation: ast.expr | None) -> str:
    """The class name of `Name`, `Optional[Name]`, `Name | None`, `Annotated[Name, ...]`."""
    if isinstance(annotation, ast.Subscript) and (_dotted(annotation.value) or "").rsplit(
            ".", 1)[-1] in ("Optional", "Annotated"):
        inner = annotation.slice
        return _annotation_class(inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts
                                 else inner)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr) \
            and isinstance(annotation.right, ast.Constant) and annotation.right.value is None:
        return _annotation_class(annotation.left)
    return annotation.id if isinstance(annotation, ast.Name) else ""
