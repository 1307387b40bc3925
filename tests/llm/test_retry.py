"""Provider errors: 429/5xx/timeouts retried with backoff, auth errors fail fast."""

from __future__ import annotations

import random

import pytest

from assay.ledger import open_ledger
from assay.model import RunStatus
from assay.scanners.llm.budget import Limits, Meter
from assay.scanners.llm.retry import RetryPolicy
from assay.scanners.llm.store import LlmStore
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, error, reply, scanner_config
from tests.llm.helpers import NAME, configure, ledger_path, scan


@pytest.fixture
def app_repo(repo: GitRepo) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    return repo


def _attempts(repo: GitRepo, run_id: str) -> list[dict[str, object]]:
    with open_ledger(ledger_path(repo)) as ledger:
        events = LlmStore(ledger).events(run_id, NAME)
    return [e.payload for e in events if e.kind == "attempt_error"]


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_rate_limit_and_server_errors_are_retried(provider: str, app_repo: GitRepo,
                                                  fake_llm: FakeLLMServer) -> None:
    # retries are tested here, not review coverage: the model reads no file
    configure(app_repo, {NAME: scanner_config(fake_llm, provider, min_review_coverage=0)})
    fake_llm.script(error(429, retry_after=0.01), error(500), call("list_dir", {}),
                    error(503), reply("done"), reply("summary"))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    assert len(fake_llm.requests) == 6
    attempts = _attempts(app_repo, run.id)
    assert [(a["kind"], a["status"]) for a in attempts] == [
        ("rate-limit", 429), ("server", 500), ("server", 503)]
    assert all(0 <= float(str(a["wait"])) <= 0.05 for a in attempts)
    explore = {s.name: s for s in run.metrics.stages}[f"{NAME}:plan"]
    assert explore.requests == 1  # a request with its retries counts once


def test_timeout_is_retried(app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai", request_timeout=1.0,
                                                  min_review_coverage=0)})
    fake_llm.script(reply("too late", delay=2.5), reply("plan"), reply("nothing"),
                    reply("summary"))
    run = scan(app_repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    assert [a["kind"] for a in _attempts(app_repo, run.id)] == ["timeout"]


def test_retries_exhausted_end_incomplete(app_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    configure(app_repo, {NAME: scanner_config(
        fake_llm, "anthropic", retry={"max_retries": 2, "backoff_base": 0.01})})
    fake_llm.script(error(500), error(500), error(500))
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE
    assert run.scanners[0].reason.startswith("provider error (server): anthropic: HTTP 500")
    assert len(fake_llm.requests) == 3


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_auth_error_fails_fast(provider: str, app_repo: GitRepo, fake_llm: FakeLLMServer,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    configure(app_repo, {NAME: scanner_config(fake_llm, provider, api_key_env="FAKE_LLM_KEY")})
    fake_llm.script(error(401), reply("never sent"))
    monkeypatch.setenv("FAKE_LLM_KEY", "wrong-key")
    run = scan(app_repo).run
    assert len(fake_llm.requests) == 1  # no retry
    reason = run.scanners[0].reason
    assert reason.startswith(f"auth: {provider}: authentication failed (HTTP 401)")
    assert "$FAKE_LLM_KEY" in reason
    headers = fake_llm.requests[0].headers
    assert "wrong-key" in headers.get("authorization", "") + headers.get("x-api-key", "")


def test_missing_key_fails_before_any_request(app_repo: GitRepo,
                                              fake_llm: FakeLLMServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_KEY_VARIABLE", raising=False)
    configure(app_repo, {NAME: scanner_config(fake_llm, "openai",
                                              api_key_env="NO_SUCH_KEY_VARIABLE")})
    run = scan(app_repo).run
    assert run.status is RunStatus.INCOMPLETE and fake_llm.requests == []
    assert "$NO_SUCH_KEY_VARIABLE is not set" in run.scanners[0].reason


def test_backoff_grows_with_full_jitter_and_honours_retry_after() -> None:
    policy = RetryPolicy(max_retries=5, base=0.5, cap=4.0)
    rng = random.Random(1)
    waits = [[policy.delay(n, rng, None) for _ in range(200)] for n in range(5)]
    assert [round(max(w), 1) for w in waits] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert min(waits[3]) < 1.0  # full jitter: anywhere from zero
    assert policy.delay(0, rng, 3.0) == 3.0 and policy.delay(0, rng, 60.0) == 4.0


def test_waiting_past_the_time_box_ends_the_run() -> None:
    from assay.scanners.llm.budget import BudgetExhausted
    from assay.scanners.llm.interface import ErrorKind, ProviderError
    from assay.scanners.llm.retry import with_retries

    now = [0.0]
    meter = Meter(Limits(time_box=10.0), clock=lambda: now[0])
    now[0] = 9.5

    def failing() -> None:
        raise ProviderError(ErrorKind.RATE_LIMIT, "slow down", retry_after=5.0)

    with pytest.raises(BudgetExhausted, match="time-box 10s reached while retrying"):
        with_retries(failing, RetryPolicy(), meter, random.Random(0), lambda s: None,
                     lambda *a: None)
