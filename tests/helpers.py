"""Test helpers: real git repositories in temporary directories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = REPO_ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class GitRepo:
    """A real git repository for a test."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {**os.environ, **GIT_ENV}
        out = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True,
                             text=True, env=env, check=True)
        return out.stdout.strip()

    def write(self, rel: str, content: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


VULNERABLE_APP = '''\
import hashlib
import pickle
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/user")
def user():
    name = request.args.get("name")
    db = sqlite3.connect("app.db")
    return str(db.execute("SELECT * FROM users WHERE name = '" + name + "'").fetchall())


@app.route("/load", methods=["POST"])
def load():
    return str(pickle.loads(request.data))


def token_digest(token):
    return hashlib.md5(token.encode()).hexdigest()
'''


def project_ledger(path: Path) -> Path:
    """The default ledger of the project at `path` (in the user's state directory)."""
    from assay.project import default_ledger, locate_project

    return Path(default_ledger(locate_project(path)))


def operator_config(project: GitRepo | Path, text: str) -> Path:
    """Write the operator's configuration beside (outside) the checkout and point
    ASSAY_CONFIG at it, as CI does with a file the pull request cannot change."""
    root = project.path if isinstance(project, GitRepo) else project
    path = root.parent / f"{root.name}.operator.toml"
    path.write_text(text, encoding="utf-8")
    os.environ["ASSAY_CONFIG"] = str(path)
    return path
