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
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay.choices import FAIL_ON_CHOICES as FAIL_ON_CHOICES  # re-exported
from assay.errors import ConfigError

DEFAULT_SCANNERS = ("bandit", "semgrep")
TEST_CODE_CHOICES = ("skip", "report", "block")
"""What findings in test code do, least strict first (normalize/policy.py)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScanConfig(_Strict):
    """The `[scan]` table."""

    scanners: tuple[str, ...] = DEFAULT_SCANNERS
    exclude: tuple[str, ...] = ()
    fail_on: str = "high"
    test_code: str = "report"
    max_file_size: int = Field(default=2_000_000, gt=0)
    jobs: int = Field(default=0, ge=0)
    semgrep_timeout: float = Field(default=1800.0, gt=0)
    semgrep_file_timeout: float = Field(default=30.0, ge=0)
    ledger: str | None = None

    @field_validator("fail_on")
    @classmethod
    def _fail_on(cls, value: str) -> str:
        if value.lower() not in FAIL_ON_CHOICES:
            raise ValueError(f"must be one of {', '.join(FAIL_ON_CHOICES)}")
        return value.lower()

    @field_validator("test_code")
    @classmethod
    def _test_code(cls, value: str) -> str:
        if value.lower() not in TEST_CODE_CHOICES:
            raise ValueError(f"must be one of {', '.join(TEST_CODE_CHOICES)}")
        return value.lower()


class TierMatch(_Strict):
    """One matcher of a risk class: changed files matching `files` (exclude patterns
    syntax), and when `lines` is set, changed lines matching one of those regexes.
    Removed lines count only with `removed = true`; Python import statements (`from
    flask import request`, and the lines of a parenthesized import) count only while
    `imports` is true: importing a name changes no behaviour, using it does."""

    files: tuple[str, ...] = ("*.py",)
    exclude: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    removed: bool = False
    imports: bool = True

    @field_validator("lines")
    @classmethod
    def _regexes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import re

        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        return value


class TierClass(_Strict):
    """A change-risk class: it fires when any matcher matches or a size threshold is met.
    `llm` says whether it asks for LLM review."""

    description: str = ""
    enabled: bool = True
    llm: bool = True
    match: tuple[TierMatch, ...] = ()
    min_changed_lines: int | None = Field(default=None, gt=0)
    min_changed_files: int | None = Field(default=None, gt=0)


class TierConfig(_Strict):
    """The `[tier]` table: `classes` replace or add to the built-in classes by name."""

    llm_scanners: tuple[str, ...] = ()
    classes: dict[str, TierClass] = {}
    max_triggers: int = Field(default=20, gt=0)


class GateConfig(_Strict):
    """The `[gate]` table: threshold (default `[scan] fail_on`) and required scanners."""

    fail_on: str | None = None
    require_llm: bool = False

    @field_validator("fail_on")
    @classmethod
    def _fail_on(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in FAIL_ON_CHOICES:
            raise ValueError(f"must be one of {', '.join(FAIL_ON_CHOICES)}")
        return None if value is None else value.lower()


class ProofConfig(_Strict):
    """The `[proof]` table: the interpreter proofs run with, their limits, and the budget
    of `assay prove --generate`."""

    python: str | None = None
    timeout: float = Field(default=120.0, gt=0)
    memory_mb: int = Field(default=2048, gt=0)
    generate_max_steps: int = Field(default=3, gt=0)
    generate_max_output_tokens: int = Field(default=8000, gt=0)
    generate_time_box: float = Field(default=300.0, gt=0)


class Config(_Strict):
    """The whole configuration file. `scanners` holds named scanner definitions."""

    scan: ScanConfig = ScanConfig()
    scanners: dict[str, dict[str, Any]] = {}
    tier: TierConfig = TierConfig()
    gate: GateConfig = GateConfig()
    proof: ProofConfig = ProofConfig()


def config_hash(config: Config) -> str:
    """sha256 of the canonical JSON of a configuration."""
    text = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
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
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {validation_message(exc, Config)}",
                          "see docs/configuration.md for the keys and their types") from None


def validation_message(exc: ValidationError, model: type[BaseModel], table: str = "") -> str:
    """The first problem of a failed validation of `table` (a dotted table name, '' for
    the file's top level) in words.

    An unknown key comes first (a typo of a required key also makes it "missing") and is
    named with the closest known key: "unknown key 'modle' in [scanners.x]; did you mean
    'model'?".
    """
    errors = exc.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(part) for part in first["loc"]]
    if first["type"] != "extra_forbidden" or not loc:
        return f"{'.'.join(filter(None, [table, *loc])) or '(top level)'}: {first['msg']}"
    *parents, key = loc
    where = ".".join(filter(None, [table, *parents]))
    close = difflib.get_close_matches(key, known_keys(model, parents), n=1, cutoff=0.6)
    suggestion = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}' in {f'[{where}]' if where else 'the top level'}{suggestion}"


def known_keys(model: type[BaseModel], path: Sequence[str]) -> list[str]:
    """The keys allowed in the table at `path` below `model` ([] when it is not a model)."""
    current: Any = model
    for part in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return []
            current = field.annotation
        else:  # an entry of a dict[str, X] or tuple[X, ...] field: X
            args = [a for a in typing.get_args(current) if a is not str and a is not ...]
            if typing.get_origin(current) not in (dict, tuple) or len(args) != 1:
                return []
            current = args[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []
