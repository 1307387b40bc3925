"""The single-shot harness end to end with a real model (SmolLM2-135M, llama.cpp server):
what goes on the wire, an honest status, replay and token accounting; and what the
default structured-output mode meets on llama-cpp-python's server."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assay import api
from assay.model import RunStatus, SkipReason
from tests.helpers import GitRepo
from tests.llm.real_model.helpers import example_repo, scanner_table, stage_sums, write_config
from tests.llm.real_model.proxy import RecordingProxy
from tests.llm.real_model.server import LocalModelServer

pytestmark = [pytest.mark.real_model, pytest.mark.xdist_group("real_model")]

SHOT, AUTO = "smol-shot", "smol-auto"


@dataclass(frozen=True)
class SingleShot:
    """One single-shot review of the example app in JSON mode, through a recording proxy."""

    repo: GitRepo
    ledger: Path
    config: Path
    result: api.ScanResult
    sent: list[dict[str, Any]]
    usage: list[dict[str, int]]


@pytest.fixture(scope="module")
def single_shot(local_model: LocalModelServer,
                tmp_path_factory: pytest.TempPathFactory) -> SingleShot:
    """The review, with llama.cpp's JSON mode (`json_object` with a schema)."""
    base = tmp_path_factory.mktemp("real-single-shot")
    repo = example_repo(base / "flask-app")
    ledger = base / "ledger.db"
    with RecordingProxy(local_model.base_url) as proxy:
        config = write_config(base / "operator.toml", {SHOT: scanner_table(
            proxy.base_url, local_model.model, harness="single-shot",
            structured_output="json_object")})
        result = api.scan(repo.path, scanners=[SHOT], ledger=ledger, config_path=config,
                          fresh=True)
        sent = [e.request for e in proxy.exchanges if e.path.endswith("/chat/completions")]
        usage = [r["usage"] for r in proxy.replies()]
    return SingleShot(repo, ledger, config, result, sent, usage)


def test_a_single_shot_review_sends_numbered_code_in_json_mode_and_says_what_it_reviewed(
        single_shot: SingleShot, local_model: LocalModelServer) -> None:
    run = single_shot.result.run
    assert single_shot.sent and len(single_shot.sent) == len(single_shot.usage)
    for body in single_shot.sent:  # as the server received them
        assert "tools" not in body and body["model"] == local_model.model
        assert body["response_format"]["type"] == "json_object"
        assert body["response_format"]["schema"]["required"] == ["findings"]
        code = "\n".join(str(m["content"]) for m in body["messages"] if m["role"] == "user")
        assert "def notes():" in code  # the file itself, with its lines numbered
    extra = dict(run.provenance.scanners[0].extra)
    assert (extra["harness"], extra["structured_output"]) == ("single-shot", "json_object")
    assert run.coverage.in_scope == 1
    if run.status is RunStatus.COMPLETE:
        assert run.coverage.analyzed == 1 and not run.coverage.skipped
    else:  # the file is listed with why it was not reviewed, never "no findings"
        [skip] = run.coverage.skipped
        assert (skip.path, skip.reason) == ("app.py", SkipReason.NOT_REVIEWED)
        assert skip.detail and run.reasons
    assert stage_sums(run, SHOT) == (len(single_shot.usage),
                                     sum(u["prompt_tokens"] for u in single_shot.usage),
                                     sum(u["completion_tokens"] for u in single_shot.usage))


def test_a_single_shot_review_replays_identically(single_shot: SingleShot) -> None:
    run = single_shot.result.run
    [report] = api.replay(run.id, path=single_shot.repo.path, ledger=single_shot.ledger,
                          config_path=single_shot.config)
    assert report.identical, report.divergences
    assert (report.findings, report.steps) == (len(run.findings), len(single_shot.usage))


def test_json_schema_output_on_llama_cpp_python_is_an_incomplete_run_with_the_reason(
        local_model: LocalModelServer, tmp_path: Path) -> None:
    # structured_output "auto" is json_schema for an OpenAI-compatible endpoint, which
    # llama-cpp-python's server refuses (it takes only text and json_object)
    repo = example_repo(tmp_path / "flask-app")
    config = write_config(tmp_path / "operator.toml", {AUTO: scanner_table(
        local_model.base_url, local_model.model, harness="single-shot")})
    out = subprocess.run([sys.executable, "-m", "assay", "scan", str(repo.path), "--scanner",
                          AUTO, "--config", str(config), "--ledger", str(tmp_path / "l.db"),
                          "--format", "json", "--quiet"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 3, out.stderr
    document = json.loads(out.stdout)
    run = document["run"]
    assert run["status"] == "incomplete" and document["findings"] == []
    [scanner] = [s for s in run["scanners"] if s["name"] == AUTO]
    assert "provider error" in scanner["reason"] and "json_object" in scanner["reason"]
    [skip] = document["coverage"]["skipped"]
    assert (skip["path"], skip["reason"]) == ("app.py", "not-reviewed")
