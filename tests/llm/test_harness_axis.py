"""The harness is an axis of the variance matrix: `assay compare` labels and lists each
run's harness, so the same scanner run as an agent and single-shot can be told apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, reply, scanner_config
from tests.llm.helpers import NAME, configure, finding_args, scan


def test_compare_shows_the_harness_of_each_run(repo: GitRepo,
                                               fake_llm: FakeLLMServer) -> None:
    repo.write("app.py", VULNERABLE_APP)
    configure(repo, {NAME: scanner_config(fake_llm, "openai", min_review_coverage=0)})
    fake_llm.script(call("report_finding", finding_args()), reply("done"), reply("summary"))
    agent = scan(repo).run
    configure(repo, {NAME: scanner_config(fake_llm, "openai", harness="single-shot")},
              commit=False)
    fake_llm.script(reply(json.dumps({"findings": [finding_args()]})))
    single = scan(repo).run
    assert agent.target.commit == single.target.commit and len(single.findings) == 1
    base = [sys.executable, "-m", "assay", "compare", str(repo.path), "--from", agent.id,
            "--from", single.id]
    done = subprocess.run([*base, "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["labels"] == [f"{NAME} [agent]", f"{NAME} [single-shot]"]
    assert [r["harness"] for r in doc["runs"]] == ["agent", "single-shot"]
    assert doc["jaccard"][0][1] == 1.0
    text = subprocess.run(base, capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "160"})
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    [header] = [line.split("┃")[1:4] for line in lines if line.count("┃") >= 4]
    assert [c.strip() for c in header] == ["", "harness", "findings"]
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in lines
             if line.count("│") >= 4]
    assert [row[:3] for row in cells] == [[f"{NAME} [agent]", "agent", "1"],
                                              [f"{NAME} [single-shot]", "single-shot", "1"]]
