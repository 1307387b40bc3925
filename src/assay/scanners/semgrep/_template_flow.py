"""Request data that views pass to a template which renders it without escaping.

Before Semgrep runs, every template of the snapshot is read for its unsafe outputs (see
`_templates`) and every Python file for the template names it mentions and whether it
switches autoescaping off for a whole environment (`Environment(autoescape=False)`,
`aiohttp_jinja2.setup(..., autoescape=False)`, Django's `"autoescape": False`). What one
file gives is kept in the result cache under its blob id, so a rescan reads only the
files that changed.

The unsafe outputs that views can reach become one taint rule (a copy of the markup XSS
rule whose sinks are the calls rendering one of those templates with one of those
variables: Flask's `render_template`, Django's `render`/`render_to_string`/
`TemplateResponse`, a class-based view's `get_context_data` for its `template_name`,
Starlette's `TemplateResponse`, aiohttp_jinja2, a Jinja2 environment's
`get_template(...).render`), limited to the Python files that name them.
Semgrep reports the flow at the view, its message naming the template and variable;
`relocate` moves it to the template line of that output, naming the views in its
message (a pair that is no unsafe output is dropped).
"""

from __future__ import annotations

import hashlib
import json
import keyword
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assay.ledger.result_cache import FileOutcome, ResultCache
from assay.model import Confidence, Finding, Severity, Span
from assay.normalize.linehash import line_hashes_for
from assay.scanners.filescan import Analysis, Analyze, decode_source, enrich
from assay.scanners.interface import ScanContext
from assay.scanners.semgrep._layout import RunLayout
from assay.scanners.semgrep._pack import COPY_MARK, Pack, Rule, RuleFile
from assay.scanners.semgrep._rulefiles import include_of, write_generated
from assay.scanners.semgrep._templates import (
    UnsafeOutput,
    is_template,
    template_name,
    unsafe_outputs,
)

RULE_ID = "assay.python.xss-template.taint"
STORED_RULE_ID = "assay.python.xss-template-stored.taint"
LOCAL_RULE_ID = "assay.python.xss-template-request"
STORED_SOURCES = "stored-sources"
"""The key, among the template rule's additions, of the project's helpers returning data
read from a database: sources of the stored-data copy of the rule only."""
STORED_FILES = "stored-files"  # the files where the stored-data copy runs
CONTEXT_CALLS = "context-calls"
"""The key, among the template rule's additions, of the calls of the project's functions
returning a template context built of their arguments (see _rulegen.context_calls)."""
STORED_ESCAPES = "stored-escapes"  # the project's escaping helpers, for the stored-data copy
STORED_HINT = re.compile(r"\b(fetchone|fetchall|fetchmany|objects|query|scalars|"
                         r"get_object_or_404|get_list_or_404|first_or_404|get_or_404)\b")
"""What code reading a database names (a cursor's fetch, an ORM manager or query)."""
# Data read from a database, as the stored-data copy's sources: a row a cursor fetched,
# an ORM object or query (its fields are what users stored).
_STORED_PATTERNS = (
    "$CUR.fetchone()", "$CUR.fetchall()", "$CUR.fetchmany(...)",
    "self.object", "self.get_object(...)",
    "$MODEL.objects.$READ(...)", "$MODEL.query.$READ(...)",
    "django.shortcuts.get_object_or_404(...)", "django.shortcuts.get_list_or_404(...)",
    "$SESSION.scalars(...)", "$Q.one_or_none()", "$Q.first_or_404(...)",
    "$Q.get_or_404(...)")
# SQLAlchemy's `session.get(Image, image_id)` (not a dict's `get(key, default)`)
_SESSION_GET = {"patterns": [
    {"pattern": "$SESSION.get($MODEL, ...)"},
    {"metavariable-regex": {"metavariable": "$SESSION",
                            "regex": r"^(.*\.)?(session|db_session|dbsession|db)$"}},
    {"metavariable-regex": {"metavariable": "$MODEL", "regex": r"^([\w.]*\.)?[A-Z]\w*$"}}]}
_BASE_RULE = "assay.python.xss-markup.taint"
FACTS_KIND = "template-facts/2"  # the result cache's name for one file's template facts
_TEMPLATE_NAME = re.compile(r"""["']([\w./-]{1,200}\.(?:html|htm|jinja2?|j2|djhtml))["']""")
"""A template's name as Python code writes it (`render_template("users/profile.html")`)."""
_TEMPLATE_SUFFIXES = (".htm", ".jinja", ".j2", ".djhtml")  # what such a name must contain


def names_a_template(text: str) -> bool:
    """Whether Python source names a template (the substring test first: on Django's
    sdist it is a third of the time of the regular expression alone)."""
    return any(s in text for s in _TEMPLATE_SUFFIXES) and _TEMPLATE_NAME.search(text) is not None
_ESCAPING_OFF = re.compile(r"""\bautoescape\s*=\s*False\b|["']autoescape["']\s*:\s*False\b""")
_STRING_ONLY = re.compile(r"(?:^|[\s.=(,])(?:Sandboxed|Immutable)?Environment\s*$")


def escaping_off(text: str) -> bool:
    """Whether Python source switches autoescaping off for the project's template files:
    Django's `"autoescape": False`, `aiohttp_jinja2.setup(..., autoescape=False)`, a
    Jinja2 environment with a loader. An `Environment(autoescape=False)` without a
    loader renders only the strings it is given (`env.from_string(...)`), whose own
    flows the XSS rules follow: no template file is rendered through it (unless the
    file gives an environment a loader afterwards: `env.loader = ...`)."""
    if _ESCAPING_OFF.search(text) and re.search(r"\.loader\s*=(?!=)", text):
        return True  # a loader given to an environment afterwards
    for match in _ESCAPING_OFF.finditer(text):
        if match.group(0).startswith(("'", '"')):
            return True
        start = _call_start(text, match.start())
        if start < 0 or not _STRING_ONLY.search(text[max(0, start - 80):start]):
            return True
        end = text.find(")", match.end())
        call = text[start:end if end >= 0 else len(text)]
        if re.search(r"\bloader\s*=|\*", call):  # a loader, or options spread in
            return True
    return False


def _call_start(text: str, at: int) -> int:
    """The position of the `(` opening the call around `at` (-1 when none)."""
    depth = 0
    for index in range(at - 1, max(-1, at - 2000), -1):
        char = text[index]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                return index
            depth -= 1
    return -1


_SAFE_NAME = re.compile(r"^[\w./-]{1,200}$", re.ASCII)
_VIEW_SUFFIX = " (from the view at "


@dataclass(frozen=True)
class TemplatePlan:
    """The generated rule file (None: no template output a view can reach), the hash of
    what its rule matches, and the outputs by template name and variable."""

    rules: RuleFile | None = None
    key: str = ""
    outputs: Mapping[tuple[str, str], tuple[UnsafeOutput, ...]] = field(default_factory=dict)
    escaping_off: bool = False
    stored: RuleFile | None = None
    """The stored-data copy of the rule, in a file of its own: it runs on whole files
    (the taint rules' sliced copies keep only code that reads request data)."""

    def output_count(self) -> int:
        """How many unsafe outputs (template line and variable) a view can reach."""
        return len({o for group in self.outputs.values() for o in group})


def plan_templates(ctx: ScanContext, layout: RunLayout, pack: Pack,
                   added: Mapping[str, Sequence[object]] | None = None) -> TemplatePlan:
    """The template rule of one scan (read from the snapshot and the result cache);
    `added`: what the project's summaries add to its base rule's sources and sanitizers
    (typed route parameters, project source helpers, escaping helpers), as to the
    pack's own taint rules."""
    entries = [f for f in ctx.snapshot.files if not f.symlink and f.size <= ctx.max_file_size]
    templates = [f.path for f in entries if is_template(f.path)]
    if not templates:
        return TemplatePlan()
    python = [f.path for f in entries if f.path.endswith(".py")]
    facts = _facts(ctx, [*templates, *python])
    off = any(facts[p].get("off") for p in python if p in facts)
    outputs = [o for p in templates if p in facts
               for o in _outputs(p, facts[p], off) if o.name and not o.from_request]
    users: dict[str, list[str]] = {}
    for path in python:
        for name in facts.get(path, {}).get("names", []):
            users.setdefault(name, []).append(path)
    base = next((r for r in pack.rules.all() if r.get("id") == _BASE_RULE), None)
    added = dict(added or {})
    stored_helpers = list(added.pop(STORED_SOURCES, []))
    stored_escapes = list(added.pop(STORED_ESCAPES, []))
    stored_files = {str(p) for p in added.pop(STORED_FILES, [])}
    helpers = [c for c in added.pop(CONTEXT_CALLS, []) if isinstance(c, dict)]
    if base is not None and added:
        base = {**base, **{k: [*base.get(k, []), *v] for k, v in added.items()}}
    # names written into rule patterns and messages: plain ASCII paths and identifiers
    # only (a hostile template cannot break the generated rules)
    reachable = [o for o in outputs if o.name in users and _SAFE_NAME.match(o.path)
                 and _SAFE_NAME.match(o.name) and _usable_variable(o.variable)]
    if base is None or not reachable:
        return TemplatePlan(escaping_off=off)
    by_key: dict[tuple[str, str], dict[UnsafeOutput, None]] = {}
    for output in reachable:
        by_key.setdefault((output.name, output.variable), {})[output] = None
    files = sorted({p for o in reachable for p in users[o.name]})
    names, variables = sorted({o.name for o in reachable}), sorted({o.variable for o in reachable})
    main = _rule(base, names, variables, files)
    rules = [main, *_context_rules(main, helpers, names, set(variables))]
    stored = [p for p in files if p in stored_files]
    kept_rules = [_stored_rule(main, stored_helpers, stored, stored_escapes)] if stored else []
    kept_rules += _object_rules(main, names, variables, files)
    key = hashlib.sha256(json.dumps([{k: v for k, v in r.items() if k != "paths"}
                                     for r in [*rules, *kept_rules]],
                                    sort_keys=True).encode()).hexdigest()
    written = write_generated(layout.generated, "templates", tuple(rules))
    kept = write_generated(layout.generated, "templates-stored", tuple(kept_rules)) \
        if kept_rules else None
    return TemplatePlan(written, key[:32], {k: tuple(v) for k, v in by_key.items()}, off, kept)


def _stored_rule(rule: Rule, helpers: list[object], files: list[str],
                 escaping: list[object]) -> Rule:
    """The template rule with data read from a database as its sources (the ORM, a
    cursor, the project's helpers returning such data): stored XSS when users can write
    what is rendered, which the code does not tell; reported `medium`, not blocking."""
    metadata = {**(rule.get("metadata") or {}), "assay-severity": "medium",
                "confidence": "medium",
                "rationale": "A value read from the database is rendered with |safe or "
                             "autoescaping off; if users can write it, it is stored XSS."}
    sources: list[object] = [{"pattern-either": [{"pattern": p} for p in _STORED_PATTERNS]},
                             _SESSION_GET, *helpers]
    # escaping and cleaning only: the request rule's guards and typed getters say what a
    # request value may be, not what a stored one is (and cost a taint rule run on whole
    # files most of its matching)
    escapes = [e for e in rule.get("pattern-sanitizers", []) if _ESCAPES.search(json.dumps(e))]
    escapes += escaping  # the project's escaping helpers (`format_html` of each part)
    return {**rule, "id": f"{STORED_RULE_ID}{COPY_MARK}0", "severity": "WARNING",
            "message": "Stored data reaches the variable $KW of the template $TPL.",
            "metadata": metadata, "pattern-sources": sources, "pattern-sanitizers": escapes,
            "paths": {"include": sorted(include_of(p) for p in files)}}


_SINGLE_OBJECT_VIEWS = r"^([\w.]*\.)?(DetailView|UpdateView|DeleteView)$"


def _object_rules(main: Rule, names: list[str], variables: list[str],
                  files: list[str]) -> list[Rule]:
    """A Django single-object view's object, read from the database, is its template's
    `object` and its `context_object_name`: copies of the stored-data rule (pattern
    rules: nothing flows, the framework puts it there) naming the view's template and
    that variable for `relocate`."""
    view = [{"pattern-inside": "class $VIEW(..., $BASE, ...):\n    ...\n"},
            {"metavariable-regex": {"metavariable": "$BASE", "regex": _SINGLE_OBJECT_VIEWS}},
            {"pattern-inside": "class $VIEW(...):\n    ...\n    template_name = $TPL\n"
                               "    ...\n"},
            {"metavariable-regex": {"metavariable": "$TPL", "regex": _one_of(names, "[\"']")}}]
    metadata = {**(main.get("metadata") or {}), "confidence": "medium",
                "assay-severity": "medium", "assay-requires": "template_name",
                "rationale": "The view's object is read from the database and rendered "
                             "with |safe or autoescaping off; if users can write it, it "
                             "is stored XSS."}
    common = {"languages": ["python"], "severity": "WARNING", "metadata": metadata,
              "paths": {"include": sorted(include_of(p) for p in files)}}
    named = {**common, "id": f"{STORED_RULE_ID}{COPY_MARK}1",
             "message": "Stored data reaches the variable $KW of the template $TPL.",
             "patterns": [*view, {"pattern": "context_object_name = $KW"},
                          {"metavariable-regex": {"metavariable": "$KW",
                                                  "regex": _one_of(variables, "[\"']")}}]}
    plain = {**common, "id": f"{STORED_RULE_ID}{COPY_MARK}2",
             "message": "Stored data reaches the variable object of the template $TPL.",
             "patterns": [*view, {"pattern": "template_name = $TPL"}]}
    return [named, *([plain] if "object" in variables else [])]


_ESCAPES = re.compile(r"\b(html\.escape|bleach\.clean|nh3\.clean)\b")


def _usable_variable(name: str) -> bool:
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)


def local_findings(path: str, text: str) -> tuple[Finding, ...]:
    """The findings of a template alone: request data it reads itself and renders
    without escaping (`{{ request.GET.q|safe }}`)."""
    return tuple(
        Finding(scanner="semgrep", rule_id=LOCAL_RULE_ID, path=path,
                span=Span(o.line, o.line), severity=Severity.HIGH,
                confidence=Confidence.HIGH, cwe=79, sources=(f"semgrep:{LOCAL_RULE_ID}",),
                message=(f"The template renders request data without escaping ({o.how}). "
                         "Let the template escape it (drop |safe), or escape it first."))
        for o in unsafe_outputs(path, text) if o.from_request)


def relocate(findings: Sequence[Finding], plan: TemplatePlan,
             read: Mapping[str, bytes]) -> tuple[Finding, ...]:
    """`findings` with each flow into a template moved to the template line it is
    rendered at, one finding per line naming every view that feeds it. `read` holds the
    templates' contents (for the snippet and line hash)."""
    views: dict[UnsafeOutput, list[Finding]] = {}
    kept: list[Finding] = []
    for finding in findings:
        if finding.rule_id not in _RULES:
            kept.append(finding)
            continue
        # a call that renders a template the rule names with a variable the template
        # escapes is no flow into an unsafe output
        for output in plan.outputs.get(_rendered(finding.message), ()):
            views.setdefault(output, []).append(finding)
    for output, feeding in sorted(views.items()):
        text = decode_source(read.get(output.path, b"")) or ""
        # one finding per output: request data's when any view passes it (high), the
        # stored-data rule's source recorded beside it, whatever scanners ran with it
        request = [f for f in feeding if f.rule_id == RULE_ID]
        found = _at_template(output, request or feeding, text)
        kept.append(replace(found, sources=tuple(sorted({s for f in feeding
                                                         for s in f.sources}))))
    return tuple(kept)


def templates_to_read(findings: Iterable[Finding], plan: TemplatePlan) -> list[str]:
    """The templates `relocate` needs the contents of."""
    return sorted({o.path for f in findings if f.rule_id in _RULES
                   for o in plan.outputs.get(_rendered(f.message), ())})


def _at_template(output: UnsafeOutput, feeding: list[Finding], text: str) -> Finding:
    places = sorted({(f.path, f.span.start_line) for f in feeding})
    named = ", ".join(f"{path}:{line}" for path, line in places)
    first = feeding[0]
    what = ("A value read from the database" if first.rule_id == STORED_RULE_ID
            else "Request data")
    fix = ("If users can write it, this is stored XSS: drop |safe (or the autoescape "
           "block), or clean the HTML (bleach, nh3) before it is stored or shown."
           if first.rule_id == STORED_RULE_ID else
           "Drop |safe (or the autoescape block), or escape the value in the view.")
    moved = replace(
        first, path=output.path, span=Span(output.line, output.line),
        message=(f"{what} reaches the template variable `{output.variable}`, which "
                 f"this template renders without escaping ({output.how})"
                 f"{_VIEW_SUFFIX}{named}). {fix}"),
        sources=tuple(sorted({s for f in feeding for s in f.sources})),
        snippet="", line_hash="")
    lines = text.splitlines()
    return enrich(moved, lines, line_hashes_for(text, {output.line})) if text else moved


_RENDERED = re.compile(r"""^(?:Request|Stored) data reaches the variable ["']?(\w+)["']? """
                       r"""of the template ["']([\w./-]+)["']\.(?: |$)""")
"""The rule's message (a flow may follow it: `Flow: ... at views.py:7 -> sink ...`)."""
_RULES = frozenset({RULE_ID, STORED_RULE_ID})


def _rendered(message: str) -> tuple[str, str]:
    """The template name and variable a finding of the rule names in its message."""
    match = _RENDERED.match(message)
    return (match.group(2), match.group(1)) if match else ("", "")


def _rule(base: Rule, names: list[str], variables: list[str], users: list[str]) -> Rule:
    """One taint rule for every output a view can reach: its sinks render one of the
    templates `names` with one of `variables`; the message names which (Semgrep fills
    it in), and `relocate` keeps the pairs that are an unsafe output."""
    metadata = {**(base.get("metadata") or {}),
                "assay-requires": "render|[Tt]emplate",
                "rationale": "A value rendered with |safe or autoescaping off is emitted "
                             "as markup by the template."}
    rule = {k: v for k, v in base.items() if k not in ("pattern-sinks", "paths")}
    return {**rule, "id": f"{RULE_ID}{COPY_MARK}0",
            "message": "Request data reaches the variable $KW of the template $TPL.",
            "metadata": metadata, "pattern-sinks": _sinks(names, variables),
            "paths": {"include": sorted(include_of(p) for p in users)}}


def _context_rules(main: Rule, helpers: list[dict[str, Any]], names: list[str],
                   variables: set[str]) -> list[Rule]:
    """One copy of the rule per template variable a project function's returned context
    fills from an argument (`context = service.report_context(scan_id, note)`, then
    `TemplateResponse(request, "report.html", context)`): its sinks are that argument
    of the calls whose result a view renders one of the templates `names` with. The
    variable is in the message, as the main rule's `$KW` is."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for helper in helpers:
        key = helper.get("key")
        if isinstance(key, str) and key in variables and _usable_variable(key):
            by_key.setdefault(key, []).extend(
                c for c in helper.get("calls", []) if isinstance(c, dict))
    out: list[Rule] = []
    for index, (key, calls) in enumerate(sorted(by_key.items()), start=1):
        # a method by its name on any object, when the name is its own: no other form
        # of its calls is needed
        anywhere = [c for c in calls if str(c.get("pattern", "")).startswith("$OBJ.")]
        sinks = [s for call in anywhere or calls
                 if (s := _context_sink(call, names)) is not None]
        if sinks:
            out.append({**main, "id": f"{RULE_ID}{COPY_MARK}{index}", "pattern-sinks": sinks,
                        "message": f"Request data reaches the variable {key} of the "
                                   "template $TPL."})
    return out


# the context made, then rendered: in a row, or made in a `try` the render follows
_MADE_THEN_RENDERED = ("$C = {made}\n...\n{render}\n",
                       "try:\n    ...\n    $C = {made}\n    ...\nexcept ...:\n    ...\n...\n"
                       "{render}\n")


def _context_sink(call: dict[str, Any], names: list[str]) -> dict[str, Any] | None:
    """A sink: `$X` of a call (a pattern alternative, see _rulegen.call_alternatives)
    whose result, in a name or in place, is the context a template of `names` is
    rendered with."""
    steps = list(call.get("patterns", [call]))
    last = steps[-1] if steps else {}
    if not isinstance(last, dict) or set(last) != {"pattern"}:
        return None
    made = str(last["pattern"])
    renders = [*_CONTEXT_CALLS, "flask.render_template($TPL, **$CTX)"]
    inside = [{"pattern-inside": form.format(made=f"{prefix}{made}",
                                             render=r.replace("$CTX", "$C"))}
              for r in renders for prefix in ("", "await ") for form in _MADE_THEN_RENDERED]
    inside += [{"pattern-inside": r.replace("$CTX", made)} for r in renders]
    return {"patterns": [*steps[:-1], {"pattern-either": inside},
                         {"metavariable-regex": {"metavariable": "$TPL",
                                                 "regex": _one_of(names, "[\"']")}},
                         {"focus-metavariable": "$X"}]}


def _sinks(names: list[str], variables: list[str]) -> list[dict[str, Any]]:
    """The calls that render one of the templates `names` (as `$TPL`) with one of
    `variables` (as `$KW`) set to `$X`."""
    d = "{..., $KW: $X, ...}"
    direct = [
        "flask.render_template($TPL, ..., $KW=$X, ...)",
        "quart.render_template($TPL, ..., $KW=$X, ...)",
        "$E.get_template($TPL).render(..., $KW=$X, ...)",
        f"$E.get_template($TPL).render({d}, ...)",
        *(call.replace("$CTX", d) for call in _CONTEXT_CALLS),
    ]
    by_variable = [{"pattern-inside": f"{first}\n...\n{call}\n"}
                   for first in (f"$C = {d}", "$C[$KW] = $X")
                   for call in (c.replace("$CTX", "$C") for c in _CONTEXT_CALLS)]
    limits = [
        {"metavariable-regex": {"metavariable": "$TPL", "regex": _one_of(names, "[\"']")}},
        {"metavariable-regex": {"metavariable": "$KW",
                                "regex": _one_of(variables, "[\"']?")}},
        {"focus-metavariable": "$X"},
    ]
    # a Django class-based view's context: what `get_context_data` sets, for the
    # template its class names
    view_context = [
        {"pattern-inside": "class $VIEW(...):\n    ...\n    template_name = $TPL\n    ...\n"},
        {"pattern-inside": "def get_context_data(self, ...):\n    ...\n"},
        {"pattern-either": [{"pattern": "$C[$KW] = $X"}, {"pattern": f"return {d}"},
                            {"pattern": f"$C.update({d})"},
                            {"pattern": "$C.update(..., $KW=$X, ...)"}]}]
    return [
        {"patterns": [{"pattern-either": [{"pattern": p} for p in direct]}, *limits]},
        {"patterns": [{"pattern-either": by_variable}, *limits]},
        {"patterns": [*view_context, *limits]},
        {"patterns": [
            {"pattern-inside": "@aiohttp_jinja2.template($TPL, ...)\nasync def $F(...):\n"
                               "    ...\n"},
            {"pattern": f"return {d}"}, *limits]},
    ]


def _one_of(words: list[str], quote: str) -> str:
    """A regex matching exactly one of `words`, between `quote`s."""
    return f"^{quote}(?:{'|'.join(re.escape(w) for w in words)}){quote}$"


_CONTEXT_CALLS = (
    "django.shortcuts.render($R, $TPL, $CTX, ...)",
    "django.shortcuts.render($R, $TPL, context=$CTX, ...)",
    "django.template.loader.render_to_string($TPL, $CTX, ...)",
    "django.template.loader.render_to_string($TPL, context=$CTX, ...)",
    "django.template.response.TemplateResponse($R, $TPL, $CTX, ...)",
    "$T.TemplateResponse($TPL, $CTX, ...)",
    "$T.TemplateResponse($R, $TPL, $CTX, ...)",
    "$T.TemplateResponse($R, $TPL, context=$CTX, ...)",
    "$T.TemplateResponse(request=$R, name=$TPL, context=$CTX, ...)",
    "aiohttp_jinja2.render_template($TPL, $R, $CTX, ...)",
    "aiohttp_jinja2.render_string($TPL, $R, $CTX, ...)",
)


def _outputs(path: str, facts: dict[str, Any], off: bool) -> list[UnsafeOutput]:
    rows = facts.get("off_outputs" if off else "outputs", [])
    name = template_name(path)
    return [UnsafeOutput(path, int(r[0]), name, str(r[1]), str(r[2]), bool(r[3]))
            for r in rows if isinstance(r, list) and len(r) == 4]


def _facts(ctx: ScanContext, paths: list[str]) -> dict[str, dict[str, Any]]:
    """Each file's template facts, from the result cache or read now (and kept)."""
    ids = {p: f"{ctx.snapshot.content_id(p)}:{'t' if is_template(p) else 'p'}" for p in paths}
    cache: ResultCache | None = ctx.cache if ctx.use_cache else None
    kept = cache.get_docs(FACTS_KIND, set(ids.values())) if cache is not None else {}
    out: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for path in paths:
        doc = kept.get(ids[path])
        try:
            out[path] = json.loads(doc) if doc is not None else {}
        except ValueError:
            doc = None
        if doc is None:
            missing.append(path)
    fresh: list[tuple[str, str]] = []
    for path, data in ctx.snapshot.read_many(missing).items():
        text = decode_source(data) if b"\0" not in data else None
        out[path] = _read_facts(path, text) if text is not None else {}
        fresh.append((ids[path], json.dumps(out[path], sort_keys=True)))
    if ctx.cache is not None and fresh:
        ctx.cache.put_docs(FACTS_KIND, fresh)
    return out


def _read_facts(path: str, text: str) -> dict[str, Any]:
    if not is_template(path):
        names = sorted({m.group(1).removeprefix("./") for m in _TEMPLATE_NAME.finditer(text)})
        return {"names": names, "off": escaping_off(text)}

    def rows(off: bool) -> list[list[Any]]:
        return [[o.line, o.variable, o.how, o.from_request]
                for o in unsafe_outputs(path, text, off)]

    return {"outputs": rows(False), "off_outputs": rows(True)}


def with_templates(analyze: Analyze) -> Analyze:
    """`analyze` for Python files; templates are analyzed here, alone (their findings
    are the request data they read themselves: see `local_findings`)."""

    def run(root: Path, paths: Sequence[str], ctx: ScanContext,
            report: Callable[[int], None]) -> Analysis:
        code = [p for p in paths if not is_template(p)]
        analysis = analyze(root, code, ctx, report) if code else Analysis()
        for path in paths:
            if is_template(path):
                text = decode_source((root / path).read_bytes()) or ""
                analysis.outcomes[path] = FileOutcome(local_findings(path, text))
        return analysis

    return run
