"""Semgrep's JSON output translated into findings and per-file outcomes."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from assay.ledger.result_cache import FileOutcome
from assay.model import (
    Confidence,
    Finding,
    FlowRole,
    FlowStep,
    SkippedFile,
    SkipReason,
    Span,
    flow_clause,
)
from assay.normalize.cwe import parse_cwe
from assay.scanners.filescan import Analysis
from assay.scanners.semgrep._pack import COPY_MARK, RuleMeta, severity_of
from assay.scanners.semgrep._pysource import QUEUED, RUNNERS
from assay.scanners.semgrep._sinks import SinkWrapper

NAME = "semgrep"  # the scanner's name, on its findings and skips
# rules whose findings another stage moves by their message (see _template_flow): their
# message stays as the rule wrote it
RELOCATED_RULES = frozenset({"assay.python.xss-template.taint"})


def fail(analysis: Analysis, files: list[str], reason: SkipReason, detail: str) -> None:
    """Record that `files` could not be analyzed, and why."""
    analysis.failed.extend(SkippedFile(p, reason, NAME, detail) for p in files)
    analysis.error = detail


def translate(doc: dict[str, Any], chunk: list[str], meta: dict[str, RuleMeta],
              analysis: Analysis) -> None:
    """Add the outcomes one Semgrep run (`doc`) reports for the files of `chunk`."""
    wanted = set(chunk)
    broken = _rule_errors(doc)
    if broken:  # a rule that did not run leaves every file of the run unanalyzed by it
        fail(analysis, chunk, SkipReason.SCANNER_ERROR, broken)
        return
    errors = _file_errors(doc, wanted)
    scanned = {p for p in doc.get("paths", {}).get("scanned", []) if p in wanted}
    findings: dict[str, list[Finding]] = {p: [] for p in chunk}
    for result in doc.get("results", []):
        path = result.get("path")
        if path in findings:
            findings[path].append(_finding(result, meta))
    for path in chunk:
        if path in errors:
            reason, detail = errors[path]
            if reason is SkipReason.TIMEOUT:
                analysis.failed.append(SkippedFile(path, reason, NAME, detail))
            else:
                analysis.outcomes[path] = FileOutcome(
                    skip=SkippedFile(path, reason, NAME, detail))
        elif path in scanned:
            analysis.outcomes[path] = FileOutcome(tuple(findings[path]))
        else:
            analysis.failed.append(SkippedFile(path, SkipReason.SCANNER_ERROR, NAME,
                                               "semgrep did not scan the file"))


def _file_errors(doc: dict[str, Any], wanted: set[str]) -> dict[str, tuple[SkipReason, str]]:
    errors: dict[str, tuple[SkipReason, str]] = {}
    for error in doc.get("errors", []):
        if error.get("level") != "error":
            continue
        path = error.get("path") or next(
            (s.get("file") for s in error.get("spans", []) if s.get("file")), None)
        if path not in wanted:
            continue
        kind = str(error.get("type", ""))
        kind_text = kind if isinstance(error.get("type"), str) else json.dumps(error.get("type"))
        if "Timeout" in kind_text:
            reason = SkipReason.TIMEOUT
        elif "Syntax" in kind_text or "Parse" in kind_text or "Lexical" in kind_text:
            reason = SkipReason.SYNTAX_ERROR
        else:
            reason = SkipReason.SCANNER_ERROR
        errors[path] = (reason, (error.get("message") or kind_text).strip()[:300])
    return errors


def _rule_errors(doc: dict[str, Any]) -> str:
    """What went wrong when Semgrep could not read a rule ("" when every rule ran): such
    an error names no file, and the rule's files would otherwise look analyzed."""
    for error in doc.get("errors", []):
        kind = error.get("type")
        kind_text = kind if isinstance(kind, str) else json.dumps(kind)
        if error.get("level") == "error" and "Rule" in kind_text and not error.get("path"):
            first = str(error.get("message") or kind_text).strip().splitlines()[:1]
            return f"semgrep could not read a rule: {(first or [kind_text])[0][:200]}"
    return ""


def rule_id(check_id: str, meta: dict[str, RuleMeta]) -> str:
    """A rule's id as the pack names it: Semgrep prefixes rule ids with the config's
    directory, stripped back off (and the mark of a rule's copy for a group of files)."""
    check_id = check_id.split(COPY_MARK, 1)[0]
    if check_id in meta:
        return check_id
    for known in meta:
        if check_id.endswith("." + known):
            return known
    return check_id


def _finding(result: dict[str, Any], meta: dict[str, RuleMeta]) -> Finding:
    found = rule_id(str(result["check_id"]), meta)
    info = meta.get(found)
    extra = result.get("extra", {})
    start, end = result["start"], result["end"]
    cwe = info.cwe if info else parse_cwe(extra.get("metadata", {}).get("cwe"))
    return Finding(
        scanner=NAME,
        rule_id=found,
        path=str(result["path"]),
        span=Span(int(start["line"]), max(int(start["line"]), int(end["line"])),
                  int(start.get("col", 1)), int(end.get("col", 1))),
        severity=info.severity if info else severity_of(extra.get("severity")),
        confidence=info.confidence if info else Confidence.MEDIUM,
        message=str(extra.get("message", "")).strip(),
        cwe=cwe,
        sources=(f"semgrep:{found}",),
        flow=trace_steps(extra.get("dataflow_trace")),
    )


def with_flows(findings: Sequence[Finding], wrappers: Sequence[SinkWrapper] = (),
               texts: Mapping[str, str] | None = None) -> tuple[Finding, ...]:
    """`findings` with their flows completed and named in their messages.

    Done after the result cache (a finding kept for an unchanged file is completed with
    this scan's facts of the files its flow leads to): a flow that ends at the argument
    of a call of a project helper that passes it to a sink (one of `wrappers`) goes on
    through the helper to that sink. Semgrep's traces stay within one function, so
    every step it gave is in the finding's own file (kept for a file with the same
    content at another path, its steps move with it). `texts` (path -> text) gives the
    lines before a finding's, where a call written over several lines opens."""
    by_rule: dict[str, list[SinkWrapper]] = {}
    for wrapper in wrappers:
        by_rule.setdefault(wrapper.rule, []).append(wrapper)
    files = {path: (text.split("\n"), _imported(text)) for path, text in (texts or {}).items()}
    out: list[Finding] = []
    for finding in findings:
        if not finding.flow:
            out.append(finding)
            continue
        flow = tuple(replace(step, path=finding.path) for step in finding.flow)
        lines, imported = files.get(finding.path, ([], None))
        flow = _through(finding, flow, by_rule.get(finding.rule_id, []),
                        _lead(finding, lines), imported)
        message = finding.message if finding.rule_id in RELOCATED_RULES \
            else with_flow(finding.message, flow)
        out.append(replace(finding, flow=flow, message=message))
    return tuple(out)


_CALLEE = re.compile(r"([A-Za-z_][\w.]*)\s*\($")


LEAD_LINES = 12  # how far up a call written over several lines is looked for


def _lead(finding: Finding, lines: Sequence[str]) -> str:
    """The file's `lines` just before the finding's line (its call may open there)."""
    start = finding.span.start_line
    above = lines[max(0, start - 1 - LEAD_LINES) : start - 1] if start > 1 else []
    return "\n".join(above) + "\n" if above else ""


def _imported(text: str) -> frozenset[str]:
    """The names a module's imports bind (a module, a class, a function: what a call
    `name.helper(...)` may name besides an object)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()  # not Python (a template), or past the parser's limits
    return frozenset((alias.asname or alias.name).split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names)


def _through(finding: Finding, flow: tuple[FlowStep, ...], wrappers: Sequence[SinkWrapper],
             lead: str = "", imported: frozenset[str] | None = None) -> tuple[FlowStep, ...]:
    """`flow` on through the helper whose argument its sink is, to the helper's sink
    (`lead`: the lines before the finding's, where its call may open; `imported`: the
    names the file's imports bind, when known)."""
    sink = flow[-1]
    lines = finding.snippet.split("\n")
    col = finding.span.start_col
    if not wrappers or col is None or not lines or sink.line != finding.span.start_line:
        return flow
    first = lines[0][:max(0, col - 1)]
    before = first if _before_open(first) else lead + first
    opened = _before_open(before)
    match = _CALLEE.search(opened)
    written, args = _handed(match.group(1) if match else "", before[len(opened):])
    name = written.rsplit(".", 1)[-1]
    named = [w for w in wrappers if w.name == name and w.sink_path and w.sink_line > 0]
    # `services.stats(...)` in a view also called `stats`: the helper the call names;
    # `template.render(...)` on a local object names a method, never a module's function
    # `render` (an imported name, `service.render(...)`, may be the module's alias)
    qualified = [w for w in named if w.function.endswith(f".{written}")]
    if "." in written and not qualified and imported is not None \
            and written.split(".", 1)[0] not in imported:
        named = [w for w in named if w.is_method]
    named = qualified if "." in written and qualified else named
    index, keyword = _argument_at(args)
    at = [w for w in named if (w.param == keyword if keyword else w.position == index)]
    ends = _ends(at or named)
    if len(ends) > 1 and imported:
        ends = _ends(_of_imported(at or named, imported)) or ends
    if len(ends) != 1:
        return flow  # not a helper's call, or more than one helper of that name
    path, line, function, through, call = ends.pop()
    helpers = [FlowStep(finding.path, sink.line, FlowRole.STEP,
                        f"{function.rsplit('.', 1)[-1]}()")]
    helpers += [FlowStep(where, at, FlowRole.STEP, f"{inner.rsplit('.', 1)[-1]}()")
                for inner, where, at in through if at > 0]
    return (*flow[:-1], replace(sink, role=FlowRole.STEP), *helpers,
            FlowStep(path, line, FlowRole.SINK, f"{call}(...)" if call else ""))


_End = tuple[str, int, str, tuple[tuple[str, str, int], ...], str]


def _of_imported(candidates: Sequence[SinkWrapper],
                 imported: frozenset[str]) -> list[SinkWrapper]:
    """The methods among `candidates` whose class the file imports (`repo.search(q)` in
    a file importing ItemRepository, not ShipmentService): helpers of one name in two
    classes are told apart by the class the caller names."""
    return [w for w in candidates
            if w.is_method and w.function.rsplit(".", 2)[-2] in imported]


def _ends(candidates: Sequence[SinkWrapper]) -> set[_End]:
    """Where the helpers `candidates` (of one name) lead. Helpers of one name in two
    layers (`TicketService.search` calling `TicketRepository.search`) that end at one
    sink lead there through the outer one: a call of the inner one from outside its
    layer's caller would be the rarer."""
    ends = {(w.sink_path, w.sink_line, w.function, w.through, w.sink_call)
            for w in candidates}
    if len({(path, line) for path, line, *_ in ends}) != 1:
        return ends
    inner = {function for _, _, _, through, _ in ends for function, _, _ in through}
    outer = {end for end in ends if end[2] not in inner}
    return outer if len(outer) == 1 else ends


def _handed(written: str, args: str) -> tuple[str, str]:
    """The call `written(args` as the call of the function it hands a runner, when it is
    one (`tasks.add_task(fetch, ` -> `fetch(`; `fetch.delay(` -> `fetch(`): the
    runner calls it with the arguments that follow (see _pysource.RUNNERS)."""
    prefix, _, name = written.rpartition(".")
    if name == QUEUED and prefix:
        return prefix, args
    parts = _arguments(args)
    at = RUNNERS.get(name)
    if at is None or len(parts) <= at + 1:
        return written, args
    handed = parts[at].strip()
    if not _DOTTED.fullmatch(handed):
        return written, args
    return handed, ",".join(parts[at + 1:])


_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def _arguments(text: str) -> list[str]:
    """A call's arguments as written up to some point, split where they part (the last
    one as far as it goes)."""
    depth, parts, current = 0, [], ""
    for char in text:
        depth += (char in "([{") - (char in ")]}")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _argument_at(text: str) -> tuple[int, str]:
    """Which argument starts after `text` (a call's arguments up to it, after the open
    bracket): its position, and its keyword when it is passed by one."""
    parts = _arguments(text)
    keyword = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*=\s*", parts[-1])
    return len(parts) - 1, keyword.group(1) if keyword else ""


def _before_open(text: str) -> str:
    """`text` up to and with the bracket still open at its end (`x = f(a, ` -> `x = f(`)."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                return text[: index + 1] if char == "(" else ""
            depth -= 1
    return ""


def with_flow(message: str, flow: tuple[FlowStep, ...]) -> str:
    """`message` with its flow named in one clause (`Flow: ...`)."""
    clause = flow_clause(flow)
    if not clause:
        return message
    stop = "" if not message or message.endswith((".", "!", "?")) else "."
    return f"{message}{stop} Flow: {clause}.".strip()


def trace_steps(trace: Any) -> tuple[FlowStep, ...]:
    """The steps of a Semgrep `dataflow_trace` (source, the names in between, sink);
    empty when there is none or it is not of the known shape.

    Its shape (semgrep-core 1.187): `taint_source` and `taint_sink` are `["CliLoc",
    [location, code]]` or `["CliCall", [[location, code], names, call]]`;
    `intermediate_vars` a list of `{"location", "content"}`."""
    if not isinstance(trace, dict):
        return ()
    source = _trace_point(trace.get("taint_source"), FlowRole.SOURCE)
    sink = _trace_point(trace.get("taint_sink"), FlowRole.SINK)
    if source is None or sink is None:
        return ()
    names = trace.get("intermediate_vars")
    between = [_step(v.get("location"), v.get("content"), FlowRole.STEP)
               for v in names if isinstance(v, dict)] if isinstance(names, list) else []
    return (source, *(s for s in between if s is not None), sink)


def _trace_point(node: Any, role: FlowRole) -> FlowStep | None:
    if not (isinstance(node, list) and len(node) == 2 and isinstance(node[1], list)):
        return None
    kind, value = node
    if kind == "CliCall" and value and isinstance(value[0], list):
        value = value[0]
    if kind not in ("CliLoc", "CliCall") or len(value) != 2:
        return None
    return _step(value[0], value[1], role)


def _step(location: Any, code: Any, role: FlowRole) -> FlowStep | None:
    try:
        return FlowStep(str(location["path"]), int(location["start"]["line"]), role,
                        str(code or ""))
    except (KeyError, TypeError, ValueError):
        return None
