"""Scanner construction by name.

Built-in names are `bandit` and `semgrep`. Named scanners defined in the configuration
(`[scanners.NAME]` with a `type`) are built by the factory registered for their type;
the LLM harness and external review commands register theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from assay.config import Config
from assay.model import Severity
from assay.scanners.interface import Scanner, ScannerError

Factory = Callable[[str, Mapping[str, Any], Config], Scanner]

_TYPES: dict[str, Factory] = {}


def register_type(type_name: str, factory: Factory) -> None:
    """Make `[scanners.NAME] type = "<type_name>"` buildable."""
    _TYPES[type_name] = factory


# The keys each built-in scanner reads from its [scanners.NAME] table.
BUILTIN_OPTIONS = {"bandit": frozenset({"skip", "severity"}),
                   "semgrep": frozenset({"summaries", "slicing", "bandit_findings"})}


def _builtin(name: str, config: Config) -> Scanner | None:
    unknown = sorted(set(config.scanners.get(name, {})) - BUILTIN_OPTIONS.get(name, set()))
    if name in BUILTIN_OPTIONS and unknown:
        raise ScannerError(f"[scanners.{name}] has unknown key(s): {', '.join(unknown)}",
                           f"{name} reads {', '.join(sorted(BUILTIN_OPTIONS[name]))}; "
                           "see docs/configuration.md")
    if name == "bandit":
        from assay.scanners.bandit import BanditScanner

        options = config.scanners.get("bandit", {})
        return BanditScanner(skip_tests=tuple(options.get("skip", ())),
                             severity=_severities(options.get("severity", {})))
    if name == "semgrep":
        from assay.scanners.semgrep import SemgrepScanner

        options = config.scanners.get("semgrep", {})
        return SemgrepScanner(timeout=config.scan.semgrep_timeout,
                              file_timeout=config.scan.semgrep_file_timeout,
                              summaries=_flag(options, "semgrep", "summaries"),
                              slicing=_flag(options, "semgrep", "slicing"),
                              bandit_policy=str(options.get("bandit_findings", "demote")))
    return None


def _severities(value: Any) -> dict[str, str]:
    """`[scanners.bandit] severity`: a table of check ids to severity names."""
    names = {s.value for s in Severity}
    if not isinstance(value, Mapping) or not all(
            isinstance(v, str) and v.lower() in names for v in value.values()):
        raise ScannerError(f"[scanners.bandit] severity must map check ids to one of "
                           f"{', '.join(sorted(names))}, got {value!r}",
                           'for example: severity = { B108 = "medium" }')
    return {str(k): str(v) for k, v in value.items()}


def _flag(options: Mapping[str, Any], scanner: str, key: str, default: bool = True) -> bool:
    """A true/false option: anything else (`"false"`, `0`) is an error, not a truth value."""
    value = options.get(key, default)
    if not isinstance(value, bool):
        raise ScannerError(f"[scanners.{scanner}] {key} must be true or false, got {value!r}",
                           "write it without quotes: true or false")
    return value


def _load_plugins() -> None:
    """Import the modules that register scanner types (they may be absent in a build)."""
    import importlib

    for module in ("assay.scanners.llm", "assay.scanners.external"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def build_scanner(name: str, config: Config) -> Scanner:
    """The scanner called `name`: a built-in or one defined in the configuration."""
    definition = config.scanners.get(name)
    if definition is not None and "type" in definition:
        _load_plugins()
        type_name = str(definition["type"])
        factory = _TYPES.get(type_name)
        if factory is None:
            known = ", ".join(sorted(_TYPES)) or "none"
            raise ScannerError(f"scanner {name!r} has unknown type {type_name!r}",
                               f"known types: {known}")
        return factory(name, definition, config)
    builtin = _builtin(name, config)
    if builtin is not None:
        return builtin
    _load_plugins()
    if name in _TYPES:
        return _TYPES[name](name, {}, config)
    defined = sorted(n for n, d in config.scanners.items() if "type" in d)
    raise ScannerError(
        f"unknown scanner {name!r}",
        "built-in scanners: bandit, semgrep"
        + (f"; defined in config: {', '.join(defined)}" if defined else
           "; define others under [scanners.NAME] in assay.toml"))
