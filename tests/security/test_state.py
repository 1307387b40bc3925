"""assay's state (result cache, generated rules, ledger) cannot be planted or redirected
by the scanned tree: it lives outside it, in private per-user directories."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from assay.api import locate_project, scan
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.scanners.test_bad_input import EXIT_BLOCK, assay


def _keys(findings: object) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.span.start_line) for f in findings}  # type: ignore[attr-defined]


def _emptied_cache(project: Path, dest: Path) -> None:
    """A real result cache of `project` whose every outcome says "no finding"."""
    source = locate_project(project).state_dir / "cache.db"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, dest)
    db = sqlite3.connect(dest)
    with db:
        changed = db.execute("""UPDATE results SET outcome = '{"findings":[]}'""").rowcount
    db.close()
    assert changed > 0


def test_a_committed_state_symlink_sends_no_write_elsewhere(repo: GitRepo,
                                                            tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo.write("app.py", VULNERABLE_APP)
    (repo.path / ".assay").symlink_to(elsewhere)
    repo.commit()
    result = scan(repo.path, scanners=["bandit"])
    assert result.run.findings and result.ledger is not None
    gate = assay("gate", "-q", "-s", "bandit", "--diff", "HEAD", cwd=repo.path)
    assert gate.returncode in (0, 1)
    assert list(elsewhere.iterdir()) == []
    # control: the run was recorded, in the user's state directory
    assert result.ledger.exists() and not result.ledger.is_relative_to(repo.path)


@pytest.mark.parametrize("with_git", [True, False], ids=["git", "tarball"])
def test_a_planted_cache_of_clean_results_is_never_read(tmp_path: Path, with_git: bool) -> None:
    made = GitRepo(tmp_path / "made")
    made.write("app.py", VULNERABLE_APP)
    made.commit()
    honest = scan(made.path, record=False)
    assert honest.run.findings
    target = tmp_path / "target"
    if with_git:
        victim = GitRepo(target)
        victim.write("app.py", VULNERABLE_APP)
        _emptied_cache(made.path, target / ".assay" / "cache.db")
        victim.git("add", "-f", ".assay/cache.db")
        victim.commit()
    else:  # an unpacked tarball shipping assay's state directory
        target.mkdir()
        (target / "app.py").write_text(VULNERABLE_APP)
        _emptied_cache(made.path, target / ".assay" / "cache.db")
    planted = (target / ".assay" / "cache.db").read_bytes()
    again = scan(target, record=False)
    assert again.run.complete
    assert _keys(again.run.findings) == _keys(honest.run.findings)
    assert again.run.metrics.cache.hits == 0
    assert (target / ".assay" / "cache.db").read_bytes() == planted


def test_state_directories_are_private_and_outside_the_tree(repo: GitRepo) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.commit()
    result = scan(repo.path)
    project = locate_project(repo.path)
    assert result.ledger is not None
    for directory in (project.state_dir, result.ledger.parent):
        assert not directory.is_relative_to(repo.path)
        mode = os.lstat(directory).st_mode
        assert stat.S_ISDIR(mode) and not mode & 0o077
    assert repo.git("status", "--porcelain", "--ignored") == ""


def test_without_a_usable_home_the_state_is_temporary_and_said(repo: GitRepo, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    repo.write("app.py", VULNERABLE_APP)
    repo.commit()
    env = {"XDG_CACHE_HOME": str(blocked), "XDG_STATE_HOME": str(blocked)}
    proc = assay("scan", "-s", "bandit", "-f", "json", cwd=repo.path, env=env)
    assert proc.returncode == EXIT_BLOCK
    assert "temporary directory" in proc.stderr
    assert json.loads(proc.stdout)["findings"]
    assert repo.git("status", "--porcelain", "--ignored") == ""


def test_a_state_directory_inside_the_tree_is_refused(repo: GitRepo) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.commit()
    inside = repo.path / "ci-state"
    proc = assay("scan", "-s", "bandit", cwd=repo.path,
                 env={"ASSAY_CACHE_DIR": str(inside), "ASSAY_STATE_DIR": str(inside)})
    assert proc.returncode == EXIT_BLOCK
    assert "inside the scanned tree" in proc.stderr
    assert not inside.exists()


def test_code_in_a_directory_named_like_assays_state_is_scanned(repo: GitRepo) -> None:
    repo.write("app.py", "from _assay_helpers import run\n")
    repo.write(".assay/_assay_helpers.py", VULNERABLE_APP)
    repo.git("add", "-f", ".assay/_assay_helpers.py")
    repo.commit()
    result = scan(repo.path, scanners=["bandit"], record=False)
    assert any(f.path == ".assay/_assay_helpers.py" for f in result.run.findings)
    # control: the same code elsewhere is scanned the same way
    assert result.run.complete and result.run.coverage.in_scope == 2
