"""The LLM review harness: an agent loop with confined tools, budgets, traces and replay.

Importing this package registers the scanner type `llm` (`[scanners.NAME] type = "llm"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.config import Config
from assay.scanners.llm.scanner import LlmScanner
from assay.scanners.llm.settings import LlmSettings, parse_settings
from assay.scanners.registry import register_type


def _factory(name: str, definition: Mapping[str, Any], config: Config) -> LlmScanner:
    """Build `[scanners.NAME]`; a bare `--scanner llm` uses `[scanners.llm]` if defined."""
    merged = {**config.scanners.get(name, {}), **definition}
    merged.setdefault("type", "llm")
    return LlmScanner(name, parse_settings(name, merged))


register_type("llm", _factory)

__all__ = ["LlmScanner", "LlmSettings", "parse_settings"]
