"""Review coverage: a file counts as reviewed only when the model read it (in a diff
review, its changed lines); a review below its threshold is incomplete and lists every
unread file as `not-reviewed`."""

from __future__ import annotations

import json
import subprocess
import sys

from assay.model import RunStatus, SkipReason
from tests.helpers import GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, reply, scanner_config
from tests.llm.helpers import NAME, configure, scan

FILES = ("a.py", "b.py", "c.py", "d.py", "e.py")


def _five_files(repo: GitRepo) -> None:
    for name in FILES:
        repo.write(name, f"def {name[0]}():\n    return 1\n")


def test_a_review_that_opened_one_of_five_files_is_incomplete_and_exits_3(
        repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    _five_files(repo)
    configure(repo, {NAME: scanner_config(fake_llm, "openai")})
    fake_llm.script(call("read_file", {"path": "c.py"}), reply("done"), reply("summary"))
    done = subprocess.run([sys.executable, "-m", "assay", "scan", str(repo.path), "--scanner",
                           NAME, "-f", "json", "--no-record"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 3, done.stderr
    doc = json.loads(done.stdout)
    coverage = doc["coverage"]
    assert (coverage["in_scope"], coverage["analyzed"], coverage["complete"]) == (5, 1, False)
    assert sorted((s["path"], s["reason"], s["scanner"]) for s in coverage["skipped"]) == [
        (p, "not-reviewed", NAME) for p in FILES if p != "c.py"]
    [reason] = doc["run"]["reasons"][:1]
    assert "review coverage 1/5 files (20%)" in reason and "50%" in reason


def test_text_output_names_the_scanner_and_what_was_not_reviewed(
        repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    _five_files(repo)
    configure(repo, {NAME: scanner_config(fake_llm, "openai")})
    fake_llm.script(reply("done"), reply("nothing"), reply("summary"))
    done = subprocess.run([sys.executable, "-m", "assay", "scan", str(repo.path), "--scanner",
                           NAME, "--no-record"], capture_output=True, text=True, check=False)
    assert done.returncode == 3, done.stderr
    assert f"INCOMPLETE: {NAME}: 5 in-scope file(s) not analyzed (not-reviewed: 5)" \
        in done.stdout
    assert "review coverage 0/5 files (0%)" in done.stdout
    assert "COMPLETE" not in done.stdout.replace("INCOMPLETE", "")


def test_a_review_that_meets_its_threshold_lists_unread_files_without_a_gap(
        repo: GitRepo, fake_llm: FakeLLMServer) -> None:
    _five_files(repo)
    configure(repo, {NAME: scanner_config(fake_llm, "openai", min_review_coverage=0.2)})
    fake_llm.script(call("read_file", {"path": "a.py"}), reply("done"), reply("summary"))
    run = scan(repo).run
    assert run.status is RunStatus.COMPLETE, run.reasons
    assert run.coverage.complete and run.coverage.analyzed == 1
    assert sorted((s.path, s.reason) for s in run.coverage.skipped) == [
        (p, SkipReason.NOT_REVIEWED_WITHIN_THRESHOLD) for p in FILES[1:]]


def test_a_diff_review_must_read_the_changed_lines(repo: GitRepo,
                                                   fake_llm: FakeLLMServer) -> None:
    lines = [f"X{n} = {n}" for n in range(1, 501)]
    repo.write("big.py", "\n".join(lines) + "\n")
    configure(repo, {NAME: scanner_config(fake_llm, "openai")})
    repo.write("big.py", "\n".join([*lines[:449], "X450 = eval(input())", *lines[450:]]) + "\n")
    repo.commit("change line 450")
    # the first read shows lines 1-400 only: the file was opened, its change never seen
    fake_llm.script(call("read_file", {"path": "big.py"}), reply("done"), reply("summary"))
    run = scan(repo, diff="HEAD~1").run
    assert run.status is RunStatus.INCOMPLETE
    assert [(s.path, s.reason) for s in run.coverage.gaps] == [
        ("big.py", SkipReason.NOT_REVIEWED)]
    fake_llm.script(call("read_file", {"path": "big.py", "start": 440}), reply("done"),
                    reply("summary"))
    again = scan(repo, diff="HEAD~1", fresh=True).run
    assert again.status is RunStatus.COMPLETE, again.reasons
    assert again.coverage.analyzed == 1 and again.coverage.skipped == ()
