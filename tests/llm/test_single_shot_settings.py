"""The keys of the single-shot harness and of structured output: defaults per provider
and harness, and one-line configuration errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assay.config import Config
from assay.scanners.interface import ScannerError
from assay.scanners.llm.settings import parse_settings
from assay.scanners.registry import build_scanner
from tests.helpers import GitRepo
from tests.llm.helpers import configure

BASE = {"type": "llm", "model": "m-2025-01-01"}


@pytest.mark.parametrize(("provider", "harness", "mode"), [
    ("openai", "agent", "tool"), ("anthropic", "agent", "tool"),
    ("openai", "single-shot", "json_schema"), ("anthropic", "single-shot", "tool"),
])
def test_auto_resolves_per_provider_and_harness(provider: str, harness: str,
                                                mode: str) -> None:
    settings = parse_settings("x", {**BASE, "provider": provider, "harness": harness})
    assert settings.structured_output == "auto" and settings.output_mode == mode


def test_defaults_are_the_agent_with_its_pack() -> None:
    settings = parse_settings("x", {**BASE, "provider": "openai"})
    assert (settings.harness, settings.prompt_ref) == ("agent", "security-review@1.0.0")
    single = parse_settings("x", {**BASE, "provider": "openai", "harness": "single-shot"})
    assert single.prompt_ref == "security-review-single-shot@1.0.0"
    assert single.review_threshold == 1.0 and settings.review_threshold is None


@pytest.mark.parametrize(("table", "message"), [
    ({"harness": "one-shot"}, "scanners.x.harness: Input should be 'agent' or 'single-shot'"),
    ({"structured_output": "grammar"}, "scanners.x.structured_output: Input should be"),
    ({"structured_output": "json_schema"},
     "structured_output = 'json_schema' needs harness = \"single-shot\""),
    ({"harness": "single-shot", "provider": "anthropic", "structured_output": "json_object"},
     "structured_output = 'json_object' is for OpenAI-compatible endpoints"),
    ({"harness": "single-shot", "context_window": 4096, "max_tokens": 3500},
     "needs context_window - max_tokens >= 1024"),
    ({"harness": "single-shot", "prompt": "security-review@1.0.0"},
     "prompt pack security-review@1.0.0 is for the agent harness, not single-shot"),
    ({"prompt": "security-review-single-shot@1.0.0"},
     "is for the single-shot harness, not agent"),
])
def test_bad_values_are_scanner_errors(table: dict[str, object], message: str) -> None:
    merged = {**BASE, "provider": "openai", **table}
    with pytest.raises(ScannerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_scanner("x", Config(scanners={"x": merged}))


def test_a_bad_mode_is_one_line_with_exit_2(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    config = configure(repo, {"x": {**BASE, "provider": "openai", "api_key_env": "",
                                    "structured_output": "json_schema"}})
    done = subprocess.run([sys.executable, "-m", "assay", "scan", str(repo.path), "-s", "x",
                           "--config", str(config), "--no-record"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [first, *rest] = [line for line in done.stderr.splitlines() if line.strip()]
    assert "structured_output = 'json_schema' needs harness" in first
    assert all(line.lstrip().startswith("hint:") for line in rest)
