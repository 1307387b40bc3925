"""Like for like, end to end: real scans and a real gate run, measured through the CLI.

Two full scans of one commit with the cache off and a `gate --diff` run of the same commit
must not be pooled: the gate analyzed only the changed file, so it is its own group.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assay.formats.json import compact, run_to_document
from assay.ledger import open_ledger
from assay.ledger.sqlite import SqliteLedger
from assay.measure.errors import MeasureError
from assay.measure.groups import group_runs, one_group
from assay.measure.variance import compare_runs
from assay.model import Target
from tests.helpers import VULNERABLE_APP, GitRepo, project_ledger
from tests.measure.factories import run
from tests.measure.test_cli import WEAK_HASH, assay

SCANNERS = ("-s", "bandit", "-s", "semgrep")


@pytest.fixture
def scanned(repo: GitRepo) -> tuple[GitRepo, list[str], str]:
    """Two full scans (no cache) and one gate --diff run of the same commit."""
    repo.write("app.py", VULNERABLE_APP)
    repo.commit("app")
    repo.write("hashing.py", WEAK_HASH)
    head = repo.commit("weak hash")
    for _ in range(2):
        out = assay("scan", ".", *SCANNERS, "--no-cache", cwd=repo.path)
        assert out.returncode in (0, 1), out.stderr
    out = assay("gate", ".", "--diff", "HEAD~1..HEAD", *SCANNERS, cwd=repo.path)
    assert out.returncode in (0, 1), out.stderr
    with open_ledger(project_ledger(repo.path)) as store:
        ids = sorted(r.id for r in store.list_runs(commit=head))
    assert len(ids) == 3
    return repo, ids, head


def test_gate_records_what_it_covered(scanned: tuple[GitRepo, list[str], str]) -> None:
    repo, ids, head = scanned
    with open_ledger(project_ledger(repo.path)) as store:
        runs = [store.get_run(i) for i in ids]
        rows = store.db.execute("SELECT id, diff_base, files FROM runs ORDER BY id").fetchall()
    gate = [r for r in runs if r.target.diff_base is not None]
    assert len(gate) == 1
    assert gate[0].target.files == ("hashing.py",)
    assert gate[0].target.scope_label == f"diff {gate[0].target.diff_base[:12]}..{head[:12]} " \
                                         "(1 file)"
    assert [r.target.scope_label for r in runs if r not in gate] == ["whole tree"] * 2
    assert sorted(r[2] for r in rows) == ["", "", "hashing.py"]
    shown = assay("show", gate[0].id, "-f", "json", cwd=repo.path)
    assert json.loads(shown.stdout)["run"]["target"]["files"] == ["hashing.py"]


def test_drift_and_memo_keep_the_gate_run_apart(scanned: tuple[GitRepo, list[str], str],
                                                tmp_path: Path) -> None:
    repo, ids, head = scanned
    out = assay("drift", "--from", *ids, cwd=repo.path)
    assert out.returncode == 0, out.stderr
    assert "3 runs in 2 group(s)" in out.stdout
    assert "Jaccard mean 1.000" in out.stdout  # the two full scans
    assert "deterministic: identical in 2 of 2 runs" in out.stdout
    assert "(a single run in this group; nothing to compare with)" in out.stdout
    assert "not pooled" in out.stdout
    doc = json.loads(assay("drift", "--from", *ids, "--json", cwd=repo.path).stdout)
    assert doc["overall"]["jaccard"] is None
    by_scope = {c["scope"].split(" ")[0]: c for c in doc["commits"]}
    assert by_scope["whole"]["jaccard"]["mean"] == 1.0
    assert by_scope["whole"]["identical"] == 2
    assert by_scope["diff"]["jaccard"] is None and len(by_scope["diff"]["runs"]) == 1

    memo = tmp_path / "memo.md"
    out = assay("report", "--commit", "HEAD", "--md", memo, cwd=repo.path)
    assert out.returncode == 0, out.stderr
    text = memo.read_text(encoding="utf-8")
    assert "## Groups of comparable runs" in text
    assert f"### bandit+semgrep: commit {head[:12]}, whole tree, configuration" in text
    assert "2 runs; deterministic: identical in 2 of 2 runs (pairwise Jaccard 1.00)." in text
    assert f"### bandit+semgrep: commit {head[:12]}, diff " in text
    assert "1 run; a single run: nothing to compare it with in its group" in text
    assert "reported exactly the same findings every time" in text


def test_runs_lists_a_ref_like_report_does(scanned: tuple[GitRepo, list[str], str]) -> None:
    repo, ids, _ = scanned
    out = assay("runs", "--commit", "HEAD", cwd=repo.path)
    assert out.returncode == 0, out.stderr
    assert all(i in out.stdout for i in ids)
    out = assay("runs", "--commit", "HEAD~1", cwd=repo.path)
    assert out.returncode == 0 and not any(i in out.stdout for i in ids)


def test_compare_refuses_runs_of_different_scopes() -> None:
    whole = run("a", [])
    diff = replace(whole, id="b", provenance=replace(whole.provenance, target=Target(
        "/r", commit=whole.target.commit, diff_base="base", files=("x.py",))))
    assert len(group_runs([whole, diff])) == 2
    with pytest.raises(MeasureError, match=r"compare needs runs of one commit and scope, "
                                           r"got 2 groups: .*diff base\.\.c0ffee \(1 file\)"
                                           r".*whole tree"):
        compare_runs([whole, diff])
    assert one_group([whole, whole], "x").runs == (whole, whole)


def test_old_ledgers_gain_the_scope_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = SqliteLedger(path, upto={"core": 2})
    gate = run("g", [])
    gate = replace(gate, provenance=replace(gate.provenance, target=Target(
        "/r", commit="c" * 40, diff_base="b" * 40, files=("a.py", "b.py"))))
    old.db.execute("INSERT INTO runs (id, started_at, status, scanners, root, scope, rev,"
                   " commit_id, dirty, wall_seconds, document) VALUES (?, '', 'complete',"
                   " 'bandit', '/r', '.', NULL, ?, 0, 0.0, ?)",
                   (gate.id, "c" * 40, compact(run_to_document(gate, with_metrics=True))))
    old.close()
    with open_ledger(path) as store:
        assert store.db.execute("SELECT diff_base, files FROM runs").fetchone() == (
            "b" * 40, "a.py\nb.py")
        assert store.get_run(gate.id).target.files == ("a.py", "b.py")
