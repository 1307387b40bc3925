"""Configuration: the settings models, validated at the file boundary.

Precedence, highest first: command-line flag, `ASSAY_*` environment variable, config
file, built-in default. Flags and environment variables are resolved by the CLI; where
the files come from and what each may set is `assay.trust`. See docs/configuration.md
and docs/security.md.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
import typing
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Annotated, Any

from assay.choices import FAIL_ON_CHOICES as FAIL_ON_CHOICES  # re-exported
from assay.errors import ConfigError

if typing.TYPE_CHECKING:
    from pydantic import ValidationError

DEFAULT_SCANNERS = ("bandit", "semgrep")
TEST_CODE_CHOICES = ("skip", "report", "block")
"""What findings in test code do, least strict first (normalize/policy.py)."""

# The tables are frozen dataclasses, validated by pydantic at the file boundary only: a
# scan without a configuration file never imports pydantic (a pre-commit hook pays about
# 0.15 s for it). Every table forbids keys it does not know.
_TABLE: typing.Final[dict[str, Any]] = {"extra": "forbid"}


class _Check:
    """A field's check after pydantic has validated its type (pydantic reads this
    metadata of an `Annotated` field; nothing is imported before a file is validated)."""

    def __init__(self, check: typing.Callable[[Any], Any]) -> None:
        self.check = check

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.check, handler(source))


class _Bound:
    """A number's bound (`gt`, `ge`), set on the number's pydantic schema as `Field(gt=0)`
    would set it (the same check, the same message)."""

    def __init__(self, **bound: float) -> None:
        self.bound = bound

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema.update(self.bound)
        return schema


def _one_of(choices: Sequence[str]) -> _Check:
    """The value lowercased, which must be one of `choices` (None passes)."""
    def check(value: str | None) -> str | None:
        if value is None:
            return None
        if value.lower() not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value.lower()
    return _Check(check)


def _regexes(value: tuple[str, ...]) -> tuple[str, ...]:
    import re

    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return value


@dataclass(frozen=True)
class ScanConfig:
    """The `[scan]` table."""

    __pydantic_config__: typing.ClassVar[dict[str, Any]] = _TABLE

    scanners: tuple[str, ...] = DEFAULT_SCANNERS
    exclude: tuple[str, ...] = ()
    fail_on: Annotated[str, _one_of(FAIL_ON_CHOICES)] = "high"
    test_code: Annotated[str, _one_of(TEST_CODE_CHOICES)] = "report"
    max_file_size: Annotated[int, _Bound(gt=0)] = 2_000_000
    jobs: Annotated[int, _Bound(ge=0)] = 0
    semgrep_timeout: Annotated[float, _Bound(gt=0)] = 1800.0
    semgrep_file_timeout: Annotated[float, _Bound(ge=0)] = 30.0
    ledger: str | None = None


@dataclass(frozen=True)
class TierMatch:
    """One matcher of a risk class: changed files matching `files` (exclude patterns
    syntax), and when `lines` is set, changed lines matching one of those regexes.
    Removed lines count only with `removed = true`; Python import statements (`from
    flask import request`, and the lines of a parenthesized import) count only while
    `imports` is true: importing a name changes no behaviour, using it does."""

    __pydantic_config__: typing.ClassVar[dict[str, Any]] = _TABLE

    files: tuple[str, ...] = ("*.py",)
    exclude: tuple[str, ...] = ()
    lines: Annotated[tuple[str, ...], _Check(_regexes)] = ()
    removed: bool = False
    imports: bool = True


@dataclass(frozen=True)
class TierClass:
    """A change-risk class: it fires when any matcher matches or a size threshold is met.
    `llm` says whether it asks for LLM review."""

    __pydantic_config__: typing.ClassVar[dict[str, Any]] = _TABLE

    description: str = ""
    enabled: bool = True
    llm: bool = True
    match: tuple[TierMatch, ...] = ()
    min_changed_lines: Annotated[int, _Bound(gt=0)] | None = None
    min_changed_files: Annotated[int, _Bound(gt=0)] | None = None


@dataclass(frozen=True)
class TierConfig:
    """The `[tier]` table: `classes` replace or add to the built-in classes by name."""

    __pydantic_config__: typing.ClassVar[dict[str, Any]] = _TABLE

    llm_scanners: tuple[str, ...] = ()
    classes: dict[str, TierClass] = field(default_factory=dict)
    max_triggers: Annotated[int, _Bound(gt=0)] = 20


@dataclass(frozen=True)
class GateConfig:
    """The `[gate]` table: threshold (default `[scan] fail_on`) and required scanners."""

    __pydantic_config__: typing.ClassVar[dict[str, Any]] = _TABLE

    fail_on: Annotated[str | None, _one_of(FAIL_ON_CHOICES)] = None
    require_llm: bool = False


@dataclass(frozen=True)
class ProofConfig:
    """The `[proof]` table: the interpreter proofs run with, their limits, and the budget
    of `assay prove --generate`."""

    __pydantic_config__: typing.ClassVar[dict[str, Any]] = _TABLE

    python: str | None = None
    timeout: Annotated[float, _Bound(gt=0)] = 120.0
    memory_mb: Annotated[int, _Bound(gt=0)] = 2048
    generate_max_steps: Annotated[int, _Bound(gt=0)] = 3
    generate_max_output_tokens: Annotated[int, _Bound(gt=0)] = 8000
    generate_time_box: Annotated[float, _Bound(gt=0)] = 300.0


@dataclass(frozen=True)
class Config:
    """The whole configuration file. `scanners` holds named scanner definitions."""

    __pydantic_config__: typing.ClassVar[dict[str, Any]] = _TABLE

    scan: ScanConfig = field(default_factory=ScanConfig)
    scanners: dict[str, dict[str, Any]] = field(default_factory=dict)
    tier: TierConfig = field(default_factory=TierConfig)
    gate: GateConfig = field(default_factory=GateConfig)
    proof: ProofConfig = field(default_factory=ProofConfig)


def dump(table: Any) -> dict[str, Any]:
    """A table (a `Config` or one of its parts) as the JSON values a file would hold (a
    TOML date or time as its ISO text, as pydantic's JSON gives it)."""
    loaded: dict[str, Any] = json.loads(json.dumps(asdict(table), default=_json_value))
    return loaded


def _json_value(value: object) -> str:
    """A TOML value JSON has no type for (a date, a time) as its ISO text."""
    iso = getattr(value, "isoformat", None)
    if callable(iso):
        return str(iso()).replace("+00:00", "Z")
    raise TypeError(f"{type(value).__name__} is not a configuration value")


def config_hash(config: Config) -> str:
    """sha256 of the canonical JSON of a configuration."""
    text = json.dumps(dump(config), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


MAX_CONFIG_BYTES = 1_000_000
"""A configuration file is small; a larger one (perhaps planted in the tree) is refused."""


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a table; ConfigError when it cannot be read or parsed."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    return parse_toml(data, str(path))


def parse_toml(text: bytes, source: str) -> dict[str, Any]:
    """TOML text (e.g. a file read from a commit) as a table."""
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{source}: larger than {MAX_CONFIG_BYTES:,} bytes",
                          "a configuration file this large is not one")
    try:
        return tomllib.loads(text.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{source}: TOML nested too deeply") from None


def assay_table(data: dict[str, Any], pyproject: bool) -> dict[str, Any] | None:
    """assay's table of a parsed file: the whole of `assay.toml`, `[tool.assay]` of a
    `pyproject.toml` (None when it has none)."""
    if not pyproject:
        return data
    table = data.get("tool", {}).get("assay") if isinstance(data.get("tool"), dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError("[tool.assay] must be a table")
    return table


def validate(data: Any, source: str) -> Config:
    """The table as a `Config`; ConfigError naming the source and the first bad key."""
    return validate_as(Config, data, source)


def validate_as[Table](table: type[Table], data: Any, source: str) -> Table:
    """`data` as a `table` (one of the configuration's dataclasses); ConfigError naming
    the source and the first bad key. An empty table is the defaults, without pydantic."""
    if data == {}:
        return table()
    from pydantic import ValidationError

    try:
        validated: Table = _adapter(table).validate_python(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {validation_message(exc, table)}",
                          "see docs/configuration.md for the keys and their types") from None
    return validated


_ADAPTERS: dict[type[Any], Any] = {}


def _adapter(table: type[Any]) -> Any:
    """pydantic's validator of `table`, built once."""
    if table not in _ADAPTERS:
        from pydantic import TypeAdapter

        _ADAPTERS[table] = TypeAdapter(table)
    return _ADAPTERS[table]


_UNKNOWN_KEY = ("extra_forbidden", "unexpected_keyword_argument")
"""How pydantic names a key a table does not have (a model's, a dataclass's)."""


def validation_message(exc: ValidationError, model: type[Any], table: str = "") -> str:
    """The first problem of a failed validation of `table` (a dotted table name, '' for
    the file's top level) in words.

    An unknown key comes first (a typo of a required key also makes it "missing") and is
    named with the closest known key: "unknown key 'modle' in [scanners.x]; did you mean
    'model'?".
    """
    errors = exc.errors()
    first = next((e for e in errors if e["type"] in _UNKNOWN_KEY), errors[0])
    loc = [str(part) for part in first["loc"]]
    if first["type"] not in _UNKNOWN_KEY or not loc:
        return f"{'.'.join(filter(None, [table, *loc])) or '(top level)'}: {first['msg']}"
    *parents, key = loc
    where = ".".join(filter(None, [table, *parents]))
    close = difflib.get_close_matches(key, known_keys(model, parents), n=1, cutoff=0.6)
    suggestion = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}' in {f'[{where}]' if where else 'the top level'}{suggestion}"


def known_keys(model: type[Any], path: Sequence[str]) -> list[str]:
    """The keys allowed in the table at `path` below `model` (a pydantic model or a
    dataclass; [] when it is not a table)."""
    current: Any = model
    for part in path:
        keys = _fields(current)
        if keys is not None:
            if part not in keys:
                return []
            current = keys[part]
        else:  # an entry of a dict[str, X] or tuple[X, ...] field: X
            args = [a for a in typing.get_args(current) if a is not str and a is not ...]
            if typing.get_origin(current) not in (dict, tuple) or len(args) != 1:
                return []
            current = args[0]
    return list(_fields(current) or {})


def _fields(table: Any) -> dict[str, Any] | None:
    """The fields of a table type and their types (None when it is not a table)."""
    if not isinstance(table, type):
        return None
    if is_dataclass(table):
        hints = typing.get_type_hints(table)
        return {f.name: hints[f.name] for f in fields(table)}
    model_fields = getattr(table, "model_fields", None)  # a pydantic model
    if isinstance(model_fields, dict):
        return {name: info.annotation for name, info in model_fields.items()}
    return None
