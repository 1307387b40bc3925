"""`assay prove --generate`: the finding's LLM scanner writes the proof, which then has to
fail for the stated reason like any other proof."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assay import api
from assay.ledger import open_ledger
from assay.workflow.generate import GenerationFailed
from assay.workflow.lifecycle import Lifecycle
from assay.workflow.sandbox import sandbox_unavailable
from assay.workflow.states import State
from tests.helpers import GitRepo, project_ledger
from tests.llm.fakeserver import FakeLLMServer, call, reply, scanner_config
from tests.llm.helpers import configure
from tests.workflow.factories import llm_finding, run
from tests.workflow.test_end_to_end import PROOF, QUOTE, VULNERABLE

pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(bool(sandbox_unavailable()),
                                 reason=f"sandbox unavailable: {sandbox_unavailable()}")]
FP = "9f" * 16


@pytest.fixture
def project(repo: GitRepo, fake_llm: FakeLLMServer) -> GitRepo:
    repo.write("app.py", VULNERABLE)
    configure(repo, {"reviewer": scanner_config(fake_llm, "openai")})
    finding = replace(llm_finding(FP, line=12, scanner="reviewer"), snippet=QUOTE)
    with open_ledger(project_ledger(repo.path)) as store:
        store.record_run(run([finding]))
    return repo


def test_a_generated_proof_that_fails_by_assertion_proves_the_finding(
        project: GitRepo, fake_llm: FakeLLMServer) -> None:
    fake_llm.script(call("submit", {"test_code": PROOF,
                                    "expected_failure": "the injected OR returns every user"}))
    result = api.prove(project.path, FP[:8], generate=True, actor="ci")
    assert (result.record.verdict, result.state) == ("proven", State.PROVEN)
    assert result.record.source == "generated" and result.record.text == PROOF
    request = fake_llm.requests[0].body
    assert [t["function"]["name"] for t in request["tools"]] == ["submit"]
    assert QUOTE in request["messages"][-1]["content"]  # the file went along as a document
    with open_ledger(project_ledger(project.path)) as store:
        events = store.db.execute("SELECT kind FROM llm_traces WHERE run_id = ? AND "
                                  "scanner = 'reviewer#prove' ORDER BY seq",
                                  (result.record.id,)).fetchall()
        assert [e[0] for e in events][:1] == ["header"] and ("end",) in events


def test_a_generated_proof_with_a_typo_is_broken_and_proves_nothing(
        project: GitRepo, fake_llm: FakeLLMServer) -> None:
    typo = PROOF.replace("find_user(db,", "find_usr(db,")
    fake_llm.script(call("submit", {"test_code": typo, "expected_failure": "rows returned"}))
    result = api.prove(project.path, FP[:8], generate=True, actor="ci")
    assert result.record.verdict == "broken" and "NameError" in result.record.detail
    assert result.state is State.UNVERIFIED and result.transition is None


def test_no_proof_from_the_model_is_an_error_not_a_verdict(
        project: GitRepo, fake_llm: FakeLLMServer, tmp_path: Path) -> None:
    fake_llm.script(reply("I won't write that.", stop="refusal"))
    with pytest.raises(GenerationFailed, match="reviewer did not write a proof: refused"):
        api.prove(project.path, FP[:8], generate=True, actor="ci")
    with open_ledger(project_ledger(project.path)) as store:
        assert Lifecycle(store).proofs(FP) == []
