"""One-shot structured generation: a harness stage with its own budget and trace."""

from __future__ import annotations

from assay.config import Config
from assay.ledger import open_ledger
from assay.model import RunStatus
from assay.scanners.llm.budget import Limits
from assay.scanners.llm.generate import GenerationTask
from assay.scanners.llm.scanner import LlmScanner
from assay.scanners.llm.store import LlmStore
from assay.scanners.registry import build_scanner
from tests.helpers import GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, reply, scanner_config

SCHEMA = {"type": "object", "properties": {"test_code": {"type": "string"},
                                           "explanation": {"type": "string"}},
          "required": ["test_code", "explanation"]}
SECRET = "AKIAZ7PLANTED7SECRET"


def _scanner(server: FakeLLMServer, provider: str) -> LlmScanner:
    config = Config(scanners={"rev": scanner_config(server, provider)})
    scanner = build_scanner("rev", config)
    assert isinstance(scanner, LlmScanner)
    return scanner


def _task(steps: int = 2) -> GenerationTask:
    return GenerationTask(stage="prove", instructions="Write a pytest proof.",
                          prompt="Prove the finding.", schema=SCHEMA,
                          documents=(("app.py", f'KEY = "{SECRET}"\n'),),
                          limits=Limits(max_steps=steps))


def test_generation_repairs_once_and_records_its_trace(repo: GitRepo,
                                                       fake_llm: FakeLLMServer) -> None:
    fake_llm.forbid(SECRET)
    fake_llm.script(call("submit", {"test_code": "def test_x(): ..."}),
                    call("submit", {"test_code": "def test_x(): ...", "explanation": "e"}))
    with open_ledger(repo.path / "ledger.db") as ledger:
        result = _scanner(fake_llm, "anthropic").generate(_task(), run_id="R1", ledger=ledger)
    assert result.status is RunStatus.COMPLETE and result.value is not None
    assert result.value["explanation"] == "e" and result.redactions == 1
    assert result.stage.name == "rev:prove" and result.stage.requests == 2
    assert "missing required field(s): explanation" in fake_llm.requests[1].raw
    assert fake_llm.violations == []
    with open_ledger(repo.path / "ledger.db") as ledger:
        kinds = [e.kind for e in LlmStore(ledger).events("R1", "rev#prove")]
    assert kinds[0] == "header" and kinds.count("response") == 2 and kinds[-1] == "end"


def test_generation_has_its_own_budget(fake_llm: FakeLLMServer) -> None:
    fake_llm.script(reply("I think the test would be..."), reply("still prose"))
    result = _scanner(fake_llm, "openai").generate(_task(steps=2))
    assert result.status is RunStatus.INCOMPLETE and result.value is None
    assert result.reason == "budget: max_steps 2 reached"


def test_generation_accepts_json_text(fake_llm: FakeLLMServer) -> None:
    fake_llm.script(reply('```json\n{"test_code": "t", "explanation": "e"}\n```'))
    result = _scanner(fake_llm, "openai").generate(_task())
    assert result.value == {"test_code": "t", "explanation": "e"}
