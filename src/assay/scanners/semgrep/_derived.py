"""What the pre-pass derives from the pack and the summaries alone, kept between scans.

The sink wrappers of each taint rule, each rule extended with the summaries and the
rules' logical key depend on nothing else. An edit that changes no summary (most edits:
a line in a view, a comment) leaves them as they were, so they are kept in the result
cache under a hash of the pack, the summaries (every field) and the code that derives
them: a one-file rescan of a small project spent a third of its pre-pass on them.
They are kept as files in the scan's private state directory, the newest few only (on a
large project they are megabytes).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.scanners.semgrep._pack import Pack
from assay.scanners.semgrep._rulegen import all_wrappers, extend_all, logical_key
from assay.scanners.semgrep._sinks import SinkWrapper
from assay.scanners.semgrep._summaries import Summaries

KEEP = 4  # kept at once: a gate scans the base and the head of a change in turn


@dataclass(frozen=True)
class Derived:
    """Sink wrappers by taint rule, each taint rule extended (by id), the logical key."""

    wrappers: dict[str, list[SinkWrapper]]
    extended: dict[str, dict[str, Any]]
    key: str


def derive(pack: Pack, summaries: Summaries, code: str, folder: Path | None = None) -> Derived:
    """What `pack` and `summaries` give, from `folder` when it keeps it (`code` hashes the
    code that derives it: another version never reads what this one wrote)."""
    key = hashlib.sha256(f"{code}\0{pack.hash}\0".encode()
                         + canonical(summaries).encode()).hexdigest()
    kept = _kept(folder / f"{key}.json") if folder is not None else None
    if kept is not None:
        return kept
    rules = pack.rules
    wrappers = all_wrappers(rules, summaries)
    extended = extend_all(rules, summaries, wrappers)
    found = Derived(wrappers, extended, logical_key(rules, summaries, wrappers, extended))
    if folder is not None:
        _keep(folder, key, found)
    return found


def canonical(value: object) -> str:
    """JSON of a tree of frozen dataclasses, tuples, enums and plain values, every field
    included (those left out of `repr` and comparisons too)."""
    return json.dumps(_plain(value), separators=(",", ":"))


_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, by its type
_PLAIN = (str, int, bool, float, type(None))


def _plain(value: object) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # most of a summary: names, paths, a function's code
        return value
    if kind is tuple or kind is list:
        return [_plain(v) for v in value]  # type: ignore[attr-defined]
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return [kind.__name__, *(_plain(getattr(value, n)) for n in names)]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (frozenset, set)):
        return sorted((_plain(v) for v in value), key=json.dumps)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    raise TypeError(f"no canonical form for {kind.__name__}")


def wrapper_doc(wrapper: SinkWrapper) -> list[object]:
    """A sink wrapper as JSON keeps it (read back by `read_wrapper`)."""
    return [wrapper.rule, wrapper.function, wrapper.param, wrapper.position,
            wrapper.is_method, wrapper.sink_path, wrapper.sink_line,
            [list(t) for t in wrapper.through], wrapper.sink_call, wrapper.source,
            wrapper.called_locally]


def read_wrapper(doc: list[object]) -> SinkWrapper:
    """A sink wrapper `wrapper_doc` wrote (TypeError or ValueError when malformed)."""
    rule, function, param, position, is_method, path, line, through, call, source, local \
        = doc
    if not isinstance(through, list):
        raise TypeError("through")
    return SinkWrapper(str(rule), str(function), str(param), int(str(position)),
                       bool(is_method), str(source), bool(local), sink_path=str(path),
                       sink_line=int(str(line)),
                       through=tuple((str(a), str(b), int(str(c))) for a, b, c in through),
                       sink_call=str(call))


def _keep(folder: Path, key: str, found: Derived) -> None:
    """Keep `found` under `key`, and the newest few before it."""
    doc = {"wrappers": {r: [wrapper_doc(w) for w in ws] for r, ws in found.wrappers.items()},
           "extended": found.extended, "key": found.key}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{key}.json.{os.getpid()}.tmp"
        partial.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
        partial.replace(folder / f"{key}.json")
        kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # only slower next time


def _kept(path: Path) -> Derived | None:
    """What `derive` kept at `path`, or None when nothing is kept or not as written."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        os.utime(path)  # the newest used is kept longest
        wrappers = {str(rule): [read_wrapper(w) for w in found]
                    for rule, found in _items(doc["wrappers"], list)}
        extended = {str(rule): found for rule, found in _items(doc["extended"], dict)}
        return Derived(wrappers, extended, str(doc["key"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _items(value: object, kind: type) -> list[tuple[str, Any]]:
    """The entries of a JSON object whose values are all of `kind` (TypeError if not)."""
    if not isinstance(value, dict) or not all(isinstance(v, kind) for v in value.values()):
        raise TypeError("entries")
    return list(value.items())
