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
import functools
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assay.model import StageMetrics
from assay.scanners.prefilter import pattern_tokens, requirements, token_word
from assay.scanners.semgrep import COPY_MARK
from assay.scanners.sinks import SinkWrapper, find_wrappers, signatures
from assay.scanners.slicing import SliceSpec, slice_for_words, slice_source
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
_BUILTIN_NAMES = frozenset(dir(builtins))
# libyaml's safe loader when PyYAML has it: the pack is read on every scan
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Copies of a taint rule, one per group of its files (see extend_pack): one file per copy
# cuts the most, but every copy repeats the rule's own patterns (~45 kB).
MAX_COPIES = 64
MAX_PATTERN_LINES = 80  # longer definitions are not used as patterns


def callee_forms(dotted: str, is_method: bool, summaries: Summaries) -> list[str]:
    """How calls of a project function can be written (without the arguments)."""
    name = dotted.rsplit(".", 1)[-1]
    unique = summaries.defined(name) == 1 and name not in COMMON_NAMES
    if is_method:
        return [f"$OBJ.{name}"] if unique else []
    forms = [dotted]
    module = dotted.rsplit(".", 1)[0] if "." in dotted else ""
    if unique:
        forms.append(name)
        if "." in module:  # `from package import module; module.helper()`
            forms.append(f"{module.rsplit('.', 1)[-1]}.{name}")
    return forms


def call_alternatives(dotted: str, is_method: bool, summaries: Summaries,
                      args: str = "...", same_file: bool = False,
                      source: str = "", local: bool = True) -> list[dict[str, Any]]:
    """Pattern alternatives matching calls of a project function with `args`.

    A call by bare name also matches in a file that defines the function (before or
    after the call), even when the name is not unique in the project: any function of
    that name when all of them are summarized alike (`same_file`), else only this very
    definition, matched by its code (`source`). Only for functions their own module
    calls by bare name (`local`).
    """
    forms = callee_forms(dotted, is_method, summaries)
    alternatives: list[dict[str, Any]] = [{"pattern": f"{f}({args})"} for f in forms]
    name = dotted.rsplit(".", 1)[-1]
    if is_method or not local or name in forms or name in _BUILTIN_NAMES:
        return alternatives
    if same_file:
        defs = [f"{kind}def {name}(...):\n    ..." for kind in ("", "async ")]
    elif _usable_as_pattern(source):
        defs = [source]
    else:
        return alternatives
    defined = [{"pattern-inside": f"{d}\n...\n"} for d in defs]
    defined += [{"pattern-inside": f"...\n{d}\n"} for d in defs]
    alternatives.append({"patterns": [{"pattern-either": defined},
                                      {"pattern": f"{name}({args})"}]})
    return alternatives


def _usable_as_pattern(source: str) -> bool:
    """Whether a function's code can serve as a Semgrep pattern as it is."""
    return (bool(source) and source.count("\n") < MAX_PATTERN_LINES and "$" not in source
            and "..." not in source and "<..." not in source)


def call_patterns(summary: FunctionSummary, summaries: Summaries,
                  same_file: bool = False) -> list[dict[str, Any]]:
    """Pattern alternatives matching calls of one summarized function."""
    return call_alternatives(summary.dotted, summary.is_method, summaries,
                             same_file=same_file, source=summary.source,
                             local=summary.called_locally)


def _agreeing(names: Sequence[str], summaries: Summaries) -> set[str]:
    """The names every project definition of which is among `names` (one per function)."""
    counts = Counter(names)
    return {n for n, c in counts.items() if c == summaries.defined(n)}


def wrapper_sink(wrapper: SinkWrapper, summaries: Summaries,
                 same_file: bool = False) -> dict[str, Any] | None:
    """A sink entry: the wrapper's argument that reaches the wrapped sink."""
    before = "".join(f"$ARG{i}, " for i in range(wrapper.position))
    alternatives = [alt for args in (f"{before}$SINK, ...", f"..., {wrapper.param}=$SINK, ...")
                    for alt in call_alternatives(wrapper.function, wrapper.is_method,
                                                 summaries, args, same_file, wrapper.source,
                                                 wrapper.called_locally)]
    if not alternatives:
        return None
    return {"patterns": [{"pattern-either": alternatives}, {"focus-metavariable": "$SINK"}]}


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


def extend_rule(rule: dict[str, Any], summaries: Summaries,
                wrappers: Sequence[SinkWrapper] | None = None) -> dict[str, Any]:
    """A copy of a taint rule with the summaries' sources, sanitizers and sinks added."""
    out = copy.deepcopy(rule)
    sources = source_helpers(summaries)
    trusted = trusted_calls(rule)
    # methods are matched by name alone, which is too loose to clear taint with
    safe = [f for f in summaries.of_kind(SummaryKind.CONSTANT) if f.params and not f.is_method]
    safe += [f for f in summaries.of_kind(SummaryKind.SANITIZER)
             if f.via and set(f.via) <= trusted and not f.is_method]
    agree = _agreeing([f.name for f in safe], summaries)
    sanitizers = _either([alt for f in safe
                          for alt in call_patterns(f, summaries, f.name in agree)]
                         + [{"pattern": f"{name}.get(...)"} for name in summaries.constant_maps])
    if sources:
        out["pattern-sources"] = [*out["pattern-sources"], sources]
    if wrappers is None:
        wrappers = rule_wrappers(rule, summaries)
    agree_at = {(w.position, w.param): _agreeing(
        [x.name for x in wrappers if (x.position, x.param) == (w.position, w.param)],
        summaries) for w in wrappers}
    extra_sinks = [e for w in wrappers
                   if (e := wrapper_sink(w, summaries,
                                         w.name in agree_at[(w.position, w.param)]))
                   is not None]
    if extra_sinks:
        out["pattern-sinks"] = [*out["pattern-sinks"], *extra_sinks]
    extra = [sanitizers] if sanitizers else []
    extra += [_typed_param(t.function, t.param) for t in summaries.typed_params]
    if extra:
        out["pattern-sanitizers"] = [*out.get("pattern-sanitizers", []), *extra]
    return out


def source_helpers(summaries: Summaries) -> dict[str, Any] | None:
    """A pattern-either matching calls of the project's functions that return request data."""
    found = summaries.of_kind(SummaryKind.SOURCE)
    agree = _agreeing([f.name for f in found], summaries)
    return _either([alt for f in found for alt in call_patterns(f, summaries, f.name in agree)])


def rule_wrappers(rule: dict[str, Any], summaries: Summaries) -> list[SinkWrapper]:
    """The project's wrappers of this rule's sinks."""
    def usable(wrapper: SinkWrapper) -> bool:
        return bool(call_alternatives(wrapper.function, wrapper.is_method, summaries))

    return find_wrappers(str(rule["id"]), signatures(rule), summaries.call_index, usable)


def _either(alternatives: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    unique = {json.dumps(a, sort_keys=True): a for a in alternatives}
    if not unique:
        return None
    return {"pattern-either": [unique[k] for k in sorted(unique)]}


def _typed_param(function: str, param: str) -> dict[str, Any]:
    body = "\n    ...\n"
    return {"patterns": [
        {"pattern-either": [
            {"pattern-inside": f"def {function}(..., {param}, ...):{body}"},
            {"pattern-inside": f"async def {function}(..., {param}, ...):{body}"},
        ]},
        {"pattern": param},
    ]}


def extend_pack(files: Sequence[Path], summaries: Summaries, out_dir: Path,
                wrappers: dict[str, list[SinkWrapper]] | None = None,
                include: Mapping[str, Sequence[str]] | None = None,
                vocabulary: Callable[[Sequence[str]], frozenset[str]] | None = None,
                copies: int = MAX_COPIES) -> list[Path]:
    """The rule files for a scan: each pack file with taint rules is written out extended.

    Files without taint rules, and every file when there is nothing to add, are used as
    they are. `wrappers` (rule id -> sink wrappers) saves finding them again; `include`
    (rule id -> files) limits each taint rule to the files it can report in, and a rule
    with no such file is left out of the scan. With `vocabulary` (files -> their
    identifiers), a taint rule is written once per group of its files (at most `copies`
    groups), each copy without the generated patterns that cannot match in its files.
    """
    if include is None and not (summaries.functions or summaries.typed_params
                                or summaries.calls or summaries.constant_maps):
        return list(files)
    result: list[Path] = []
    pack = [(path, load_rules(path)) for path in files]
    taint = {str(r["id"]) for _, rules in pack for r in rules if r.get("mode") == "taint"}
    groups = _groups(taint, include, copies if vocabulary else 1)
    for path, rules in pack:
        if not any(r.get("mode") == "taint" or _limited(r, include) for r in rules):
            result.append(path)
            continue
        kept = [copy for r in rules for copy in (
            _copies(extend_rule(r, summaries, (wrappers or {}).get(r["id"])), r, include,
                    vocabulary, groups) if r.get("mode") == "taint"
            # a pattern rule has nothing generated to prune: one copy, for all its files
            else _copies(r, r, include, None, _groups({str(r["id"])}, include, 1))
            if _limited(r, include) else [r])]
        if not kept:
            continue
        # JSON is YAML, and Semgrep reads it much faster than YAML of the same size
        text = json.dumps({"rules": kept}, separators=(",", ":"))
        # named by content: the same pack and summaries reuse the same file
        target = out_dir / hashlib.sha256(text.encode()).hexdigest()[:16]
        target.mkdir(parents=True, exist_ok=True)
        out = target / f"{path.stem}.json"
        # an existing file is used only if it is what this scan would write: the state
        # directory is inside the scanned tree
        if not out.is_file() or out.read_text(encoding="utf-8", errors="replace") != text:
            out.unlink(missing_ok=True)
            out.write_text(text, encoding="utf-8")
        result.append(out)
    return result


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
    memo: dict[int, frozenset[str] | None] = {}
    out: list[dict[str, Any]] = []
    for group in groups:
        files = [p for p in group if p in wanted]
        if files:
            out.append({**(_pruned(rule, base, vocabulary(group), memo) if vocabulary
                           else rule),
                        "id": f"{rule['id']}{COPY_MARK}{len(out)}" if out else rule["id"],
                        "paths": {"include": ["/" + _glob_escape(p) for p in files]}})
    return out


def _pruned(extended: dict[str, Any], base: Mapping[str, Any],
            vocabulary: frozenset[str] | None,
            memo: dict[int, frozenset[str] | None] | None = None) -> dict[str, Any]:
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
                  memo: dict[int, frozenset[str] | None]) -> dict[str, Any] | None:
    if set(entry) == {"pattern-either"}:
        kept = [alt for alt in entry["pattern-either"] if _can_match(alt, vocabulary, memo)]
        return {"pattern-either": kept} if kept else None
    return entry if _can_match(entry, vocabulary, memo) else None


def _can_match(node: dict[str, Any], vocabulary: frozenset[str],
               memo: dict[int, frozenset[str] | None]) -> bool:
    if id(node) not in memo:  # the same pattern objects are checked for every group
        memo[id(node)] = _names_needed(node)
    names = memo[id(node)]
    return names is None or not names.isdisjoint(vocabulary)


def _names_needed(node: dict[str, Any]) -> frozenset[str] | None:
    """Names one of which a match of `node` contains (None: cannot tell)."""
    tokens = pattern_tokens(node)
    if tokens is None:
        return None
    names = [token_word(token) for token in tokens]
    return None if any(n is None for n in names) else frozenset(n for n in names if n)


Loaded = Sequence[tuple[Path, list[dict[str, Any]]]]  # rule files with their rules


def limited_to(loaded: Loaded, paths: Iterable[str], out_dir: Path) -> list[Path]:
    """The rule files (`loaded`: each with its rules) for a scan of `paths` alone.

    The copies of a rule the pre-pass wrote for other files cannot match in these: they
    are left out (Semgrep would read them all, ~9 MB on a large project, to scan a few
    files). Changed files are written to `out_dir`; a file left without rules is left
    out (give Semgrep only files some rule runs on: see `limited_targets`).
    """
    return _limited_files(loaded, {"/" + _glob_escape(p) for p in paths}, out_dir)


def split_limited(loaded: Loaded, out_dir: Path) -> tuple[Loaded, Loaded]:
    """The rules that run on every file and those limited to some (`paths: include`),
    each with a rule file that holds just them (written to `out_dir` when a file holds
    both kinds)."""
    everywhere: list[tuple[Path, list[dict[str, Any]]]] = []
    limited: list[tuple[Path, list[dict[str, Any]]]] = []
    for number, (path, rules) in enumerate(loaded):
        free = [r for r in rules if not _includes(r)]
        bound = [r for r in rules if _includes(r)]
        for part, into, tag in ((free, everywhere, "all"), (bound, limited, "some")):
            if part:
                into.append((path if len(part) == len(rules) else
                             _write_rules(out_dir / f"{number}-{tag}-{path.stem}.json", part),
                             part))
    return everywhere, limited


def limited_targets(loaded: Loaded, paths: Iterable[str]) -> list[str]:
    """Those of `paths` some rule of `loaded` runs on (all, if a rule has no file limits).

    Semgrep does not count a file no rule runs on as scanned."""
    if any(not _includes(r) for _, rules in loaded for r in rules):
        return list(paths)
    named = {i for _, rules in loaded for r in rules for i in _includes(r)}
    return [p for p in paths if "/" + _glob_escape(p) in named]


def _limited_files(loaded: Loaded, wanted: set[str], out_dir: Path) -> list[Path]:
    """The rule files limited to the files `wanted` (escaped as in `paths: include`): as
    they are when nothing changes, rewritten to `out_dir` when something does, left out
    when no rule is left."""
    out: list[Path] = []
    for number, (path, rules) in enumerate(loaded):
        kept = _limited_rules(rules, wanted)
        if kept == rules:
            out.append(path)
        elif kept:
            out.append(_write_rules(out_dir / f"{number}-{path.stem}.json", kept))
    return out


def _limited_rules(rules: list[dict[str, Any]], wanted: set[str]) -> list[dict[str, Any]]:
    """`rules` limited to the files `wanted` (escaped as in `paths: include`): a rule
    without file limits as it is, one with limits narrowed to those among `wanted`, or
    left out when none is."""
    out: list[dict[str, Any]] = []
    for rule in rules:
        include = _includes(rule)
        mine = sorted(wanted.intersection(include))
        if len(mine) == len(include):  # no limits, or all of them wanted
            out.append(rule)
        elif mine:
            out.append({**rule, "paths": {**rule["paths"], "include": mine}})
    return out


def _write_rules(path: Path, rules: list[dict[str, Any]]) -> Path:
    # JSON is YAML, and Semgrep reads it much faster than YAML of the same size
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"rules": rules}, separators=(",", ":")), encoding="utf-8")
    return path


@dataclass
class SliceStats:
    """What slicing did over a scan: files the taint rules ran on, how many of them were
    sliced, their bytes before and after, files left out (no source in them) and the
    seconds it took."""

    files: int = 0
    sliced: int = 0
    before: int = 0
    after: int = 0
    left_out: int = 0
    seconds: float = 0.0

    def stage(self) -> StageMetrics:
        """The run's `slice:semgrep` stage: its time, and the counts as counters."""
        return StageMetrics("slice:semgrep", self.seconds, tool_calls=(
            ("bytes_after", self.after), ("bytes_before", self.before),
            ("files", self.files), ("left_out", self.left_out), ("sliced", self.sliced)))


def sliced_copies(root: Path, paths: Sequence[str], spec: SliceSpec, loaded: Loaded,
                  out_dir: Path, stats: SliceStats) -> list[str]:
    """The files of `paths` the generated taint rules (`loaded`) can report in, written to
    `out_dir` with the functions that cannot hold a finding blanked."""
    targets: list[str] = []
    started = time.perf_counter()
    for path in limited_targets(loaded, sorted(paths)):
        original = (root / path).read_bytes()
        data = slice_source(original, spec)
        if data is None:
            stats.left_out += 1
            continue
        stats.files += 1
        stats.sliced += data != original
        stats.before += len(original)
        stats.after += len(data)
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        targets.append(path)
    stats.seconds += time.perf_counter() - started
    return targets


def pattern_copies(root: Path, paths: Sequence[str], loaded: Loaded, out_dir: Path,
                   stats: SliceStats) -> Path | None:
    """Copies of `paths` for the pattern rules of `loaded`, written under `out_dir`, with
    the functions that hold none of the text the rules require blanked (see
    `slicing.slice_for_words`); None (the files as they are) when a rule requires none."""
    rules = [r for _, found in loaded for r in found]
    required = requirements(rules)
    if not rules or len(required) < len(rules):
        return None
    expressions = set(required.values())

    @functools.cache
    def wanted(word: str) -> bool:
        return any(e.search(word) for e in expressions)

    started = time.perf_counter()
    for path in paths:
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(slice_for_words((root / path).read_bytes(), wanted))
    stats.seconds += time.perf_counter() - started
    return out_dir


def _includes(rule: Mapping[str, Any]) -> list[str]:
    limits = rule.get("paths")
    include = limits.get("include") if isinstance(limits, dict) else None
    return [str(i) for i in include] if isinstance(include, list) else []


def _glob_escape(path: str) -> str:
    return re.sub(r"([*?\[\]!\\])", r"\\\1", path)


def logical_key(files: Sequence[Path], summaries: Summaries,
                wrappers: dict[str, list[SinkWrapper]] | None = None) -> str:
    """A hash of what the extended rules match, leaving out the per-scan file limits.

    A file's result depends on its own content and on this key only, so it keys the
    per-file result cache: unrelated edits elsewhere in the project keep it.
    """
    digest = hashlib.sha256(b"assay-rulegen/1\0")
    for path in files:
        rules = [extend_rule(r, summaries, (wrappers or {}).get(r["id"]))
                 if r.get("mode") == "taint" else r for r in load_rules(path)]
        digest.update(path.name.encode() + b"\0")
        digest.update(json.dumps(rules, sort_keys=True).encode() + b"\0")
    return digest.hexdigest()


def _safe_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_SAFE_LOADER) or {}  # noqa: S506 (a safe loader)


def load_rules(path: Path) -> list[dict[str, Any]]:
    """The rules of one rule file (YAML, or the JSON the pre-pass writes)."""
    if path.suffix != ".json":  # the pack, read several times a scan: parsed once
        stat = path.stat()
        return copy.deepcopy(_yaml_rules(path, stat.st_mtime_ns, stat.st_size))
    doc = json.loads(path.read_text(encoding="utf-8"))
    rules: list[dict[str, Any]] = doc.get("rules", [])
    return rules


@functools.lru_cache(maxsize=64)
def _yaml_rules(path: Path, mtime: int, size: int) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = _safe_yaml(path.read_text(encoding="utf-8")).get("rules", [])
    return rules


def all_wrappers(files: Sequence[Path], summaries: Summaries) -> dict[str, list[SinkWrapper]]:
    """Sink wrappers per taint rule of the pack."""
    return {str(r["id"]): rule_wrappers(r, summaries)
            for path in files for r in load_rules(path) if r.get("mode") == "taint"}


def provenance(summaries: Summaries, found: dict[str, list[SinkWrapper]] | None = None,
               limit: int = 100) -> tuple[tuple[str, str], ...]:
    """What the run records about the summaries (names capped at `limit` per kind)."""
    pairs = [("semgrep.summaries.sha256", summaries.digest())]
    wrappers = [f"{w.function}({w.param}) -> {w.rule.removeprefix('assay.python.')}"
                for rule in sorted(found or {}) for w in (found or {})[rule]]
    pairs.append(("semgrep.summaries.sink_wrapper",
                  f"{len(wrappers)}: {', '.join(wrappers[:limit])}".rstrip(": ")))
    for kind in SummaryKind:
        names = [f.dotted for f in summaries.of_kind(kind)]
        shown = ", ".join(names[:limit]) + (f", ... (+{len(names) - limit})"
                                            if len(names) > limit else "")
        pairs.append((f"semgrep.summaries.{kind.value}", f"{len(names)}: {shown}".rstrip(": ")))
    pairs.append(("semgrep.summaries.constant_maps",
                  f"{len(summaries.constant_maps)}: "
                  f"{', '.join(summaries.constant_maps[:limit])}".rstrip(": ")))
    typed = [f"{t.path}:{t.function}({t.param})" for t in summaries.typed_params]
    pairs.append(("semgrep.summaries.typed_route_params",
                  f"{len(typed)}: {', '.join(typed[:limit])}".rstrip(": ")))
    return tuple(pairs)
