"""The CI integration files: the composite action's gate step and the pre-commit hooks run
for real against a clone with an `origin` remote."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import GIT_ENV, REPO_ROOT, GitRepo

ACTION = REPO_ROOT / "action.yml"
HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent


def _step(action: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in action["runs"]["steps"] if s.get("name") == name)


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    return dict(yaml.safe_load(ACTION.read_text()))


@pytest.fixture
def clone(tmp_path: Path) -> GitRepo:
    """A clone of a repository whose `feature` branch adds a weak hash."""
    upstream = GitRepo(tmp_path / "upstream")
    upstream.write("app.py", "def f():\n    return 1\n")
    upstream.commit("base")
    subprocess.run(["git", "clone", "-q", str(upstream.path), str(tmp_path / "clone")],
                   check=True, env={**os.environ, **GIT_ENV})
    work = GitRepo(tmp_path / "clone")  # `git init` on a clone changes nothing
    work.git("checkout", "-q", "-b", "feature", "--track", "origin/main")
    work.write("app.py", "import hashlib\n\n\ndef f(t):\n    return hashlib.md5(t).digest()\n")
    work.commit("weak hash")
    return work


def test_the_action_is_composite_and_uploads_sarif(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    upload = next(s for s in action["runs"]["steps"]
                  if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif }}"
    assert "always()" in upload["if"]
    gate = _step(action, "Run the gate")
    assert 'DIFF="origin/${BASE_REF}...HEAD"' in gate["run"]
    assert "${{" not in gate["run"]  # inputs reach the script only through the environment


def test_the_action_gate_step_blocks_and_reports(action: dict[str, Any], clone: GitRepo,
                                                 tmp_path: Path) -> None:
    gate = _step(action, "Run the gate")
    outputs, summary = tmp_path / "outputs", tmp_path / "summary.md"
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "BASE_REF": "main",
           "TARGET": ".", "DIFF": "", "BASELINE": "", "FAIL_ON": "", "LLM": "auto",
           "ARGS": "--scanner bandit", "SARIF": "gate.sarif", "RUNNER_TEMP": str(tmp_path),
           "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary)}
    proc = subprocess.run(["bash", "-e", "-c", gate["run"]], cwd=clone.path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr  # the step itself succeeds; the last step fails
    assert dict(line.split("=", 1) for line in outputs.read_text().splitlines()) == {
        "exit-code": "1", "decision": "block"}
    assert "# assay gate: block" in summary.read_text()
    assert '"baselineState": "new"' in (clone.path / "gate.sarif").read_text()


def test_the_pre_commit_hooks_run_as_declared(clone: GitRepo) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text())}
    assert set(hooks) == {"assay-gate", "assay-gate-push"}
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    for hook_id, expected in (("assay-gate", 0), ("assay-gate-push", 1)):
        hook = hooks[hook_id]
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        argv = [*shlex.split(hook["entry"]), "--scanner", "bandit"]
        proc = subprocess.run(argv, cwd=clone.path, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert proc.returncode == expected, (hook_id, proc.stdout, proc.stderr)
    (clone.path / "extra.py").write_text("import hashlib\nh = hashlib.md5(b'x')\n")
    clone.git("add", "extra.py")
    staged = subprocess.run([*shlex.split(hooks["assay-gate"]["entry"]), "-s", "bandit"],
                            cwd=clone.path, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert staged.returncode == 1 and "extra.py" in staged.stdout
