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
import copy
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from assay.scanners.summaries import FunctionSummary, Summaries, SummaryKind

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
_CALL_NAME = re.compile(r"^([A-Za-z_][\w.]*)\(")


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def call_patterns(summary: FunctionSummary, summaries: Summaries) -> list[str]:
    """Semgrep patterns matching calls of one summarized function."""
    unique = summaries.defined(summary.name) == 1 and summary.name not in COMMON_NAMES
    if summary.is_method:
        return [f"$OBJ.{summary.name}(...)"] if unique else []
    patterns = [f"{summary.dotted}(...)"]
    if unique:
        patterns.append(f"{summary.name}(...)")
        if "." in summary.module:  # `from package import module; module.helper()`
            patterns.append(f"{summary.module.rsplit('.', 1)[-1]}.{summary.name}(...)")
    return patterns


def trusted_calls(rule: dict[str, Any]) -> set[str]:
    """The dotted names of calls a rule's sanitizers already trust (`html.escape`, `int`)."""
    names: set[str] = set()
    for pattern in _patterns(rule.get("pattern-sanitizers", [])):
        match = _CALL_NAME.match(pattern.strip())
        if match:
            names.add(match.group(1))
    return names


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


def extend_rule(rule: dict[str, Any], summaries: Summaries) -> dict[str, Any]:
    """A copy of a taint rule with the summaries' sources and sanitizers added."""
    out = copy.deepcopy(rule)
    sources = _either([p for f in summaries.of_kind(SummaryKind.SOURCE)
                       for p in call_patterns(f, summaries)])
    trusted = trusted_calls(rule)
    safe = [f for f in summaries.of_kind(SummaryKind.CONSTANT) if f.params or f.is_method]
    safe += [f for f in summaries.of_kind(SummaryKind.SANITIZER)
             if f.via and set(f.via) <= trusted]
    sanitizers = _either([p for f in safe for p in call_patterns(f, summaries)])
    if sources:
        out["pattern-sources"] = [*out["pattern-sources"], sources]
    extra = [sanitizers] if sanitizers else []
    extra += [_typed_param(t.function, t.param) for t in summaries.typed_params]
    if extra:
        out["pattern-sanitizers"] = [*out.get("pattern-sanitizers", []), *extra]
    return out


def _either(patterns: Sequence[str]) -> dict[str, Any] | None:
    unique = sorted(set(patterns))
    if not unique:
        return None
    return {"pattern-either": [{"pattern": p} for p in unique]}


def _typed_param(function: str, param: str) -> dict[str, Any]:
    body = "\n    ...\n"
    return {"patterns": [
        {"pattern-either": [
            {"pattern-inside": f"def {function}(..., {param}, ...):{body}"},
            {"pattern-inside": f"async def {function}(..., {param}, ...):{body}"},
        ]},
        {"pattern": param},
    ]}


def extend_pack(files: Sequence[Path], summaries: Summaries, out_dir: Path) -> list[Path]:
    """The rule files for a scan: each pack file with taint rules is written out extended.

    Files without taint rules, and every file when there is nothing to add, are used as
    they are.
    """
    if not summaries.functions and not summaries.typed_params:
        return list(files)
    target = out_dir / summaries.digest()[:16]
    result: list[Path] = []
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rules = doc.get("rules", [])
        if not any(r.get("mode") == "taint" for r in rules):
            result.append(path)
            continue
        extended = [extend_rule(r, summaries) if r.get("mode") == "taint" else r
                    for r in rules]
        target.mkdir(parents=True, exist_ok=True)
        out = target / path.name
        if not out.exists():
            text = yaml.dump({"rules": extended}, Dumper=_NoAliasDumper, sort_keys=False)
            out.write_text(text, encoding="utf-8")
        result.append(out)
    return result


def provenance(summaries: Summaries, limit: int = 100) -> tuple[tuple[str, str], ...]:
    """What the run records about the summaries (names capped at `limit` per kind)."""
    pairs = [("semgrep.summaries.sha256", summaries.digest())]
    for kind in SummaryKind:
        names = [f.dotted for f in summaries.of_kind(kind)]
        shown = ", ".join(names[:limit]) + (f", ... (+{len(names) - limit})"
                                            if len(names) > limit else "")
        pairs.append((f"semgrep.summaries.{kind.value}", f"{len(names)}: {shown}".rstrip(": ")))
    typed = [f"{t.path}:{t.function}({t.param})" for t in summaries.typed_params]
    pairs.append(("semgrep.summaries.typed_route_params",
                  f"{len(typed)}: {', '.join(typed[:limit])}".rstrip(": ")))
    return tuple(pairs)
