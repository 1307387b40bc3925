"""The scanned repository's git configuration cannot choose who the audit log says acted."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.app.label import default_labeler
from assay.workflow.lifecycle import default_actor
from tests.helpers import GitRepo


def test_the_repository_cannot_name_the_actor(repo: GitRepo, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    repo.git("config", "user.email", "security-lead@example.com")
    repo.git("config", "user.name", "Security Lead")
    assert default_actor(repo.path) != "security-lead@example.com"
    assert default_labeler(repo.path) != "Security Lead"
    # control: the user's own git identity is used
    (home / ".gitconfig").write_text("[user]\n\temail = me@example.com\n\tname = Me\n")
    assert default_actor(repo.path) == "me@example.com"
    assert default_labeler(repo.path) == "Me"
