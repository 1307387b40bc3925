"""Tools are confined to the snapshot; their output is capped deliberately."""

from __future__ import annotations

import json
import os
import re

import pytest

from assay.model import RunStatus
from assay.repo import open_snapshot
from assay.repo.globs import glob_regex
from assay.scanners.llm.findings import FindingReporter
from assay.scanners.llm.interface import ToolCall
from assay.scanners.llm.sandbox import Sandbox
from assay.scanners.llm.settings import ToolLimits
from assay.scanners.llm.tools import Toolbox
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, calls, reply, scanner_config
from tests.llm.helpers import NAME, configure, scan

ESCAPES = [{"path": "../../etc/passwd"}, {"path": "/etc/passwd"}, {"path": "link/etc/passwd"},
           {"path": "link"}, {"path": "secrets/keys.py"}, {"path": "app.py/../../x"},
           {"path": "C:\\Windows\\win.ini"}]


@pytest.fixture
def confined_repo(repo: GitRepo) -> GitRepo:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("secrets/keys.py", "KEY = 1\n")
    os.symlink("/", repo.path / "link")
    return repo


def _toolbox(repo: GitRepo, limits: ToolLimits | None = None,
             excluded: tuple[str, ...] = ("secrets/keys.py",)) -> Toolbox:
    snapshot = open_snapshot(repo.path)
    allowed = [f.path for f in snapshot.files if not f.symlink and f.path not in excluded]
    sandbox = Sandbox(snapshot, allowed, 2_000_000)
    return Toolbox(sandbox, limits or ToolLimits(), FindingReporter("t", sandbox))


def _run(box: Toolbox, name: str, args: object) -> tuple[str, bool]:
    outcome = box.execute(ToolCall("c1", name, json.dumps(args)), "explore")
    return outcome.result.content, outcome.result.is_error


@pytest.mark.parametrize("args", ESCAPES)
def test_escapes_are_refused(confined_repo: GitRepo, args: dict[str, str]) -> None:
    content, is_error = _run(_toolbox(confined_repo), "read_file", args)
    assert is_error and content.startswith("error: refused"), content
    assert "root:" not in content


def test_list_dir_does_not_follow_links(confined_repo: GitRepo) -> None:
    box = _toolbox(confined_repo)
    content, is_error = _run(box, "list_dir", {"path": "."})
    assert not is_error
    assert "link  (symbolic link, not followed)" in content and "app.py  (" in content
    assert "keys.py" not in content  # excluded by config: not shown
    assert _run(box, "list_dir", {"path": "link"})[0].startswith("error: refused")
    assert _run(box, "list_dir", {"path": "/"})[0].startswith("error: refused")


def test_read_file_is_capped_with_a_note(repo: GitRepo) -> None:
    repo.write("big.py", "".join(f"x{i} = {i}\n" for i in range(1, 1001)))
    box = _toolbox(repo, ToolLimits(max_read_lines=50, max_output_chars=1000))
    content, _ = _run(box, "read_file", {"path": "big.py", "start": 10})
    assert content.startswith("big.py lines 10-")
    assert "[truncated:" in content and len(content) <= 1000
    assert "    10| x10 = 10" in content
    content, _ = _run(box, "read_file", {"path": "big.py", "start": 990, "end": 2000})
    assert "lines 990-1000 of 1000" in content and "truncated" not in content
    content, is_error = _run(box, "read_file", {"path": "big.py", "start": 5000})
    assert is_error and "beyond the end" in content


def test_grep_is_capped_and_confined(repo: GitRepo) -> None:
    repo.write("a.py", "".join(f"token_{i} = 1\n" for i in range(50)))
    repo.write("docs/b.txt", "token_x\n")
    box = _toolbox(repo, ToolLimits(max_grep_matches=10), excluded=())
    content, _ = _run(box, "grep", {"pattern": "token_", "glob": "*.py"})
    assert content.count("\n") == 10 and "more than 10 matches" in content
    assert "docs/b.txt" not in content
    content, _ = _run(box, "grep", {"pattern": "token_x"})
    assert content == "docs/b.txt:1: token_x"
    assert _run(box, "grep", {"pattern": "(", "glob": "*"})[1]
    assert _run(box, "grep", {"pattern": "x", "glob": "../*"})[0].startswith("error: refused")


def test_traversal_attempts_reach_the_model_as_tool_errors(
        confined_repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    # every read is refused: the review reads nothing, which is not what is tested here
    configure(confined_repo, {NAME: scanner_config(fake_llm, "openai", min_review_coverage=0)},
              exclude=("secrets",))
    fake_llm.script(calls(*[("read_file", a) for a in ESCAPES[:4]]),
                    call("list_dir", {"path": "link"}), reply("done"), reply("summary"))
    run = scan(confined_repo).run
    assert run.status is RunStatus.COMPLETE
    results = [m for m in fake_llm.requests[1].body["messages"] if m["role"] == "tool"]
    assert len(results) == 4
    assert all(m["content"].startswith("error: refused") for m in results)
    assert "root:x:0:0" not in fake_llm.requests[1].raw
    assert "root:x:0:0" not in fake_llm.requests[2].raw
    assert dict(run.provenance.extra)[f"{NAME}.tool_errors"] == "5"


@pytest.mark.parametrize("args", [
    {"pattern": r"^\s*def (\w+)\("}, {"pattern": "TOKEN", "ignore_case": True},
    {"pattern": r"(?<=x)y+$"}, {"pattern": "^$"}, {"pattern": r"\bz{3}", "glob": "pkg/**"},
    {"pattern": "tail", "glob": "*.txt"}])
def test_grep_matches_as_python_re_does(repo: GitRepo, args: dict[str, object]) -> None:
    files = {"a.py": "def f(x):\n    token = 1\n\n  def g():\n", "pkg/sub/b.py": "xyyy\nzzz\n\n",
             "c.txt": "a" * 5000 + "tail\n" + "x" * 10 + "tail\n"}
    for path, text in files.items():
        repo.write(path, text)
    box = _toolbox(repo, excluded=())
    regex = re.compile(str(args["pattern"]), re.IGNORECASE if args.get("ignore_case") else 0)
    wanted = re.compile(glob_regex(str(args.get("glob", "*"))))
    expected = [f"{path}:{n}: {line[:400]}" for path in sorted(files) if wanted.fullmatch(path)
                for n, line in enumerate(files[path].splitlines(), 1)
                if regex.search(line[:1600])]
    content, is_error = _run(box, "grep", args)
    assert not is_error
    assert content == ("\n".join(expected) if expected else "no matches")
    box.close()
