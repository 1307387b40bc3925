"""Sink wrappers: project functions that pass a parameter into a rule's sink.

`def run(cmd): subprocess.run(cmd, shell=True)` hides the sink from a caller's flow in
Semgrep CE, which analyses one function at a time. The rule's own sink patterns are read
as call signatures (callee, argument position or keyword, required keywords); the
pre-pass' record of which parameters reach which call arguments is matched against
them, to a fixpoint (a wrapper of a wrapper is a wrapper), and each wrapper becomes an
extra sink of that rule: the wrapper's argument at the parameter's position.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from assay.scanners.semgrep._parsers import LXML_PARSER
from assay.scanners.semgrep._pysource import RECEIVER, RECEIVER_SINKS, SPREAD, ParamCall
from assay.scanners.semgrep._summaries import CallIndex, FunctionCalls

MAX_ROUNDS = 10
SSRF_CWE = 918
REDIRECT_CWE = 601
SQLI_CWE = 89
_CALL = re.compile(r"^([\w.$]+)\((.*)\)$", re.DOTALL)
_QUALIFIED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")
_FALSY = frozenset({"False", "None", "0", "''", '""'})
# The kinds of check (see FunctionFacts.guard) each rule trusts; every rule trusts an
# allow-list of constants and a full regular-expression match.
RULE_CHECKS = {"assay.python.path-traversal.taint": frozenset({"contain"}),
               "assay.python.open-redirect.taint": frozenset({"url"}),
               "assay.python.ssrf.taint": frozenset({"url"}),
               "assay.python.unsafe-deserialization.taint": frozenset({"signed"})}
COMMON_CHECKS = frozenset({"allow", "regex"})


def trusted_checks(rule_id: str) -> frozenset[str]:
    """The kinds of check a rule takes to clear a value."""
    return COMMON_CHECKS | RULE_CHECKS.get(rule_id, frozenset())


@dataclass(frozen=True)
class SinkSignature:
    """A call whose argument at `position` (or `keyword`) is a sink.

    `callee` is a regular expression over the resolved dotted name; `method` matches
    method calls on any receiver instead. `required` keywords must be passed with a
    value that is not literally false (`shell=True`). With `host_only` (server-side
    request forgery, open redirect) an argument that is a URL with a constant scheme and
    host (or a path of this site) in front is not the sink: what reaches it after the
    host chooses a path or a query. With
    `text_only` (SQL injection) a SQLAlchemy statement built with its constructs is not
    the sink: what reaches it is a bound parameter. A `bound` method's receiver is an
    object the sink's block makes first (`$P = xml.sax.make_parser()`, then
    `$P.parse(...)`): never a module or class the call names (`ast.parse(...)`), and
    only on an object the function also calls one of the methods on that the block
    calls on it first (`prepared`: `setFeature`; an HTML parser's `.feed(data)` is no
    XML sink). A
    parameter the function checks before the call with a check of a `trusted` kind
    (`ParamCall.guarded`) does not reach the sink. `not_made` reads the block's
    `pattern-not-inside: $PARSER = lxml.etree.XMLParser(..., resolve_entities=False,
    ...)`: (argument, callee, keyword, literal) such that a call whose argument is a
    local name made so is not the sink (`ParamCall.made`). `passing_not` reads the
    block's `pattern-not: yaml.load($DATA, Loader=yaml.SafeLoader, ...)`: for each, the
    (argument, qualified name) pairs a call passing all of is not the sink.
    """

    callee: str = ""
    method: str = ""
    position: int | None = None
    keyword: str | None = None
    required: tuple[str, ...] = ()
    receiver: str = ""
    host_only: bool = False
    text_only: bool = False
    bound: bool = False
    prepared: frozenset[str] = frozenset()
    makers: frozenset[str] = frozenset()
    trusted: frozenset[str] = frozenset()
    not_made: tuple[tuple[str, str, str, str], ...] = ()
    passing_not: tuple[tuple[tuple[str, str], ...], ...] = ()
    wrapper: SinkWrapper | None = field(default=None, compare=False)
    named: tuple[str, ...] = ()
    """With `keyword` SPREAD (a `**kwargs` wrapper's): the parameters the callee names,
    whose keywords do not go into its `**kwargs`."""

    def matches(self, call: ParamCall, carries: Callable[[str], bool] | None = None,
                ) -> tuple[str, ...]:
        """The parameters that reach this sink's argument in `call` (empty: no match);
        with `carries`, also those that reach it through calls each of which carries
        the value on (`ParamCall.passed`)."""
        if self.method:
            if call.method != self.method:
                return ()
            if self.receiver and not re.search(self.receiver, call.receiver):
                return ()
            if self.bound and call.callee:  # resolved: an imported module or class
                return ()
            if self.prepared and self.prepared.isdisjoint(call.receiver_methods):
                return ()
            if self.bound and not self.prepared and not self._made_by_maker(call):
                return ()  # `text.find(word)` is no `ET.parse(f).getroot().find(q)`
        elif not any(_compiled(self.callee).fullmatch(c) for c in (call.callee, call.written)
                     if c):
            return ()
        literals = dict(call.keywords)
        if any(k not in literals or literals[k] in _FALSY for k in self.required):
            return ()
        if any(_made_so(call, rule) for rule in self.not_made):
            return ()
        if any(all(literals.get(f"={key}") == name for key, name in passing)
               for passing in self.passing_not):
            return ()
        # (with SPREAD, what the callee's `**kwargs` collects: every keyword it does not
        # name, and a mapping spread into the call)
        keys = {k for k, _ in call.args if not k.isdigit() and k != RECEIVER
                and k not in self.named} if self.keyword == SPREAD else \
            {str(self.position) if self.position is not None else self.keyword or ""}
        if self.host_only and keys <= set(call.fixed_host):
            return ()
        if self.text_only and keys <= set(call.query_builder):
            return ()
        reached = tuple(sorted({p for k, params in call.args if k in keys for p in params}))
        if carries is not None:
            reached = tuple(sorted({*reached, *(p for k, params, via in call.passed
                                                if k in keys and all(map(carries, via))
                                                for p in params)}))
        if call.guarded and self.trusted:
            cleared = {p for p, kind in call.guarded if kind in self.trusted}
            return tuple(p for p in reached if p not in cleared)
        return reached


    def _made_by_maker(self, call: ParamCall) -> bool:
        """Whether the receiver is a local name made by a call the sink's block makes its
        object with (`root = ET.parse(f).getroot()`); a metavariable there (`$EVAL =
        lxml.etree.$EVALUATOR(...)`) takes any call."""
        made = call.receiver_made
        return bool(made) and (made in self.makers
                               or any(m.startswith("$") for m in self.makers))


def _made_so(call: ParamCall, rule: tuple[str, str, str, str]) -> bool:
    """Whether an argument of `call` is a local name made as `rule` excludes (a rule
    without a keyword: made by its callee at all). Any argument: the signature read off
    one pattern also matches calls that pass the object otherwise (by keyword rather
    than by position)."""
    _, callee, keyword, literal = rule
    return any(made == callee and (not keyword or _same_literal(dict(keywords).get(keyword, ""),
                                                                literal))
               for _, made, keywords in call.made)


def with_closed_factories(sink: SinkSignature, closed: list[str]) -> SinkSignature:
    """The signature with a parser of each project factory that makes its lxml parser
    not to resolve entities (see _parsers) excluded as the rule excludes such a parser
    made in place."""
    extra = tuple((argument, factory, "", "") for argument, callee, keyword, literal
                  in sink.not_made if callee == LXML_PARSER and keyword == "resolve_entities"
                  and literal == "False" for factory in closed)
    return replace(sink, not_made=sink.not_made + extra) if extra else sink


def _same_literal(left: str, right: str) -> bool:
    try:
        return bool(left) and ast.literal_eval(left) == ast.literal_eval(right)
    except (ValueError, SyntaxError):
        return False


@dataclass(frozen=True, order=True)
class SinkWrapper:
    """A project function whose parameter reaches a sink of `rule`.

    `sink_path` and `sink_line` are where the sink call is that the parameter reaches
    (in this function, or in a wrapper it calls), `sink_call` what it calls
    (`cursor.execute`): a finding at a call of this function ends there. `through`
    names the wrappers on the way, outermost first, each with the file and line where
    it is called."""

    rule: str
    function: str
    param: str
    position: int
    is_method: bool = False
    source: str = field(default="", compare=False, repr=False)
    called_locally: bool = field(default=False, compare=False)
    sink_path: str = field(default="", compare=False)
    sink_line: int = field(default=0, compare=False)
    through: tuple[tuple[str, str, int], ...] = field(default=(), compare=False)
    sink_call: str = field(default="", compare=False)
    named: tuple[str, ...] = field(default=(), compare=False)
    """For a `**kwargs` parameter (`param` is `**name`): the parameters the function
    names, whose keywords do not go into it."""

    @property
    def name(self) -> str:
        """The function's own name."""
        return self.function.rsplit(".", 1)[-1]

    @property
    def defined_in(self) -> str:
        """The file the function is defined in: where it calls the sink, or the next
        wrapper on the way."""
        return self.through[0][1] if self.through else self.sink_path


def signatures(rule: dict[str, Any]) -> list[SinkSignature]:
    """The call signatures of a taint rule's sinks that can be read off its patterns."""
    out: list[SinkSignature] = []
    cwe = str(rule.get("metadata", {}).get("cwe", ""))
    host_only = cwe.startswith((f"CWE-{SSRF_CWE}:", f"CWE-{REDIRECT_CWE}:"))
    text_only = cwe.startswith(f"CWE-{SQLI_CWE}:")
    trusted = trusted_checks(str(rule.get("id", "")))
    for block in rule.get("pattern-sinks", []):
        items = block.get("patterns", []) if isinstance(block, dict) else []
        focus = next((i["focus-metavariable"] for i in items if "focus-metavariable" in i),
                     None)
        regexes = {i["metavariable-regex"]["metavariable"]: i["metavariable-regex"]["regex"]
                   for i in items if "metavariable-regex" in i}
        if not isinstance(focus, str):
            continue
        inside = _insides(items)
        not_inside = [str(i["pattern-not-inside"]) for i in items if isinstance(i, dict)
                      and isinstance(i.get("pattern-not-inside"), str)]
        nots = [str(i["pattern-not"]) for i in items if isinstance(i, dict)
                and isinstance(i.get("pattern-not"), str)]
        for pattern in (p for found in _block_patterns(items)
                        for p in _method_names(found, regexes)):
            signature = _signature(pattern, focus, regexes)
            if signature is not None:
                signature = replace(signature, not_made=_not_made(pattern, not_inside),
                                    passing_not=_passing_not(pattern, nots))
                bound, prepared, makers = _receiver_in(pattern.strip().split(".", 1)[0],
                                                       inside)
                bound = bound and bool(signature.method)
                out.append(replace(signature, host_only=host_only, text_only=text_only,
                                   bound=bound, prepared=prepared if bound else frozenset(),
                                   makers=makers if bound else frozenset(), trusted=trusted))
    return out


@functools.lru_cache(maxsize=256)
def _receiver_in(receiver: str, inside: str) -> tuple[bool, frozenset[str], frozenset[str]]:
    """Whether a sink block's `pattern-inside` text `inside` binds `receiver` (a
    pattern's first name), the methods it calls on it and the calls making it (see
    `_makers`): the same few for every pattern of a block, read once."""
    name = re.escape(receiver)
    return (re.search(rf"{name}\b", inside) is not None,
            frozenset(re.findall(rf"{name}\.(\w+)\(", inside)), _makers(receiver, inside))


# one pattern for every receiver (one compiled per receiver was a tenth of the pre-pass)
_ASSIGNED = re.compile(r"([\w.$]+)\s*=\s*([\w.$]*?)(\$?\w+)\(")
_WITH_AS = re.compile(r"with\s+([\w.$]*?)(\$?\w+)\(.*?\)\s+as\s+(\$?\w+)\b")
_MADE = re.compile(r"^\s*(\$\w+)\s*=\s*([A-Za-z_][\w.]*)\((.*)\)\s*\n\s*\.\.\.\s*$",
                   re.DOTALL)


def _makers(receiver: str, inside: str) -> frozenset[str]:
    """The calls a sink block makes its object `receiver` with (`$S =
    requests.Session(...)`, `with requests.Session(...) as $S`), each by its name
    (Session: what a made object's maker is compared by) and its dotted name (what the
    class of an annotated one is)."""
    made = [(prefix, last) for bound, prefix, last in _ASSIGNED.findall(inside)
            if bound.endswith(receiver)]
    made += [(prefix, last) for prefix, last, bound in _WITH_AS.findall(inside)
             if bound == receiver]
    return frozenset({last for _, last in made} | {
        prefix + last for prefix, last in made if prefix and "$" not in prefix + last})


def _not_made(pattern: str, not_inside: list[str]) -> tuple[tuple[str, str, str, str], ...]:
    """(argument, callee, keyword, literal) of each `$V = callee(..., kw=literal, ...)`
    the block excludes: the argument `$V` is in `pattern`, or `*`."""
    match = _CALL.match(pattern.strip())
    if match is None:
        return ()
    keys: dict[str, str] = {}
    for index, arg in enumerate(_split_args(match.group(2))):
        name, _, value = arg.partition("=")
        if value and name.isidentifier():
            keys[value.strip()] = name
        elif arg == "...":
            break
        else:
            keys[arg] = str(index)
    out: list[tuple[str, str, str, str]] = []
    for text in not_inside:
        made = _MADE.match(text)
        if made is None:
            continue
        # a metavariable the sink pattern does not bind stands for any local name: any
        # argument made so
        key = keys.get(made.group(1), "*")
        for arg in _split_args(made.group(3)):
            keyword, _, literal = arg.partition("=")
            if literal and keyword.strip().isidentifier():
                out.append((key, made.group(2), keyword.strip(), literal.strip()))
    return tuple(out)


_METHOD_VARIABLE = re.compile(r"^(\$\w+|[A-Za-z_][\w.]*)\.(\$\w+)\(")
_ALTERNATIVES = re.compile(r"^\^(\w*)\(([\w|]+)\)(\w*)\$$")


def _method_names(pattern: str, regexes: dict[str, str]) -> list[str]:
    """`pattern`, with a method or an attribute called named by a metavariable its
    regex lists the names of (`$S.$METHOD($URL, ...)` with `^(get|post)$`,
    `aiohttp.web.$REDIRECT($URL, ...)` with `^HTTP(Found|SeeOther)$`) written once per
    name."""
    match = _METHOD_VARIABLE.match(pattern.strip())
    names = _ALTERNATIVES.match(regexes.get(match.group(2), "")) if match else None
    if match is None or names is None:
        return [pattern]
    rest = pattern.strip()[match.end():]
    prefix, suffix = names.group(1), names.group(3)
    return [f"{match.group(1)}.{prefix}{name}{suffix}({rest}"
            for name in names.group(2).split("|")]


def _passing_not(pattern: str, nots: list[str]) -> tuple[tuple[tuple[str, str], ...], ...]:
    """For each `pattern-not` of the same callee as `pattern` that passes named objects
    (`Loader=yaml.SafeLoader`, or `yaml.SafeLoader` in second place), those (argument,
    name) pairs; one passing anything else (a literal, a call) is not read."""
    match = _CALL.match(pattern.strip())
    if match is None:
        return ()
    out: list[tuple[tuple[str, str], ...]] = []
    for text in nots:
        other = _CALL.match(text.strip())
        if other is None or other.group(1) != match.group(1):
            continue
        named: list[tuple[str, str]] = []
        unknown = False
        for index, arg in enumerate(_split_args(other.group(2))):
            name, _, value = arg.partition("=")
            key, value = (name, value.strip()) if value and name.isidentifier() \
                else (str(index), arg.strip())
            if value == "...":
                unknown = True  # the places of what follows are not known
                continue
            if value.startswith("$"):
                continue
            if (unknown and key.isdigit()) or not _QUALIFIED.fullmatch(value):
                named = []
                break
            named.append((key, value))
        if named:
            out.append(tuple(named))
    return tuple(out)


def _insides(items: list[Any]) -> str:
    """The text of a sink block's `pattern-inside` parts (its metavariables bound there)."""
    found = [str(i["pattern-inside"]) for i in items if isinstance(i, dict)
             and isinstance(i.get("pattern-inside"), str)]
    found += [str(a["pattern-inside"]) for i in items if isinstance(i, dict)
              for a in i.get("pattern-either", []) if isinstance(a, dict)
              and isinstance(a.get("pattern-inside"), str)]
    return "\n".join(found)


def _block_patterns(items: list[Any]) -> Iterator[str]:
    """The block's call patterns: its own, its alternatives', and those of an
    alternative whose patterns (one, or an either of several) name the callee or method
    by a metavariable with a regex listing the names (written once per name: see
    `_method_names`)."""
    for item in items:
        if isinstance(item.get("pattern"), str):
            yield item["pattern"]
        for alt in item.get("pattern-either", []):
            if isinstance(alt, dict) and isinstance(alt.get("pattern"), str):
                yield alt["pattern"]
            parts = alt.get("patterns", []) if isinstance(alt, dict) else []
            local = {p["metavariable-regex"]["metavariable"]: p["metavariable-regex"]["regex"]
                     for p in parts if isinstance(p, dict) and "metavariable-regex" in p}
            if len(parts) != len(local) + 1:
                continue
            found = [p["pattern"] for p in parts if isinstance(p, dict)
                     and isinstance(p.get("pattern"), str)]
            found += [a["pattern"] for p in parts if isinstance(p, dict)
                      for a in p.get("pattern-either", [])
                      if isinstance(a, dict) and isinstance(a.get("pattern"), str)]
            for pattern in found:
                named = _method_names(pattern, local)
                yield from named if len(named) > 1 else ()


def _signature(pattern: str, focus: str, regexes: dict[str, str]) -> SinkSignature | None:
    match = _CALL.match(pattern.strip())
    if match is None or not _one_call(match.group(2)):
        return None  # `pathlib.Path($P).$METHOD(...)`: a call on a call's result
    callee, args = match.group(1), _split_args(match.group(2))
    parts = callee.split(".")
    method = ""
    callee_re = ""
    receiver = ""
    if parts[0].startswith("$"):
        if len(parts) != 2 or parts[1].startswith("$"):
            return None
        method = parts[1]
        if parts[0] == focus:  # the receiver is the sink: `$PATH.read_text(...)`
            return SinkSignature(method=method, keyword=RECEIVER) \
                if method in RECEIVER_SINKS else None
        receiver = regexes.get(parts[0], "")
    else:
        callee_re = r"\.".join(_part_regex(p, regexes) for p in parts)
    position: int | None = None
    keyword: str | None = None
    required: list[str] = []
    index = 0
    unknown = False
    for arg in args:
        if arg == f"**{focus}":
            keyword = SPREAD
            continue
        name, _, value = arg.partition("=")
        if value and name.isidentifier():
            if value == focus:
                keyword = name
            elif value.startswith("$") or value == "True":
                required.append(name)
            continue
        if arg == "...":
            unknown = True
        elif arg[:1] in ("'", '"'):
            # a literal the call must pass there (`create_subprocess_exec($SH, "-c",
            # $SCRIPT)`): the calls' facts keep no literal positional arguments, so a
            # signature read without it would take any call for this form
            return None
        elif arg == focus and not unknown:
            position = index
        index += 1
    if position is None and keyword is None:
        return None
    return SinkSignature(callee_re, method, position, keyword, tuple(required), receiver)


def _one_call(args: str) -> bool:
    """Whether the text between a call's first `(` and the pattern's last `)` is its
    arguments only (the brackets outside strings balance without closing the call)."""
    depth = 0
    for _, depth, _ in _scanned(args):
        if depth < 0:
            return False
    return depth == 0


def _scanned(text: str) -> Iterator[tuple[str, int, bool]]:
    """Each character with the bracket depth after it, and whether it is part of a
    string literal (its quotes included)."""
    depth, quote = 0, ""
    for char in text:
        if quote or char in "\"'":
            quote = ("" if char == quote else quote) if quote else char
            yield char, depth, True
            continue
        depth += (char in "([{") - (char in ")]}")
        yield char, depth, False


def _part_regex(part: str, regexes: dict[str, str]) -> str:
    if part.startswith("$"):
        regex = regexes.get(part, r"^\w+$")
        return "(?:" + regex.removeprefix("^").removesuffix("$") + ")"
    return re.escape(part)


def _split_args(text: str) -> list[str]:
    args, current = [], ""
    for char, depth, quoted in _scanned(text):
        if char == "," and depth == 0 and not quoted:
            args.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        args.append(current.strip())
    return args


def find_wrappers(rule_id: str, sinks: list[SinkSignature], index: CallIndex,
                  usable: Callable[[SinkWrapper], bool],
                  by_name: Callable[[str], bool] = lambda _: True,
                  carries: Callable[[str], bool] | None = None) -> list[SinkWrapper]:
    """The functions that pass a parameter to one of `sinks`, directly or through
    another wrapper. Only `usable` wrappers (those callers can be matched by name) are
    returned and followed. A method wrapper is followed into calls on any object only
    when its name identifies it (`by_name`: the generated rules match it so); otherwise
    only into calls that resolve to its class (`self.m(...)`, `Class.m(...)`). A
    parameter reaches through calls `carries` says carry its value on (none without)."""
    found: dict[tuple[str, str], SinkWrapper] = {}
    current = list(sinks)
    for _ in range(MAX_ROUNDS):
        new: list[SinkWrapper] = []
        for sink in current:
            calls = (index.with_method(sink.method) if sink.method
                     else index.to_callee(sink.callee))
            for function, call in calls:
                for param in sink.matches(call, carries):
                    owner, position, name, method = _owner(function, param, index)
                    key = (owner, name)
                    if key in found or position < 0:
                        continue
                    inner = sink.wrapper
                    wrapper = SinkWrapper(rule_id, owner, name, position,
                                          method, function.source if method or
                                          owner == function.dotted else "",
                                          function.called_locally and owner == function.dotted,
                                          *((inner.sink_path, inner.sink_line,
                                             ((inner.function, function.path, call.line),
                                              *inner.through), inner.sink_call)
                                            if inner is not None
                                            else (function.path, call.line, (),
                                                  call_text(call))))
                    if name.startswith("**"):
                        wrapper = replace(wrapper, named=function.params)
                    if usable(wrapper):
                        found[key] = wrapper
                        new.append(wrapper)
        if not new:
            break
        current = [replace(s, host_only=any(x.host_only for x in sinks),
                           text_only=any(x.text_only for x in sinks),
                           trusted=frozenset().union(*(x.trusted for x in sinks)), wrapper=w)
                   for w in new for s in _as_signatures(w, by_name(w.name))]
    return sorted(found.values())


def _owner(function: FunctionCalls, param: str,
           index: CallIndex) -> tuple[str, int, str, bool]:
    """Whose argument a parameter reaching a sink is: (function, position, parameter,
    is a method). An attribute `__init__` stored from a parameter (`self.formula`, see
    ModuleInfo.init_stores), and a parameter of `__init__` itself, is the class's: its
    constructor's argument (`Cell(x)`); position -1 when it is neither."""
    if param.startswith("self.") and function.is_method:
        cls = function.dotted.rsplit(".", 1)[0]
        stored = index.stores.get((cls, param.removeprefix("self.")))
        return (cls, stored[1], stored[0], False) if stored else ("", -1, "", False)
    if param and param == function.kwargs:  # what callers pass by other keywords
        return function.dotted, len(function.params), f"**{param}", function.is_method
    if param not in function.params:
        return "", -1, "", False
    if function.is_method and function.name == "__init__":
        # the constructor's own parameter: the class's call passes it (`Document(body)`)
        return function.dotted.rsplit(".", 1)[0], function.params.index(param), param, False
    return function.dotted, function.params.index(param), param, function.is_method


def call_text(call: ParamCall) -> str:
    """What a call calls, as written: `cursor.execute`, `subprocess.run`."""
    if call.method:
        return f"{call.receiver}.{call.method}" if call.receiver else call.method
    return call.callee


@functools.lru_cache(maxsize=1024)
def _compiled(expression: str) -> re.Pattern[str]:
    return re.compile(expression)


def _as_signatures(wrapper: SinkWrapper, named: bool) -> list[SinkSignature]:
    callee = re.escape(wrapper.function)
    if wrapper.param.startswith("**"):  # any keyword it does not name, or a spread
        found = [SinkSignature(callee=callee, keyword=SPREAD, named=wrapper.named)]
        if wrapper.is_method and named:
            found.append(SinkSignature(method=wrapper.name, keyword=SPREAD,
                                       named=wrapper.named))
        return found
    found = [SinkSignature(callee=callee, position=wrapper.position),
             SinkSignature(callee=callee, keyword=wrapper.param)]
    if wrapper.is_method and named:  # on any object; through self/cls: resolved above
        found = [SinkSignature(method=wrapper.name, position=wrapper.position),
                 SinkSignature(method=wrapper.name, keyword=wrapper.param), *found]
    return found
