"""Shared fixtures: isolated environment and real git repositories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, GitRepo


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
                  ) -> Iterator[None]:
    """No ASSAY_* setting of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("ASSAY_"):
            monkeypatch.delenv(key, raising=False)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    yield


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """An empty git repository."""
    return GitRepo(tmp_path / "repo")
