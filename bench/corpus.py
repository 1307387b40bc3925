"""The benchmark corpus: the Django sdist, downloaded with pip and committed to a git repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` and return its output."""
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=GIT_ENV).stdout.strip()


def django_sdist(version: str = "") -> Path:
    """Download (once) the Django source distribution with pip; return the archive."""
    dest = WORK / "downloads"
    dest.mkdir(parents=True, exist_ok=True)
    found = sorted(dest.glob("[dD]jango-*.tar.gz"))
    if not found:
        spec = f"django=={version}" if version else "django"
        subprocess.run([sys.executable, "-m", "pip", "download", spec, "--no-binary", ":all:",
                        "--no-deps", "-d", str(dest), "-q"], check=True)
        found = sorted(dest.glob("[dD]jango-*.tar.gz"))
    return found[-1]


def django_repo(name: str = "django-repo") -> Path:
    """A git repository holding the extracted sdist in one commit (rebuilt when absent)."""
    repo = WORK / name
    if (repo / ".git").exists():
        return repo
    archive = django_sdist()
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(repo, filter="data")
    (top,) = list(repo.iterdir())
    for item in top.iterdir():
        item.rename(repo / item.name)
    top.rmdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"import {archive.name}")
    return repo


def count_python(repo: Path) -> tuple[int, int]:
    """Number of .py files and their total lines."""
    files = [p for p in repo.rglob("*.py") if ".git" not in p.parts and ".assay" not in p.parts]
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    return len(files), lines
