"""Helpers of the real-model tests and the local-model study: the example app as a git
repository, scanner tables for the local server, what a run's trace and metrics hold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from assay.ledger import open_ledger
from assay.model import Run
from tests.helpers import REPO_ROOT, GitRepo
from tests.llm.helpers import toml_table

EXAMPLE = REPO_ROOT / "examples" / "flask-app"


def example_repo(path: Path) -> GitRepo:
    """The bundled example app (examples/flask-app) as a one-commit git repository."""
    repo = GitRepo(path)
    for source in sorted(EXAMPLE.iterdir()):
        shutil.copy(source, repo.path / source.name)
    repo.commit("example app")
    return repo


def scanner_table(base_url: str, model: str, **overrides: Any) -> dict[str, Any]:
    """A `[scanners.NAME]` table for the local server: small replies, few steps, and
    generous time limits (a reply in JSON mode takes 40 s on a loaded core; a timeout
    would make runs that should be identical differ)."""
    table: dict[str, Any] = {
        "type": "llm", "provider": "openai", "model": model, "base_url": base_url,
        "api_key_env": "", "temperature": 0.0, "seed": 1234, "max_tokens": 128,
        "context_window": 8192, "request_timeout": 300,
        "budget": {"max_steps": 4, "time_box": 900},
        "retry": {"max_retries": 1, "backoff_base": 0.1, "backoff_max": 0.5},
    }
    table.update(overrides)
    return table


def write_config(path: Path, scanners: dict[str, dict[str, Any]]) -> Path:
    """An operator configuration file with `[scanners.NAME]` tables."""
    lines: list[str] = []
    for name, table in scanners.items():
        lines.extend(toml_table(f"scanners.{json.dumps(name)}", table))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def trace_events(ledger: Path, run: Run, scanner: str, kind: str) -> list[dict[str, Any]]:
    """The payloads of one kind of trace event (`request`, `response`, ...) of a run."""
    with open_ledger(ledger) as store:
        events = store.traces.events(run.id, scanner)
    return [json.loads(e.payload) for e in events if e.kind == kind]


def stage_sums(run: Run, scanner: str) -> tuple[int, int, int]:
    """Requests, tokens in and tokens out over the scanner's stages of a run."""
    stages = [s for s in run.metrics.stages if s.name.startswith(f"{scanner}:")]
    return (sum(s.requests for s in stages), sum(s.tokens_in for s in stages),
            sum(s.tokens_out for s in stages))
