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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.ledger.result_cache import ResultCache
from assay.model import Confidence, Severity
from assay.normalize.cwe import parse_cwe

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
# Semgrep merges rules that share an id, so the copies of a taint rule the pre-pass writes
# for groups of files are told apart by this mark and a number, stripped from findings.
COPY_MARK = "--copy"
_SEVERITY = {"ERROR": Severity.HIGH, "WARNING": Severity.MEDIUM, "INFO": Severity.LOW}
PACK_KIND = "semgrep-pack/1"
"""The result cache's name for the pack's rules as parsed, under the pack's hash: JSON
reads in a tenth of the time of the YAML (a one-file rescan of a small project spent
45 ms parsing it, and 25 ms importing PyYAML)."""

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
    """The rule pack's files (`paths`); their rules are read on first use, at most once,
    from `cache` when it keeps them (under the hash of the files' bytes)."""

    paths: tuple[Path, ...]
    cache: ResultCache | None = field(default=None, compare=False, repr=False)

    @functools.cached_property
    def data(self) -> tuple[bytes, ...]:
        """The files' bytes, one per path."""
        return tuple(path.read_bytes() for path in self.paths)

    @functools.cached_property
    def rules(self) -> Rules:
        """The pack's rules."""
        kept = self._kept()
        if kept is not None:
            return kept
        rules = Rules(tuple(RuleFile(path, tuple(parse_rules(path, data.decode("utf-8"))))
                            for path, data in zip(self.paths, self.data, strict=True)))
        if self.cache is not None:
            self.cache.put_docs(PACK_KIND, [(self.hash, json.dumps(
                [list(f.rules) for f in rules.files], separators=(",", ":")))])
        return rules

    def _kept(self) -> Rules | None:
        """The rules as the cache keeps them (None when it does not, or not as written)."""
        text = self.cache.get_docs(PACK_KIND, [self.hash]).get(self.hash) \
            if self.cache is not None else None
        try:
            doc = json.loads(text) if text is not None else None
        except ValueError:
            return None
        if not isinstance(doc, list) or len(doc) != len(self.paths) or not all(
                isinstance(f, list) and all(isinstance(r, dict) for r in f) for f in doc):
            return None
        return Rules(tuple(RuleFile(path, tuple(found))
                           for path, found in zip(self.paths, doc, strict=True)))

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
    if path.suffix == ".json":
        doc = json.loads(text)
    else:
        import yaml  # only for the pack's own files, which the cache mostly keeps parsed

        # libyaml's safe loader when PyYAML has it
        loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        doc = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
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
