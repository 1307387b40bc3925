"""Snapshots read a commit or a working tree without touching the checkout."""

from __future__ import annotations

import os
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


def _links(repo: GitRepo, outside: Path) -> None:
    """Links of every kind: into the tree, out of it, to nothing, to a directory, to an
    ignored file and into .git."""
    repo.write("code.txt", "x = 1\n")
    repo.write("pkg/real.py", "y = 2\n")
    repo.write(".gitignore", ".env\n")
    repo.write(".env", "TOKEN = 'secret'\n")
    outside.write_text("stolen = 1\n", encoding="utf-8")
    for name, target in {"in.py": "code.txt", "pkg/up.py": "../code.txt", "out.py": str(outside),
                         "dotdot.py": "../outside.py", "dangling.py": "missing.txt",
                         "dir.py": "pkg", "env.py": ".env", "git.py": ".git/config",
                         "chain.py": "in.py"}.items():
        (repo.path / name).symlink_to(target)


def test_links_resolve_inside_the_tree_only(repo: GitRepo, tmp_path: Path) -> None:
    _links(repo, tmp_path / "outside.py")
    repo.commit()
    for snap in (open_snapshot(repo.path), open_snapshot(repo.path, "HEAD")):
        files = {f.path: f for f in snap.files}
        for name in ("in.py", "pkg/up.py", "chain.py"):
            assert not files[name].symlink and snap.read(name) == b"x = 1\n"
            assert snap.content_id(name) == blob_id(b"x = 1\n")
        assert files["out.py"].outside and files["dotdot.py"].outside
        assert files["dangling.py"].symlink and not files["dangling.py"].outside
        assert files["dir.py"].symlink and not files["dir.py"].outside
        for name in ("out.py", "dotdot.py", "dangling.py"):
            with pytest.raises(RepoError, match="cannot read"):
                snap.read(name)
    work = {f.path: f for f in open_snapshot(repo.path).files}
    assert "leads into .git" in work["git.py"].outside
    assert "does not hold" in work["env.py"].outside  # an ignored file is never read
    scratch = open_snapshot(repo.path).materialize(["in.py", "pkg/real.py"], tmp_path / "s")
    assert (scratch / "in.py").read_bytes() == b"x = 1\n" and not (scratch / "in.py").is_symlink()


def test_a_link_to_a_file_outside_the_scope_is_resolved(repo: GitRepo) -> None:
    repo.write("shared/util.txt", "z = 3\n")
    (repo.path / "app").mkdir()
    (repo.path / "app" / "util.py").symlink_to("../shared/util.txt")
    repo.commit()
    for snap in (open_snapshot(repo.path / "app"), open_snapshot(repo.path / "app", "HEAD")):
        assert [f.path for f in snap.files] == ["app/util.py"]
        assert snap.read("app/util.py") == b"z = 3\n"


def test_a_path_through_a_linked_directory_is_never_read(repo: GitRepo,
                                                         tmp_path: Path) -> None:
    repo.write("lib/a.py", "a = 1\n")
    repo.write("src/b.py", "b = 1\n")
    repo.commit()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.py").write_text("stolen = 1\n", encoding="utf-8")
    (repo.path / "lib" / "a.py").unlink()
    (repo.path / "lib").rmdir()
    (repo.path / "lib").symlink_to(elsewhere)
    snap = open_snapshot(repo.path)
    entry = snap.get("lib/a.py")
    assert entry is not None and entry.symlink and "'lib' is a symbolic link" in entry.outside
    assert snap.target.dirty
    with pytest.raises(RepoError):
        snap.read("lib/a.py")
    # a linked directory inside the tree: its files are those of the real directory
    (repo.path / "lib").unlink()
    (repo.path / "lib").symlink_to("src")
    repo.git("update-index", "--add", "--cacheinfo",
             f"100644,{repo.git('rev-parse', 'HEAD:src/b.py')},lib/b.py")
    snap = open_snapshot(repo.path)
    assert snap.read("lib/b.py") == b"b = 1\n"


def test_changes_are_found_from_stat_data_without_git_reading_files(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.write("b.py", "y = 2\n")
    repo.commit()
    assert not open_snapshot(repo.path).target.dirty
    st = (repo.path / "a.py").stat()
    os.utime(repo.path / "a.py", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert not open_snapshot(repo.path).target.dirty  # touched, same content
    repo.write("b.py", "y = 3\n")  # same size, new content
    os.utime(repo.path / "b.py", ns=(st.st_atime_ns, st.st_mtime_ns))
    snap = open_snapshot(repo.path)
    assert snap.target.dirty and snap.content_id("b.py") == blob_id(b"y = 3\n")
    # a file git was told not to look at is still compared
    repo.git("update-index", "--assume-unchanged", "b.py")
    assert open_snapshot(repo.path).content_id("b.py") == blob_id(b"y = 3\n")


def test_a_link_changes_when_its_target_does(repo: GitRepo) -> None:
    repo.write("code.txt", "x = 1\n")
    (repo.path / "app.py").symlink_to("code.txt")
    base = repo.commit()
    repo.write("code.txt", "x = 2\n")
    diff = compute_diff(open_snapshot(repo.path), base)
    change = diff.get("app.py")
    assert change is not None and change.status == "M" and change.changed_lines() == {1}
