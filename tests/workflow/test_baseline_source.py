"""Where the gate's baseline comes from: a recorded run stands in for a commit only when it
covered the whole tree (a run over some files is no baseline for the others)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from assay import api
from assay.ledger import open_ledger
from assay.model import RunId
from tests.helpers import GitRepo

SHELL = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
MD5 = "import hashlib\n\n\ndef digest(text):\n    return hashlib.md5(text.encode()).hexdigest()\n"


def test_a_later_path_set_run_is_not_the_whole_tree_baseline(repo: GitRepo,
                                                             tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    repo.write("a.py", SHELL)
    repo.write("b.py", MD5)
    base = repo.commit("base")
    whole = api.scan(repo.path, rev=base, scanners=["bandit"], ledger=ledger,
                     clock=lambda: datetime(2026, 1, 1, tzinfo=UTC)).run
    assert {f.path for f in whole.findings} == {"a.py", "b.py"}
    # recorded later at the same commit, same configuration, but over a.py only
    target = replace(whole.target, files=("a.py",))
    partial = replace(whole, id=RunId("20260102T000000Z-0000beef"),
                      provenance=replace(whole.provenance, target=target),
                      findings=tuple(f for f in whole.findings if f.path == "a.py"),
                      metrics=replace(whole.metrics, started_at="2026-01-02T00:00:00Z"))
    with open_ledger(ledger) as store:
        store.record_run(partial)
        assert [r.id for r in store.list_runs()][:2] == [partial.id, whole.id]
    repo.write("c.py", "VALUE = 1\n")
    head = repo.commit("head")
    result = api.gate(repo.path, diff=f"{base}..{head}", scanners=["bandit"], ledger=ledger)
    assert result.comparison.baseline.source == f"run:{whole.id}"
