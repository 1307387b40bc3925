"""Change-risk tiering: which risk classes a change touches, and which scanners to run.

The classes are data (`tier_defaults.toml`, overridable under `[tier.classes.NAME]`).
A class fires when one of its matchers finds a changed file (and, when the matcher has
line patterns, a changed line) or when the change reaches a size threshold. The plan is
the policy: deterministic scanners always; LLM scanners only when a class that asks for
LLM review fired.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from assay.choices import LlmMode as LlmMode  # re-exported: the mode is part of a plan
from assay.config import Config, TierClass, TierConfig, TierMatch
from assay.repo.diff import Diff, FileChange
from assay.repo.globs import compile_excludes

MAX_SEARCHED_CHARS = 1000
MAX_TEXT_CHARS = 160


@dataclass(frozen=True)
class Trigger:
    """What made a class fire: a changed line (`side` + or -) or a whole file (line None)."""

    path: str
    line: int | None
    side: str
    text: str


@dataclass(frozen=True)
class ClassHit:
    """A risk class that fired, with the first triggers (`total` counts all of them)."""

    name: str
    description: str
    llm: bool
    triggers: tuple[Trigger, ...]
    total: int


@dataclass(frozen=True)
class TierPlan:
    """Which scanners run, and why the LLM scanners do or do not."""

    deterministic: tuple[str, ...]
    llm: tuple[str, ...]
    reason: str

    @property
    def scanners(self) -> tuple[str, ...]:
        """Every scanner of the plan, deterministic first."""
        return (*self.deterministic, *self.llm)


@dataclass(frozen=True)
class TierResult:
    """The classification of one change and the resulting plan."""

    base: str
    head: str | None
    files_changed: int
    lines_changed: int
    classes: tuple[ClassHit, ...]
    plan: TierPlan

    @property
    def fired(self) -> tuple[str, ...]:
        """Names of the classes that fired."""
        return tuple(c.name for c in self.classes)


@cache
def default_classes() -> Mapping[str, TierClass]:
    """The built-in classes, read from the packaged `tier_defaults.toml`."""
    return {name: _packaged_class(table) for name, table in packaged_tables().items()}


def packaged_tables() -> dict[str, dict[str, Any]]:
    """The built-in classes' tables as `tier_defaults.toml` writes them."""
    text = resources.files("assay.workflow").joinpath("tier_defaults.toml").read_text("utf-8")
    tables: dict[str, dict[str, Any]] = tomllib.loads(text)["classes"]
    return tables


def _packaged_class(table: Mapping[str, Any]) -> TierClass:
    """A built-in class from its table: assay's own file, of the shape a configuration's
    class has (a test holds it to the configuration's validation), built without the
    validator a configuration file needs."""
    def tuples(values: Mapping[str, Any]) -> dict[str, Any]:
        return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}

    matchers = tuple(TierMatch(**tuples(m)) for m in table.get("match", ()))
    return TierClass(**{**tuples(table), "match": matchers})


def effective_classes(config: TierConfig) -> dict[str, TierClass]:
    """Built-in classes overridden (by name) or extended by the configuration."""
    merged = dict(default_classes())
    merged.update(config.classes)
    return {name: c for name, c in merged.items() if c.enabled}


@dataclass(frozen=True)
class _Matcher:
    files: Callable[[str], bool]
    exclude: Callable[[str], bool]
    lines: tuple[re.Pattern[str], ...]
    removed: bool
    imports: bool

    @classmethod
    def build(cls, spec: TierMatch) -> _Matcher:
        return cls(compile_excludes(spec.files), compile_excludes(spec.exclude),
                   tuple(re.compile(p) for p in spec.lines), spec.removed, spec.imports)

    def applies(self, path: str) -> bool:
        return self.files(path) and not self.exclude(path)

    def triggers(self, change: FileChange) -> Iterator[Trigger]:
        if not self.lines:
            yield Trigger(change.path, None, "", f"file {_STATUS[change.status]}")
            return
        if change.binary:
            return
        sides = [("+", change.added)] + ([("-", change.removed)] if self.removed else [])
        for side, changed in sides:
            lines = without_imports(changed) if not self.imports and \
                change.path.endswith(".py") else changed
            for number, text in lines:
                searched = text[:MAX_SEARCHED_CHARS]
                if any(p.search(searched) for p in self.lines):
                    yield Trigger(change.path, number, side, text.strip()[:MAX_TEXT_CHARS])


_STATUS = {"A": "added", "M": "modified", "D": "deleted"}
_IMPORT = re.compile(r"\s*(from\s+[\w.]+\s+import\b|import\s+[\w.]+)")


def without_imports(lines: Sequence[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    """The changed lines that are not part of an import statement: `import x`, `from x
    import y`, and the continuation lines of `from x import (` up to its `)` (when they
    changed together)."""
    kept: list[tuple[int, str]] = []
    open_import = False
    previous = 0
    for number, text in lines:
        if open_import and number != previous + 1:
            open_import = False  # the import's other lines did not change
        previous = number
        code = text.split("#", 1)[0]
        if open_import:
            open_import = ")" not in code
        elif _IMPORT.match(code):
            open_import = "(" in code and ")" not in code
        else:
            kept.append((number, text))
    return tuple(kept)


def _size(diff: Diff) -> tuple[int, int]:
    lines = sum(len(f.added) + len(f.removed) for f in diff.files)
    return len(diff.files), lines


def _class_triggers(spec: TierClass, diff: Diff) -> list[Trigger]:
    found: list[Trigger] = []
    for matcher in (_Matcher.build(m) for m in spec.match):
        for change in diff.files:
            if matcher.applies(change.path):
                found.extend(matcher.triggers(change))
    files, lines = _size(diff)
    if spec.min_changed_lines is not None and lines >= spec.min_changed_lines:
        found.append(Trigger("", None, "", f"{lines} changed lines"))
    if spec.min_changed_files is not None and files >= spec.min_changed_files:
        found.append(Trigger("", None, "", f"{files} changed files"))
    return sorted(set(found), key=lambda t: (t.path, t.line or 0, t.side, t.text))


def classify(diff: Diff, classes: Mapping[str, TierClass],
             max_triggers: int = 20) -> tuple[ClassHit, ...]:
    """The classes that fire on `diff`, in configuration order."""
    hits = []
    for name, spec in classes.items():
        triggers = _class_triggers(spec, diff)
        if triggers:
            hits.append(ClassHit(name, spec.description, spec.llm,
                                 tuple(triggers[:max_triggers]), len(triggers)))
    return tuple(hits)


def llm_scanner_names(config: Config) -> tuple[str, ...]:
    """LLM scanners: `[tier] llm_scanners`, else every `[scanners.X]` of type `llm`."""
    if config.tier.llm_scanners:
        return config.tier.llm_scanners
    return tuple(sorted(n for n, d in config.scanners.items() if d.get("type") == "llm"))


def plan_scanners(hits: Sequence[ClassHit], deterministic: Sequence[str],
                  llm: Sequence[str], mode: LlmMode = LlmMode.AUTO) -> TierPlan:
    """The policy: deterministic always; LLM when a class asking for it fired."""
    det = tuple(n for n in dict.fromkeys(deterministic) if n not in llm)
    asking = [h.name for h in hits if h.llm]
    if not llm:
        return TierPlan(det, (), "no LLM scanner configured ([tier] llm_scanners)")
    if mode is LlmMode.NEVER:
        return TierPlan(det, (), "LLM review switched off (--llm never)")
    if mode is LlmMode.ALWAYS:
        return TierPlan(det, tuple(llm), "LLM review forced (--llm always)")
    if asking:
        return TierPlan(det, tuple(llm), f"LLM review: risk classes fired: {', '.join(asking)}")
    return TierPlan(det, (), "no LLM review: no risk class that asks for it fired")


def tier_change(diff: Diff, config: Config, head: str | None = None,
                mode: LlmMode = LlmMode.AUTO,
                deterministic: Sequence[str] | None = None) -> TierResult:
    """Classify `diff` and plan the scan under `config`."""
    hits = classify(diff, effective_classes(config.tier), config.tier.max_triggers)
    llm = llm_scanner_names(config)
    det = deterministic if deterministic is not None else config.scan.scanners
    files, lines = _size(diff)
    return TierResult(diff.base, head, files, lines, hits,
                      plan_scanners(hits, det, llm, mode))


def untiered(config: Config, mode: LlmMode = LlmMode.AUTO,
             deterministic: Sequence[str] | None = None) -> TierPlan:
    """The plan without a diff: deterministic always; LLM only when forced."""
    llm = llm_scanner_names(config)
    det = deterministic if deterministic is not None else config.scan.scanners
    if mode is LlmMode.ALWAYS:
        return plan_scanners((), det, llm, mode)
    plan = plan_scanners((), det, llm, LlmMode.NEVER)
    return TierPlan(plan.deterministic, (), "no diff to tier: deterministic scanners only"
                    if llm else plan.reason)
