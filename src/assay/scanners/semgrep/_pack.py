"""Rule files and their rules: the pack as shipped, and what a scan generates from it.

Every other part of the engine works on `Rules` read here once a scan: a rule file's
YAML (the pack) or JSON (what the pre-pass writes: JSON is YAML, and Semgrep reads it
much faster) is parsed by `read_rules` and nowhere else. Rules are plain dicts as
Semgrep reads them; they are never changed once read (extensions are copies).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assay.model import Confidence, Severity
from assay.normalize.cwe import parse_cwe

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
# Semgrep merges rules that share an id, so the copies of a taint rule the pre-pass writes
# for groups of files are told apart by this mark and a number, stripped from findings.
COPY_MARK = "--copy"
_SEVERITY = {"ERROR": Severity.HIGH, "WARNING": Severity.MEDIUM, "INFO": Severity.LOW}
# libyaml's safe loader when PyYAML has it: the pack is read on every scan
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Rule = dict[str, Any]
"""One rule as Semgrep reads it."""


@dataclass(frozen=True)
class RuleMeta:
    """What assay needs from a rule's YAML: CWE, severity and confidence."""

    cwe: int | None
    severity: Severity
    confidence: Confidence


@dataclass(frozen=True)
class RuleFile:
    """One rule file and its rules."""

    path: Path
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Rules:
    """Rule files in the order Semgrep is given them."""

    files: tuple[RuleFile, ...] = ()

    @property
    def paths(self) -> tuple[Path, ...]:
        """The files' paths."""
        return tuple(f.path for f in self.files)

    def all(self) -> Iterator[Rule]:
        """Every rule of every file."""
        return (rule for f in self.files for rule in f.rules)

    def meta(self) -> dict[str, RuleMeta]:
        """Rule id -> metadata (the JSON output of Semgrep lacks some of it)."""
        return rule_meta(self.all())

    def gated_cwes(self) -> frozenset[int]:
        """The CWEs for which these rules gate a pattern-only scanner's findings: those of
        every taint rule, and of rules whose metadata says `gates-bandit: true`."""
        found: set[int] = set()
        for rule in self.all():
            metadata = rule.get("metadata") or {}
            cwe = parse_cwe(metadata.get("cwe"))
            gates = rule.get("mode") == "taint" or metadata.get("gates-bandit") is True
            if gates and cwe is not None:
                found.add(cwe)
        return frozenset(found)


@dataclass(frozen=True)
class Pack:
    """The rule pack's files (`paths`); their rules are read on first use, at most once."""

    paths: tuple[Path, ...]

    @functools.cached_property
    def data(self) -> tuple[bytes, ...]:
        """The files' bytes, one per path."""
        return tuple(path.read_bytes() for path in self.paths)

    @functools.cached_property
    def rules(self) -> Rules:
        """The pack's rules."""
        return Rules(tuple(RuleFile(path, tuple(parse_rules(path, data.decode("utf-8"))))
                           for path, data in zip(self.paths, self.data, strict=True)))

    @property
    def read(self) -> bool:
        """Whether the rules have been read."""
        return "rules" in self.__dict__

    @functools.cached_property
    def hash(self) -> str:
        """`rules_hash` of the pack."""
        digest = hashlib.sha256()
        for path, data in zip(self.paths, self.data, strict=True):
            digest.update(path.name.encode() + b"\0" + data + b"\0")
        return digest.hexdigest()


def rule_files() -> list[Path]:
    """The rule pack's YAML files, in a stable order."""
    return sorted(RULES_DIR.glob("*.yaml"))


def parse_rules(path: Path, text: str) -> list[Rule]:
    """The rules in the text of the rule file `path` (YAML, or the JSON the pre-pass
    writes)."""
    doc = json.loads(text) if path.suffix == ".json" else \
        yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    rules: list[Rule] = (doc or {}).get("rules", [])
    return rules


def load_rules(paths: Iterable[Path]) -> Rules:
    """Rule files read, in order."""
    return Rules(tuple(RuleFile(path, tuple(parse_rules(path, path.read_text(encoding="utf-8"))))
                       for path in paths))


def rule_meta(rules: Iterable[Rule]) -> dict[str, RuleMeta]:
    """Rule id -> metadata (a copy of a rule for a group of files counts as the rule)."""
    meta: dict[str, RuleMeta] = {}
    for rule in rules:
        data = rule.get("metadata", {}) or {}
        severity = data.get("assay-severity") or _SEVERITY.get(rule.get("severity", ""), "")
        meta[str(rule["id"]).split(COPY_MARK, 1)[0]] = RuleMeta(
            parse_cwe(data.get("cwe")),
            Severity.parse(str(severity)) if severity else Severity.MEDIUM,
            Confidence(str(data.get("confidence", "medium")).lower()),
        )
    return meta


def severity_of(level: object) -> Severity:
    """The severity of a Semgrep level (`ERROR`, `WARNING`, `INFO`); low otherwise."""
    return _SEVERITY.get(str(level), Severity.LOW)
