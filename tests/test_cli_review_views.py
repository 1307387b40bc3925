"""What a person reads about recorded work: the trust state of LLM findings in
`assay findings list/show` and `assay show`, each run's scope in `assay runs`, and
one-line errors where a command cannot work (tier outside git)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from assay import api
from assay.ledger import open_ledger
from assay.model import Run, RunId
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


def _path_set_run(ledger: Path, whole: Run, files: tuple[str, ...]) -> Run:
    """`whole` as if it had covered `files` only, recorded a second later."""
    partial = replace(whole, id=RunId(whole.id[:-8] + "0000beef"),
                      provenance=replace(whole.provenance,
                                         target=replace(whole.target, files=files)))
    with open_ledger(ledger) as store:
        store.record_run(partial)
    return partial


def test_runs_show_each_runs_scope_in_text_and_json(repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    repo.write("a.py", "import subprocess\nsubprocess.call('ls', shell=True)\n")
    repo.write("b.py", "X = 1\n")
    base = repo.commit("base")
    repo.write("b.py", "import hashlib\nhashlib.md5(b'x')\n")
    head = repo.commit("head")
    whole = api.scan(repo.path, scanners=["bandit"], ledger=ledger).run
    diff = api.gate(repo.path, scanners=["bandit"], ledger=ledger, diff=f"{base}..{head}").run
    paths = _path_set_run(ledger, whole, ("a.py", "b.py"))
    proc = assay("runs", "--ledger", str(ledger), cwd=repo.path, env={"COLUMNS": "250"})
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[1]: line for line in proc.stdout.splitlines()
             if line.startswith("│")}
    assert "Scope" in proc.stdout
    assert "│ tree " in lines[whole.id]
    assert f"│ diff {base[:8]}..{head[:8]} (1 file) " in lines[diff.id]
    assert "│ paths (2) " in lines[paths.id]
    doc = json.loads(assay("runs", "--json", "--ledger", str(ledger), cwd=repo.path).stdout)
    scopes = {r["id"]: r["scope"] for r in doc}
    assert scopes == {
        whole.id: {"kind": "tree", "directory": ".", "diff_base": None, "files": 0,
                   "label": "tree"},
        diff.id: {"kind": "diff", "directory": ".", "diff_base": base, "files": 1,
                  "label": f"diff {base[:8]}..{head[:8]} (1 file)"},
        paths.id: {"kind": "paths", "directory": ".", "diff_base": None, "files": 2,
                   "label": "paths (2)"}}
