"""The pre-pass the Semgrep scanner runs before Semgrep: summaries -> rule extensions."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assay import __version__
from assay.normalize.testcode import is_test_path
from assay.scanners.filescan import decode_source
from assay.scanners.interface import ScanContext
from assay.scanners.semgrep._derived import derive, read_wrapper, wrapper_doc
from assay.scanners.semgrep._facts import FileFacts, read_files
from assay.scanners.semgrep._layout import RunLayout
from assay.scanners.semgrep._pack import Pack, Rules
from assay.scanners.semgrep._prefilter import (
    FileIndex,
    own_sources,
    pattern_tokens,
    relevant_files,
    required_files,
)
from assay.scanners.semgrep._pysource import module_names
from assay.scanners.semgrep._rulefiles import write_generated
from assay.scanners.semgrep._rulegen import (
    FILTER_RULE,
    extend_pack,
    pruned,
    source_helpers,
    template_additions,
)
from assay.scanners.semgrep._sinks import SinkWrapper
from assay.scanners.semgrep._slicing import SliceSpec
from assay.scanners.semgrep._state import state_words
from assay.scanners.semgrep._summaries import Summaries, SummaryKind, classify
from assay.scanners.semgrep._template_flow import (
    CONTEXT_CALLS,
    STORED_ESCAPES,
    STORED_FILES,
    STORED_HINT,
    STORED_SOURCES,
    names_a_template,
)

MEMO_KEEP = 4  # pre-pass results kept in the state directory
MARKUP_RULE = "assay.python.xss-markup.taint"  # the template rule's base (_template_flow)


@dataclass(frozen=True)
class Prepared:
    """The rule files for one scan and what to record about the summaries behind them.

    `key` hashes what the rules match (see `logical_key`); `taint` are the generated
    files that hold only taint rules; `loaded` the rules of `rules` when this scan wrote
    them (a kept result names the files only); `wrappers` the sink wrappers found (a
    finding at a call of one has its flow go on to the wrapped sink)."""

    rules: tuple[Path, ...]
    provenance: tuple[tuple[str, str], ...]
    seconds: float
    key: str = ""
    slicing: SliceSpec = field(default_factory=SliceSpec)
    taint: tuple[Path, ...] = ()
    loaded: Rules | None = field(default=None, compare=False)
    wrappers: tuple[SinkWrapper, ...] = ()
    markup: Mapping[str, Sequence[object]] = field(default_factory=dict, compare=False)
    """What the summaries add to the sources and sanitizers of the markup XSS rule (the
    template rule's base: see _template_flow), by key."""


def python_sources(ctx: ScanContext) -> dict[str, str]:
    """Every readable Python file of the snapshot, whether or not it is in scope.

    Helpers outside the scanned scope (or excluded from it) still shape the flows inside.
    """
    paths = [f.path for f in ctx.snapshot.files
             if f.path.endswith(".py") and not f.symlink and f.size <= ctx.max_file_size]
    out: dict[str, str] = {}
    for path, data in ctx.snapshot.read_many(paths).items():
        text = decode_source(data) if b"\0" not in data else None
        if text is not None:
            out[path] = text
    return out


def _helper_tokens(summaries: Summaries) -> list[str]:
    """What a call of a project source helper contains, as the generated rules match it,
    and the names of the attributes of `g` and the session keys that hold request data
    (however the object is named)."""
    state = [rf"\b{re.escape(word)}\b" for name in summaries.request_state
             for word in state_words(name)]
    helpers = source_helpers(summaries)
    if helpers is None:
        return state
    tokens = pattern_tokens(helpers)
    if tokens is None:  # a form without a name to look for: every helper's name
        return [rf"\b{re.escape(f.name)}\b" for f in summaries.of_kind(SummaryKind.SOURCE)
                ] + state
    return sorted(tokens) + state


def _helper_methods(summaries: Summaries) -> tuple[str, ...]:
    """The project's methods returning request data, as `Class.name`."""
    return tuple(sorted({".".join(f.dotted.rsplit(".", 2)[-2:])
                         for f in summaries.of_kind(SummaryKind.SOURCE) if f.is_method}))


def prepare(ctx: ScanContext, layout: RunLayout, pack: Pack) -> Prepared:
    """Summarize the snapshot's functions and extend the taint rules of `pack` with them.

    The result depends only on the pack and the Python files of the snapshot, so it is
    kept in the state directory under a hash of both: a rescan with no Python file
    changed reuses it, without reading the pack's rules (unless the run uses no cache).
    """
    started = time.perf_counter()
    key = _memo_key(ctx, pack) if ctx.use_cache else ""
    found = _load(layout, key, pack) if key else None
    if found is not None:
        return replace(found, seconds=time.perf_counter() - started)
    prepared = _prepare(ctx, layout, pack, started)
    if key:
        _store(layout, key, prepared)
    return prepared


def _prepare(ctx: ScanContext, layout: RunLayout, rule_pack: Pack,
             started: float) -> Prepared:
    sources = python_sources(ctx)
    facts = _read(ctx, sources)
    summaries = classify(f.module for f in facts.values() if f.module is not None)
    derived = derive(rule_pack, summaries, _code_digest(),
                     layout.derived if ctx.use_cache else None)
    pack, wrappers, extended = rule_pack.rules, derived.wrappers, derived.extended
    taint = [r for r in pack.all() if r.get("mode") == "taint"]
    index = FileIndex(sources, {p: f.words for p, f in facts.items()},
                      {p: f.request_hint for p, f in facts.items()})
    include = relevant_files(taint, index, _helper_tokens(summaries),
                             {rule: [w.name for w in found] for rule, found in wrappers.items()})
    include |= required_files(pack.all(), index)
    if summaries.hooks:  # the files of the filters registered by a call (_rulegen.hook_sources)
        include[FILTER_RULE] = sorted({*include.get(FILTER_RULE, ()),
                                       *(path for path, _ in summaries.hooks)})
    generated = extend_pack(pack, summaries, functools.partial(write_generated, layout.generated),
                            wrappers, include, index.vocabulary, extended=extended)
    record = (*provenance(summaries, wrappers), ("semgrep.summaries.files", str(len(sources))),
              ("semgrep.prefilter", ", ".join(f"{rule.removeprefix('assay.python.')} "
                                              f"{len(paths)}" for rule, paths in
                                              sorted(include.items()))))
    # what a generated rule may match by its definition (a call in the same file): a
    # module-level function, kept in its own file (keeping every function of that name
    # in every file, methods too, made the sliced Django tree 45% larger)
    keep = {f"{f.path}:{f.name}" for f in summaries.functions if not f.is_method} | {
        f"{path}:{name}" for path, name in summaries.hooks} | {
        f"{w.defined_in}:{w.name}" for found in wrappers.values() for w in found
        if not w.is_method}
    # a class another module has one of that name too is matched by its code where
    # its methods are called in its own file (see _rulegen.method_alternatives): for
    # sinks and sources only (a cleaning method is matched without it)
    matched = {w.function.rsplit(".", 1)[0] for found in wrappers.values() for w in found
               if w.is_method}
    matched |= {f.dotted.rsplit(".", 1)[0] for f in summaries.functions if f.is_method
                and f.kind in (SummaryKind.SOURCE, SummaryKind.STORED)}
    keep |= {f"{path}:{dotted.rsplit('.', 1)[-1]}.*" for dotted in matched
             if (path := summaries.class_path(dotted))}
    only_taint = {f.path.stem for f in pack.files
                  if all(r.get("mode") == "taint" for r in f.rules)}
    # the sliced copies keep what a rule with sources of its own matches in, as they keep
    # what a request-data source needs
    own = tuple(sorted({o for r in taint if (o := own_sources(r)) is not None}))
    return Prepared(generated.paths, record, time.perf_counter() - started,
                    derived.key,
                    SliceSpec(tuple(_helper_tokens(summaries)), tuple(sorted(keep)),
                              _helper_methods(summaries), own),
                    tuple(f for f in generated.paths
                          if f not in pack.paths and f.stem in only_taint),
                    generated, tuple(w for rule in sorted(wrappers) for w in wrappers[rule]),
                    _template_additions(pack, summaries, sources, index,
                                        ctx.reached_by or _not_reached))


def _not_reached(path: str) -> str:
    return ""


def _template_additions(pack: Rules, summaries: Summaries, sources: Mapping[str, str],
                        index: FileIndex, reached_by: Callable[[str], str],
                        ) -> dict[str, Sequence[object]]:
    """What the summaries add to the template rule (see `template_additions`), and the
    files naming a template that read from a database, directly or through a project
    helper (`STORED_FILES`: where the stored-data copy of the rule runs)."""
    naming = [p for p, text in sources.items() if names_a_template(text)]
    base = next((r for r in pack.all() if r.get("id") == MARKUP_RULE), None)
    additions = template_additions(summaries, base)
    calls = additions.pop(CONTEXT_CALLS, [])  # (sinks of copies of the rule, not pruned)
    added = {**_added(pack, additions, MARKUP_RULE, index.vocabulary(naming)),
             **({CONTEXT_CALLS: calls} if calls else {})}
    helpers = source_helpers(summaries, SummaryKind.STORED)
    tokens = sorted(pattern_tokens(helpers) or ()) if helpers else []
    # not in test code: a test's rows are its own fixtures, and on Django's sdist two test
    # modules were three quarters of the rule's matching. A file on a test path that
    # production imports or names (`reached_by`) is production code: a pull request
    # chooses its paths
    stored = [p for p in naming if (
        STORED_HINT.search(sources[p]) or (tokens and index.contains(p, tokens)))
        and (not is_test_path(p) or reached_by(p))]
    if not stored:
        return {k: v for k, v in added.items() if k != STORED_SOURCES}
    # the helpers' call patterns that can match in those files only (as for the rules)
    helpers_added = pruned({"pattern-sources": list(added.get(STORED_SOURCES, []))},
                           {"pattern-sources": []}, index.vocabulary(stored))
    return {**added, STORED_SOURCES: helpers_added["pattern-sources"],
            STORED_FILES: sorted(stored)}


def _added(pack: Rules, additions: Mapping[str, list[dict[str, Any]]], rule_id: str,
           vocabulary: frozenset[str]) -> dict[str, Sequence[object]]:
    """`additions` to one rule of the pack, without those that cannot match in files of
    `vocabulary` (the files naming a template)."""
    base = next((r for r in pack.all() if r.get("id") == rule_id), None)
    if base is None or not additions:
        return {}
    rule = pruned({**base, **{k: [*base.get(k, []), *v] for k, v in additions.items()}},
                  base, vocabulary)
    out: dict[str, Sequence[object]] = {}
    for key in ("pattern-sources", "pattern-sanitizers", STORED_SOURCES, STORED_ESCAPES):
        entries = rule.get(key, [])
        start = len(base.get(key, []))
        if isinstance(entries, list) and len(entries) > start:
            out[key] = entries[start:]
    return out


def _read(ctx: ScanContext, sources: dict[str, str]) -> dict[str, FileFacts]:
    """Every file's facts; those of unchanged files from the result cache."""
    names = module_names(list(sources), {f.path for f in ctx.snapshot.files} | set(sources))
    cache = ctx.cache if ctx.use_cache else None
    ids = {p: ctx.snapshot.content_id(p) for p in sources} if cache is not None else None
    return read_files(sources, names, ctx.jobs, cache, ids, _code_digest())


def _memo_key(ctx: ScanContext, pack: Pack) -> str:
    """A hash of what the pre-pass reads: the pack and every Python file it would read,
    and of the code that reads them."""
    digest = hashlib.sha256(f"assay-prepass/{__version__}\0{ctx.max_file_size}\0".encode())
    digest.update(_code_digest().encode())
    for path, data in zip(pack.paths, pack.data, strict=True):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(data).digest())
    for f in sorted(ctx.snapshot.files, key=lambda f: f.path):
        if f.path.endswith(".py"):
            content = "" if f.symlink else ctx.snapshot.content_id(f.path)
            digest.update(f"{f.path}\0{f.symlink}\0{f.size}\0{content}\n".encode())
    return digest.hexdigest()


@functools.cache
def _code_digest() -> str:
    """sha256 over the modules that turn summaries into rules: a changed pre-pass (an
    upgrade, a local edit) never reuses what an older one wrote."""
    from assay.scanners import workers
    from assay.scanners.semgrep import (
        _derived,
        _facts,
        _pack,
        _prefilter,
        _pysource,
        _returned,
        _rulefiles,
        _rulegen,
        _sinks,
        _slicing,
        _summaries,
    )

    digest = hashlib.sha256()
    for module in (_derived, _facts, _pack, _prefilter, _pysource, _returned, _rulefiles, _rulegen,
                   _sinks, _slicing, _summaries, workers, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def _drop_unused(generated: Path, kept: Sequence[Path]) -> None:
    used: set[str] = set()
    for entry in kept:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            used |= {Path(p).parent.name for p in json.loads(entry.read_text())["rules"]}
    for folder in generated.iterdir() if generated.is_dir() else ():
        # an hour's grace: a scan running in parallel may still be reading older rules
        if folder.is_dir() and folder.name not in used and \
                time.time() - folder.stat().st_mtime > 3600:
            shutil.rmtree(folder, ignore_errors=True)


def _load(layout: RunLayout, key: str, pack: Pack) -> Prepared | None:
    """A kept result, if it is whole and names only rules of the pack or rules the
    pre-pass generated (a state directory is inside the scanned tree: it is not trusted
    to point Semgrep anywhere else)."""
    generated = layout.generated.resolve()
    try:
        doc = json.loads((layout.memo / f"{key}.json").read_text(encoding="utf-8"))
        rules = tuple(Path(p) for p in doc["rules"])
        markup = doc["markup"]
        if not isinstance(markup, dict) or not all(
                isinstance(v, list) for v in markup.values()):
            raise TypeError("markup")
        found = Prepared(rules, tuple((str(k), str(v)) for k, v in doc["provenance"]),
                         0.0, str(doc["key"]), SliceSpec.from_json(doc["slicing"]),
                         tuple(Path(p) for p in doc["taint"]),
                         wrappers=tuple(read_wrapper(w) for w in doc["wrappers"]),
                         markup={str(k): v for k, v in markup.items()})
        usable = all(p in pack.paths or (p.resolve().is_relative_to(generated) and p.is_file())
                     for p in rules) and set(found.taint) <= set(rules) - set(pack.paths)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if usable else None


def _store(layout: RunLayout, key: str, prepared: Prepared) -> None:
    """Keep this result, and the newest few before it (a gate scans the base and the head
    of a change in turn); generated rules no kept result uses are removed."""
    doc = {"rules": [str(p) for p in prepared.rules],
           "provenance": [list(pair) for pair in prepared.provenance], "key": prepared.key,
           "slicing": prepared.slicing.to_json(), "taint": [str(p) for p in prepared.taint],
           "wrappers": [wrapper_doc(w) for w in prepared.wrappers],
           "markup": {k: list(v) for k, v in prepared.markup.items()}}
    memo = layout.memo
    try:
        memo.mkdir(parents=True, exist_ok=True)
        partial = memo / f"{key}.json.tmp"
        partial.write_text(json.dumps(doc), encoding="utf-8")
        partial.replace(memo / f"{key}.json")
        entries = sorted(memo.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MEMO_KEEP:]:
            old.unlink(missing_ok=True)
        _drop_unused(layout.generated, entries[:MEMO_KEEP])
    except OSError:
        pass  # a pre-pass that cannot be kept is only slower next time


def provenance(summaries: Summaries, found: Mapping[str, list[SinkWrapper]] | None = None,
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
    pairs.append(("semgrep.summaries.ambiguous_modules",
                  f"{len(summaries.ambiguous)}: "
                  f"{'; '.join(summaries.ambiguous[:limit])}".rstrip(": ")))
    typed = [f"{t.path}:{t.function}({t.param})" for t in summaries.typed_params]
    pairs.append(("semgrep.summaries.typed_route_params",
                  f"{len(typed)}: {', '.join(typed[:limit])}".rstrip(": ")))
    return tuple(pairs)
