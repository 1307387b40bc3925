"""Rule extensions generated from the cross-file summaries, for one scan.

Semgrep CE cannot include one rule in another, so the taint rules of the pack are
written out again with the summaries appended: calls to `source` helpers become extra
sources; calls to `constant` helpers, and to `sanitizer` helpers whose sanitizer the
rule already trusts, become extra sanitizers; route parameters the framework converts
to numbers (`<int:id>`) are sanitized inside their view. Rule ids stay the same, so the
generated file replaces the pack's taint file for the scan.
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import io
import json
import keyword
import re
import tokenize
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from assay.scanners.semgrep._pack import COPY_MARK, Rule, RuleFile, Rules
from assay.scanners.semgrep._parsers import CLOSED, OPEN, closed_factories, factory_sinks
from assay.scanners.semgrep._prefilter import pattern_tokens, token_word
from assay.scanners.semgrep._pysource import (
    KIND_CHECK,
    PART_CHECK,
    QUEUED,
    REQUEST_PARAM,
    RUNNERS,
    VALUE_PARAM,
    gives_no_text,
)
from assay.scanners.semgrep._receivers import (
    APP_ITEM,
    ATTRIBUTE,
    FACTORY,
    INSTANCE,
    PARAMETER,
)
from assay.scanners.semgrep._rulefiles import include_of
from assay.scanners.semgrep._sinks import (
    SinkWrapper,
    find_wrappers,
    signatures,
    trusted_checks,
    with_closed_factories,
)
from assay.scanners.semgrep._state import keeper_propagators, state_sources
from assay.scanners.semgrep._summaries import (
    ARGV,
    CHECKED,
    FIXED_HOST,
    FunctionSummary,
    Summaries,
    SummaryKind,
    signature_head,
)
from assay.scanners.semgrep._template_flow import CONTEXT_CALLS, STORED_ESCAPES, STORED_SOURCES

# Names too common to match by name alone: a project helper called `get` must not turn
# every dict.get() into a source.
COMMON_NAMES = frozenset(dir(builtins)) | frozenset({
    "get", "post", "put", "delete", "patch", "head", "run", "load", "loads", "dump", "dumps",
    "read", "write", "open", "close", "save", "update", "render", "parse", "format", "join",
    "split", "strip", "encode", "decode", "send", "request", "fetch", "filter", "search",
    "execute", "query", "value", "values", "items", "keys", "copy", "clean", "main", "index",
    "process", "handle", "validate", "name", "data", "text", "json", "call", "apply",
    "build", "create", "make", "new", "init", "setup", "start", "stop", "reset", "first",
    "one", "count", "sort", "find", "add", "remove", "pop", "clear", "login", "logout",
})
_CALL_NAME = re.compile(r"^([A-Za-z_]\w*(?:\.\$?[A-Za-z_]\w*)*)\(")
_BUILTIN_NAMES = frozenset(dir(builtins))
# Copies of a taint rule, one per group of its files (see extend_pack): one file per copy
# cuts the most, but every copy repeats the rule's own patterns (~25 kB), which Semgrep
# parses again for each (and starts its matching again for each, file by file)
MAX_COPIES = 64
XXE_RULE = "assay.python.xxe.taint"
FILTER_RULE = "assay.python.xss-filter.taint"  # its sources: template filters and tags
MAX_PATTERN_LINES = 80  # longer definitions are not used as patterns
_ENTRY_OPTIONS = frozenset({"exact", "by-side-effect"})  # of a source, sanitizer or sink


def is_dotted_name(text: str) -> bool:
    """True when `text` can be written in Python code as a (dotted) name: a file named
    `1093_add_column.py` or `my-module.py` gives a module no import can name, and a
    pattern naming it would not parse."""
    return all(part.isidentifier() and not keyword.iskeyword(part)
               for part in text.split("."))


def callee_forms(dotted: str, is_method: bool, summaries: Summaries) -> list[str]:
    """How calls of a project function can be written (without the arguments)."""
    name = dotted.rsplit(".", 1)[-1]
    # a class (a constructor's call) by its name when no other class or function has it
    defined = summaries.defined(name) + summaries.defined(f"class:{name}")
    unique = defined == 1 and name not in COMMON_NAMES
    if is_method:
        return [f"$OBJ.{name}"] if unique and is_dotted_name(name) else []
    forms = [dotted, *summaries.aliases(dotted)]
    module = dotted.rsplit(".", 1)[0] if "." in dotted else ""
    if unique:
        forms.append(name)
    # `from package import module` (or `from . import module`): `module.helper()`, when
    # no other module of that last name defines a function of that name
    pair = f"{module.rsplit('.', 1)[-1]}.{name}"
    if "." in module and (unique or summaries.defined(pair) == 1):
        forms.append(pair)
    return [f for f in forms if is_dotted_name(f)]


def call_alternatives(dotted: str, is_method: bool, summaries: Summaries,
                      args: str = "...", same_file: bool = False,
                      source: str = "", local: bool = True,
                      by_name: bool = True) -> list[dict[str, Any]]:
    """Pattern alternatives matching calls of a project function with `args`.

    A call by bare name also matches in a file that defines the function (before or
    after the call), even when the name is not unique in the project: any function of
    that name when all of them are summarized alike (`same_file`), else only this very
    definition, matched by its code (`source`). Only for functions their own module
    calls by bare name (`local`). A method is matched by its name on any object only
    `by_name` (see callee_forms); else only where its class is named.
    """
    forms = callee_forms(dotted, is_method, summaries) if by_name or not is_method else []
    alternatives: list[dict[str, Any]] = [{"pattern": f"{f}({args})"} for f in forms]
    name = dotted.rsplit(".", 1)[-1]
    if is_method:
        klass = dotted.rsplit(".", 1)[0]
        return alternatives + method_alternatives(
            dotted, args, summaries.defined(f"class:{_class_of(dotted)}") <= 1,
            _typed_receivers(klass, summaries),
            # (not to clear taint: a class's code in every sanitizer of every rule made
            # the generated rules of Django's sdist 19 MB)
            summaries.class_source(klass) if by_name else "", summaries.class_aliases(klass))
    if not local or name in forms or name in _BUILTIN_NAMES:
        return alternatives
    if same_file:
        defs = [f"{kind}def {name}(...):\n    ..." for kind in ("", "async ")]
    elif _usable_as_pattern(source):
        defs = [source]
    elif (head := signature_head(source)) and summaries.unique_head(name, head):
        defs = [head]  # code that cannot serve as a pattern (`$1` in SQL): its `def` line
    else:
        return alternatives
    defined = [{"pattern-inside": f"{d}\n...\n"} for d in defs]
    defined += [{"pattern-inside": f"...\n{d}\n"} for d in defs]
    alternatives.append({"patterns": [{"pattern-either": defined},
                                      {"pattern": f"{name}({args})"}]})
    return alternatives


def _class_of(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[-2] if len(parts) >= 2 else ""


def _typed_receivers(klass: str, summaries: Summaries) -> list[tuple[str, str, str]]:
    """How the code names objects of the class `klass` (qualified; see _receivers):
    (FACTORY, a form of a factory's name, its definition as a pattern when only the
    file defining it can call it by that form), (ATTRIBUTE, `Owner.attr`, the owner's
    code when its name is not unique) and
    (INSTANCE, `module.name`, "") for a module's shared object."""
    out: list[tuple[str, str, str]] = []
    short = klass.rsplit(".", 1)[-1]
    for kind, name, of in summaries.receivers:
        if of != klass:
            continue
        if kind == ATTRIBUTE:
            # inside the owner class, by its name; one whose name another module's class
            # has too (whose attribute may be of another class), by its code
            owner, attr = name.rsplit(".", 1)
            short_owner = owner.rsplit(".", 1)[-1]
            code = summaries.class_source(owner)
            if is_dotted_name(short_owner) and is_dotted_name(attr) and (
                    summaries.defined(f"class:{short_owner}") <= 1 or _usable_as_pattern(code)):
                out.append((ATTRIBUTE, f"{short_owner}.{attr}",
                            code if summaries.defined(f"class:{short_owner}") > 1 else ""))
            continue
        if kind == INSTANCE:
            if is_dotted_name(name):
                out.append((INSTANCE, name, ""))
            continue
        if kind == APP_ITEM:
            if name.isidentifier():
                out.append((APP_ITEM, name, ""))
            continue
        if kind == PARAMETER:
            # an annotated parameter: matched by the annotation itself; one marker says
            # some parameter is, so `Annotated[Class, Depends(...)]` is matched too
            if (PARAMETER, "", "") not in out:
                out.append((PARAMETER, "", ""))
            continue
        if kind != FACTORY:
            continue
        forms = callee_forms(name, False, summaries)
        owner = name.rsplit(".", 2)[-2] if name.count(".") >= 2 else ""
        method = f"{short}.{name.rsplit('.', 1)[-1]}"  # a class method's call
        if owner == short and summaries.defined(f"class:{short}") == 1 \
                and method not in forms:
            forms.append(method)
        out += [(FACTORY, form, "") for form in forms]
        bare = name.rsplit(".", 1)[-1]
        if bare not in forms and is_dotted_name(bare) and is_dotted_name(short):
            # `_service()` in the blueprint defining it (each blueprint has its own)
            out += [(FACTORY, bare, f"{a}def {bare}(...){r}:\n    ...{b}")
                    for a in ("", "async ")
                    for r, b in ((f" -> {short}", ""), ("", f"\n    return {short}(...)"))]
    return out


def _receiver_alternatives(name: str, args: str, classes: Sequence[str],
                           typed: Sequence[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Calls of the method `name` on objects the code says are of its class: a
    parameter annotated with one of `classes` (names of the class), and the `typed`
    receivers (see _typed_receivers)."""
    call = f"$INSTANCE.{name}({args})"
    forms = [*classes, *(f"Annotated[{klass}, ...]" for klass in classes
                         if (PARAMETER, "", "") in typed)]
    annotated = [{"pattern-inside": f"{kind}def $FN(..., $INSTANCE: {form}{default}, ...):"
                                    "\n    ...\n"}
                 for form in forms for kind in ("", "async ") for default in ("", " = $D")]
    out: list[dict[str, Any]] = [{"patterns": [{"pattern-either": annotated},
                                               {"pattern": call}]}] if annotated else []
    # a local name annotated with the class (`archive: BackupArchive = app["archive"]`)
    out += [{"patterns": [{"pattern-inside": f"$INSTANCE: {klass} = $VALUE\n...\n"},
                          {"pattern": call}]} for klass in classes]
    for kind, form, definition in typed:
        if kind == PARAMETER:
            continue
        if kind == APP_ITEM:  # what the application keeps, through any of its names
            out.append({"pattern": f'$APP["{form}"].{name}({args})'})
            continue
        if kind == INSTANCE:
            # by its importable name in the modules importing it (where it is made, as
            # any object made of the class: see method_alternatives)
            out.append({"pattern": f"{form}.{name}({args})"})
            continue
        if kind == ATTRIBUTE:
            owner, attr = form.rsplit(".", 1)
            inside = [{"pattern-inside": f"{definition}\n"}] if definition else [
                {"pattern-inside": f"class {owner}:\n    ...\n"},
                {"pattern-inside": f"class {owner}(...):\n    ...\n"}]
            out.append({"patterns": [{"pattern-either": inside},
                                     {"pattern": f"self.{attr}.{name}({args})"}]})
            continue
        made: list[dict[str, Any]] = [{"pattern": f"{form}(...).{name}({args})"},
                {"patterns": [{"pattern-inside": f"$INSTANCE = {form}(...)\n...\n"},
                              {"pattern": call}]}]
        if definition:
            where = [{"pattern-inside": f"{definition}\n...\n"},
                     {"pattern-inside": f"...\n{definition}\n"}]
            made = [{"patterns": [{"pattern-either": where}, {"pattern-either": made}]}]
        out += made
    return out


def method_alternatives(dotted: str, args: str = "...", unique: bool = True,
                        typed: Sequence[tuple[str, str, str]] = (),
                        source: str = "", aliases: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Calls of a method that name its class: through the class, imported or defined in
    the file (`UserDao.find(x)`, a static or class method), through an instance made in
    the same function (`dao = UserDao(); dao.find(x)`), or through `self`/`cls` inside
    the class itself. A method is never matched by its name alone on any object. A
    class whose name another project module's class has too (`not unique`) is named by
    its importable name only (and through `self`/`cls` in its own body): its bare name
    would also match the other class's calls, except in the file holding the class's
    own code (`source`, when given and usable as a pattern). Objects the code says are
    of the class (`typed`, see _typed_receivers) are matched too: an annotated
    parameter, an attribute of `self`, a factory's result."""
    path, cls, name = dotted.rsplit(".", 2) if dotted.count(".") >= 2 else ("", *dotted.split("."))
    if not (is_dotted_name(cls) and is_dotted_name(name)):
        return []
    named = [f"{path}.{cls}", cls] if path and unique else [f"{path}.{cls}"] if path else [cls]
    classes = [k for k in (*named, *aliases) if is_dotted_name(k)]  # (re-exported too)
    out: list[dict[str, Any]] = []
    for klass in classes:
        out.append({"pattern": f"{klass}.{name}({args})"})
        out.append({"pattern": f"{klass}(...).{name}({args})"})
        out.append({"patterns": [{"pattern-inside": f"$INSTANCE = {klass}(...)\n...\n"},
                                 {"pattern": f"$INSTANCE.{name}({args})"}]})
    inside = [{"pattern-inside": f"class {cls}:\n    ...\n"},
              {"pattern-inside": f"class {cls}(...):\n    ...\n"}]
    out.append({"patterns": [{"pattern-either": inside},
                             {"pattern-either": [{"pattern": f"self.{name}({args})"},
                                                 {"pattern": f"cls.{name}({args})"}]}]})
    out += _receiver_alternatives(name, args, classes, typed)
    if not unique and _usable_as_pattern(source):
        # the bare name where the class's own code is (a twin of the class, of that name
        # in another file, has other code)
        own = [{"pattern": f"{cls}.{name}({args})"}, {"pattern": f"{cls}(...).{name}({args})"},
               {"patterns": [{"pattern-inside": f"$INSTANCE = {cls}(...)\n...\n"},
                             {"pattern": f"$INSTANCE.{name}({args})"}]},
               # a parameter annotated with the class of this file (`prober: HealthProbe
               # = Depends(get_probe)`)
               *_receiver_alternatives(name, args, [cls], [])]
        where = [{"pattern-inside": f"{source}\n...\n"}, {"pattern-inside": f"...\n{source}\n"}]
        out.append({"patterns": [{"pattern-either": where}, {"pattern-either": own}]})
    return out


def _usable_as_pattern(source: str) -> bool:
    """Whether a function's code can serve as a Semgrep pattern as it is."""
    return (bool(source) and source.count("\n") < MAX_PATTERN_LINES and "$" not in source
            and "..." not in source and "<..." not in source)


def call_patterns(summary: FunctionSummary, summaries: Summaries,
                  same_file: bool = False, by_name: bool = True) -> list[dict[str, Any]]:
    """Pattern alternatives matching calls of one summarized function."""
    return call_alternatives(summary.dotted, summary.is_method, summaries,
                             same_file=same_file, source=summary.source,
                             local=summary.called_locally, by_name=by_name)


def _agreeing(names: Sequence[str], summaries: Summaries) -> set[str]:
    """The names every project definition of which is among `names` (one per function)."""
    counts = Counter(names)
    return {n for n, c in counts.items() if c == summaries.defined(n)}


def wrapper_sink(wrapper: SinkWrapper, summaries: Summaries,
                 same_file: bool = False) -> dict[str, Any] | None:
    """A sink entry: the wrapper's argument that reaches the wrapped sink."""
    if wrapper.param.startswith("**"):
        return _spread_sink(wrapper, summaries, same_file)
    before = "".join(f"$ARG{i}, " for i in range(wrapper.position))
    alternatives = [alt for args in (f"{before}$SINK, ...", f"..., {wrapper.param}=$SINK, ...")
                    for alt in call_alternatives(wrapper.function, wrapper.is_method,
                                                 summaries, args, same_file, wrapper.source,
                                                 wrapper.called_locally)]
    if wrapper.name in summaries.handed:
        alternatives += [_mapped(alt, form) for alt in alternatives for form in _HANDED]
    if not alternatives:
        return None
    return {"patterns": [{"pattern-either": alternatives}, {"focus-metavariable": "$SINK"}]}


def _spread_sink(wrapper: SinkWrapper, summaries: Summaries,
                 same_file: bool) -> dict[str, Any] | None:
    """A `**kwargs` wrapper's sink: a value passed by a keyword it does not name, or a
    mapping spread into its call."""
    def calls(args: str) -> list[dict[str, Any]]:
        return call_alternatives(wrapper.function, wrapper.is_method, summaries, args,
                                 same_file, wrapper.source, wrapper.called_locally)
    keyword, spread = calls("..., $KW=$SINK, ..."), calls("..., **$SINK")
    if not keyword or not spread:
        return None  # (both or neither: the same forms of one function)
    named = "|".join(re.escape(n) for n in wrapper.named)
    by_keyword: list[dict[str, Any]] = [{"pattern-either": keyword}]
    if named:
        by_keyword.append({"metavariable-regex": {"metavariable": "$KW",
                                                  "regex": rf"^(?!(?:{named})$)"}})
    return {"patterns": [{"pattern-either": [{"patterns": by_keyword},
                                             {"pattern-either": spread}]},
                         {"focus-metavariable": "$SINK"}]}


def _handed_to(template: str) -> Callable[[str], str]:
    """The call pattern `f(args)` as a runner's call handing it `f` and `args`."""
    def change(call: str) -> str:
        callee, _, args = call.partition("(")
        return template.format(f=callee, args=args[:-1])
    return change


# a function handed to a runner with its arguments is called with them (the project's
# code hands one: see _pysource.handed_functions)
_HANDED = (*(_handed_to(f"$RUNNER.{name}({''.join(f'$BEFORE{i}, ' for i in range(at))}"
                        "{f}, {args})") for name, at in RUNNERS.items()),
           _handed_to(f"{{f}}.{QUEUED}({{args}})"),
           _handed_to("functools.partial({f}, {args})"))


def trusted_calls(rule: dict[str, Any]) -> set[str]:
    """The dotted names of calls a rule's sanitizers already trust (`html.escape`, `int`),
    a part of them a metavariable where the rule writes one (`requests.$HTTP_METHOD`)."""
    names: set[str] = set()
    for pattern in _patterns(rule.get("pattern-sanitizers", [])):
        match = _CALL_NAME.match(pattern.strip())
        if match:
            names.add(match.group(1))
    cwe = str((rule.get("metadata") or {}).get("cwe", ""))
    if cwe.startswith(("CWE-918:", "CWE-601:")):  # a URL of a constant host
        names.add(FIXED_HOST)
    if cwe.startswith("CWE-78:"):  # an argument list with a constant program
        names.add(ARGV)
    return names | _AUTOESCAPED if cwe.startswith("CWE-79:") else names


# what renders values through an autoescaping template (a file, or a string: Flask
# escapes both): a helper returning it gives markup with its values escaped. Not the
# XSS rules' own sanitizers: their template sinks are these calls' arguments
_AUTOESCAPED = frozenset({"flask.render_template", "flask.render_template_string"})


def is_trusted(callee: str, trusted: set[str]) -> bool:
    """Whether a call of `callee` (a dotted name) is one of `trusted` (see trusted_calls):
    a metavariable part stands for any one name."""
    return callee in trusted or any("$" in name and _name_form(name).fullmatch(callee)
                                    for name in trusted)


@functools.lru_cache(maxsize=256)
def _name_form(name: str) -> re.Pattern[str]:
    return re.compile(r"\.".join(r"[A-Za-z_]\w*" if part.startswith("$") else re.escape(part)
                                 for part in name.split(".")))


def _patterns(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def extend_rule(rule: dict[str, Any], summaries: Summaries,
                wrappers: Sequence[SinkWrapper] | None = None) -> dict[str, Any]:
    """A copy of a taint rule with the summaries' sources, sanitizers and sinks added.

    The copy is shallow: only its top-level lists are replaced, never changed in place,
    and the pack's patterns are shared (deep copies of the whole pack cost a rescan of a
    small repository about a second)."""
    out = dict(rule)
    sources = source_helpers(summaries, rule_id=str(rule.get("id", "")))
    trusted = trusted_calls(rule) | checks_trusted(str(rule.get("id", "")), summaries)
    # a method clears taint only where its class is named (through it, an instance made
    # of it, or an object the code says is one), and only of a class the code types an
    # object with somewhere: by its name alone it is too loose, and every cleaning
    # method of every class made the generated rules of Django's sdist 19 MB
    typed = {of for _, _, of in summaries.receivers}
    safe = [f for f in summaries.of_kind(SummaryKind.CONSTANT) if f.params]
    safe += [f for f in summaries.of_kind(SummaryKind.SANITIZER)
             if f.via and all(is_trusted(v, trusted) for v in f.via)]
    # (an argument list's builder, and a method returning what a project guard checked,
    # by its class too: few, and where an object made in the function calls it, `job =
    # ArchiveJob(...)`, then `job.argv()`)
    guarded = {g.dotted for g in _checked_returners(summaries)}
    safe = [f for f in safe if not f.is_method or f.dotted.rsplit(".", 1)[0] in typed
            or f.via == (ARGV,) or (bool(f.via) and set(f.via) <= guarded)]
    if wrappers is None:
        wrappers = rule_wrappers(rule, summaries)
    wrapping = {w.function for w in wrappers}
    # a predicate the rule trusts as a guard clears the value it is called on in the
    # test of an `if`: a sanitizer of the whole call there would hide that value from
    # the guard's own patterns (a sanitized call is not looked into)
    accepted = trusted_checks(str(rule.get("id", "")))
    guarding = {g.dotted for g in summaries.of_kind(SummaryKind.GUARD)
                if g.guard == "predicate" and set(g.via) & accepted}
    agree = _agreeing([f.name for f in safe], summaries)
    # (by name too: a sanitizer's pattern for the functions of one name, `same_file`,
    # also matches the call of a wrapper of that name in its file)
    named = {w.name for w in wrappers}
    sanitizers = _either([result_only(alt)
                          if f.dotted in wrapping | guarding or f.name in named else alt
                          for f in safe
                          for alt in call_patterns(f, summaries, f.name in agree, by_name=False)]
                         + [{"pattern": f"{name}.get(...)"} for name in summaries.constant_maps])
    helpers = summaries.request_helpers
    if helpers:
        out["pattern-sources"] = [part for entry in out["pattern-sources"]
                                  for part in _not_a_view(entry, helpers)]
    if (state := state_sources(summaries.request_state)) is not None:
        out["pattern-sources"] = [*out["pattern-sources"], state]
    depended = [_typed_param(t.function, t.param) for t in summaries.typed_params
                if t.kind == REQUEST_PARAM]
    if depended:  # a dependency's result that is request data (see _pysource.DEPENDS)
        out["pattern-sources"] = [*out["pattern-sources"], *depended]
    kept = keeper_propagators(summaries.keepers, lambda name: summaries.defined(name) == 1)
    if kept:
        out["pattern-propagators"] = [*out.get("pattern-propagators", []), *kept]
    if sources:
        # only the call's result: by default a source also taints what is inside the
        # match, so a helper that is a sink wrapper too (`show(request, "Welcome")`,
        # its second parameter reaching a sink) would report its own literal argument
        out["pattern-sources"] = [*out["pattern-sources"], {**sources, "exact": True}]
    agree_at = {(w.position, w.param): _agreeing(
        [x.name for x in wrappers if (x.position, x.param) == (w.position, w.param)],
        summaries) for w in wrappers}
    extra_sinks = [e for w in wrappers
                   if (e := wrapper_sink(w, summaries,
                                         w.name in agree_at[(w.position, w.param)]))
                   is not None]
    if rule.get("id") == XXE_RULE:
        forms = {kind: [f for d, k in summaries.parser_factories if k == kind
                        for f in callee_forms(d, False, summaries)] for kind in (OPEN, CLOSED)}
        out["pattern-sinks"] = closed_factories(list(out["pattern-sinks"]), forms[CLOSED])
        if (made := factory_sinks(forms[OPEN])) is not None:
            extra_sinks.append(made)
    savers = project_savers(summaries)
    if savers:
        out["pattern-sinks"] = [not_saved_by(entry, savers) for entry in out["pattern-sinks"]]
    if extra_sinks:
        out["pattern-sinks"] = [*out["pattern-sinks"], *extra_sinks]
    if rule.get("id") == FILTER_RULE and summaries.hooks:
        out["pattern-sources"] = [*out["pattern-sources"], hook_sources(summaries)]
    partial = partial_checks(summaries)
    if partial:
        out["pattern-sanitizers"] = [not_named(entry, partial)
                                     for entry in out.get("pattern-sanitizers", [])]
    extra = [sanitizers] if sanitizers else []
    extra += guard_sanitizers(str(rule.get("id", "")), summaries, wrapping)
    extra += unreturned_sanitizers(summaries, wrappers)
    extra += part_sanitizers(summaries)
    extra += value_field_sanitizers(summaries)
    extra += [_typed_param(t.function, t.param) for t in summaries.typed_params
              if t.kind == VALUE_PARAM
              or (t.kind != REQUEST_PARAM and rule.get("id") in SEGMENT_SAFE_RULES)]
    if extra:
        out["pattern-sanitizers"] = [*out.get("pattern-sanitizers", []), *extra]
    return out


SAVER = "$SAVER"  # the object of the pack's `$SAVER.save($PATH, ...)` (an upload, a storage)


# libraries' classes whose `save` writes a file: a project class of one of these names
# is matched by its module's name only (a pull request adding `class FileSystemStorage`
# with a `save` of its own cannot hide Django's storage writing where the request says)
LIBRARY_SAVERS = frozenset({
    "FileSystemStorage", "Storage", "DefaultStorage", "S3Boto3Storage", "S3Storage",
    "GoogleCloudStorage", "AzureStorage", "FileStorage", "Image", "Workbook", "Document",
    "Presentation", "ZipFile", "TarFile", "Figure", "DataFrame", "Model",
})


def project_savers(summaries: Summaries) -> list[str]:
    """How the code names the project's classes that define a `save` method of their
    own: the class's module-qualified name, and its bare name unless a library class
    with a writing `save` has it (LIBRARY_SAVERS)."""
    methods = {f"{f.module}.{f.qualname}" for f in (*summaries.functions, *summaries.calls)
               if f.qualname.endswith(".save") and f.qualname.count(".") == 1}
    classes = {m.rsplit(".", 1)[0] for m in methods}
    forms = {form for cls in classes for form in (cls, *summaries.aliases(cls))}
    forms |= {cls.rsplit(".", 1)[-1] for cls in classes} - LIBRARY_SAVERS
    return sorted(f for f in forms if is_dotted_name(f))


def not_saved_by(entry: dict[str, Any], classes: Sequence[str]) -> dict[str, Any]:
    """A sink entry of an object's `save` (see SAVER) but on an object made of one of
    the project's `classes` in the function (`importer = StatementImporter(user)`, or
    made in place): that `save` is the project's, whose own sinks its wrappers say; any
    other entry as it is."""
    steps = entry.get("patterns")
    if not isinstance(steps, list) or {"pattern": f"{SAVER}.save($PATH, ...)"} not in steps:
        return entry
    exclusions = [{"pattern-not-inside": f"{SAVER} = {cls}(...)\n...\n"} for cls in classes]
    exclusions += [{"pattern-not": f"{cls}(...).save(...)"} for cls in classes]
    return {**entry, "patterns": [*steps, *exclusions]}


def value_field_sanitizers(summaries: Summaries) -> list[dict[str, Any]]:
    """A field holding a value (a number, a date, a `Literal`, an Enum: see
    Summaries.value_fields) read off a parameter annotated with its pydantic model
    (`payload.kind` with `payload: ReportPreview`): FastAPI validated it, no text of the
    request reaches it. The model by its qualified name, and by its bare name when no
    other project class has it."""
    fields: dict[str, list[str]] = {}
    for model, field in summaries.value_fields:
        fields.setdefault(model, []).append(field)
    out: list[dict[str, Any]] = []
    for model, names in sorted(fields.items()):
        bare = model.rsplit(".", 1)[-1]
        forms = [model, *summaries.aliases(model)] + (
            [bare] if summaries.defined(f"class:{bare}") == 1 else [])
        out.append({"patterns": [
            {"pattern-either": [{"pattern-inside": f"{keyword}def $F(..., $P: {form}, ...):"
                                                   "\n    ...\n"}
                                for form in forms for keyword in ("", "async ")]},
            {"pattern": "$P.$FIELD"},
            {"metavariable-regex": {"metavariable": "$FIELD",
                                    "regex": f"^({'|'.join(sorted(names))})$"}}]})
    return out


_VIEW_PARAMS = "def $F($REQ, ..., $P, ...):\n    ...\n"  # the pack's Django-view source


def _not_a_view(entry: dict[str, Any], helpers: Sequence[str]) -> list[dict[str, Any]]:
    """The pack's source of a Django view's parameters, its function form without the
    project's helpers (`Summaries.request_helpers`; a method form as it is); any other
    source as it is."""
    items = entry.get("patterns", [])
    either = next((i for i in items if isinstance(i, dict) and any(
        isinstance(a, dict) and a.get("pattern-inside") == _VIEW_PARAMS
        for a in i.get("pattern-either", []))), None)
    if either is None:
        return [entry]
    names = "|".join(re.escape(h) for h in helpers)
    alternatives = either["pattern-either"]
    plain = [a for a in alternatives if a.get("pattern-inside") == _VIEW_PARAMS]
    others = [a for a in alternatives if a.get("pattern-inside") != _VIEW_PARAMS]
    rest = [i for i in items if i is not either]
    out = [{**entry, "patterns": [{"pattern-either": plain}, *rest, {"metavariable-regex": {
        "metavariable": "$F", "regex": f"^(?!({names})$)"}}]}]
    return out + ([{**entry, "patterns": [{"pattern-either": others}, *rest]}]
                  if others else [])


# Rules a parameter from one URL segment cannot feed: it holds no `/`
SEGMENT_SAFE_RULES = frozenset({"assay.python.path-traversal.taint"})
_EXITS = [{"pattern": "return ..."}, {"pattern": "raise ..."}, {"pattern": "abort(...)"},
          {"pattern": "flask.abort(...)"}, {"pattern": "$X = $SAFE"}]
_VARIABLE = {"metavariable-regex": {"metavariable": "$X", "regex": r"^[A-Za-z_][\w.]*$"}}
# the other branch of a guarded conditional (`t if is_safe(t) else "/"`): a literal or a
# URL the application builds itself, never a second value of the request
_FIXED_OTHER: list[list[dict[str, Any]]] = [
    [{"metavariable-regex": {"metavariable": "$OTHER",
                             "regex": r"""^(?:"[^"\\]*"|'[^'\\]*'|None)$"""}}],
    # Flask's url_for of a literal endpoint (the whole branch, and resolved to Flask)
    [{"metavariable-regex": {"metavariable": "$OTHER",
                             "regex": r"""^[\w.]*url_for\(\s*(?:"[\w.]*"|'[\w.]*')\s*\)$"""}},
     {"metavariable-pattern": {"metavariable": "$OTHER", "pattern": "flask.url_for(...)"}}],
]


def guard_sanitizers(rule_id: str, summaries: Summaries,
                     wrapping: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Sanitizers for the project's own guards that `rule_id` trusts.

    A predicate (`def allowed_file(name): return ext(name) in ALLOWED`) clears a variable
    it is called on where a failed check leaves (`if not allowed_file(f): abort(400)`)
    and inside `if allowed_file(f):`; a guard that raises or aborts itself
    (`ensure_within(BASE, path)`) clears the variables passed to it from the call on,
    and, when it returns the checked value, its result. A method is matched by its name
    on any object when the name identifies it (`callee_forms`)."""
    accepted = trusted_checks(rule_id)
    out: list[dict[str, Any]] = []
    for guard in summaries.of_kind(SummaryKind.GUARD):
        # a method by its name on any object (`self.locate(page)`): only a name no other
        # project function has, and no common word (callee_forms)
        if not set(guard.via) & accepted:
            continue
        for form in callee_forms(guard.dotted, guard.is_method, summaries):
            out.extend(_guard_patterns(form, guard, guard.dotted in wrapping))
        if guard.is_method and guard.guard == "raise" and guard.guard_returns:
            # its result where its class is named (`archive: BackupArchive = ...`, then
            # `archive.find(name)`), as for a method cleaning its argument
            wrapper = guard.dotted in wrapping  # (its own sink stays: see result_only)
            out.extend(result_only(alt) if wrapper else alt
                       for alt in call_patterns(guard, summaries, by_name=False))
    return out


VALIDATOR = "$VALID"  # the pack's checks by a validator's name (`if not is_safe(x): ...`)


def partial_checks(summaries: Summaries) -> list[str]:
    """The names of the project's predicates that check only a part of the value (`def
    allowed(name): return name.rsplit(".", 1)[-1] in EXTENSIONS`), every definition of
    the name: the pack's checks by a validator's name must not take them for one."""
    return sorted(_agreeing([g.name for g in summaries.of_kind(SummaryKind.GUARD)
                             if g.guard == "predicate" and set(g.via) == {PART_CHECK}],
                            summaries))


def not_named(entry: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """A sanitizer entry that checks by a validator's name (see VALIDATOR), not for the
    functions `names` (called by name or as a method); any other entry as it is."""
    steps = entry.get("patterns")
    if not isinstance(steps, list) or not any(
            isinstance(step, dict) and step.get("metavariable-regex", {}).get("metavariable")
            == VALIDATOR for step in steps):
        return entry
    either = "|".join(re.escape(n) for n in names)
    return {**entry, "patterns": [*steps, {"metavariable-regex": {
        "metavariable": VALIDATOR, "regex": rf"^(?!(?:.*\.)?(?:{either})$)"}}]}


def _guard_patterns(form: str, guard: FunctionSummary, wrapper: bool) -> list[dict[str, Any]]:
    if guard.guard == "predicate":
        check = f"{form}(..., $X, ...)"
        return [{"by-side-effect": True, "patterns": [
                    {"pattern-either": [
                        {"pattern": f"if {test}:\n    ...\n    $EXIT\n"}
                        for test in (f"not {check}", f"not {check} or $OTHER",
                                     f"$OTHER or not {check}")]},
                    {"metavariable-pattern": {"metavariable": "$EXIT", "pattern-either": _EXITS}},
                    _VARIABLE, {"focus-metavariable": "$X"}]},
                {"patterns": [{"pattern-either": [
                    {"pattern-inside": f"if {test}:\n    ...\n"}
                    for test in (check, f"$OTHER and {check}", f"{check} and $OTHER")]},
                              {"pattern": "$X"}]},
                *({"patterns": [{"pattern-either": [
                    {"pattern": f"$X if {form}(..., $X, ...) else $OTHER"},
                    {"pattern": f"$OTHER if not {form}(..., $X, ...) else $X"}]},
                    _VARIABLE, *fixed]} for fixed in _FIXED_OTHER)]
    out: list[dict[str, Any]] = [{"by-side-effect": True, "patterns": [
        {"pattern": f"{form}(..., $X, ...)"}, _VARIABLE, {"focus-metavariable": "$X"}]}]
    if guard.guard_returns:
        call = {"pattern": f"{form}(...)"}
        out.append(result_only(call) if wrapper else call)
    return out


def hook_sources(summaries: Summaries) -> dict[str, Any]:
    """The value (first parameter) of the functions the project registers as template
    filters by a call (`app.jinja_env.filters.update(linkify=linkify)`), by name in the
    files that define them (the filter rule runs there: see _prepass), numbers excepted
    as for the decorated ones."""
    names = sorted({name for _, name in summaries.hooks})
    either = [{"pattern-inside": f"{kind}def {name}($P, ...):\n    ...\n"}
              for name in names for kind in ("", "async ")]
    return {"patterns": [{"pattern-either": either}, {"focus-metavariable": "$P"},
                         {"pattern-not": "self"},
                         *({"pattern-not-inside": f"def $F(..., $P: {t}, ...):\n    ...\n"}
                           for t in ("int", "float", "bool"))]}


def unreturned_sanitizers(summaries: Summaries,
                          wrappers: Sequence[SinkWrapper]) -> list[dict[str, Any]]:
    """Sanitizers of the arguments a project function's result cannot carry.

    `export_note(note_id, title)` returns a path built from `note_id`: its `title`
    argument is cleared in the call (that occurrence only: `exact`), so the call's result
    is tainted by `note_id` alone. Not where the parameter reaches a sink of the rule (the
    wrapper's sink is that very argument). Functions are matched in the forms every
    generated pattern uses (`callee_forms`: the importable name, and the bare name and
    `module.name` when the project defines the name once and it is no common word; a
    method by such a name on any object), never under some other module (a project
    function named `urljoin` does not clear `urllib.parse.urljoin`'s argument): one
    alternative per argument position, the callee a metavariable limited to those
    forms. An argument passed by keyword is not cleared: one alternative per function
    and parameter made every taint rule on Django's sdist 1 MB larger and its scan a fifth
    slower, and one per keyword still 164 alternatives matching every call."""
    wrapped = {(w.function, w.param) for w in wrappers}
    by_position: dict[int, set[str]] = {}
    for function in summaries.unreturned:
        forms = [_form_regex(f) for f in callee_forms(function.dotted, function.is_method,
                                                      summaries)]
        for param, position in function.params:
            if forms and (function.dotted, param) not in wrapped:
                by_position.setdefault(position, set()).update(forms)
    alternatives = [_named_call(f"$F({''.join(f'$A{i}, ' for i in range(position))}$X, ...)",
                                names) for position, names in sorted(by_position.items())]
    if not alternatives:
        return []
    return [{"exact": True, "patterns": [{"pattern-either": alternatives},
                                         {"focus-metavariable": "$X"}]}]


def _form_regex(form: str) -> str:
    """A regular expression for the callee text of one of `callee_forms`' forms: the
    dotted name as written, or a method (`$OBJ.name`) on any dotted receiver."""
    if form.startswith("$OBJ."):
        return r"[A-Za-z_][\w.]*\." + re.escape(form.removeprefix("$OBJ."))
    return re.escape(form)


def _named_call(pattern: str, forms: Iterable[str]) -> dict[str, Any]:
    either = "|".join(sorted(forms))
    return {"patterns": [{"pattern": pattern}, {"metavariable-regex": {
        "metavariable": "$F", "regex": rf"^(?:{either})$"}}]}


def result_only(alternative: dict[str, Any]) -> dict[str, Any]:
    """A sanitizer alternative that clears a call's result, not its arguments.

    A sanitizer matching `f(...)` also clears everything inside the call, so a helper
    that returns a constant but passes its parameter to a sink of the same rule
    (`def login(u): cur.execute("... %s" % u); return True`) would hide its own sink.
    For such a helper, only a variable assigned the call's result is clean, until it is
    assigned again."""
    if "pattern-either" in alternative:
        return {"pattern-either": [result_only(a) for a in alternative["pattern-either"]]}
    steps = list(alternative.get("patterns", [alternative]))
    if "pattern" not in steps[-1]:  # where, then which calls (a class's own file)
        return {"patterns": [*steps[:-1], result_only(steps[-1])]}
    call = str(steps[-1]["pattern"])
    assigned = f"$RESULT = {call}\n...\n"
    return {"patterns": [*steps[:-1], {"pattern-inside": assigned},
                         {"pattern-not-inside": f"{assigned}$RESULT = $OTHER\n...\n"},
                         {"pattern": "$RESULT"}]}


def source_helpers(summaries: Summaries, kind: SummaryKind = SummaryKind.SOURCE,
                   rule_id: str = "") -> dict[str, Any] | None:
    """A pattern-either matching calls of the project's functions that return request data
    (or, with `kind` STORED, data read from a database); for the rule `rule_id`, not
    those returning it only when predicates it trusts passed (see `checked_for`)."""
    found = summaries.of_kind(kind)
    if rule_id:
        trusted = checks_trusted(rule_id, summaries)
        found = tuple(f for f in found if not checked_for(f, trusted))
    return _either(helper_calls(found, summaries))


# a library's predicate of a URL's host, by its last name, and where Django defines it
_URL_PREDICATES = frozenset({"url_has_allowed_host_and_scheme", "is_safe_url"})
_URL_PREDICATE_MODULE = "django.utils.http"


def checks_trusted(rule_id: str, summaries: Summaries) -> set[str]:
    """`checked:<predicate>` for each predicate `rule_id` trusts: a project predicate of
    a kind of check the rule takes, a library's URL predicate (of a name the project
    does not define) for a rule trusting URL checks, and each kind it takes made inline
    (`checked:kind:contain`), and each project guard raising unless such a check holds
    that returns what it checked. A function returning its parameter (or a source
    helper returning request data) only when such checks passed gives nothing for the
    rule, nor one returning what such a guard returned."""
    accepted = trusted_checks(rule_id)
    out = {f"{CHECKED}{g.dotted}" for g in summaries.of_kind(SummaryKind.GUARD)
           if g.guard == "predicate" and set(g.via) & accepted}
    # a guard that raises unless such a check holds and returns the value it checked
    # (`artifact_path(base, id, name)` resolving and containing the path): what a
    # helper returns of its result is checked (`via` it, a call the rule trusts)
    out |= {g.dotted for g in _checked_returners(summaries) if set(g.via) & accepted}
    out |= {f"{CHECKED}{KIND_CHECK}{kind}" for kind in accepted}
    if "url" in accepted:
        out |= {f"{CHECKED}{form}" for name in _URL_PREDICATES if not summaries.defined(name)
                for form in (name, f"{_URL_PREDICATE_MODULE}.{name}")}
    return out


def _checked_returners(summaries: Summaries) -> list[FunctionSummary]:
    """The project's guards that raise unless their check holds and return the value they
    checked (`artifact_path(base, id, name)`)."""
    return [g for g in summaries.of_kind(SummaryKind.GUARD)
            if g.guard == "raise" and g.guard_returns]


def checked_for(helper: FunctionSummary, trusted: set[str]) -> bool:
    """Whether a source helper returns request data only when predicates a rule trusts
    passed (`return t if is_safe_url(t) else "/"`; `trusted`: see `checks_trusted`); a
    library's predicate by its last name."""
    return bool(helper.via) and all(
        f"{CHECKED}{p}" in trusted or f"{CHECKED}{p.rsplit('.', 1)[-1]}" in trusted
        for p in helper.via)


def helper_calls(found: Sequence[FunctionSummary], summaries: Summaries) -> list[dict[str, Any]]:
    """Pattern alternatives matching calls of the functions `found` (a call by bare name
    in a file defining one: see `call_alternatives`, when all of that name are among
    them), their methods merged (see `merged_methods`)."""
    agree = _agreeing([f.name for f in found], summaries)
    return ([alt for f in found if not f.is_method
             for alt in call_patterns(f, summaries, f.name in agree)]
            + merged_methods([(f.name, alt) for f in found if f.is_method
                              for alt in call_patterns(f, summaries, f.name in agree)]))


UNPACKED = "$UNPACKED"  # + a position: a name a tuple returned is unpacked into


def stored_sources(summaries: Summaries) -> list[dict[str, Any]]:
    """Sources for calls of the project's functions returning data read from a database.

    A function returning tuples of one size with stored data at some positions only
    (`return note, render_markdown(note["body"])`: see FunctionSummary.tuple_size) is
    read by position where its call is unpacked into as many names (`note, body = f()`):
    the names at those positions are tainted, from the assignment on (by side effect),
    the others not. Any other call of it (`pair = f()`, `a, *b = f()`) is a source as a
    whole, as every other such function's call is."""
    shapes: dict[tuple[int, tuple[int, ...]], list[FunctionSummary]] = {}
    for function in summaries.of_kind(SummaryKind.STORED):
        shapes.setdefault((function.tuple_size, function.stored_at), []).append(function)
    whole: list[dict[str, Any]] = []
    by_position: list[dict[str, Any]] = []
    for size, at in sorted(shapes):
        calls = helper_calls(shapes[(size, at)], summaries)
        if not size:
            whole += calls
            continue
        whole += [_not_unpacked(call, size) for call in calls]
        unpacked = _either([_unpacked(call, size) for call in calls])
        by_position += [{"by-side-effect": "only", "patterns": [
            unpacked, {"focus-metavariable": f"{UNPACKED}{i}"}]} for i in at if unpacked]
    either = _either(whole)
    return [{**either, "exact": True}, *by_position] if either else by_position


def part_sanitizers(summaries: Summaries) -> list[dict[str, Any]]:
    """Sanitizers of the names a call is unpacked into (`where, values =
    build_filters(request.GET)`) at the positions its function's tuples hold nothing of
    its arguments (see FunctionSummary.stored_at): from the assignment on."""
    shapes: dict[tuple[int, tuple[int, ...]], list[FunctionSummary]] = {}
    for function in summaries.of_kind(SummaryKind.PARTS):
        shapes.setdefault((function.tuple_size, function.stored_at), []).append(function)
    out: list[dict[str, Any]] = []
    for size, at in sorted(shapes):
        unpacked = _either([_unpacked(call, size)
                            for call in helper_calls(shapes[(size, at)], summaries)])
        out += [{"by-side-effect": True, "patterns": [
            unpacked, {"focus-metavariable": f"{UNPACKED}{i}"}]} for i in at if unpacked]
    return out


def _targets(size: int) -> str:
    return ", ".join(f"{UNPACKED}{i}" for i in range(size))


def _unpacked(alternative: dict[str, Any], size: int) -> dict[str, Any]:
    """A call alternative as the value unpacked into `size` names (every `pattern` in it,
    the call's forms, becomes `$UNPACKED0, ... = <call>`; its context stays)."""
    unpacked: dict[str, Any] = _mapped(alternative, lambda call: f"{_targets(size)} = {call}")
    return unpacked


def _not_unpacked(alternative: dict[str, Any], size: int) -> dict[str, Any]:
    """A call alternative unless the call is the value unpacked into `size` names."""
    return {"patterns": [alternative, *({"pattern-not-inside": f"{_targets(size)} = {call}"}
                                        for call in _patterns(alternative))]}


def _mapped(node: Any, change: Callable[[str], str]) -> Any:
    """A copy of a pattern tree with `change` applied to every `pattern` in it."""
    if isinstance(node, dict):
        return {key: change(value) if key == "pattern" and isinstance(value, str)
                else _mapped(value, change) for key, value in node.items()}
    if isinstance(node, list):
        return [_mapped(item, change) for item in node]
    return node


HELPER = "$HELPER"  # the method's name in alternatives merged by `merged_methods`


def merged_methods(alternatives: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Method call alternatives (method name, alternative) with those that differ only in
    the method's name merged into one, the name a metavariable limited to them.

    Semgrep tries every alternative at every place it could match, and the forms naming
    a class (`$INSTANCE = AdminSite(...)` ... `$INSTANCE.index(...)`, `self.index(...)`
    inside `class AdminSite`) match a statement sequence: one such alternative per class
    instead of one per method (Django: 333 alternatives a copy, many of a few classes).
    """
    shapes: dict[str, list[str]] = {}
    for name, alternative in alternatives:
        text = json.dumps(alternative, sort_keys=True)
        shape = text.replace(f".{name}(", f".{HELPER}(")
        if shape == text or not is_dotted_name(name):
            shapes.setdefault(text, [])
            continue
        names = shapes.setdefault(shape, [])
        if name not in names:
            names.append(name)
    out: list[dict[str, Any]] = []
    for shape, names in shapes.items():
        if len(names) < 2:
            text = shape.replace(f".{HELPER}(", f".{names[0]}(") if names else shape
            out.append(json.loads(text))
            continue
        merged = json.loads(shape)
        limit = {"metavariable-regex": {"metavariable": HELPER,
                                        "regex": f"^({'|'.join(sorted(names))})$"}}
        steps = merged["patterns"] if set(merged) == {"patterns"} else [merged]
        out.append({"patterns": [*steps, limit]})
    return out


def rule_wrappers(rule: dict[str, Any], summaries: Summaries) -> list[SinkWrapper]:
    """The project's wrappers of this rule's sinks."""
    def usable(wrapper: SinkWrapper) -> bool:
        return bool(call_alternatives(wrapper.function, wrapper.is_method, summaries))

    def by_name(name: str) -> bool:  # as callee_forms matches a method on any object
        return summaries.defined(name) == 1 and name not in COMMON_NAMES

    closed = [name for name, kind in summaries.parser_factories if kind == CLOSED]
    return find_wrappers(str(rule["id"]), [with_closed_factories(s, closed)
                                           for s in signatures(rule)],
                         summaries.call_index, usable, by_name, _carrier(rule, summaries))


# calls whose result is a number, a truth value or a digest: nothing of the argument's
# text gets through (by name, or every function of the module)


def _carrier(rule: dict[str, Any], summaries: Summaries) -> Callable[[str], bool]:
    """Whether a call carries its argument's value on, for this rule: not a sanitizer
    the rule trusts, not a call giving a number, a truth value or a digest, not a
    project function summarized as giving a constant, checking a value with a check the
    rule trusts, or cleaning it with calls the rule trusts. Any other call does, as it
    does in the rule's own flow."""
    trusted = trusted_calls(rule) | checks_trusted(str(rule.get("id", "")), summaries)
    accepted = trusted_checks(str(rule.get("id", "")))
    kinds = {f.dotted: f for f in summaries.functions if f.kind is not SummaryKind.PARTS}

    def carries(callee: str) -> bool:
        if gives_no_text(callee) or is_trusted(callee, trusted):
            return False
        summary = kinds.get(callee)
        if summary is None or summary.kind in (SummaryKind.SOURCE, SummaryKind.STORED):
            return True
        if summary.kind is SummaryKind.SANITIZER:
            return not (summary.via and all(is_trusted(v, trusted) for v in summary.via))
        if summary.kind is SummaryKind.GUARD:
            # a check of a kind the rule does not trust (a block-list's search) passes
            # the value it returns on
            return summary.guard_returns and not set(summary.via) & accepted
        return False
    return carries


def _either(alternatives: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    unique = {json.dumps(a, sort_keys=True): a for a in alternatives}
    if not unique:
        return None
    return {"pattern-either": [unique[k] for k in sorted(unique)]}


def template_additions(summaries: Summaries, rule: dict[str, Any] | None = None,
                       ) -> dict[str, list[dict[str, Any]]]:
    """What the template rule takes from the summaries: the project's helpers returning
    request data (sources), the route parameters the framework converts to values and,
    with the `rule`, the project's helpers escaping HTML with calls it trusts
    (`def comment_html(body): return "<div>%s</div>" % escape(body)`) (sanitizers); and
    what its stored-data copy takes, the helpers returning database data (under
    STORED_SOURCES) and the escaping helpers (under STORED_ESCAPES). Not the guards and
    arguments the other taint rules take: on Django's sdist those made the template
    rule's run 10 s longer."""
    out: dict[str, list[dict[str, Any]]] = {}
    sources = source_helpers(summaries)
    if sources:
        out["pattern-sources"] = [{**sources, "exact": True}]
    typed = [_typed_param(t.function, t.param) for t in summaries.typed_params
             if t.kind == VALUE_PARAM]
    trusted = trusted_calls(rule) if rule is not None else set()
    # (a method too, by a name that identifies it: `CatalogService.review_preview`)
    escaping = [f for f in summaries.of_kind(SummaryKind.SANITIZER) if trusted and f.via
                and all(is_trusted(v, trusted) for v in f.via)]
    agree = _agreeing([f.name for f in escaping], summaries)
    escapes = [alt for f in escaping for alt in call_patterns(f, summaries, f.name in agree)]
    typed += escapes
    if typed:
        out["pattern-sanitizers"] = typed
    if escapes:
        out[STORED_ESCAPES] = escapes
    stored = stored_sources(summaries)
    if stored:
        out[STORED_SOURCES] = stored
    calls = context_calls(summaries)
    if calls:
        out[CONTEXT_CALLS] = calls
    return out


def context_calls(summaries: Summaries) -> list[dict[str, Any]]:
    """For each key of a context a project function returns that one of its parameters
    fills (Summaries.context_helpers), the pattern alternatives of calls of the function
    with that argument as `$X`: {"key": key, "calls": [...]}."""
    out: list[dict[str, Any]] = []
    for module, qualname, param, position, key in summaries.context_helpers:
        dotted = f"{module}.{qualname}" if module else qualname
        before = "".join(f"$A{i}, " for i in range(position))
        calls = [alt for args in (f"{before}$X, ...", f"..., {param}=$X, ...")
                 for alt in call_alternatives(dotted, "." in qualname, summaries, args,
                                              local=False)]
        if calls:
            out.append({"key": key, "calls": calls})
    return out



"""The key of `template_additions` for the project's helpers returning database data:
sources of the stored-XSS template rule only (see _template_flow)."""


def _typed_param(function: str, param: str) -> dict[str, Any]:
    """The route parameter `param` inside its view `function`: a parameter of the
    function (Flask, FastAPI, Django), or read from aiohttp's `request.match_info`."""
    body = "\n    ...\n"
    key = json.dumps(param)
    return {"patterns": [
        {"pattern-either": [
            {"pattern-inside": f"def {function}(...):{body}"},
            {"pattern-inside": f"async def {function}(...):{body}"},
        ]},
        {"pattern-either": [
            {"patterns": [
                {"pattern-either": [
                    {"pattern-inside": f"def {function}(..., {param}, ...):{body}"},
                    {"pattern-inside": f"async def {function}(..., {param}, ...):{body}"},
                ]},
                {"pattern": param}]},
            {"pattern": f"$R.match_info[{key}]"},
            {"pattern": f"$R.match_info.get({key}, ...)"},
        ]},
    ]}


Write = Callable[[str, tuple[Rule, ...]], RuleFile]
"""Writes generated rules as the rule file of a stem (`taint` for taint.yaml's rules)."""


def extend_pack(pack: Rules, summaries: Summaries, write: Write,
                wrappers: Mapping[str, list[SinkWrapper]] | None = None,
                include: Mapping[str, Sequence[str]] | None = None,
                vocabulary: Callable[[Sequence[str]], frozenset[str]] | None = None,
                copies: int | None = None,
                extended: Mapping[str, dict[str, Any]] | None = None) -> Rules:
    """The rule files for a scan: each pack file with taint rules is written out extended
    (with `write`).

    Files without taint rules, and every file when there is nothing to add, are used as
    they are. `wrappers` (rule id -> sink wrappers) saves finding them again; `include`
    (rule id -> files) limits each taint rule to the files it can report in, and a rule
    with no such file is left out of the scan. With `vocabulary` (files -> their
    identifiers), a taint rule is written once per group of its files (at most `copies`
    groups; by default as many as `copy_count` says), each copy without the generated
    patterns that cannot match in its files. `extended` (rule id -> the rule extended,
    from `extend_all`) saves extending again.
    """
    if include is None and not (summaries.functions or summaries.typed_params
                                or summaries.calls or summaries.constant_maps):
        return pack
    result: list[RuleFile] = []
    taint = {str(r["id"]) for r in pack.all() if r.get("mode") == "taint"}
    if copies is None and vocabulary is not None:
        copies = copy_count([(r, _extended(r, summaries, wrappers, extended))
                             for r in pack.all() if str(r["id"]) in taint
                             and (include is None or include.get(str(r["id"])))])
    groups = _groups(taint, include, copies if vocabulary and copies else 1)
    for found in pack.files:
        if not any(r.get("mode") == "taint" or _limited(r, include) for r in found.rules):
            result.append(found)
            continue
        kept = tuple(copy for r in found.rules for copy in (
            _copies(_extended(r, summaries, wrappers, extended), r, include,
                    vocabulary, groups) if r.get("mode") == "taint"
            # a pattern rule has nothing generated to prune: one copy, for all its files
            else _copies(r, r, include, None, _groups({str(r["id"])}, include, 1))
            if _limited(r, include) else [r]))
        if kept:
            result.append(write(found.path.stem, kept))
    return Rules(tuple(result))


def copy_count(rules: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> int:
    """How many copies the taint rules are written in (`rules`: each as the pack has it
    and extended): one while the generated patterns are fewer than the pack's own,
    else `MAX_COPIES`.

    A copy for fewer files holds fewer generated patterns, but repeats the pack's own.
    On a 60-file application the generated part was a third of the pack's, and one copy
    per file made Semgrep's taint run 0.5 s longer than a single copy; on Django's sdist
    it is many times the pack's, and 18 copies took 209 s where 64 took 142 s: each
    file is matched against all its group's patterns.
    """
    own = sum(len(canonical_json(base)) for base, _ in rules)
    extended = 0
    for _, rule in rules:  # (a large project's extended rules are megabytes: stop early)
        extended += len(canonical_json(rule))
        if extended - own >= own:
            return MAX_COPIES
    return 1


def canonical_json(value: Mapping[str, Any]) -> str:
    """A rule as compact JSON (what its size in a rule file is measured by)."""
    return json.dumps(value, separators=(",", ":"))


def _limited(rule: Mapping[str, Any], include: Mapping[str, Sequence[str]] | None) -> bool:
    """Whether a pattern rule is limited to some files (`include` names it)."""
    return include is not None and rule.get("mode") != "taint" and str(rule["id"]) in include


def _groups(rules: set[str], include: Mapping[str, Sequence[str]] | None,
            copies: int) -> list[list[str]]:
    """At most `copies` groups of the files `rules` (ids) run on.

    The taint rules share their groups: each rule's copy for a group is then extended
    alike, and Semgrep matches a pattern that several rules hold once per file.
    """
    paths = sorted({p for rule in rules for p in (include or {}).get(rule, [])})
    size = max(1, -(-len(paths) // max(1, copies)))  # ceil: at most `copies` groups
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _copies(rule: dict[str, Any], base: Mapping[str, Any],
            include: Mapping[str, Sequence[str]] | None,
            vocabulary: Callable[[Sequence[str]], frozenset[str]] | None,
            groups: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """The rule as the scan runs it: limited to its files, one copy per group of them
    (pruned for the whole group)."""
    if include is None:
        return [rule]
    wanted = set(include.get(str(rule["id"]), []))
    memo: dict[int, _Needs] = {}
    out: list[dict[str, Any]] = []
    for group in groups:
        files = [p for p in group if p in wanted]
        if files:
            # one copy: pruned for the rule's own files (groups shared by the rules are
            # for copies each holding the same patterns for the same files)
            words = vocabulary(group if len(groups) > 1 else files) if vocabulary else None
            out.append({**(_pruned(rule, base, words, memo) if words is not None
                           else rule),
                        "id": f"{rule['id']}{COPY_MARK}{len(out)}" if out else rule["id"],
                        "paths": {"include": [include_of(p) for p in files]}})
    return out


def pruned(extended: dict[str, Any], base: Mapping[str, Any],
           vocabulary: frozenset[str]) -> dict[str, Any]:
    """`extended` (the pack's rule `base` extended) without the generated patterns that
    cannot match in files of `vocabulary` (see `_pruned`)."""
    return _pruned(extended, base, vocabulary)


def _pruned(extended: dict[str, Any], base: Mapping[str, Any],
            vocabulary: frozenset[str] | None,
            memo: dict[int, _Needs] | None = None) -> dict[str, Any]:
    """`extended` without the generated patterns none of whose names is in `vocabulary`.

    Every such pattern needs one of its names in the code it matches (`pattern_tokens`),
    so a rule limited to files without them matches exactly as before, with less work:
    Semgrep tries every pattern on every file it runs the rule on.
    """
    if vocabulary is None:
        return extended
    out = dict(extended)
    for key in ("pattern-sources", "pattern-sanitizers", "pattern-sinks"):
        entries = list(extended.get(key, []))
        start = len(base.get(key, []))
        added = [_pruned_entry(entry, vocabulary, {} if memo is None else memo)
                 for entry in entries[start:]]
        out[key] = entries[:start] + [entry for entry in added if entry is not None]
    return out


def _pruned_entry(entry: dict[str, Any], vocabulary: frozenset[str],
                  memo: dict[int, _Needs]) -> dict[str, Any] | None:
    if "pattern-either" in entry and set(entry) <= {"pattern-either", *_ENTRY_OPTIONS}:
        kept = [alt for alt in entry["pattern-either"] if _can_match(alt, vocabulary, memo)]
        return {**entry, "pattern-either": kept} if kept else None
    return entry if _can_match(entry, vocabulary, memo) else None


# what a match of a pattern needs in its file: one of some names (None: cannot tell), and
# for a pattern that is a function's code, all the names of that code (one alternative
# of several; None: no such pattern)
_Needs = tuple[frozenset[str] | None, tuple[frozenset[str], ...] | None]


def _can_match(node: dict[str, Any], vocabulary: frozenset[str],
               memo: dict[int, _Needs]) -> bool:
    if id(node) not in memo:  # the same pattern objects are checked for every group
        memo[id(node)] = (_names_needed(node), _code_needed(node))
    names, code = memo[id(node)]
    return ((names is None or not names.isdisjoint(vocabulary))
            and (code is None or any(words <= vocabulary for words in code)))


def _names_needed(node: dict[str, Any]) -> frozenset[str] | None:
    """Names one of which a match of `node` contains (None: cannot tell)."""
    tokens = pattern_tokens(node)
    if tokens is None:
        return None
    names = [token_word(token) for token in tokens]
    return None if any(n is None for n in names) else frozenset(n for n in names if n)


def _code_needed(node: Any) -> tuple[frozenset[str], ...] | None:
    """For a pattern whose match is a function's very code (`call_alternatives` matches
    a local call of a helper whose name other functions share by the helper's code):
    the names of that code, all of which a matching file holds, one set per alternative;
    None when `node` is no such pattern.

    These alternatives match a statement sequence anywhere in a file and cost the most
    of the generated patterns; only the group of files with the helper's module needs
    them."""
    if not isinstance(node, dict):
        return None
    inside = node.get("pattern-inside")
    if isinstance(inside, str):
        words = _code_words(inside)
        return None if words is None else (words,)
    if "pattern-either" in node:
        found = [_code_needed(a) for a in node["pattern-either"]]
        alternatives = [a for a in found if a is not None]
        return None if len(alternatives) < len(found) else tuple(
            words for a in alternatives for words in a)
    for item in node.get("patterns", []):
        needed = _code_needed(item)
        if needed is not None:
            return needed
    return None


def _code_words(pattern: str) -> frozenset[str] | None:
    """The names in a pattern that is literal code (no metavariable, no ellipsis other
    than the one line before or after it), None for any other pattern. Comments are no
    code; the names of keywords are left out."""
    code = pattern.removeprefix("...\n").removesuffix("\n...\n").removesuffix("\n")
    if not code.lstrip().startswith(("def ", "async def ")) or "$" in code or "..." in code:
        return None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return frozenset(t.string for t in tokens
                     if t.type == tokenize.NAME and not keyword.iskeyword(t.string))


def extend_all(pack: Rules, summaries: Summaries,
               wrappers: Mapping[str, list[SinkWrapper]] | None = None,
               ) -> dict[str, dict[str, Any]]:
    """Every taint rule of the pack extended with the summaries, by rule id."""
    return {str(r["id"]): extend_rule(r, summaries, (wrappers or {}).get(r["id"]))
            for r in pack.all() if r.get("mode") == "taint"}


def _extended(rule: dict[str, Any], summaries: Summaries,
              wrappers: Mapping[str, list[SinkWrapper]] | None,
              extended: Mapping[str, dict[str, Any]] | None) -> dict[str, Any]:
    """The taint rule extended: from `extended` when it holds it."""
    found = (extended or {}).get(str(rule["id"]))
    return found if found is not None else extend_rule(rule, summaries,
                                                        (wrappers or {}).get(rule["id"]))


def logical_key(pack: Rules, summaries: Summaries,
                wrappers: Mapping[str, list[SinkWrapper]] | None = None,
                extended: Mapping[str, dict[str, Any]] | None = None) -> str:
    """A hash of what the extended rules match, leaving out the per-scan file limits.

    A file's result depends on its own content and on this key only, so it keys the
    per-file result cache: unrelated edits elsewhere in the project keep it.
    """
    digest = hashlib.sha256(b"assay-rulegen/1\0")
    for found in pack.files:
        rules = [_extended(r, summaries, wrappers, extended)
                 if r.get("mode") == "taint" else r for r in found.rules]
        digest.update(found.path.name.encode() + b"\0")
        digest.update(json.dumps(rules, sort_keys=True).encode() + b"\0")
    return digest.hexdigest()


def all_wrappers(pack: Rules, summaries: Summaries) -> dict[str, list[SinkWrapper]]:
    """Sink wrappers per taint rule of the pack."""
    return {str(r["id"]): rule_wrappers(r, summaries)
            for r in pack.all() if r.get("mode") == "taint"}
