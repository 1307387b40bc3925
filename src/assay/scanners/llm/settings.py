"""Configuration of an LLM scanner: `[scanners.NAME]` with `type = "llm"`, validated.

Pydantic lives here only, at the configuration boundary; the harness gets frozen values.
See docs/llm.md for every key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay.config import validation_message
from assay.scanners.interface import ScannerError

DEFAULT_KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
DEFAULT_PROMPT = {"agent": "security-review@1.0.0",
                  "single-shot": "security-review-single-shot@1.0.0"}
"""The built-in prompt pack of each harness (when `prompt` is not set)."""
SINGLE_SHOT_MIN_WINDOW = 1024
"""Tokens a single-shot request must have for code, beside the reply (max_tokens)."""

Harness = Literal["agent", "single-shot"]
StructuredOutput = Literal["auto", "json_schema", "json_object", "tool", "none"]
ResolvedOutput = Literal["json_schema", "json_object", "tool", "none"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BudgetSettings(_Strict):
    """`[scanners.NAME.budget]`: hitting any limit ends the run as incomplete."""

    max_steps: int = Field(default=40, gt=0)
    max_input_tokens: int | None = Field(default=1_000_000, gt=0)
    max_output_tokens: int | None = Field(default=100_000, gt=0)
    max_cost: float | None = Field(default=None, gt=0)
    time_box: float | None = Field(default=900.0, gt=0)


class PriceSettings(_Strict):
    """`[scanners.NAME.price]`: prices per million tokens, in any one currency."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)


class ToolLimits(_Strict):
    """`[scanners.NAME.tools]`: size caps of what the tools return to the model."""

    max_read_lines: int = Field(default=400, gt=0)
    max_output_chars: int = Field(default=24_000, ge=1000)
    max_grep_matches: int = Field(default=100, gt=0)
    max_list_entries: int = Field(default=500, gt=0)
    max_scope_listing: int = Field(default=300, gt=0)


class RetrySettings(_Strict):
    """`[scanners.NAME.retry]`: backoff with full jitter for 429, 5xx and timeouts."""

    max_retries: int = Field(default=4, ge=0)
    backoff_base: float = Field(default=0.5, gt=0)
    backoff_max: float = Field(default=30.0, gt=0)


class LlmSettings(_Strict):
    """One LLM scanner."""

    type: Literal["llm"] = "llm"
    provider: Literal["openai", "anthropic"]
    model: str = Field(min_length=1)
    base_url: str | None = None
    api_key_env: str | None = None
    temperature: float | None = Field(default=0.0, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    seed: int | None = None
    max_tokens: int = Field(default=4096, gt=0)
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    context_window: int = Field(default=128_000, ge=2048)
    max_messages: int = Field(default=400, ge=8)
    request_timeout: float = Field(default=120.0, gt=0)
    harness: Harness = "agent"
    """`agent` (a tool loop) or `single-shot` (one request per file or hunk, no tools)."""
    structured_output: StructuredOutput = "auto"
    """How the findings reply is constrained (see docs/llm.md#structured-output)."""
    prompt: str | None = None
    """A prompt pack `id@version` or file; default: the built-in pack of the harness."""
    include: tuple[str, ...] = ("*.py",)
    min_review_coverage: float | None = Field(default=None, ge=0, le=1)
    """Share of in-scope files the model must read for a complete run (default: 1.0 for
    a diff review, 0.5 for a whole-tree review; see docs/llm.md)."""
    budget: BudgetSettings = BudgetSettings()
    price: PriceSettings | None = None
    tools: ToolLimits = ToolLimits()
    retry: RetrySettings = RetrySettings()

    @model_validator(mode="after")
    def _cost_needs_price(self) -> LlmSettings:
        if self.budget.max_cost is not None and self.price is None:
            raise ValueError("budget.max_cost needs a price table ([scanners.NAME.price])")
        if self.max_tokens >= self.context_window:
            raise ValueError("max_tokens must be smaller than context_window")
        if (self.harness == "single-shot"
                and self.context_window - self.max_tokens < SINGLE_SHOT_MIN_WINDOW):
            raise ValueError(f"the single-shot harness needs context_window - max_tokens >= "
                             f"{SINGLE_SHOT_MIN_WINDOW} tokens for the code it sends")
        self._check_structured_output()
        return self

    def _check_structured_output(self) -> None:
        mode = self.structured_output
        if self.harness == "agent" and mode not in ("auto", "tool"):
            raise ValueError(f"structured_output = {mode!r} needs harness = \"single-shot\": "
                             "the agent harness reports findings through its tools "
                             "(\"auto\" or \"tool\")")
        if self.provider == "anthropic" and mode in ("json_schema", "json_object"):
            raise ValueError(f"structured_output = {mode!r} is for OpenAI-compatible "
                             "endpoints; with provider = \"anthropic\" use \"auto\", "
                             "\"tool\" or \"none\"")

    @property
    def output_mode(self) -> ResolvedOutput:
        """The structured-output mode used: `auto` resolved for the provider and harness
        (the agent reports through tools; a single-shot review gets `json_schema` from an
        OpenAI-compatible endpoint and a forced tool call from Anthropic)."""
        mode = self.structured_output
        if mode != "auto":
            return mode
        if self.harness == "agent" or self.provider == "anthropic":
            return "tool"
        return "json_schema"

    @property
    def prompt_ref(self) -> str:
        """The prompt pack to load: `prompt`, else the built-in pack of the harness."""
        return self.prompt or DEFAULT_PROMPT[self.harness]

    @property
    def review_threshold(self) -> float | None:
        """`min_review_coverage`, else 1.0 for a single-shot review (it sends every file in
        scope, so every one must be answered); None: the agent's default for the scope."""
        if self.min_review_coverage is not None:
            return self.min_review_coverage
        return 1.0 if self.harness == "single-shot" else None

    @property
    def key_env(self) -> str:
        """The environment variable holding the API key ('' when no key is sent)."""
        if self.api_key_env is None:
            return DEFAULT_KEY_ENV[self.provider]
        return self.api_key_env

    def public(self) -> dict[str, Any]:
        """The settings as recorded in traces (names of variables, never their values)."""
        return self.model_dump(mode="json")


def parse_settings(name: str, definition: Mapping[str, Any]) -> LlmSettings:
    """Validate `[scanners.NAME]`; ScannerError names the first bad key."""
    try:
        return LlmSettings.model_validate(dict(definition))
    except ValidationError as exc:
        raise ScannerError(
            validation_message(exc, LlmSettings, f"scanners.{name}"),
            f'an LLM scanner needs at least: [scanners.{name}] type = "llm", '
            'provider = "openai" | "anthropic", model = "..." (see docs/llm.md)') from None
