"""Where configuration comes from, and what each source may set.

The scanned tree is untrusted: in CI it is a pull request whose author may be the
attacker. So configuration has two levels of trust:

- **operator**: a file named by `--config` / `ASSAY_CONFIG` that lies outside the scanned
  tree, and, when a change is scanned (`--diff BASE..HEAD`), the configuration of the base
  commit (already reviewed and merged). The operator may set every key.
- **tree**: `assay.toml`, or `[tool.assay]` in `pyproject.toml`, of the scanned tree (of
  the scanned commit with `--rev`/`--diff`), or a `--config` file inside the tree. The
  tree may only tighten: a stricter `fail_on`, `require_llm = true`, more scanners among
  those the operator allows. Every other key (what runs programs, reaches the network,
  chooses credentials, chooses where state lives or loosens the gate) is operator-only;
  a tree value for it that differs from the operator's is ignored with a warning.

`ASSAY_UNSAFE_TRUST_TREE_CONFIG=1` treats the tree's file as the operator's, for a
repository you own on your own machine; it is warned about on every run and recorded.
See docs/security.md.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.config import (
    FAIL_ON_CHOICES,
    TEST_CODE_CHOICES,
    Config,
    assay_table,
    config_hash,
    dump,
    parse_toml,
    read_toml,
    validate,
)
from assay.errors import ConfigError
from assay.repo import RepoError, git

UNSAFE_ENV = "ASSAY_UNSAFE_TRUST_TREE_CONFIG"
TREE_FILES = ("assay.toml", "pyproject.toml")
BUILTIN_SCANNERS = frozenset({"bandit", "semgrep"})
_HOW = ("only the operator may set it: a --config file outside the checkout, or the base "
        "commit's configuration under --diff (docs/security.md)")


class Trust(enum.StrEnum):
    """How far a configuration source is trusted."""

    OPERATOR = "operator"
    TREE = "tree"


@dataclass(frozen=True)
class Source:
    """One configuration table that was read, where from, and how far it is trusted."""

    trust: Trust
    name: str
    table: Mapping[str, Any]
    path: Path | None = None


@dataclass(frozen=True)
class Ignored:
    """A tree setting that was not applied, and why."""

    source: str
    key: str
    reason: str

    def message(self) -> str:
        """One line for warnings and provenance."""
        return f"{self.source}: {self.key} is ignored: {self.reason}"


@dataclass(frozen=True)
class LoadedConfig:
    """The effective configuration, the sources it was built from, and what was refused."""

    config: Config
    operator: tuple[Source, ...] = ()
    tree: Source | None = None
    ignored: tuple[Ignored, ...] = ()
    unsafe_tree: bool = False
    changed: tuple[str, ...] = ()
    """Keys whose tree value differs from the base commit's (only with a base)."""
    notes: tuple[str, ...] = ()

    @property
    def hash(self) -> str:
        """sha256 of the canonical JSON of the effective configuration."""
        return config_hash(self.config)

    @property
    def source(self) -> Path | None:
        """The file of the tree's configuration on disk, else the operator's, if any."""
        for src in (self.tree, *self.operator):
            if src is not None and src.path is not None:
                return src.path
        return None

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a person must be told: refused keys, an unsafe trust, notes."""
        out = list(self.notes)
        if self.unsafe_tree and self.tree is not None:
            out.append(f"{UNSAFE_ENV} is set: {self.tree.name} is trusted like the operator's "
                       "configuration (never do this on pull requests)")
        out += [i.message() for i in self.ignored]
        return tuple(out)

    def describe(self) -> str:
        """The sources, for provenance: `operator: a, b; tree: c`."""
        parts = []
        if self.operator:
            parts.append("operator: " + ", ".join(s.name for s in self.operator))
        if self.tree is not None:
            level = "tree (trusted: unsafe)" if self.unsafe_tree else "tree"
            parts.append(f"{level}: {self.tree.name}")
        return "; ".join(parts) or "defaults"


def load_config(root: Path, explicit: Path | None = None, *, base: str | None = None,
                head: str | None = None) -> LoadedConfig:
    """The configuration for the project rooted at `root`.

    `explicit` is `--config` (else `ASSAY_CONFIG`); `base` the base commit of a scanned
    change, whose configuration is the operator's; `head` the scanned commit, whose
    configuration is the tree's (the working tree's files when None).
    """
    if explicit is None and os.environ.get("ASSAY_CONFIG"):
        explicit = Path(os.environ["ASSAY_CONFIG"])
    operator: list[Source] = []
    notes: list[str] = []
    base_source = _commit_source(root, base, Trust.OPERATOR) if base else None
    if base_source is not None:
        operator.append(base_source)
    tree: Source | None
    explicit_source = _explicit_source(root, explicit) if explicit is not None else None
    if explicit_source is not None and explicit_source.trust is Trust.OPERATOR:
        operator.append(explicit_source)
        tree = _tree_source(root, head)
    else:
        tree = explicit_source if explicit_source is not None else _tree_source(root, head)
        if explicit_source is not None:
            notes.append(f"--config {explicit_source.name} lies inside the scanned tree, so "
                         "it is read as the tree's configuration (it may only tighten); "
                         "pass a file outside the checkout to set operator keys")
    unsafe = os.environ.get(UNSAFE_ENV, "").strip().lower() in ("1", "true", "yes")
    base_table = None if base is None else (base_source.table if base_source else {})
    return _combine(operator, tree, unsafe, base_table, tuple(notes))


def _combine(operator: list[Source], tree: Source | None, unsafe: bool,
             base: Mapping[str, Any] | None, notes: tuple[str, ...]) -> LoadedConfig:
    merged: dict[str, Any] = {}
    for src in operator:
        validate(src.table, src.name)
        merged = _deep_merge(merged, src.table)
    op_config = validate(merged, " + ".join(s.name for s in operator) or "defaults")
    changed = _changed_keys(base, tree.table if tree else {}) if base is not None else ()
    if tree is None:
        return LoadedConfig(op_config, tuple(operator), None, (), False, changed, notes)
    tree_config = validate(tree.table, tree.name)
    effective, ignored = apply_tree(op_config, tree_config, _keys(tree.table), tree.name,
                                    unsafe)
    return LoadedConfig(validate(effective, tree.name), tuple(operator), tree,
                        tuple(ignored), unsafe, changed, notes)


def apply_tree(operator: Config, tree: Config, keys: list[str], source: str,
               unsafe: bool = False) -> tuple[dict[str, Any], list[Ignored]]:
    """The operator's configuration with the tree's `keys` applied where they tighten."""
    effective = dump(operator)
    op_values = dump(operator)
    tree_values = dump(tree)
    ignored: list[Ignored] = []
    for key in keys:
        op_value, tree_value = _get(op_values, key), _get(tree_values, key)
        if tree_value == op_value:
            continue
        if unsafe:
            _set(effective, key, tree_value)
            continue
        rule = TIGHTENING.get(key)
        value, why = rule(operator, tree_value) if rule else (None, _HOW)
        if value is not None:
            _set(effective, key, value)
        if why:
            ignored.append(Ignored(source, key, why))
    return effective, ignored


# --- what the tree may tighten -----------------------------------------------------------

Rule = Callable[[Config, Any], tuple[Any, str]]


def _rank(threshold: str) -> int:
    """Strictness of a fail_on value: lower blocks on more (info strictest, none least)."""
    order = ("info", "low", "medium", "high", "critical", "none")
    return order.index(threshold) if threshold in order else len(order)


def _threshold(reference: str) -> Rule:
    def rule(operator: Config, value: Any) -> tuple[Any, str]:
        current = _get(dump(operator), reference) \
            or operator.scan.fail_on
        if value is None or _rank(str(value)) > _rank(current):
            return None, (f"it would loosen the operator's threshold ({current!r}); the tree "
                          "may only make it stricter")
        return value, ""
    return rule


def _require_llm(operator: Config, value: Any) -> tuple[Any, str]:
    if value is True:
        return True, ""
    return None, "it would loosen the operator's setting (true); the tree may only set true"


def _scanners(operator: Config, value: Any) -> tuple[Any, str]:
    current = list(operator.scan.scanners)
    allowed = BUILTIN_SCANNERS | {n for n, d in operator.scanners.items() if "type" in d}
    wanted = [str(n) for n in value]
    added = [n for n in wanted if n not in current and n in allowed]
    refused = [n for n in wanted if n not in current and n not in allowed]
    dropped = [n for n in current if n not in wanted]
    why = []
    if dropped:
        why.append(f"it cannot drop {', '.join(dropped)} (the tree may only add scanners)")
    if refused:
        why.append(f"{', '.join(refused)}: not a scanner the operator defined")
    return (current + added if added else None), "; ".join(why)


def _test_code(operator: Config, value: Any) -> tuple[Any, str]:
    current = operator.scan.test_code
    if str(value) not in TEST_CODE_CHOICES or \
            TEST_CODE_CHOICES.index(str(value)) < TEST_CODE_CHOICES.index(current):
        return None, (f"it would loosen the operator's setting ({current!r}); the tree may "
                      "only make test code count more (skip < report < block)")
    return value, ""


TIGHTENING: dict[str, Rule] = {
    "scan.fail_on": _threshold("scan.fail_on"),
    "gate.fail_on": _threshold("gate.fail_on"),
    "gate.require_llm": _require_llm,
    "scan.scanners": _scanners,
    "scan.test_code": _test_code,
}
"""The only keys the tree may set, each with the rule that keeps it a tightening."""


# --- reading the sources -----------------------------------------------------------------

def _explicit_source(root: Path, path: Path) -> Source:
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    pyproject = path.name == "pyproject.toml"
    table = assay_table(read_toml(path), pyproject) or {}
    inside = _inside(root, path)
    trust = Trust.TREE if inside else Trust.OPERATOR
    name = path.resolve().relative_to(root.resolve()).as_posix() if inside else str(path)
    return Source(trust, name, table, path)


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _tree_source(root: Path, head: str | None) -> Source | None:
    if head is not None and (root / ".git").exists():
        return _commit_source(root, head, Trust.TREE)
    for name in TREE_FILES:
        path = root / name
        if path.is_symlink() and not _inside(root, path):
            raise ConfigError(f"{name} is a symlink out of the scanned tree",
                              "a configuration file must be a regular file of the project")
        if path.is_file():
            table = assay_table(read_toml(path), name == "pyproject.toml")
            if table is not None:
                return Source(Trust.TREE, name, table, path)
    return None


def _commit_source(root: Path, rev: str, trust: Trust) -> Source | None:
    """assay's table in the tree of commit `rev`, if it has one."""
    try:
        commit = git.resolve_commit(root, rev)
        listed = git.run_git(root, ["ls-tree", "-z", "--full-name", commit, "--",
                                    *TREE_FILES])
    except RepoError:
        return None
    entries = {line.split(b"\t", 1)[1].decode(): line.split()[1].decode()
               for line in listed.split(b"\0") if b"\t" in line}
    for name in TREE_FILES:
        if entries.get(name) != "blob":
            continue
        label = f"{name} at {commit[:12]}"
        text = git.run_git(root, ["cat-file", "blob", f"{commit}:{name}"])
        table = assay_table(parse_toml(text, label), name == "pyproject.toml")
        if table is not None:
            return Source(trust, label, table)
    return None


# --- tables ------------------------------------------------------------------------------

def _keys(table: Mapping[str, Any]) -> list[str]:
    """The settings a table sets, as dotted keys: `scan.exclude`, `scanners.NAME`,
    `tier.classes` (a whole named scanner or set of classes is one setting)."""
    keys = []
    for section, value in table.items():
        if isinstance(value, Mapping) and section != "scanners":
            keys += [f"{section}.{k}" for k in value]
        elif isinstance(value, Mapping):
            keys += [f"scanners.{k}" for k in value]
        else:
            keys.append(str(section))
    return sorted(keys)


def _changed_keys(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[str, ...]:
    keys = sorted(set(_keys(base)) | set(_keys(head)))
    return tuple(k for k in keys if _fingerprint(_get(base, k)) != _fingerprint(_get(head, k)))


def _fingerprint(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _get(table: Mapping[str, Any], key: str) -> Any:
    node: Any = table
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _set(table: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    node = table
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _deep_merge(low: Mapping[str, Any], high: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(low)
    for key, value in high.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


__all__ = ["FAIL_ON_CHOICES", "TIGHTENING", "UNSAFE_ENV", "Ignored", "LoadedConfig", "Source",
           "Trust", "apply_tree", "load_config"]
