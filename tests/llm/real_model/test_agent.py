"""The agent loop end to end with a real model: SmolLM2-135M-Instruct served by llama.cpp.

A 135M model rarely calls tools or finds anything: these tests check what the product
does with a real model's replies (an honest status, counted metrics, review coverage,
replay without the server, token counts equal to the server's own `usage`, drift), not
what the model finds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assay import api
from assay.app.measure import DriftResult
from assay.model import FindingKind, Run, RunStatus, SkipReason
from tests.helpers import GitRepo
from tests.llm.real_model.helpers import (
    example_repo,
    scanner_table,
    stage_sums,
    trace_events,
    write_config,
)
from tests.llm.real_model.proxy import RecordingProxy
from tests.llm.real_model.server import LocalModelServer

pytestmark = [pytest.mark.real_model, pytest.mark.xdist_group("real_model")]

SEEDED, WARM = "smol-seeded", "smol-warm"
NOT_REVIEWED = {SkipReason.NOT_REVIEWED, SkipReason.NOT_REVIEWED_WITHIN_THRESHOLD}


@dataclass(frozen=True)
class Drifts:
    """Two seeded runs at temperature 0 and two unseeded runs at 0.8 of the example app,
    through a recording proxy in front of the server."""

    repo: GitRepo
    ledger: Path
    config: Path
    seeded: DriftResult
    warm: DriftResult
    proxy: RecordingProxy
    served: int


@pytest.fixture(scope="module")
def drifts(local_model: LocalModelServer,
           tmp_path_factory: pytest.TempPathFactory) -> Drifts:
    """`assay drift` (through the API, two runs each, one at a time) of both settings."""
    base = tmp_path_factory.mktemp("real-agent")
    repo = example_repo(base / "flask-app")
    ledger = base / "ledger.db"
    with RecordingProxy(local_model.base_url) as proxy:
        config = write_config(base / "operator.toml", {
            SEEDED: scanner_table(proxy.base_url, local_model.model),
            WARM: scanner_table(proxy.base_url, local_model.model, temperature=0.8, seed=None,
                                max_tokens=64)})
        config.write_text(config.read_text().replace('"seed" = null\n', ""))
        seeded, warm = (api.drift(repo.path, scanner=name, runs=2, concurrency=1,
                                  ledger=ledger, config_path=config) for name in (SEEDED, WARM))
        return Drifts(repo, ledger, config, seeded, warm, proxy, len(proxy.exchanges))


def _honest(run: Run, name: str) -> None:
    """A run's status agrees with its coverage and outcome, and says why it is incomplete."""
    [outcome] = run.scanners
    assert outcome.name == name
    if run.status is RunStatus.COMPLETE:
        assert not run.coverage.gaps and outcome.reason == ""
    else:
        assert run.status is RunStatus.INCOMPLETE and run.reasons and outcome.reason


def test_the_agent_loop_records_an_honest_run_of_a_real_model(drifts: Drifts,
                                                             local_model: LocalModelServer,
                                                             ) -> None:
    for run in drifts.seeded.runs:
        _honest(run, SEEDED)
        assert run.coverage.in_scope == 1
        reviewed = run.coverage.analyzed == 1
        unread = [s for s in run.coverage.skipped if s.reason in NOT_REVIEWED]
        assert reviewed != bool(unread) and all(s.path == "app.py" for s in unread)
        if not reviewed:  # a tree review below half of its files is never complete
            assert run.status is RunStatus.INCOMPLETE
            assert any("review coverage 0/1 files" in r for r in run.reasons)
        requests, tokens_in, tokens_out = stage_sums(run, SEEDED)
        assert 1 <= requests <= 4 and tokens_in > 0 and tokens_out > 0
        assert all(f.kind is FindingKind.LLM for f in run.findings)
        [info] = run.provenance.scanners
        extra = dict(info.extra)
        assert extra["model"] == extra["model_reported"] == local_model.model
        assert '"seed":1234' in extra["params"] and '"temperature":0.0' in extra["params"]


def test_a_real_run_replays_identically_without_the_server(drifts: Drifts) -> None:
    for run in drifts.seeded.runs:
        [report] = api.replay(run.id, path=drifts.repo.path, ledger=drifts.ledger,
                              config_path=drifts.config)
        assert report.identical, report.divergences
        assert report.findings == len(run.findings)
        assert report.steps == stage_sums(run, SEEDED)[0]
    assert len(drifts.proxy.exchanges) == drifts.served  # nothing reached the server


def test_tokens_and_requests_equal_what_the_server_reported(drifts: Drifts) -> None:
    replies = drifts.proxy.replies()
    usage = [r["usage"] for r in replies]
    runs = [*drifts.seeded.runs, *drifts.warm.runs]
    sums = [stage_sums(run, run.scanners[0].name) for run in runs]
    assert sum(s[0] for s in sums) == len(replies)
    assert sum(s[1] for s in sums) == sum(u["prompt_tokens"] for u in usage)
    assert sum(s[2] for s in sums) == sum(u["completion_tokens"] for u in usage)
    for run in runs:  # and each run's trace holds the usage of each of its replies
        name = run.scanners[0].name
        traced = [e["usage"] for e in trace_events(drifts.ledger, run, name, "response")]
        assert stage_sums(run, name)[1:] == (sum(u["input"] for u in traced),
                                             sum(u["output"] for u in traced))


def test_seeded_runs_at_temperature_zero_are_identical(drifts: Drifts) -> None:
    first, second = drifts.seeded.runs
    texts = [[(e["text"], e["tool_calls"]) for e in
              trace_events(drifts.ledger, run, SEEDED, "response")] for run in (first, second)]
    hashes = [[e["hash"] for e in trace_events(drifts.ledger, run, SEEDED, "request")]
              for run in (first, second)]
    assert texts[0] == texts[1] and hashes[0] == hashes[1]
    assert first.findings == second.findings and first.status is second.status
    assert first.reasons == second.reasons
    _drift_is_measured_honestly(drifts.seeded)
    complete = drifts.seeded.report.status["complete"]
    if complete == 2:  # identical runs agree completely
        jaccard = drifts.seeded.report.jaccard
        assert jaccard is not None and jaccard.mean == 1.0


def _drift_is_measured_honestly(result: DriftResult) -> None:
    """Drift counts every run by status and scores only complete ones."""
    report = result.report
    assert sum(report.status.values()) == len(result.runs) == 2
    assert report.status["complete"] == sum(r.complete for r in result.runs)
    [group] = report.commits
    assert (group.jaccard is None) == (report.status["complete"] < 2)
    assert set(group.measured) == {r.id for r in result.runs if r.complete}


def test_unseeded_runs_at_temperature_0_8_differ_and_are_measured_honestly(
        drifts: Drifts) -> None:
    first, second = drifts.warm.runs
    for run in (first, second):
        _honest(run, WARM)
        assert dict(run.provenance.scanners[0].extra)["params"].count('"seed":null') == 1
    texts = [[e["text"] for e in trace_events(drifts.ledger, run, WARM, "response")]
             for run in (first, second)]
    assert texts[0] != texts[1]
    _drift_is_measured_honestly(drifts.warm)
