"""What a person reads about recorded work: the trust state of LLM findings in
`assay findings list/show` and `assay show`, each run's scope in `assay runs`, and
one-line errors where a command cannot work (tier outside git)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import GitRepo
from tests.scanners.test_bad_input import assay, assert_one_line_error


def test_tier_outside_git_says_it_needs_a_repository_with_a_commit(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "app.py").write_text("x = 1\n")
    for args in ((), ("--diff", "HEAD~1..HEAD")):
        proc = assay("tier", *args, cwd=plain)
        assert_one_line_error(proc, "assay tier needs a git repository with a commit")
        assert "unknown revision" not in proc.stderr and "--rev" not in proc.stderr


def test_tier_in_a_repository_without_commits_says_so(repo: GitRepo) -> None:
    repo.write("app.py", "x = 1\n")
    proc = assay("tier", cwd=repo.path)
    assert_one_line_error(proc, "assay tier needs a git repository with a commit")
    assert "has no commit yet" in proc.stderr
