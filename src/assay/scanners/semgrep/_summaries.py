"""Cross-file function summaries: a deterministic `ast` pre-pass over the scanned files.

Semgrep CE analyses one function of one file at a time. A project's own helper that
returns request data (`def get_param(name): return request.args.get(name)`) hides every
flow through it, and a helper that returns a constant or an escaped value looks tainted
when it is called with request data. This pass reads every Python file of the snapshot,
summarizes each project-local function by what it returns, and iterates to a fixpoint so
that helpers calling helpers are summarized too:

- `source`: returns request data (directly, or through another source helper);
- `constant`: no return depends on the arguments (literals, module constants, lookups
  in a constant dict, values computed without the parameters);
- `sanitizer`: the parameters reach every return only through calls (`via` names them;
  a rule trusts the helper when it trusts all of those calls);
- `guard`: checks a parameter's value against an allow-list, a base directory, a URL's
  host or a full regular expression, and either returns the check's result or raises
  (aborts, returns early) when it fails (`via` names the kinds of check);
- `stored`: returns data read from a database (directly, or through another such
  function); for one returning tuples, the positions that hold it.

`_rulegen` turns the summaries into Semgrep rule extensions for one scan.
"""

from __future__ import annotations

import builtins
import enum
import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from assay.scanners.semgrep._facts import read_files
from assay.scanners.semgrep._pysource import (
    ANNOTATED_PARAM,
    CHECKED_FIELD,
    DEPENDENCY,
    DEPENDS,
    ENUM_CLASS,
    OTHER_CLASS,
    REQUEST_NAMES,
    REQUEST_PARAM,
    SCALAR_FIELD,
    STORED_CLEANERS,
    VALUE_PARAM,
    ElementFact,
    FunctionFacts,
    ModuleInfo,
    ParamCall,
    ReturnFact,
    agreed_kinds,
    module_names,
    route_param_kinds,
)
from assay.scanners.semgrep._receivers import ATTRIBUTE, FACTORY, INSTANCE

MAX_ROUNDS = 50  # helper chains deeper than this are not followed
CHECKED = "checked:"
"""The `via` prefix of a predicate a function returns its parameter only when it passed:
trusted by a rule that trusts the predicate's kind of check (see `_rulegen.checks_trusted`)."""
ARGV = "<argv>"
"""The `via` of a function returning an argument list with a constant program in front
of what its parameters give (`["tar", "-czf", out, "--", name]`): trusted by the command
rule only (what reaches such a list past its program is an argument)."""
FIXED_HOST = "<fixed-host>"
"""The `via` of a function returning a URL of a constant scheme and host (or a path of
this site) in front of what its parameters give: trusted by the rules of a URL's host
(server-side requests, redirects) only."""


class SummaryKind(enum.StrEnum):
    """What a function's return value is, for every caller."""

    SOURCE = "source"
    CONSTANT = "constant"
    SANITIZER = "sanitizer"
    GUARD = "guard"  # checks a parameter's value (an allow-list, a containment test, ...)
    STORED = "stored"  # data read from a database (stored XSS: see _template_flow)
    PARTS = "parts"  # a tuple some elements of which hold nothing of the arguments


class _Qualified:
    """The names of a project function that has a `module` and a `qualname`."""

    module: str
    qualname: str

    @property
    def name(self) -> str:
        """The function's own name (the last part of `qualname`)."""
        return self.qualname.rsplit(".", 1)[-1]

    @property
    def is_method(self) -> bool:
        """True for functions defined in a class body."""
        return "." in self.qualname

    @property
    def dotted(self) -> str:
        """The importable name: module.qualname."""
        return f"{self.module}.{self.qualname}" if self.module else self.qualname


@dataclass(frozen=True, order=True)
class FunctionSummary(_Qualified):
    """One summarized project function."""

    module: str
    qualname: str
    path: str
    kind: SummaryKind
    via: tuple[str, ...] = ()
    params: int = 0
    source: str = field(default="", compare=False, repr=False)
    called_locally: bool = field(default=False, compare=False)
    guard: str = ""  # for a guard: `predicate` or `raise` (see FunctionFacts.guard)
    guard_returns: bool = False
    tuple_size: int = 0
    """For a `stored` function whose returns of stored data are all tuples of this size
    (`return note, render_markdown(note["body"])`): a call unpacked into as many names
    gives stored data to those at `stored_at` only. 0: the whole value is stored data."""
    stored_at: tuple[int, ...] = ()
    """For `stored`, those positions; for `parts`, the positions whose elements hold
    nothing of the arguments (`return where, values` with `where` made of literals)."""


@dataclass(frozen=True, order=True)
class FunctionCalls(_Qualified):
    """The calls of one project function that its parameters reach (sink wrappers are
    found among them, rule by rule)."""

    module: str
    qualname: str
    path: str
    params: tuple[str, ...]
    calls: tuple[ParamCall, ...]
    source: str = field(default="", compare=False, repr=False)
    called_locally: bool = field(default=False, compare=False)
    kwargs: str = ""  # its `**kwargs` parameter's name (see FunctionFacts.kwargs)


@dataclass(frozen=True)
class TypedRouteParam:
    """A route parameter converted to a number or UUID by the framework (`<int:id>`,
    kind `value`), or taken from one URL segment (`{name}`, kind `segment`)."""

    path: str
    function: str
    param: str
    kind: str = VALUE_PARAM


@dataclass(frozen=True, order=True)
class UnreturnedArgs(_Qualified):
    """A project function some of whose parameters no return value can hold (`params`:
    name and position), though others can: a call's result carries none of those
    arguments (see `_returned`)."""

    module: str
    qualname: str
    path: str
    params: tuple[tuple[str, int], ...]
    source: str = field(default="", compare=False, repr=False)
    called_locally: bool = field(default=False, compare=False)


Call = tuple[FunctionCalls, ParamCall]


class CallIndex:
    """The calls of the project's functions by method name and by the last part of the
    resolved callee: a sink is matched against the calls it can match only."""

    def __init__(self, functions: Iterable[FunctionCalls],
                 stores: Iterable[tuple[str, str, str, int]] = ()) -> None:
        # (class, attribute) -> (parameter, position) of what `__init__` stores
        self.stores = {(cls, attr): (param, at) for cls, attr, param, at in stores}
        self._by_method: dict[str, list[Call]] = {}
        self._by_name: dict[str, dict[str, list[Call]]] = {}
        self._matched: dict[str, list[Call]] = {}
        for function in functions:
            for call in function.calls:
                if call.method:
                    self._by_method.setdefault(call.method, []).append((function, call))
                # (by the name it stands for, and by the name it was written as: a
                # package of the tree re-exporting a library's name hides no sink)
                for callee in {call.callee, call.written} - {""}:
                    named = self._by_name.setdefault(callee.rsplit(".", 1)[-1], {})
                    named.setdefault(callee, []).append((function, call))

    def with_method(self, method: str) -> list[Call]:
        """The method calls of that name."""
        return self._by_method.get(method, [])

    def to_callee(self, expression: str) -> list[Call]:
        """The calls whose resolved callee `expression` (a regular expression) matches
        whole; when it ends in a plain name, only calls of that name are tried."""
        found = self._matched.get(expression)
        if found is None:
            last = expression.rsplit(r"\.", 1)[-1]
            groups = ([self._by_name.get(last, {})] if last.isidentifier()
                      else list(self._by_name.values()))
            literal = expression.replace(r"\.", ".")
            # most are a name written out (`subprocess\.run`): compared, not compiled
            if re.escape(literal) == expression:
                def matches(callee: str) -> bool:
                    return callee == literal
            else:
                pattern = re.compile(expression)

                def matches(callee: str) -> bool:
                    return pattern.fullmatch(callee) is not None
            found = self._matched[expression] = [
                pair for group in groups for callee, pairs in group.items()
                if matches(callee) for pair in pairs]
        return found


def signature_head(source: str) -> str:
    """A function's `def` line (all its lines, up to the colon before its body) and `...`
    for the body, as a pattern of the function; '' when it cannot serve as one."""
    lines = source.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith(
        ("def ", "async def "))), None)
    if start is None:
        return ""
    end = next((i for i in range(start, len(lines)) if lines[i].rstrip().endswith(":")
                and not lines[i].lstrip().startswith("#")), None)
    if end is None:
        return ""
    head = "\n".join(lines[start:end + 1])
    if "$" in head or "..." in head or "#" in head:
        return ""
    return f"{head}\n    ..."


def _called_as(qualname: str) -> str:
    """The name calls of a function are written with: its own, or its class's for
    `__init__` (`InvoiceDocument(body)`)."""
    parts = qualname.rsplit(".", 2)
    return parts[-2] if parts[-1] == "__init__" and len(parts) >= 2 else parts[-1]


@dataclass(frozen=True)
class Summaries:
    """The summaries of one snapshot, in a stable order."""

    functions: tuple[FunctionSummary, ...] = ()
    typed_params: tuple[TypedRouteParam, ...] = ()
    name_counts: tuple[tuple[str, int], ...] = field(default=(), compare=False)
    calls: tuple[FunctionCalls, ...] = ()
    constant_maps: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    unreturned: tuple[UnreturnedArgs, ...] = ()
    receivers: tuple[tuple[str, str, str], ...] = ()
    """(ATTRIBUTE, `Owner.attr`, class) and (FACTORY, function, class), qualified names,
    for the project's classes (see _receivers)."""
    class_sources: tuple[tuple[str, str, str], ...] = ()
    """(class, path, code), qualified, of the classes whose name another class has too."""
    parser_factories: tuple[tuple[str, str], ...] = ()
    """Functions returning an XML parser, qualified, with OPEN or CLOSED (_parsers)."""
    init_stores: tuple[tuple[str, str, str, int], ...] = ()
    """(class, attribute, parameter, position), the class qualified: what `__init__`
    stores from its parameters (see ModuleInfo.init_stores)."""
    value_fields: tuple[tuple[str, str], ...] = ()
    """(pydantic model, qualified; field) of each model field that holds a value, not
    text: a number, date, UUID, `Literal` or a project Enum (`payload.kind`)."""
    request_helpers: tuple[str, ...] = ()
    """Names of the project's module-level functions another of its functions passes
    its `request` to (`go_back(request, target, fallback)`): helpers, whose other
    parameters are what their callers pass, not the URL's parts a Django view's are."""
    handed: tuple[str, ...] = ()
    """Names of the functions the project hands to a runner with their arguments
    (`background_tasks.add_task(fetch, url)`: see _pysource.handed_functions)."""
    hooks: tuple[tuple[str, str], ...] = ()
    """(file, function name) of each module-level function the project registers as a
    template filter by a call (see _pysource.registered_hooks)."""
    exports: tuple[tuple[str, str], ...] = ()
    """(re-exported name, what it stands for) of the names packages re-export
    (`app.services.ReportService`): calls written so name the function or class."""
    context_helpers: tuple[tuple[str, str, str, int, str], ...] = ()
    """(module, qualname, parameter, position, key) of each function returning a dict
    literal whose `key` the parameter's value reaches as it is (FunctionFacts.context):
    what a view renders a template with."""
    keepers: tuple[tuple[str, str, int], ...] = ()
    """(method, parameter, position) of each method that builds text of a parameter and
    keeps it on its object (`self.filters.append(f"source = '{source}'")`): see
    _state.keeper_propagators."""
    request_state: tuple[str, ...] = ()
    """The attributes of Flask's `g` and the session keys some function stores request
    data in (`g.sort = request.args["sort"]` in a `before_request` hook or a view
    decorator: `flask.g.sort`; `session.return_to`): see _state."""

    def aliases(self, dotted: str) -> list[str]:
        """The re-exported names of the function or class `dotted`."""
        return [alias for alias, target in self.exports if target == dotted]

    def class_aliases(self, dotted: str) -> list[str]:
        """The names of the class `dotted` by re-exports and type aliases, and the bare
        name of a type alias where no class and no other alias has it (the module
        defining `ServiceDep = Annotated[Service, ...]` annotates by that name)."""
        found = self.aliases(dotted)
        bare = Counter(alias.rsplit(".", 1)[-1] for alias, _ in self.exports)
        return found + [short for alias in found if bare[short := alias.rsplit(".", 1)[-1]] == 1
                        and not self.defined(f"class:{short}") and not self.defined(short)]

    def unique_head(self, name: str, head: str) -> bool:
        """Whether one module-level function called `name` only begins with `head` (its
        `def` line: see signature_head)."""
        return self._heads.get((name, head), 0) == 1

    @functools.cached_property
    def _heads(self) -> dict[tuple[str, str], int]:
        seen = {(f.module, f.qualname): f.source for f in self.functions
                if "." not in f.qualname and f.source}
        seen.update(((f.module, f.qualname), f.source) for f in self.calls
                    if "." not in f.qualname and f.source)
        return dict(Counter((qualname, signature_head(source))
                            for (_, qualname), source in seen.items()))

    def class_source(self, dotted: str) -> str:
        """The code of the class `dotted` when its name is not unique ('' otherwise)."""
        return self._classes.get(dotted, ("", ""))[1]

    def class_path(self, dotted: str) -> str:
        """The file of the class `dotted` when its name is not unique ('' otherwise)."""
        return self._classes.get(dotted, ("", ""))[0]

    @functools.cached_property
    def _classes(self) -> dict[str, tuple[str, str]]:
        # looked up once per method pattern of every rule: by name, not by a scan
        return {name: (path, code) for name, path, code in self.class_sources}

    def of_kind(self, kind: SummaryKind) -> tuple[FunctionSummary, ...]:
        """The summaries of one kind."""
        return tuple(f for f in self.functions if f.kind is kind)

    def defined(self, name: str) -> int:
        """How many project functions (and methods) are called `name`."""
        return self._counts.get(name, 0)

    @functools.cached_property
    def _counts(self) -> dict[str, int]:
        return dict(self.name_counts)

    @functools.cached_property
    def call_index(self) -> CallIndex:
        """The calls of `calls`, looked up by method and callee (built once)."""
        return CallIndex(self.calls, self.init_stores)

    def digest(self) -> str:
        """sha256 over the summaries: the same files give the same digest."""
        material = json.dumps({
            "functions": [[f.module, f.qualname, f.path, f.kind.value, list(f.via), f.params,
                           f.guard, f.guard_returns, f.tuple_size, list(f.stored_at)]
                          for f in self.functions],
            "typed": [[t.path, t.function, t.param, t.kind] for t in self.typed_params],
            "calls": [[c.dotted, list(c.params), repr(c.calls), c.kwargs] for c in self.calls],
            "maps": list(self.constant_maps),
            "ambiguous": list(self.ambiguous),
            "unreturned": [[u.dotted, u.path, [list(p) for p in u.params]]
                           for u in self.unreturned],
            "receivers": [list(r) for r in self.receivers],
            "classes": [list(c) for c in self.class_sources],
            "parsers": [list(p) for p in self.parser_factories],
            "stores": [list(s) for s in self.init_stores],
            "helpers": list(self.request_helpers),
            "fields": [list(f) for f in self.value_fields],
            "handed": list(self.handed),
            "hooks": [list(h) for h in self.hooks],
            "exports": [list(e) for e in self.exports],
            "state": list(self.request_state),
            "keepers": [list(k) for k in self.keepers],
            "context": [list(c) for c in self.context_helpers],
        }, sort_keys=True)
        return hashlib.sha256(material.encode()).hexdigest()


def summarize(sources: Mapping[str, str], all_paths: Iterable[str] = (),
              jobs: int = 1) -> Summaries:
    """Summaries of the functions in `sources` (repo-relative path -> Python text).

    `all_paths` lists every file of the snapshot; it decides where packages start (a
    directory with `__init__.py`) and so each module's importable name. With `jobs` > 1
    and many files, modules are read in worker processes.
    """
    names = module_names(list(sources), set(all_paths) | set(sources))
    return classify(f.module for f in read_files(sources, names, jobs).values()
                    if f.module is not None)


def classify(modules: Iterable[ModuleInfo]) -> Summaries:
    """The summaries of the functions of `modules` (module facts, in any order)."""
    return _classify(sorted(modules, key=lambda m: m.path))


def ambiguous_modules(modules: Iterable[ModuleInfo]) -> dict[str, tuple[str, ...]]:
    """Importable names that several files of the snapshot answer to (two folders without
    `__init__.py`, each holding a `libuser.py`), with those files.

    An import of such a name cannot be tied to one file by the name alone, and the
    generated rules match calls by name: a summary of one file would be applied to calls
    of the other. Their functions get no summary (the run records the names)."""
    paths: dict[str, list[str]] = {}
    for module in modules:
        paths.setdefault(module.name, []).append(module.path)
    return {name: tuple(sorted(found)) for name, found in sorted(paths.items())
            if len(found) > 1}


def _classify(every: list[ModuleInfo]) -> Summaries:
    exports = _exported(every)
    if exports:
        known: dict[str, str] = {}

        def canonical(n: str) -> str:  # (names repeat across modules: each read once)
            found = known.get(n)
            if found is None:
                found = known[n] = canonical_name(n, exports) if n else n
            return found
        every = [_canonical(m, canonical) for m in every]
    ambiguous = ambiguous_modules(every)
    modules = [m for m in every if m.name not in ambiguous]
    functions = _inherited([(m, f) for m in modules for f in m.functions], modules)
    kinds: dict[str, tuple[SummaryKind, tuple[str, ...]]] = {}
    for _ in range(MAX_ROUNDS):  # fixpoint: helpers calling helpers
        # (reading an attribute of `g` some function stores request data on is reading
        # request data: `flask.g.<name>` among a return's callees, see _state)
        state = {name.partition("#")[0] for name in _request_state(modules, kinds)}
        changed = bool(state - kinds.keys())
        kinds.update((name, (SummaryKind.SOURCE, ())) for name in state)
        for module, func in functions:
            key = f"{module.name}.{func.qualname}"
            found = _kind_of(func.returns, kinds)
            if found is not None and kinds.get(key) != found:
                kinds[key] = found
                changed = True
        if not changed:
            break
    called = frozenset().union(*(m.called for m in every)) if every else frozenset()
    stored = _stored(functions, kinds)
    summaries = []
    for module, func in functions:
        key = f"{module.name}.{func.qualname}"
        if key in kinds and (key in called or func.qualname.rsplit(".", 1)[-1] in called):
            kind, via = kinds[key]
            summaries.append(FunctionSummary(module.name, func.qualname, module.path, kind,
                                             via, func.params, func.source,
                                             func.qualname in module.local_calls))
        if key in stored and (key in called or func.qualname.rsplit(".", 1)[-1] in called):
            size, at = _stored_at(func, stored, kinds)
            summaries.append(FunctionSummary(module.name, func.qualname, module.path,
                                             SummaryKind.STORED, (), func.params, func.source,
                                             func.qualname in module.local_calls,
                                             tuple_size=size, stored_at=at))
        size, clean = _clean_at(func, kinds, stored)
        if clean and key not in kinds \
                and (key in called or func.qualname.rsplit(".", 1)[-1] in called):
            summaries.append(FunctionSummary(module.name, func.qualname, module.path,
                                             SummaryKind.PARTS, (), func.params, func.source,
                                             func.qualname in module.local_calls,
                                             tuple_size=size, stored_at=clean))
        if func.guard and (key in called or func.qualname.rsplit(".", 1)[-1] in called):
            summaries.append(FunctionSummary(module.name, func.qualname, module.path,
                                             SummaryKind.GUARD, func.checks, func.params,
                                             func.source, func.qualname in module.local_calls,
                                             func.guard, func.guard_returns))
    counts: dict[str, int] = {}
    for owner, func in ((m, f) for m in every for f in m.functions):
        name = func.qualname.rsplit(".", 1)[-1]
        counts[name] = counts.get(name, 0) + 1
        if "." not in func.qualname and "." in owner.name:  # `services.search`: callee_forms
            pair = f"{owner.name.rsplit('.', 1)[-1]}.{name}"
            counts[pair] = counts.get(pair, 0) + 1
    for owner in every:  # classes by name (`class:Client`): see method_alternatives
        for function, name, what in owner.typed_params:
            if not function and what in (ENUM_CLASS, OTHER_CLASS):
                counts[f"class:{name}"] = counts.get(f"class:{name}", 0) + 1
    # a module is also named by its path from the root (`app.fmt` of `app/fmt.py` in a
    # folder without `__init__.py`): no library's
    own = {m.name for m in every} | {m.path.removesuffix(".py").removesuffix("/__init__")
                                     .replace("/", ".") for m in every}
    for name in foreign_names(called, own) & counts.keys():
        counts[name] += 1
    # the project functions returning request data, or what their parameters give: as
    # FastAPI dependencies, their parameters are the request's
    # (a class, by its `__init__` taking text: `Depends(Filters)`, `Depends()`)
    returning = {f"{m.name}.{f.qualname.removesuffix('.__init__')}" for m, f in functions
                 if kinds.get(f"{m.name}.{f.qualname}", (None,))[0] is SummaryKind.SOURCE
                 or f.text_returned}
    typed = _typed_params(every, returning)
    guards = {f"{m.name}.{f.qualname}": (f.guard, f.checks) for m, f in functions if f.guard}
    classes = {f"{m.name}.{name}" for m in modules for function, name, what in m.typed_params
               if not function and what in (ENUM_CLASS, OTHER_CLASS)}
    values = set(_value_fields(modules, summaries))
    calls = [FunctionCalls(m.name, f.qualname, m.path, f.param_names,
                           tuple(_without_values(_typed(_resolved_guards(c, guards), classes),
                                                 values) for c in f.calls),
                           f.source, f.qualname in m.local_calls, f.kwargs)
             for m, f in functions
             if f.calls and _called_as(f.qualname) in called]
    maps = sorted({n for m in modules for n in m.constant_maps})
    left = _unreturned_across(functions)
    unreturned = [UnreturnedArgs(m.name, f.qualname, m.path,
                                 tuple((p, f.param_names.index(p)) for p in f.param_names
                                       if p in left[f"{m.name}.{f.qualname}"]),
                                 f.source, f.qualname in m.local_calls)
                  for m, f in functions
                  if 0 < len(left[f"{m.name}.{f.qualname}"]) < len(f.param_names)
                  and _called_as(f.qualname) in called]
    receivers = {(kind, f"{m.name}.{name}" if kind in (FACTORY, INSTANCE, ATTRIBUTE) else name,
                  of)
                 for m in modules for kind, name, of in m.receivers if of in classes}
    return Summaries(tuple(sorted(summaries)), tuple(sorted(typed, key=repr)),
                     tuple(sorted(counts.items())), tuple(sorted(calls, key=repr)), tuple(maps),
                     tuple(f"{name} ({', '.join(paths)})" for name, paths in ambiguous.items()),
                     tuple(sorted(unreturned)), tuple(sorted(receivers)),
                     tuple(sorted((f"{m.name}.{name}", m.path, code) for m in modules
                                  for name, code in m.class_sources
                                  if counts.get(f"class:{name}", 0) > 1)),
                     tuple(sorted((f"{m.name}.{name}", kind) for m in modules
                                  for name, kind in m.parser_factories)),
                     tuple(sorted((f"{m.name}.{cls}", attr, param, at) for m in modules
                                  for cls, attr, param, at in m.init_stores)),
                     _value_fields(modules, summaries), _request_helpers(functions, modules),
                     tuple(sorted({n for m in modules for n in m.handed})),
                     _hooks(modules), tuple(sorted(exports.items())),
                     tuple(sorted((m.name, f.qualname, p, f.param_names.index(p), key)
                                  for m, f in functions for p, key in f.context
                                  if f.qualname.rsplit(".", 1)[-1] in called)),
                     tuple(sorted((f"{m.name}.{f.qualname}", p, f.param_names.index(p))
                                  for m, f in functions for p in f.keeps
                                  if f.qualname.rsplit(".", 1)[-1] in called)),
                     _request_state(modules, kinds))  # (the pseudo-names are no functions)


def _request_state(modules: Sequence[ModuleInfo],
                   kinds: Mapping[str, tuple[SummaryKind, tuple[str, ...]]],
                   ) -> tuple[str, ...]:
    """The names of `g` and of the session a function stores request data in: read off
    the request, or returned by a project function that returns it (a source helper)."""
    return tuple(sorted({attr for m in modules for attr, fact in m.state
                         if fact.kind == "source" or any(
                             kinds.get(c, (None,))[0] is SummaryKind.SOURCE
                             for c in fact.callees)}))


def _exported(modules: Sequence[ModuleInfo]) -> dict[str, str]:
    """What each name a package re-exports (`app.services.ReportService`) stands for,
    followed through packages re-exporting one another (`app.services.reports.
    ReportService`): names of project modules only."""
    own = {m.name for m in modules}
    found = {f"{m.name}.{local}": target for m in modules for local, target in m.exports
             if target.rsplit(".", 1)[0] in own or target.rsplit(".", 2)[0] in own}
    for _ in range(MAX_ROUNDS):
        moved = {alias: found.get(target, target) for alias, target in found.items()}
        if moved == found:
            break
        found = moved
    return {alias: target for alias, target in found.items() if alias != target}


def canonical_name(name: str, exports: Mapping[str, str]) -> str:
    """`name` with a re-exported prefix replaced by what it stands for
    (`app.services.ReportService.run` -> `app.services.reports.ReportService.run`)."""
    head, rest = name, ""
    for _ in range(3):
        if head in exports:
            return exports[head] + rest
        head, dot, last = head.rpartition(".")
        if not dot:
            break
        rest = f".{last}{rest}"
    return name


def _canonical(module: ModuleInfo, name: Callable[[str], str]) -> ModuleInfo:
    """A module's facts with every name it resolved through a re-export canonical
    (`name`, see canonical_name); the facts that name none kept as they are (this runs on
    every scan: most modules and calls name no re-exported package)."""
    def names(found: tuple[str, ...]) -> tuple[str, ...]:
        new = tuple(map(name, found))
        return found if new == found else new

    def call(c: ParamCall) -> ParamCall:
        callee, passed = name(c.callee), tuple((k, p, names(v)) for k, p, v in c.passed)
        fields = tuple((k, name(cls), f) for k, cls, f in c.fields)
        typed = name(c.typed) if c.typed else c.typed
        if callee == c.callee and passed == c.passed and fields == c.fields \
                and typed == c.typed:
            return c
        return replace(c, callee=callee, written=c.callee if callee != c.callee else "",
                       passed=passed, fields=fields, typed=typed)

    def returned(r: ReturnFact) -> ReturnFact:
        elements = tuple(e if (names(e.callees), names(e.outer)) == (e.callees, e.outer)
                         else replace(e, callees=names(e.callees), outer=names(e.outer))
                         for e in r.elements)
        new = replace(r, callees=names(r.callees), via=names(r.via), checked=names(r.checked),
                      elements=elements)
        return r if new == r else new

    def function(f: FunctionFacts) -> FunctionFacts:
        new = replace(f, calls=tuple(map(call, f.calls)), returns=tuple(map(returned, f.returns)),
                      unreturned_if=tuple((p, tuple((name(c), k) for c, k in conds))
                                          for p, conds in f.unreturned_if))
        return f if new == f else new

    return replace(module, functions=tuple(map(function, module.functions)),
                   receivers=tuple((k, n, name(of)) for k, n, of in module.receivers),
                   class_bases=tuple((c, names(b)) for c, b in module.class_bases),
                   hooks=frozenset(map(name, module.hooks)),
                   state=tuple((a, returned(r)) for a, r in module.state))


def _hooks(modules: Sequence[ModuleInfo]) -> tuple[tuple[str, str], ...]:
    """(file, name) of each module-level function some module registers as a template
    filter by a call, found by its qualified name."""
    registered = {q for m in modules for q in m.hooks}
    return tuple(sorted((m.path, f.qualname) for m in modules for f in m.functions
                        if "." not in f.qualname and f"{m.name}.{f.qualname}" in registered))


def _inherited(functions: list[tuple[ModuleInfo, FunctionFacts]],
               modules: Sequence[ModuleInfo]) -> list[tuple[ModuleInfo, FunctionFacts]]:
    """`functions` with their calls of methods a class inherits named by the project
    class that defines them (`self.fetch_all(...)` in `CommentDAO(BaseDAO)` calls
    `...BaseDAO.fetch_all`): a repository's base class holds the queries and the rows."""
    bases = {f"{m.name}.{cls}": found for m in modules for cls, found in m.class_bases}
    if not bases:
        return functions
    defined = {f"{m.name}.{f.qualname}" for m, f in functions}
    memo: dict[str, str] = {}

    def find(name: str) -> str:
        if name in defined or "." not in name:
            return name
        if name not in memo:
            owner, _, method = name.rpartition(".")
            todo, seen, memo[name] = list(bases.get(owner, ())), set(), name
            while todo:
                base = todo.pop(0)
                if f"{base}.{method}" in defined:
                    memo[name] = f"{base}.{method}"
                    break
                seen.add(base)
                todo += [b for b in bases.get(base, ()) if b not in seen]
        return memo[name]

    return [(m, _renamed(f, find)) for m, f in functions]


def _renamed(func: FunctionFacts, find: Callable[[str], str]) -> FunctionFacts:
    """`func` with every callee it names passed through `find`."""
    def names(found: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(find(n) for n in found)

    def kind(check: str) -> str:
        form, _, dotted = check.partition(":")
        return f"{form}:{find(dotted)}" if dotted else check

    returns = tuple(replace(r, callees=names(r.callees), via=names(r.via),
                            elements=tuple(replace(e, callees=names(e.callees),
                                                   outer=names(e.outer))
                                           for e in r.elements)) for r in func.returns)
    calls = tuple(replace(c, callee=find(c.callee) if c.callee else c.callee,
                          passed=tuple((k, p, names(v)) for k, p, v in c.passed),
                          guarded=tuple((p, kind(k)) for p, k in c.guarded))
                  for c in func.calls)
    return replace(func, returns=returns, calls=calls)


def _value_fields(modules: Sequence[ModuleInfo],
                  summaries: Sequence[FunctionSummary]) -> tuple[tuple[str, str], ...]:
    """The model fields that hold values (see Summaries.value_fields): typed as one, or
    checked by a validator with a check every rule trusts (an allow-list of constants, a
    full match; the project's predicates making only those)."""
    enums = {f"{m.name}.{name}" for m in modules for function, name, what in m.typed_params
             if not function and what == ENUM_CLASS}
    trusted = {"allow", "regex"}
    predicates = {f"predicate:{g.dotted}" for g in summaries if g.kind is SummaryKind.GUARD
                  and g.guard == "predicate" and g.via and set(g.via) <= trusted}
    checked: dict[tuple[str, str], set[str]] = {}
    for m in modules:
        for model, name, kind in m.model_fields:
            if kind.startswith(CHECKED_FIELD):
                checked.setdefault((f"{m.name}.{model}", name), set()).add(
                    kind.removeprefix(CHECKED_FIELD))
    return tuple(sorted({*((f"{m.name}.{model}", field) for m in modules
                           for model, field, kind in m.model_fields
                           if kind == SCALAR_FIELD or kind in enums),
                         *(key for key, checks in checked.items()
                           if any(c in trusted or c in predicates for c in checks))}))


def _request_helpers(functions: Sequence[tuple[ModuleInfo, FunctionFacts]],
                     modules: Sequence[ModuleInfo]) -> tuple[str, ...]:
    """The project's module-level functions (by name) another of its functions passes its
    `request` to: helpers, not views (see Summaries.request_helpers). Not methods: a
    class-based view's `get(self, request, pk)` is called with the request too; nor a
    function of a name a route registers (`path("p/<slug>/", views.page)`): a view
    stays one whoever else calls it (a pull request adding a call must not hide it)."""
    plain = {f"{m.name}.{f.qualname}" for m, f in functions if "." not in f.qualname}
    routed = {view for m in modules for view, _, _, _ in m.routes}
    return tuple(sorted({name for _, f in functions for c in f.calls
                         if c.callee in plain and not c.method
                         and (name := c.callee.rsplit(".", 1)[-1]) not in routed
                         and any(p in REQUEST_NAMES for _, params in c.args for p in params)}))


def _without_values(call: ParamCall, values: set[tuple[str, str]]) -> ParamCall:
    """`call` without the arguments annotated parameters reach only through fields that
    hold a value (see Summaries.value_fields): they reach nothing."""
    read: dict[str, set[tuple[str, str]]] = {}
    for key, cls, name in call.fields:
        read.setdefault(key, set()).add((cls, name))
    dropped = {key for key, pairs in read.items() if pairs <= values}
    if not dropped:
        return call
    return replace(call, args=tuple((k, p) for k, p in call.args if k not in dropped))


def _typed(call: ParamCall, classes: set[str]) -> ParamCall:
    """`call` resolved to a method of a project class when the code says its receiver is
    of that class (`ParamCall.typed`): `self.repo.search(q)` calls
    `app.repos.TicketRepository.search`, and no library method `search`."""
    if call.callee or not call.typed or call.typed.rsplit(".", 1)[0] not in classes:
        return call
    return replace(call, callee=call.typed, method="")


def foreign_names(called: Iterable[str], modules: set[str]) -> set[str]:
    """Names the snapshot calls that are not the project's own: the last part of each
    resolved callee outside every project module (`from urllib.parse import urljoin`),
    the builtins, and the methods of builtin types (`s.casefold()`).

    A project function that is the only one of its name is matched by that name alone
    (`urljoin(...)`, `$OBJ.casefold(...)`), in every file. Were its name also a library
    function's, a pull request could add a helper of that name returning a constant and
    so have every call of the library function read as a sanitizer; such a name counts
    as defined once more, so only its importable name and its own file match it. So does
    a module's last name and a function's (`storage.open` of `google.cloud.storage`)."""
    out = set(_BUILTIN_NAMES)
    for callee in called:
        head, _, name = callee.rpartition(".")
        if head and not _in_project(head, modules):
            out.add(name)
            out.add(f"{head.rsplit('.', 1)[-1]}.{name}")  # `storage.open`: see callee_forms
    return out


def _in_project(dotted: str, modules: set[str]) -> bool:
    parts = dotted.split(".")
    return any(".".join(parts[:i]) in modules for i in range(1, len(parts) + 1))


_BUILTIN_NAMES = frozenset(dir(builtins)).union(
    *(dir(t) for t in (str, bytes, bytearray, int, float, list, tuple, dict, set,
                       frozenset)))


def _stored(functions: Sequence[tuple[ModuleInfo, FunctionFacts]],
            kinds: Mapping[str, tuple[SummaryKind, tuple[str, ...]]]) -> set[str]:
    """The functions returning data read from a database, directly or through another
    such function (a fixpoint); not those returning request data (a source already)."""
    found: set[str] = set()
    for _ in range(MAX_ROUNDS):
        before = len(found)
        for module, func in functions:
            key = f"{module.name}.{func.qualname}"
            if key not in found and kinds.get(key, (None,))[0] is not SummaryKind.SOURCE \
                    and any(r.stored or found.intersection(r.callees) for r in func.returns):
                found.add(key)
        if len(found) == before:
            break
    return found


def _stored_at(func: FunctionFacts, stored: set[str],
               kinds: Mapping[str, tuple[SummaryKind, tuple[str, ...]]],
               ) -> tuple[int, tuple[int, ...]]:
    """(size, positions) for a function returning stored data (see
    FunctionSummary.tuple_size): when every return holding such data is a tuple of one
    size, the positions of the elements that hold it; else (0, ())."""
    holding = [r for r in func.returns if r.stored or stored.intersection(r.callees)]
    sizes = {len(r.elements) for r in holding}
    if len(sizes) != 1 or 0 in sizes:
        return 0, ()
    return sizes.pop(), tuple(sorted({i for r in holding for i, e in enumerate(r.elements)
                                      if _holds_stored(e, stored, kinds)}))


def _unreturned_across(functions: Sequence[tuple[ModuleInfo, FunctionFacts]],
                       ) -> dict[str, set[str]]:
    """Each function's parameters no return can hold (by qualified name): its own
    module's reading, and those it can hold only through other modules' functions that
    do not return them (FunctionFacts.unreturned_if), to a fixpoint."""
    left = {f"{m.name}.{f.qualname}": set(f.unreturned) for m, f in functions}
    names = {f"{m.name}.{f.qualname}": f.param_names for m, f in functions}

    def dropped(callee: str, key: str) -> bool:
        params = names.get(callee, ())
        name = params[int(key)] if key.isdigit() and int(key) < len(params) else key
        return name in left.get(callee, ())

    for _ in range(MAX_ROUNDS):
        changed = False
        for module, func in functions:
            key = f"{module.name}.{func.qualname}"
            for param, conditions in func.unreturned_if:
                if param not in left[key] and all(dropped(c, k) for c, k in conditions):
                    left[key].add(param)
                    changed = True
        if not changed:
            break
    return left


def _clean_at(func: FunctionFacts, kinds: Mapping[str, tuple[SummaryKind, tuple[str, ...]]],
              stored: set[str]) -> tuple[int, tuple[int, ...]]:
    """(size, positions) for a function every return of which is a tuple of one size,
    the positions whose elements hold nothing in every return (see FunctionSummary
    .stored_at): no argument, and no call giving request or stored data; (0, ())
    otherwise."""
    sizes = {len(r.elements) for r in func.returns}
    if len(sizes) != 1 or 0 in sizes:
        return 0, ()
    size = sizes.pop()

    def clean(element: ElementFact) -> bool:
        return element.const and not any(
            c in stored or kinds.get(c, (None,))[0] is SummaryKind.SOURCE
            for c in element.callees)
    return size, tuple(i for i in range(size) if all(clean(r.elements[i]) for r in func.returns))


def _holds_stored(element: ElementFact, stored: set[str],
                  kinds: Mapping[str, tuple[SummaryKind, tuple[str, ...]]]) -> bool:
    """Whether one element of a returned tuple is (or holds) stored data: read from a
    database, or built from what a function returning such data gave, unless it is the
    result of calls that clean it (`bleach.clean`, or a project function whose
    parameters reach its returns through such calls only: `render_markdown(body)`)."""
    if stored.intersection(element.outer):
        return True
    if element.outer and all(_cleans(c, kinds) for c in element.outer):
        return False
    return element.stored or bool(stored.intersection(element.callees))


def _cleans(callee: str, kinds: Mapping[str, tuple[SummaryKind, tuple[str, ...]]]) -> bool:
    kind, via = kinds.get(callee, (None, ()))
    return callee in STORED_CLEANERS or kind is SummaryKind.CONSTANT or (
        kind is SummaryKind.SANITIZER and set(via) <= STORED_CLEANERS)


def _resolved_guards(call: ParamCall,
                     guards: Mapping[str, tuple[str, tuple[str, ...]]]) -> ParamCall:
    """`call` with each guard call before it (`predicate:<dotted>`, `raise:<dotted>`, see
    ParamCall.guarded) replaced by the kinds of check that project function makes, or
    left out when it is no guard used so: a predicate's result must be tested
    (`if not f(x): raise`), a call as a statement of its own must raise itself."""
    if not any(":" in kind for _, kind in call.guarded):
        return call
    found: set[tuple[str, str]] = set()
    for param, kind in call.guarded:
        form, _, dotted = kind.partition(":")
        if not dotted:
            found.add((param, kind))
            continue
        guard, checks = guards.get(dotted, ("", ()))
        if guard == "raise" or (guard == "predicate" and form == "predicate"):
            found.update((param, check) for check in checks)
    return replace(call, guarded=tuple(sorted(found)))


def _kind_of(returns: tuple[ReturnFact, ...],
             known: Mapping[str, tuple[SummaryKind, tuple[str, ...]]],
             ) -> tuple[SummaryKind, tuple[str, ...]] | None:
    """The summary kind of a function from its return facts and what is known so far."""
    if not returns:
        return None
    if any(r.kind == "source" or any(known.get(c, (None,))[0] is SummaryKind.SOURCE
                                     for c in r.callees) for r in returns):
        return SummaryKind.SOURCE, _source_checks(returns, known)
    if any(r.raw for r in returns):
        # a URL of a constant host whatever its parameters fill in after it (`f"{BASE}/
        # avatar/{digest}"`): clean for the rules of a URL's host only
        if all(r.fixed_host or r.kind == "const" for r in returns):
            return SummaryKind.SANITIZER, (FIXED_HOST,)
        # an argument list with a constant program in front: clean for the command rule
        if all(r.argv for r in returns):
            return SummaryKind.SANITIZER, (ARGV,)
        if not all(r.checked for r in returns if r.raw):
            return None
    # a parameter returned only when predicates passed (`if is_safe_url(target): return
    # target`): clean for the rules trusting those predicates (see CHECKED)
    via: set[str] = {f"{CHECKED}{c}" for r in returns if r.raw for c in r.checked}
    for fact in returns:
        for callee in fact.via:
            summary = known.get(callee)
            if summary is None:
                via.add(callee)
            elif summary[0] is SummaryKind.SANITIZER:
                via.update(summary[1])
    if not via:
        return SummaryKind.CONSTANT, ()
    return SummaryKind.SANITIZER, tuple(sorted(via))


def _source_checks(returns: tuple[ReturnFact, ...],
                   known: Mapping[str, tuple[SummaryKind, tuple[str, ...]]],
                   ) -> tuple[str, ...]:
    """The predicates every request value a source helper returns passed (see
    ReturnFact.checked; through a checked source helper too); none when one is returned
    unchecked. A rule trusting all of them does not take the helper for a source."""
    checks: set[str] = set()
    for fact in returns:
        if fact.kind == "source":
            if not fact.checked:
                return ()
            checks.update(fact.checked)
        for callee in fact.callees:
            kind, via = known.get(callee, (None, ()))
            if kind is SummaryKind.SOURCE:
                if not via:
                    return ()
                checks.update(via)
    return tuple(sorted(checks))


def _typed_params(modules: Sequence[ModuleInfo],
                  returning: set[str] | frozenset[str] = frozenset()) -> list[TypedRouteParam]:
    """The route parameters each module records, a parameter typed by one of the
    project's Enum classes as a value (FastAPI accepts only the members' values). Classes
    are matched by name, so a name the project also gives another class is no Enum."""
    listed = [(m.path, fn, p, kind) for m in modules for fn, p, kind in m.typed_params]
    classes = [(p, kind) for _, fn, p, kind in listed if not fn]
    # a module of the tree named `enum` would shadow the standard library's
    shadowed = any(m.name == "enum" or m.name.startswith("enum.") for m in modules)
    enums = set() if shadowed else {p for p, kind in classes if kind == ENUM_CLASS} - {
        p for p, kind in classes if kind != ENUM_CLASS}
    # a dependency's type alias, by name: where no class or other alias has that name,
    # and its dependency returns no request data (`returning`: a dependency's parameters
    # are the request's, so one returning them gives request data)
    dependencies = {p for p, kind in classes if kind.startswith(DEPENDENCY)
                    and kind.removeprefix(DEPENDENCY) not in returning} - {
        p for p, kind in classes if not kind.startswith(DEPENDENCY)
        or kind.removeprefix(DEPENDENCY) in returning}
    out: list[TypedRouteParam] = []
    for path, fn, param, kind in listed:
        if not fn:
            continue
        if kind.startswith(ANNOTATED_PARAM):
            if kind[len(ANNOTATED_PARAM):] not in enums | dependencies:
                continue
            kind = VALUE_PARAM
        elif kind.startswith(DEPENDS):
            kind = REQUEST_PARAM if kind.removeprefix(DEPENDS) in returning else VALUE_PARAM
        out.append(TypedRouteParam(path, fn, param, kind))
    return out + _route_params(modules)


def _route_params(modules: Sequence[ModuleInfo]) -> list[TypedRouteParam]:
    """The parameters views take from their routes, by view name: every route of that
    name that can feed the parameter (its URL names it, or its view has it; in any
    module) must agree, so a route added for a name cannot
    clear a view of that name another route feeds a path."""
    routes: dict[str, list[tuple[str, dict[str, str], tuple[str, ...]]]] = {}
    for module in modules:
        for view, router, url, params in module.routes:
            routes.setdefault(view, []).append(
                (module.path, route_param_kinds(router, url), params))
    out: list[TypedRouteParam] = []
    for view, found in sorted(routes.items()):
        for param in sorted({p for _, kinds, _ in found for p in kinds}):
            feeding = [(path, kinds) for path, kinds, params in found
                       if param in params or param in kinds]
            out += [TypedRouteParam(feeding[0][0], view, name, kind)
                    for name, kind in agreed_kinds([kinds for _, kinds in feeding])
                    if name == param]
    return out
