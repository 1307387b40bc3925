"""Snapshots read a commit or a working tree without touching the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.repo import RepoError, open_snapshot
from assay.repo.diff import compute_diff, parse_range
from assay.repo.git import blob_id
from assay.repo.globs import compile_excludes
from tests.helpers import GitRepo


def test_rev_snapshot_reads_blobs(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("a.py", "old = 1\n")
    repo.write("sub/b.py", "b = 2\n")
    first = repo.commit()
    repo.write("a.py", "new = 1\n")
    snap = open_snapshot(repo.path, first)
    assert [f.path for f in snap.files] == ["a.py", "sub/b.py"]
    assert snap.read("a.py") == b"old = 1\n"
    assert snap.content_id("a.py") == blob_id(b"old = 1\n") == repo.git("rev-parse",
                                                                       f"{first}:a.py")
    out = snap.materialize(["a.py", "sub/b.py"], tmp_path / "scratch")
    assert (out / "sub" / "b.py").read_text() == "b = 2\n"
    assert (repo.path / "a.py").read_text() == "new = 1\n"


def test_worktree_snapshot_ids_match_git_and_detect_dirt(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.write(".gitignore", "ignored.py\n")
    repo.write("ignored.py", "secret = 1\n")
    commit = repo.commit()
    clean = open_snapshot(repo.path)
    assert clean.target.commit == commit and not clean.target.dirty
    assert "ignored.py" not in {f.path for f in clean.files}
    assert clean.content_id("a.py") == repo.git("rev-parse", "HEAD:a.py")
    repo.write("untracked.py", "y = 2\n")
    assert open_snapshot(repo.path).target.dirty
    (repo.path / "untracked.py").unlink()
    (repo.path / "a.py").unlink()
    assert open_snapshot(repo.path).target.dirty


def test_scope_is_repo_relative(repo: GitRepo) -> None:
    repo.write("pkg/mod/a.py", "x = 1\n")
    repo.write("other.py", "x = 1\n")
    repo.commit()
    snap = open_snapshot(repo.path / "pkg")
    assert snap.target.scope == "pkg"
    assert [f.path for f in snap.files] == ["pkg/mod/a.py"]
    assert [f.path for f in open_snapshot(repo.path / "pkg", "HEAD").files] == ["pkg/mod/a.py"]


def test_errors(repo: GitRepo, tmp_path: Path) -> None:
    with pytest.raises(RepoError, match="does not exist"):
        open_snapshot(tmp_path / "missing")
    with pytest.raises(RepoError, match="--rev needs a git repository"):
        open_snapshot(tmp_path, "HEAD")
    repo.write("a.py", "x = 1\n")
    repo.commit()
    with pytest.raises(RepoError, match="unknown revision"):
        open_snapshot(repo.path, "v9.9")
    with pytest.raises(RepoError, match="invalid revision"):
        open_snapshot(repo.path, "--output=/tmp/x")


def test_diff_against_base(repo: GitRepo) -> None:
    repo.write("a.py", "one\ntwo\nthree\n")
    repo.write("gone.py", "bye\n")
    base = repo.commit()
    repo.write("a.py", "one\nTWO\nthree\nfour\n")
    repo.write("new.py", "hello\n")
    (repo.path / "gone.py").unlink()
    diff = compute_diff(open_snapshot(repo.path), base)
    assert {f.path: f.status for f in diff.files} == {"a.py": "M", "gone.py": "D", "new.py": "A"}
    change = diff.get("a.py")
    assert change is not None and change.changed_lines() == {2, 4}
    assert diff.paths == ("a.py", "new.py")
    head = repo.commit()
    assert [f.path for f in compute_diff(open_snapshot(repo.path, head), base).files] == [
        "a.py", "gone.py", "new.py"]
    assert parse_range("main...feature") == ("main", "feature", True)
    assert parse_range("v1..v2") == ("v1", "v2", False)
    assert parse_range("origin/main") == ("origin/main", None, False)


@pytest.mark.parametrize(("pattern", "path", "excluded"), [
    ("tests", "tests/a.py", True), ("tests", "src/tests/a.py", True),
    ("tests", "src/testsuite/a.py", False), ("*.min.py", "a/b.min.py", True),
    ("src/*.py", "src/a.py", True), ("src/*.py", "src/x/a.py", False),
    ("src/*.py", "x/src/a.py", False), ("docs/**/*.py", "docs/x/y/a.py", True),
    ("**/migrations/**", "app/migrations/0001.py", True),
    ("migrations/", "a/migrations/1.py", True),
])
def test_exclude_patterns(pattern: str, path: str, excluded: bool) -> None:
    assert compile_excludes([pattern])(path) is excluded
