"""Attacks through git: reading the scanned repository never runs its code.

A downloaded repository brings its own `.git/config` and index, and every repository
its `.gitattributes`: programs they name (fsmonitor, clean and smudge filters, textconv,
external diff, pager, hooks, ssh, a promisor remote's transport) must never run, and
neither the caller's `GIT_*` variables nor the configuration may point assay at other
files. Each attack is judged by marker files the planted programs would write, beside a
control: plain git on the same repository writes them.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from assay.repo.git import git_env
from tests.helpers import GIT_ENV, GitRepo

EXIT_USAGE, EXIT_INCOMPLETE = 2, 3
RULE = "assay.python.command-injection.taint"
INJECTION = '''\
import subprocess

from flask import request


def handler():
    cmd = request.args["c"]
    subprocess.call(cmd, shell=True)
'''
HOOKS = ("post-index-change", "post-checkout", "pre-commit", "reference-transaction",
         "pre-auto-gc", "fsmonitor-watchman", "post-rewrite", "pre-push")


def run_assay(*args: str, cwd: Path, env: dict[str, str] | None = None,
              ) -> subprocess.CompletedProcess[str]:
    """`python -m assay ARGS` in `cwd`, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "assay", *args], cwd=cwd,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=600, check=False)


def plain_git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """git as a user runs it on the repository (the control)."""
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, **(env or {})}, check=False)
    return proc.stdout


class Planted:
    """Programs that write a marker file named after themselves when they run."""

    def __init__(self, tmp_path: Path) -> None:
        self.bin = tmp_path / "bin"
        self.markers = tmp_path / "markers"
        self.bin.mkdir()
        self.markers.mkdir()

    def script(self, name: str, then: str = "exit 0") -> str:
        path = self.bin / name
        path.write_text(f"#!/bin/sh\ntouch '{self.markers / name}'\n{then}\n", encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
        return str(path)

    def written(self) -> set[str]:
        return {p.name for p in self.markers.iterdir()}

    def clear(self) -> None:
        for marker in self.markers.iterdir():
            marker.unlink()


def _touch_later(path: Path) -> None:
    """New modification time, same content: git must look at the file again."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[GitRepo, Planted]:
    """A repository whose configuration names a program for everything git can run."""
    planted = Planted(tmp_path)
    repo = GitRepo(tmp_path / "repo")
    repo.write(".gitattributes", "*.py filter=evil diff=evil\n")
    repo.write("app.py", INJECTION)
    repo.commit("first")
    repo.write("app.py", INJECTION + "\n\ndef other():\n    return 1\n")
    repo.write("util.py", "VALUE = 1\n")
    repo.commit("second")
    clean, smudge = planted.script("clean", "exec cat"), planted.script("smudge", "exec cat")
    textconv = planted.script("textconv", 'exec cat "$1"')
    (repo.path / ".git" / "evil.cfg").write_text(
        f'[filter "evil"]\n\tclean = {clean}\n\tsmudge = {smudge}\n'
        f'[diff "evil"]\n\ttextconv = {textconv}\n', encoding="utf-8")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in HOOKS:
        os.symlink(planted.script(f"hook-{hook}"), hooks / hook)
    settings = {"include.path": "evil.cfg", "core.fsmonitor": planted.script("fsmonitor"),
                "diff.external": planted.script("external"), "core.hooksPath": str(hooks),
                "core.pager": planted.script("pager", "exec cat"),
                "core.sshCommand": planted.script("ssh"), "gc.auto": "1",
                "core.editor": planted.script("editor")}
    for key, value in settings.items():
        repo.git("config", key, value)
    _touch_later(repo.path / "app.py")
    repo.write("new.py", INJECTION)  # an untracked file for the work tree's diff
    # util.py is "racily clean", as files are right after a checkout: written in the
    # second the index was, git must hash it to know it unchanged
    written = (repo.path / "util.py").stat().st_mtime_ns
    os.utime(repo.path / ".git" / "index", ns=(written, written))
    planted.clear()
    return repo, planted


ASSAY_RUNS = {
    "scan": ("scan", "-q", "--no-record", "-f", "json"),
    "scan --rev": ("scan", "-q", "--no-record", "-f", "json", "--rev", "HEAD~1"),
    "gate --diff work tree": ("gate", "-q", "-f", "json", "--diff", "HEAD"),
    "gate --diff range": ("gate", "-q", "-f", "json", "--diff", "HEAD~1..HEAD"),
    "tier": ("tier", "--json", "--diff", "HEAD~1"),
}


@pytest.mark.parametrize("command", sorted(ASSAY_RUNS))
def test_no_program_the_repository_names_runs(hostile: tuple[GitRepo, Planted],
                                              command: str) -> None:
    repo, planted = hostile
    proc = run_assay(*ASSAY_RUNS[command], cwd=repo.path)
    assert proc.returncode not in (EXIT_USAGE, EXIT_INCOMPLETE), proc.stderr
    assert "Traceback" not in proc.stderr
    assert planted.written() == set()
    if command.startswith("scan"):
        assert ("app.py", RULE) in {(f["path"], f["rule_id"])
                                    for f in json.loads(proc.stdout)["findings"]}
    # control: plain git on the same repository runs them
    plain_git(repo.path, "status")
    plain_git(repo.path, "diff", "HEAD~1", "HEAD")
    plain_git(repo.path, "diff", "--no-ext-diff", "HEAD~1", "HEAD")
    assert {"fsmonitor", "clean", "external", "textconv"} <= planted.written()


def test_a_promisor_remote_is_never_contacted(tmp_path: Path) -> None:
    planted = Planted(tmp_path)
    origin = GitRepo(tmp_path / "origin")
    origin.write("app.py", INJECTION)
    origin.commit()
    origin.git("config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-checkout", "--filter=blob:none",
                    f"file://{origin.path}", str(clone)], check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})
    marker = planted.markers / "transport"
    plain_git(clone, "config", "remote.origin.url", f"ext::sh -c touch% {marker}")
    plain_git(clone, "config", "protocol.ext.allow", "always")
    proc = run_assay("scan", "-q", "--no-record", "--rev", "HEAD", cwd=clone)
    assert planted.written() == set()
    assert proc.returncode == EXIT_USAGE and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "promisor" in lines[0], proc.stderr
    # control: plain git fetches the missing blob through the planted transport
    plain_git(clone, "cat-file", "-p", "HEAD:app.py")
    assert planted.written() == {"transport"}


def test_the_callers_git_variables_are_not_inherited(hostile: tuple[GitRepo, Planted],
                                                     tmp_path: Path) -> None:
    repo, planted = hostile
    decoy = GitRepo(tmp_path / "decoy")
    decoy.write("decoy.py", INJECTION)
    decoy.commit()
    env = {"GIT_DIR": str(decoy.path / ".git"), "GIT_WORK_TREE": str(decoy.path),
           "GIT_INDEX_FILE": str(decoy.path / ".git" / "index"),
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "filter.evil.clean",
           "GIT_CONFIG_VALUE_0": planted.script("env-clean", "exec cat"),
           "GIT_EXTERNAL_DIFF": planted.script("env-external"),
           "GIT_SSH_COMMAND": planted.script("env-ssh"), "SECRET_TOKEN": "s3cret"}
    proc = run_assay(*ASSAY_RUNS["scan"], cwd=repo.path, env=env)
    paths = {f["path"] for f in json.loads(proc.stdout)["findings"]}
    assert "app.py" in paths and "decoy.py" not in paths
    assert planted.written() == set()
    # git itself gets a few variables of assay's own, none of the caller's GIT_*
    os.environ.update(env)
    try:
        given = git_env()
    finally:
        for key in env:
            del os.environ[key]
    assert "SECRET_TOKEN" not in given
    assert not {k for k in given if k.startswith("GIT_")} & set(env)
    # control: plain git with the same variables reads the decoy and runs the filter
    assert "decoy.py" in plain_git(repo.path, "ls-files", env=env)
    config = {k: v for k, v in env.items() if k.startswith("GIT_CONFIG_")}
    plain_git(repo.path, "status", env=config)
    assert "env-clean" in planted.written()


def test_core_worktree_does_not_send_the_scan_elsewhere(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "stolen.py").write_text("API_KEY = 'STOLEN-5d1e'\n" + INJECTION,
                                         encoding="utf-8")
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", INJECTION)
    repo.commit()
    repo.git("config", "core.worktree", str(elsewhere))
    proc = run_assay(*ASSAY_RUNS["scan"], cwd=repo.path)
    doc = json.loads(proc.stdout)
    assert "STOLEN-5d1e" not in proc.stdout + proc.stderr
    assert {f["path"] for f in doc["findings"]} == {"app.py"}
    # control: git itself takes the other directory for the work tree
    assert "stolen.py" in plain_git(repo.path, "ls-files", "--others")


def test_a_tree_entry_named_dot_dot_is_never_written(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("app.py", INJECTION)
    good = repo.commit()
    blob = repo.git("rev-parse", f"{good}:app.py")
    entries = repo.git("cat-file", "-p", f"{good}^{{tree}}")
    records = [line.split("\t") for line in entries.splitlines()]
    tree = b"".join(f"{meta.split()[0]} {name}".encode() + b"\0" + bytes.fromhex(oid)
                    for meta, name in records for oid in [meta.split()[2]])
    bad = b"100644 ..\0" + bytes.fromhex(blob)
    made = subprocess.run(["git", "-C", str(repo.path), "hash-object", "-w", "--literally",
                           "-t", "tree", "--stdin"], input=bad + tree, capture_output=True,
                          check=True, env={**os.environ, **GIT_ENV}).stdout.decode().strip()
    commit = repo.git("commit-tree", made, "-m", "hostile")
    proc = run_assay(*ASSAY_RUNS["scan"], "--rev", commit, cwd=repo.path)
    doc = json.loads(proc.stdout)
    assert {f["path"] for f in doc["findings"]} == {"app.py"}
    assert ".." not in {s["path"] for s in doc["coverage"]["skipped"]}
    # control: git lists the entry
    assert "\t..\n" in plain_git(repo.path, "ls-tree", commit) + "\n"
