"""The trace of `assay prove --generate` opens with the command the output names: the
proof's id, given to `assay replay`, lists the recorded generation, whether a proof came
of it or not."""

from __future__ import annotations

import json
import re

import pytest

from assay.workflow.sandbox import sandbox_unavailable
from tests.helpers import GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, reply
from tests.scanners.test_bad_input import assay
from tests.workflow.test_end_to_end import PROOF
from tests.workflow.test_generate import FP, project  # noqa: F401 - the fixture

pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(bool(sandbox_unavailable()),
                                 reason=f"sandbox unavailable: {sandbox_unavailable()}")]
COMMAND = re.compile(r"assay replay (P\d{8}T\d{6}Z-[0-9a-f]+)")


def test_the_generation_trace_opens_with_the_printed_command(
        project: GitRepo, fake_llm: FakeLLMServer) -> None:  # noqa: F811
    fake_llm.script(call("submit", {"test_code": PROOF,
                                    "expected_failure": "the injected OR returns every user"}))
    proved = assay("prove", FP[:8], "--generate", "--actor", "ci", cwd=project.path)
    assert proved.returncode == 0, proved.stderr
    match = COMMAND.search(" ".join(proved.stdout.split()))
    assert match is not None, proved.stdout
    opened = assay("replay", match.group(1), cwd=project.path)
    assert opened.returncode == 0, opened.stderr
    out = " ".join(opened.stdout.split())
    assert f"proof {match.group(1)}: generation by reviewer#prove" in out
    assert "response: calls submit" in out and "end: complete, a proof was written" in out
    doc = json.loads(assay("replay", match.group(1), "--json", cwd=project.path).stdout)
    assert doc["proof"] == match.group(1) and doc["scanner"] == "reviewer#prove"
    assert doc["events"][0]["kind"] == "header"
    assert doc["events"][-1]["kind"] == "end"


def test_a_failed_generation_names_the_command_that_opens_its_trace(
        project: GitRepo, fake_llm: FakeLLMServer) -> None:  # noqa: F811
    fake_llm.script(reply("I won't write that.", stop="refusal"))
    failed = assay("prove", FP[:8], "--generate", "--actor", "ci", cwd=project.path)
    assert failed.returncode == 3, failed.stderr
    match = COMMAND.search(failed.stderr)
    assert match is not None, failed.stderr
    opened = assay("replay", match.group(1), cwd=project.path)
    assert opened.returncode == 0, opened.stderr
    assert "end: incomplete: refused" in " ".join(opened.stdout.split())
