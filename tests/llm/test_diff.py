"""`--diff`: the model is asked to review the changed hunks, and reads the context."""

from __future__ import annotations

import subprocess
import sys

from assay.model import RunStatus
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, calls, reply, scanner_config
from tests.llm.helpers import NAME, configure, openai_messages, scan


def test_diff_scope_lists_changed_hunks_only(repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("other.py", "A = 1\n")
    configure(repo, {NAME: scanner_config(fake_llm, "openai")})
    base = repo.commit("base")
    repo.write("app.py", VULNERABLE_APP.replace('return hashlib.md5(token.encode()).hexdigest()',
                                                'return hashlib.sha1(token.encode()).hexdigest()'
                                                '\n\n\ndef extra():\n    return eval(input())'))
    repo.write("new.py", "import os\nos.system(input())\n")
    head = repo.commit("change")
    fake_llm.script(calls(("read_file", {"path": "app.py", "start": 20}),
                          ("read_file", {"path": "new.py"})), reply("done"), reply("summary"))
    result = scan(repo, diff=f"{base[:8]}..HEAD")
    run = result.run
    assert run.status is RunStatus.COMPLETE
    assert run.target.diff_base == base and run.target.commit == head
    scope = openai_messages(fake_llm.requests[0].body, "user")[0]
    assert f"Changed since commit {base[:12]} (2 files):" in scope
    assert "- app.py: lines 23-27" in scope  # md5 line modified, four lines added
    assert "- new.py: lines 1-2" in scope and "other.py" not in scope
    assert "eval(input())" not in scope  # code only reaches the model through tools


def test_cli_diff_and_fresh_flags(repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    repo.write("app.py", VULNERABLE_APP)
    configure(repo, {NAME: scanner_config(fake_llm, "anthropic")})
    repo.write("app.py", VULNERABLE_APP + "\nX = 1\n")
    repo.commit("change")
    for _ in range(2):
        fake_llm.script(call("read_file", {"path": "app.py"}), reply("done"), reply("summary"))
    args = [sys.executable, "-m", "assay", "scan", str(repo.path), "--scanner", NAME,
            "--diff", "HEAD~1", "-f", "json", "--fresh"]
    first = subprocess.run(args, capture_output=True, text=True, check=False)
    second = subprocess.run(args, capture_output=True, text=True, check=False)
    assert first.returncode == second.returncode == 0, first.stderr
    assert len(fake_llm.requests) == 6  # --fresh: no cache hit
    assert '"diff_base"' in first.stdout
