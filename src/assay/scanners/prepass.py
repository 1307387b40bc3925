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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assay import __version__
from assay.scanners.facts import FileFacts, read_files
from assay.scanners.filescan import decode_source
from assay.scanners.interface import ScanContext
from assay.scanners.prefilter import (
    FileIndex,
    pattern_tokens,
    relevant_files,
    required_files,
)
from assay.scanners.pysource import module_names
from assay.scanners.rulegen import (
    all_wrappers,
    extend_pack,
    load_rules,
    logical_key,
    provenance,
    source_helpers,
)
from assay.scanners.slicing import SliceSpec
from assay.scanners.summaries import Summaries, SummaryKind, classify

MEMO_KEEP = 4  # pre-pass results kept in the state directory


@dataclass(frozen=True)
class Prepared:
    """The rule files for one scan and what to record about the summaries behind them."""

    rules: tuple[Path, ...]
    provenance: tuple[tuple[str, str], ...]
    seconds: float
    key: str = ""
    slicing: SliceSpec = field(default_factory=SliceSpec)
    taint: tuple[Path, ...] = ()  # the generated files that hold only taint rules


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
    """What a call of a project source helper contains, as the generated rules match it."""
    helpers = source_helpers(summaries)
    if helpers is None:
        return []
    tokens = pattern_tokens(helpers)
    if tokens is None:  # a form without a name to look for: every helper's name
        return [rf"\b{re.escape(f.name)}\b" for f in summaries.of_kind(SummaryKind.SOURCE)]
    return sorted(tokens)


def prepare(ctx: ScanContext, rules: Sequence[Path]) -> Prepared:
    """Summarize the snapshot's functions and extend the taint rules with them.

    The result depends only on the pack and the Python files of the snapshot, so it is
    kept in the state directory under a hash of both: a rescan with no Python file
    changed reuses it (unless the run uses no cache).
    """
    started = time.perf_counter()
    memo = ctx.state_dir / "semgrep" / "prepass"
    key = _memo_key(ctx, rules) if ctx.use_cache else ""
    found = _load(memo, key, rules) if key else None
    if found is not None:
        return replace(found, seconds=time.perf_counter() - started)
    prepared = _prepare(ctx, rules, started)
    if key:
        _store(memo, key, prepared)
    return prepared


def _prepare(ctx: ScanContext, rules: Sequence[Path], started: float) -> Prepared:
    sources = python_sources(ctx)
    facts = _read(ctx, sources)
    summaries = classify(f.module for f in facts.values() if f.module is not None)
    wrappers = all_wrappers(rules, summaries)
    pack = {path: load_rules(path) for path in rules}
    taint = [r for found in pack.values() for r in found if r.get("mode") == "taint"]
    index = FileIndex(sources, {p: f.words for p, f in facts.items()},
                      {p: f.request_hint for p, f in facts.items()})
    include = relevant_files(taint, index, _helper_tokens(summaries),
                             {rule: [w.name for w in found] for rule, found in wrappers.items()})
    include |= required_files((r for found in pack.values() for r in found), index)
    files = extend_pack(rules, summaries, ctx.state_dir / "semgrep" / "generated", wrappers,
                        include, index.vocabulary)
    record = (*provenance(summaries, wrappers), ("semgrep.summaries.files", str(len(sources))),
              ("semgrep.prefilter", ", ".join(f"{rule.removeprefix('assay.python.')} "
                                              f"{len(paths)}" for rule, paths in
                                              sorted(include.items()))))
    keep = {f.name for f in summaries.functions} | {w.name for found in wrappers.values()
                                                     for w in found}
    only_taint = {p.stem for p, found in pack.items()
                  if all(r.get("mode") == "taint" for r in found)}
    return Prepared(tuple(files), record, time.perf_counter() - started,
                    logical_key(rules, summaries, wrappers),
                    SliceSpec(tuple(_helper_tokens(summaries)), tuple(sorted(keep))),
                    tuple(f for f in files if f not in rules and f.stem in only_taint))


def _read(ctx: ScanContext, sources: dict[str, str]) -> dict[str, FileFacts]:
    """Every file's facts; those of unchanged files from the result cache."""
    names = module_names(list(sources), {f.path for f in ctx.snapshot.files} | set(sources))
    cache = ctx.cache if ctx.use_cache else None
    ids = {p: ctx.snapshot.content_id(p) for p in sources} if cache is not None else None
    return read_files(sources, names, ctx.jobs, cache, ids, _code_digest())


def _memo_key(ctx: ScanContext, rules: Sequence[Path]) -> str:
    """A hash of what the pre-pass reads: the pack and every Python file it would read,
    and of the code that reads them."""
    digest = hashlib.sha256(f"assay-prepass/{__version__}\0{ctx.max_file_size}\0".encode())
    digest.update(_code_digest().encode())
    for path in rules:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for f in sorted(ctx.snapshot.files, key=lambda f: f.path):
        if f.path.endswith(".py"):
            content = "" if f.symlink else ctx.snapshot.content_id(f.path)
            digest.update(f"{f.path}\0{f.symlink}\0{f.size}\0{content}\n".encode())
    return digest.hexdigest()


@functools.cache
def _code_digest() -> str:
    """sha256 over the modules that turn summaries into rules: a changed pre-pass (an
    upgrade, a local edit) never reuses what an older one wrote."""
    from assay.scanners import (
        facts,
        prefilter,
        pysource,
        rulegen,
        sinks,
        slicing,
        summaries,
        workers,
    )

    digest = hashlib.sha256()
    for module in (facts, prefilter, pysource, rulegen, sinks, slicing, summaries, workers,
                   sys.modules[__name__]):
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


def _load(memo: Path, key: str, pack: Sequence[Path]) -> Prepared | None:
    """A kept result, if it is whole and names only rules of the pack or rules the
    pre-pass generated (a state directory is inside the scanned tree: it is not trusted
    to point Semgrep anywhere else)."""
    generated = (memo.parent / "generated").resolve()
    try:
        doc = json.loads((memo / f"{key}.json").read_text(encoding="utf-8"))
        rules = tuple(Path(p) for p in doc["rules"])
        found = Prepared(rules, tuple((str(k), str(v)) for k, v in doc["provenance"]),
                         0.0, str(doc["key"]), SliceSpec.from_json(doc["slicing"]),
                         tuple(Path(p) for p in doc["taint"]))
        usable = all(p in pack or (p.resolve().is_relative_to(generated) and p.is_file())
                     for p in rules) and set(found.taint) <= set(rules) - set(pack)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if usable else None


def _store(memo: Path, key: str, prepared: Prepared) -> None:
    """Keep this result, and the newest few before it (a gate scans the base and the head
    of a change in turn); generated rules no kept result uses are removed."""
    doc = {"rules": [str(p) for p in prepared.rules],
           "provenance": [list(pair) for pair in prepared.provenance], "key": prepared.key,
           "slicing": prepared.slicing.to_json(), "taint": [str(p) for p in prepared.taint]}
    try:
        memo.mkdir(parents=True, exist_ok=True)
        partial = memo / f"{key}.json.tmp"
        partial.write_text(json.dumps(doc), encoding="utf-8")
        partial.replace(memo / f"{key}.json")
        entries = sorted(memo.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MEMO_KEEP:]:
            old.unlink(missing_ok=True)
        _drop_unused(memo.parent / "generated", entries[:MEMO_KEEP])
    except OSError:
        pass  # a pre-pass that cannot be kept is only slower next time
