"""The labeling page's data source over a real ledger sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.app.label import LedgerLabelSource
from assay.ledger import open_ledger
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.report.test_label_ledger_browser import sampled_ledger


def test_code_comes_from_the_sampled_commit(repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    sample_id, _ = sampled_ledger(repo, ledger)
    repo.write("app.py", "# rewritten after the scan\n")
    repo.commit("rewrite")
    with open_ledger(ledger) as store:
        items = LedgerLabelSource(store, sample_id, "tester").items()
    lines = VULNERABLE_APP.splitlines()
    for item in items:
        assert any(line.hit for line in item.context)
        for line in item.context:
            assert line.text == lines[line.number - 1]


def test_code_falls_back_to_the_snippet(repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    sample_id, _ = sampled_ledger(repo, ledger)
    with open_ledger(ledger) as store:
        store.db.execute("UPDATE label_samples SET root = ?", (str(tmp_path / "gone"),))
        items = LedgerLabelSource(store, sample_id, "tester").items()
    assert items
    assert any(item.context for item in items)
    for item in items:
        assert all(line.hit for line in item.context)
        assert all(line.number >= item.start_line for line in item.context)


def test_unknown_item_is_a_key_error(repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    sample_id, _ = sampled_ledger(repo, ledger)
    with open_ledger(ledger) as store:
        source = LedgerLabelSource(store, sample_id, "tester")
        with pytest.raises(KeyError):
            source.save("999", "true")
        with pytest.raises(KeyError):
            source.save("not-a-number", "true")
