"""Identical scope, prompt, model, params and tools are served from the ledger."""

from __future__ import annotations

import pytest

from assay.formats.json import finding_to_dict
from assay.model import RunStatus
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, Turn, call, reply, scanner_config
from tests.llm.helpers import NAME, configure, finding_args, scan


@pytest.fixture
def cached_repo(repo: GitRepo, fake_llm: FakeLLMServer) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    configure(repo, {NAME: scanner_config(fake_llm, "openai")})
    return repo


def _script(server: FakeLLMServer) -> None:
    server.script(call("read_file", {"path": "app.py"}), call("report_finding", finding_args()),
                  reply("done"), reply("summary"))


def test_identical_scan_is_served_with_zero_tokens(cached_repo: GitRepo,
                                                   fake_llm: FakeLLMServer) -> None:
    _script(fake_llm)
    first = scan(cached_repo).run
    sent = len(fake_llm.requests)
    second = scan(cached_repo).run
    assert len(fake_llm.requests) == sent == 4
    assert second.status is RunStatus.COMPLETE
    assert second.metrics.tokens_in == second.metrics.tokens_out == 0
    assert second.metrics.cache.hits == 1
    assert second.metrics.cache.saved_tokens == first.metrics.tokens_in + \
        first.metrics.tokens_out == 4 * 150
    assert [finding_to_dict(f) for f in second.findings] == [
        finding_to_dict(f) for f in first.findings]
    assert second.provenance.scanners == first.provenance.scanners
    assert second.provenance.extra == first.provenance.extra


@pytest.mark.parametrize("option", ["fresh", "no_cache"])
def test_fresh_bypasses_the_cache(option: str, cached_repo: GitRepo,
                                  fake_llm: FakeLLMServer) -> None:
    _script(fake_llm)
    scan(cached_repo)
    _script(fake_llm)
    again = scan(cached_repo, **{option: True}).run
    assert len(fake_llm.requests) == 8 and again.metrics.cache.hits == 0
    assert again.metrics.tokens_in == 4 * 120


def test_changed_content_or_params_miss(cached_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    _script(fake_llm)
    scan(cached_repo)
    cached_repo.write("util.py", "X = 1\n")  # a file the model could read
    _script(fake_llm)
    assert scan(cached_repo).run.metrics.cache.hits == 0
    configure(cached_repo, {NAME: scanner_config(fake_llm, "openai", temperature=0.2)},
              commit=False)
    _script(fake_llm)
    assert scan(cached_repo).run.metrics.cache.hits == 0
    assert scan(cached_repo).run.metrics.cache.hits == 1


def test_incomplete_results_are_not_cached(cached_repo: GitRepo,
                                           fake_llm: FakeLLMServer) -> None:
    fake_llm.script(Turn(text="no", stop="refusal"))
    assert scan(cached_repo).run.status is RunStatus.INCOMPLETE
    fake_llm.script(Turn(text="no", stop="refusal"))
    again = scan(cached_repo).run
    assert again.metrics.cache.hits == 0 and len(fake_llm.requests) == 2



