"""Attacks on coverage: nothing in the scanned tree can hide code from analysis.

Every attack is judged by what the scan reports (the finding, the exit code, the skip
reason) or by what it must never show (content from outside the tree), each beside a
control: the same code without the trick, which the scan reports.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assay.model import Confidence, Finding, FindingKind, Severity, Span
from assay.normalize.merge import Engines, MergePolicy, merge_findings
from assay.repo import RepoError, open_snapshot
from assay.scanners.llm.findings import FindingReporter
from assay.scanners.llm.interface import ToolCall
from assay.scanners.llm.sandbox import Sandbox
from assay.scanners.llm.settings import ToolLimits
from assay.scanners.llm.tools import Toolbox
from assay.workflow.proof import materialize_copy
from tests.helpers import GitRepo

EXIT_OK, EXIT_BLOCK, EXIT_INCOMPLETE = 0, 1, 3
RULE = "assay.python.command-injection.taint"
MARK = "OUTSIDE-7f3a"
INJECTION = f'''\
import subprocess

from flask import request


def handler():
    cmd = request.args["c"]
    subprocess.call(cmd, shell=True)  # {MARK}
'''


def run_assay(*args: str, cwd: Path, env: dict[str, str] | None = None,
              ) -> subprocess.CompletedProcess[str]:
    """`python -m assay ARGS` in `cwd`, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "assay", *args], cwd=cwd,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=600, check=False)


def scan(repo: GitRepo, *args: str, env: dict[str, str] | None = None,
         ) -> tuple[int, dict[str, Any], str]:
    """Exit code, JSON document and raw output of `assay scan` on `repo`."""
    proc = run_assay("scan", "-f", "json", "-q", "--no-record", *args, cwd=repo.path, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


def found(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["path"], f["rule_id"]) for f in doc["findings"]}


def skips(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(s["path"], s["reason"]) for s in doc["coverage"]["skipped"]}


REVS = pytest.mark.parametrize("rev", [(), ("--rev", "HEAD")], ids=["worktree", "rev"])


@REVS
def test_a_py_link_to_a_file_in_the_tree_is_scanned_under_its_own_name(
        tmp_path: Path, rev: tuple[str, ...]) -> None:
    linked = GitRepo(tmp_path / "linked")
    linked.write("code.txt", INJECTION)  # not a .py file: never scanned as itself
    (linked.path / "app.py").symlink_to("code.txt")
    linked.write("pkg/__init__.py", "")
    (linked.path / "pkg" / "views.py").symlink_to("../code.txt")
    linked.commit()
    code, doc, _ = scan(linked, *rev)
    assert code == EXIT_BLOCK, doc["coverage"]
    assert {("app.py", RULE), ("pkg/views.py", RULE)} <= found(doc)
    assert doc["coverage"]["complete"] and doc["coverage"]["in_scope"] == 3
    # control: the same code as a plain file is reported the same way
    plain = GitRepo(tmp_path / "plain")
    plain.write("app.py", INJECTION)
    plain.commit()
    code, doc, _ = scan(plain, *rev)
    assert code == EXIT_BLOCK and ("app.py", RULE) in found(doc)


@REVS
def test_a_py_link_out_of_the_tree_is_incomplete_and_never_read(
        tmp_path: Path, rev: tuple[str, ...]) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text(INJECTION, encoding="utf-8")
    repo = GitRepo(tmp_path / "repo")
    repo.write("ok.py", "x = 1\n")
    (repo.path / "app.py").symlink_to(outside)
    (repo.path / "up.py").symlink_to("../outside.py")
    repo.commit()
    code, doc, output = scan(repo, *rev)
    assert code == EXIT_INCOMPLETE
    assert {("app.py", "symlink-outside"), ("up.py", "symlink-outside")} <= skips(doc)
    assert not doc["coverage"]["complete"] and MARK not in output
    # control: the same file inside the tree is read and reported (with its mark)
    inside = GitRepo(tmp_path / "inside")
    inside.write("app.py", INJECTION)
    inside.commit()
    code, doc, output = scan(inside, *rev)
    assert code == EXIT_BLOCK and MARK in output


def _swapped_lib(tmp_path: Path) -> GitRepo:
    """A repository whose index lists lib/util.py, with lib now a link to a directory
    outside the tree holding a file of that name."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "from lib import util\n")
    repo.write("lib/__init__.py", "")
    repo.write("lib/util.py", "VALUE = 1\n")
    repo.commit()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "__init__.py").write_text("", encoding="utf-8")
    (elsewhere / "util.py").write_text(INJECTION, encoding="utf-8")
    for name in ("__init__.py", "util.py"):
        (repo.path / "lib" / name).unlink()
    (repo.path / "lib").rmdir()
    (repo.path / "lib").symlink_to(elsewhere)
    return repo


def test_a_directory_swapped_for_a_link_out_of_the_tree_is_never_read(
        tmp_path: Path) -> None:
    repo = _swapped_lib(tmp_path)
    code, doc, output = scan(repo)
    assert code == EXIT_INCOMPLETE and MARK not in output
    assert ("lib/util.py", "symlink-outside") in skips(doc)
    gate = run_assay("gate", "-q", "--diff", "HEAD", "-f", "json", cwd=repo.path)
    assert gate.returncode == EXIT_INCOMPLETE and MARK not in gate.stdout + gate.stderr
    snapshot = open_snapshot(repo.path)
    with pytest.raises(RepoError, match="symbolic link"):
        snapshot.read("lib/util.py")
    copy = materialize_copy(snapshot, tmp_path / "proof-copy")  # what a proof runs on
    assert (copy / "app.py").exists() and not (copy / "lib" / "util.py").exists()
    allowed = [f.path for f in snapshot.files if not f.symlink]
    sandbox = Sandbox(snapshot, allowed, 2_000_000)  # the LLM's read_file tool
    box = Toolbox(sandbox, ToolLimits(), FindingReporter("t", sandbox))
    outcome = box.execute(ToolCall("c1", "read_file", json.dumps({"path": "lib/util.py"})),
                          "explore")
    assert outcome.result.is_error and MARK not in outcome.result.content
    # control: the same file inside the tree is read, reported and readable by the tool
    inside = GitRepo(tmp_path / "inside")
    inside.write("lib/util.py", INJECTION)
    inside.commit()
    code, doc, output = scan(inside)
    assert code == EXIT_BLOCK and ("lib/util.py", RULE) in found(doc) and MARK in output
    snapshot = open_snapshot(inside.path)
    sandbox = Sandbox(snapshot, [f.path for f in snapshot.files], 2_000_000)
    box = Toolbox(sandbox, ToolLimits(), FindingReporter("t", sandbox))
    outcome = box.execute(ToolCall("c1", "read_file", json.dumps({"path": "lib/util.py"})),
                          "explore")
    assert MARK in outcome.result.content


def _utf7(text: str, hidden: str) -> bytes:
    """`text` in UTF-7 with each character of `hidden` written as a UTF-7 escape."""
    for char in hidden:
        escape = base64.b64encode(char.encode("utf-16-be")).decode().rstrip("=")
        text = text.replace(char, f"+{escape}-")
    return text.encode("ascii")


def test_a_coding_declaration_cannot_hide_code_from_semgrep(tmp_path: Path) -> None:
    declared = GitRepo(tmp_path / "declared")
    data = b"# -*- coding: utf-7 -*-\n" + _utf7(INJECTION, "=[]")
    assert b"shell=True" not in data and data.decode("utf-7").endswith(INJECTION)
    declared.write("app.py", data)
    declared.commit()
    for rev in ((), ("--rev", "HEAD")):
        code, doc, _ = scan(declared, *rev)
        assert code == EXIT_BLOCK, doc
        assert ("app.py", RULE) in found(doc) and doc["coverage"]["complete"]
    # control: the same code in UTF-8
    plain = GitRepo(tmp_path / "plain")
    plain.write("app.py", "# -*- coding: utf-8 -*-\n" + INJECTION)
    plain.commit()
    code, doc, _ = scan(plain)
    assert code == EXIT_BLOCK and ("app.py", RULE) in found(doc)


def test_an_honest_latin1_file_is_analyzed_at_its_own_lines(repo: GitRepo) -> None:
    text = "# -*- coding: latin-1 -*-\n# Caf\u00e9 cr\u00e8me\n" + INJECTION
    repo.write("app.py", text.encode("latin-1"))
    repo.commit()
    code, doc, _ = scan(repo)
    assert code == EXIT_BLOCK and doc["coverage"]["complete"]
    (finding,) = [f for f in doc["findings"] if f["rule_id"] == RULE]
    assert finding["start_line"] == 10 and "shell=True" in finding["snippet"]


def test_bandit_findings_stand_where_semgrep_did_not_analyze(repo: GitRepo) -> None:
    repo.write("app.py", INJECTION)
    repo.commit()
    code, doc, _ = scan(repo, env={"ASSAY_SEMGREP": str(repo.path / "no-such-semgrep")})
    assert code == EXIT_INCOMPLETE
    assert ("app.py", "B602") in found(doc)  # not dropped as "unconfirmed by the taint rules"
    # control: where Semgrep analyzed the file, its silence demotes Bandit's pattern match
    # to a low, non-blocking finding (it is still shown, with the reason; a constant
    # command would be left out as positively no injection)
    repo.write("safe.py", "import os\nimport subprocess\n"
                          "subprocess.call(os.environ['HOOK'], shell=True)\n")
    repo.commit()
    code, doc, _ = scan(repo)
    (demoted,) = [f for f in doc["findings"] if (f["path"], f["rule_id"]) == ("safe.py", "B602")]
    assert code == EXIT_BLOCK and "unconfirmed-by-taint" in demoted["tags"]
    assert (demoted["severity"], demoted["confidence"]) == ("low", "low")


def _finding(scanner: str, rule: str, path: str, line: int) -> Finding:
    return Finding(scanner=scanner, rule_id=rule, path=path, span=Span(line, line),
                   severity=Severity.HIGH, confidence=Confidence.HIGH, message="m", cwe=78,
                   kind=FindingKind.DETERMINISTIC, sources=(f"{scanner}:{rule}",))


def test_the_merge_drops_nothing_in_a_file_semgrep_did_not_analyze() -> None:
    bandit = [_finding("bandit", "B602", "seen.py", 3), _finding("bandit", "B602", "unseen.py", 3)]
    merged = merge_findings(bandit, [78], Engines("bandit", "semgrep", frozenset({"B602"})),
                            MergePolicy.DROP, analyzed={"seen.py"})
    assert [f.path for f in merged.findings] == ["unseen.py"]
    assert merged.unconfirmed == ("B602",)


OPTION_NAMES = ("--config=evil.yaml.py", "-e.py", "--output=x.py", "--help.py", "-.py")


@REVS
def test_file_names_that_look_like_options_are_scanned_as_files(
        tmp_path: Path, rev: tuple[str, ...]) -> None:
    repo = GitRepo(tmp_path / "repo")
    for name in OPTION_NAMES:
        repo.write(name, INJECTION)
    repo.write("plain.py", INJECTION)  # control: an ordinary name, in the same run
    repo.commit()
    code, doc, _ = scan(repo, *rev)
    assert code == EXIT_BLOCK and doc["coverage"]["complete"], doc["coverage"]
    assert doc["coverage"]["in_scope"] == len(OPTION_NAMES) + 1
    assert {(n, RULE) for n in [*OPTION_NAMES, "plain.py"]} <= found(doc)
    bandit = {f["path"] for f in doc["findings"] if "bandit:B602" in f["sources"]}
    assert set(OPTION_NAMES) <= bandit
    for where in (repo.path, tmp_path):  # nothing written where an option would point
        assert not (where / "evil.yaml").exists() and not (where / "x").exists()
    assert all((repo.path / n).read_text(encoding="utf-8") == INJECTION for n in OPTION_NAMES)


def test_deeply_nested_and_long_files_are_reported_never_a_crash(repo: GitRepo) -> None:
    depth = 100_000
    repo.write("parens.py", "x = " + "(" * depth + "1" + ")" * depth + "\n")
    repo.write("brackets.py", "x = " + "[" * depth + "]" * depth + "\n")
    repo.write("unary.py", "x = " + "-" * depth + "1\n")  # overflows the parser's stack
    repo.write("chain.py", "x = a" + ".b" * depth + "\n")  # too deep for the AST
    long_line = "values = [" + "1, " * 60_000 + "]; " + INJECTION.splitlines()[-1].strip()
    repo.write("long.py", INJECTION.replace(INJECTION.splitlines()[-1], "    " + long_line))
    repo.write("app.py", INJECTION)  # control: analyzed and reported in the same run
    repo.commit()
    proc = run_assay("scan", "-q", "--no-record", cwd=repo.path)
    assert proc.returncode == EXIT_INCOMPLETE, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "RecursionError" not in proc.stderr + proc.stdout
    code, doc, _ = scan(repo)
    assert code == EXIT_INCOMPLETE
    gaps = {p for p, reason in skips(doc) if reason not in ("excluded", "symlink")}
    assert gaps == {"parens.py", "brackets.py", "unary.py", "chain.py"}
    assert {("app.py", RULE), ("long.py", RULE)} <= found(doc)
    (app,) = [f for f in doc["findings"] if f["path"] == "app.py" and f["rule_id"] == RULE]
    assert "bandit:B602" in app["sources"]  # both engines went on with the rest
