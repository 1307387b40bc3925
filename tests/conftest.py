"""Shared fixtures: isolated environment and real git repositories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, GitRepo


@pytest.fixture(scope="session", autouse=True)
def _user_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The user's cache and state directories for the whole session, set before any
    fixture of a narrower scope runs: state written by a module-scoped fixture is found
    by the tests that use it (checkouts never share a path, so projects never share
    state), and nothing is written to the real home directory."""
    dirs = tmp_path_factory.mktemp("xdg-cache"), tmp_path_factory.mktemp("xdg-state")
    os.environ["XDG_CACHE_HOME"], os.environ["XDG_STATE_HOME"] = map(str, dirs)
    return dirs


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, _user_dirs: tuple[Path, Path],
                  ) -> Iterator[None]:
    """No ASSAY_* setting of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("ASSAY_"):
            monkeypatch.delenv(key, raising=False)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(_user_dirs[0]))
    monkeypatch.setenv("XDG_STATE_HOME", str(_user_dirs[1]))
    yield
    for key in [k for k in os.environ if k.startswith("ASSAY_")]:
        del os.environ[key]  # set by a helper such as tests.helpers.operator_config


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """An empty git repository."""
    return GitRepo(tmp_path / "repo")
