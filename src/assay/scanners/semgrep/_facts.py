"""What the pre-pass reads in one Python file, kept by content between scans.

The pre-pass reads every Python file of the snapshot whenever one of them changed. What
it takes from a file (the module facts behind the summaries, the file's identifiers and
whether it mentions request data, for the prefilter) depends only on the file's content,
its path, its module name and the pre-pass code. So it is kept in the result cache under
a hash of those, as JSON (the cache lives in the scanned tree: nothing in it is code),
and a rescan reads again only the files that changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assay.ledger.result_cache import ResultCache
from assay.scanners.semgrep._prefilter import identifiers, request_hint
from assay.scanners.semgrep._pysource import (
    ElementFact,
    FunctionFacts,
    ModuleInfo,
    ParamCall,
    ReturnFact,
    read_module,
)
from assay.scanners.workers import in_workers

KIND = "prepass-facts/28"  # the cache's name for these documents


@dataclass(frozen=True)
class FileFacts:
    """One file as the pre-pass sees it (`module` is None when it does not parse)."""

    module: ModuleInfo | None
    words: frozenset[str]
    request_hint: bool


def file_facts(path: str, name: str, text: str) -> FileFacts:
    """Read one file (repo-relative `path`, importable `name`, source `text`)."""
    words = identifiers(text)
    return FileFacts(read_module(path, name, text), words, request_hint(text, words))


def read_files(sources: Mapping[str, str], names: Mapping[str, str], jobs: int = 1,
               cache: ResultCache | None = None, content_ids: Mapping[str, str] | None = None,
               salt: str = "") -> dict[str, FileFacts]:
    """The facts of every file of `sources` (path -> text), by path.

    With a `cache` and the files' `content_ids`, kept facts are reused and new ones kept;
    `salt` (a digest of the code that reads them) makes facts of other code misses.
    """
    keys = ({p: _key(p, names[p], content_ids[p], salt) for p in sources}
            if cache is not None and content_ids is not None else {})
    found = _cached(cache, keys, names) if keys and cache is not None else {}
    work = [(p, names[p], sources[p]) for p in sorted(sources) if p not in found]
    fresh = dict(zip((p for p, _, _ in work), in_workers(_read_batch, work, jobs),
                     strict=True))
    if keys and cache is not None and fresh:
        cache.put_docs(KIND, [(keys[p], encode(f)) for p, f in fresh.items()])
    return {p: found.get(p) or fresh[p] for p in sorted(sources)}


def _read_batch(work: list[tuple[str, str, str]]) -> list[FileFacts]:
    return [file_facts(path, name, text) for path, name, text in work]


def _key(path: str, name: str, content: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}\0{path}\0{name}\0{content}".encode()).hexdigest()


def _cached(cache: ResultCache, keys: Mapping[str, str],
            names: Mapping[str, str]) -> dict[str, FileFacts]:
    docs = cache.get_docs(KIND, list(keys.values()))
    out: dict[str, FileFacts] = {}
    for path, key in keys.items():
        if key in docs:
            try:
                out[path] = decode(docs[key], path, names[path])
            except (ValueError, KeyError, TypeError, IndexError):
                continue  # not what this code wrote: read the file again
    return out


def encode(facts: FileFacts) -> str:
    """JSON text for one file's facts (path and module name are not stored)."""
    module = facts.module
    doc: dict[str, Any] = {"words": " ".join(sorted(facts.words)), "hint": facts.request_hint,
                           "module": None if module is None else {
                               "functions": [_function_doc(f) for f in module.functions],
                               "typed": [list(t) for t in module.typed_params],
                               "called": sorted(module.called),
                               "maps": list(module.constant_maps),
                               "local": sorted(module.local_calls),
                               "routes": [[v, r, u, list(p)] for v, r, u, p in module.routes],
                               "receivers": [list(r) for r in module.receivers],
                               "classes": [list(c) for c in module.class_sources],
                               "parsers": [list(p) for p in module.parser_factories],
                               "stores": [list(s) for s in module.init_stores],
                               "bases": [[c, list(b)] for c, b in module.class_bases],
                               "fields": [list(f) for f in module.model_fields],
                               "handed": sorted(module.handed),
                               "hooks": sorted(module.hooks),
                               "exports": [list(e) for e in module.exports],
                               "state": [[a, _return_doc(r)] for a, r in module.state]}}
    return json.dumps(doc, separators=(",", ":"))


def decode(text: str, path: str, name: str) -> FileFacts:
    """The facts `encode` wrote; ValueError, KeyError or TypeError when malformed."""
    doc = json.loads(text)
    module = doc["module"]
    info = None if module is None else ModuleInfo(
        path, name, tuple(_function(f) for f in module["functions"]),
        tuple((_str(a), _str(b), _str(c)) for a, b, c in module["typed"]),
        frozenset(_strs(module["called"])), _strs(module["maps"]),
        frozenset(_strs(module["local"])),
        tuple((_str(a), _str(b), _str(c), _strs(d)) for a, b, c, d in module["routes"]),
        tuple((_str(a), _str(b), _str(c)) for a, b, c in module["receivers"]),
        tuple((_str(a), _str(b)) for a, b in module["classes"]),
        tuple((_str(a), _str(b), _str(c), _int(d)) for a, b, c, d in module["stores"]),
        tuple((_str(a), _str(b)) for a, b in module["parsers"]),
        tuple((_str(c), _strs(b)) for c, b in module["bases"]),
        tuple((_str(a), _str(b), _str(c)) for a, b, c in module["fields"]),
        frozenset(_strs(module["handed"])), frozenset(_strs(module["hooks"])),
        tuple((_str(a), _str(b)) for a, b in module["exports"]),
        tuple((_str(a), _return(r)) for a, r in module["state"]))
    if not isinstance(doc["hint"], bool):
        raise TypeError("hint")
    return FileFacts(info, frozenset(_str(doc["words"]).split()), doc["hint"])


def _function_doc(f: FunctionFacts) -> list[Any]:
    return [f.qualname, f.params, [_return_doc(r) for r in f.returns],
            list(f.param_names),
            [[c.callee, c.method, [[k, list(v)] for k, v in c.args],
              [list(k) for k in c.keywords], c.receiver, list(c.fixed_host),
              list(c.query_builder), c.line, [list(g) for g in c.guarded],
              [[k, m, [list(w) for w in kw]] for k, m, kw in c.made],
              list(c.receiver_methods), c.receiver_made,
              [[k, list(p), list(v)] for k, p, v in c.passed], c.typed,
              [list(f) for f in c.fields]]
             for c in f.calls],
            f.source, f.guard, list(f.checks), f.guard_returns, list(f.unreturned),
            [[p, [list(c) for c in conditions]] for p, conditions in f.unreturned_if],
            f.kwargs, [list(c) for c in f.context], f.text_returned, list(f.keeps),
            [[a, _return_doc(r)] for a, r in f.state]]


def _return_doc(r: ReturnFact) -> list[Any]:
    return [r.kind, list(r.callees), r.raw, list(r.via), r.stored,
            [[e.stored, list(e.callees), list(e.outer), e.const] for e in r.elements],
            list(r.checked), r.fixed_host, r.argv]


def _return(doc: list[Any]) -> ReturnFact:
    kind, callees, raw, via, stored, elements, checked, fixed_host, argv = doc
    return ReturnFact(_str(kind), _strs(callees), bool(raw), _strs(via), bool(stored),
                      tuple(ElementFact(bool(s), _strs(ec), _strs(o), bool(const))
                            for s, ec, o, const in elements), _strs(checked),
                      bool(fixed_host), bool(argv))


def _function(doc: list[Any]) -> FunctionFacts:
    qualname, params, returns, names, calls, source, guard, checks, guard_returns, \
        unreturned, unreturned_if, kwargs, context, text_returned, keeps, state = doc
    if not isinstance(params, int) or isinstance(params, bool):
        raise TypeError("params")
    if not isinstance(guard_returns, bool):
        raise TypeError("guard_returns")
    return FunctionFacts(
        _str(qualname), params,
        tuple(map(_return, returns)),
        _strs(names),
        tuple(ParamCall(_str(callee), _str(method),
                        tuple((_str(k), _strs(v)) for k, v in args),
                        tuple((_str(k), _str(v)) for k, v in keywords), _str(receiver),
                        _strs(fixed), _strs(built), _int(line),
                        tuple((_str(p), _str(k)) for p, k in guarded),
                        tuple((_str(k), _str(m), tuple((_str(a), _str(b)) for a, b in kw))
                              for k, m, kw in made), _strs(on_receiver), _str(made_by),
                        tuple((_str(k), _strs(p), _strs(v)) for k, p, v in passed),
                        _str(typed), tuple((_str(k), _str(c), _str(f)) for k, c, f in fields))
              for callee, method, args, keywords, receiver, fixed, built, line, guarded, made,
              on_receiver, made_by, passed, typed, fields in calls),
        _str(source), _str(guard), _strs(checks), guard_returns, _strs(unreturned),
        tuple((_str(p), tuple((_str(c), _str(k)) for c, k in conditions))
              for p, conditions in unreturned_if), _str(kwargs),
        tuple((_str(p), _str(k)) for p, k in context), bool(text_returned), _strs(keeps),
        tuple((_str(a), _return(r)) for a, r in state))


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value


def _strs(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise TypeError(f"expected a list, got {type(values).__name__}")
    return tuple(_str(v) for v in values)
