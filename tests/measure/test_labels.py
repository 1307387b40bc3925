"""Blind labeling: drawing samples, storing them in a real SQLite ledger, labels, unblinding."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from pathlib import Path

import pytest

from assay.ledger import open_ledger
from assay.ledger.interface import LedgerError
from assay.ledger.labels import (
    BlindItem,
    NewLabel,
    Verdict,
    get_sample,
    labels_of,
    list_sample,
    list_samples,
    record_label,
    record_labels,
    store_sample,
    unblind,
)
from assay.measure.errors import MeasureError
from assay.measure.sampling import draw_sample
from tests.measure.factories import finding, run


def scanner_runs() -> list:
    bandit = run("b1", [finding("app.py", i, scanner="bandit", rule="B1") for i in range(1, 11)]
                 + [finding("shared.py", 5, scanner="bandit")], scanner="bandit")
    semgrep = run("s1", [finding("web.py", 10 * i, cwe=79, scanner="semgrep")
                         for i in range(1, 5)] + [finding("shared.py", 5, scanner="semgrep")],
                  scanner="semgrep")
    return [bandit, semgrep]


def test_sample_is_reproducible_and_bounded() -> None:
    sample = draw_sample(scanner_runs(), per_scanner=3, seed=11)
    assert sample == draw_sample(list(reversed(scanner_runs())), per_scanner=3, seed=11)
    assert sample.population == {"bandit": 11, "semgrep": 5}
    counts = Counter(s for item in sample.items for s in item.scanners)
    assert counts == {"bandit": 3, "semgrep": 3}
    assert [i.item_id for i in sample.items] == list(range(1, len(sample.items) + 1))
    everything = draw_sample(scanner_runs(), per_scanner=100, seed=1)
    assert len(everything.items) == 15  # shared.py is one item drawn by both
    shared = next(i for i in everything.items if i.finding.path == "shared.py")
    assert shared.scanners == ("bandit", "semgrep")


def test_each_scanner_draw_is_uniform() -> None:
    hits: Counter[int] = Counter()
    trials = 600
    for seed in range(trials):
        for item in draw_sample(scanner_runs(), per_scanner=3, seed=seed).items:
            if "bandit" in item.scanners and item.finding.path == "app.py":
                hits[item.finding.span.start_line] += 1
    # 3 of 11 bandit findings per draw: each line is drawn with probability 3/11
    for line in range(1, 11):
        assert abs(hits[line] / trials - 3 / 11) < 0.07


def test_sample_bad_input() -> None:
    with pytest.raises(MeasureError, match="one commit"):
        draw_sample([run("a", [finding()]), run("b", [finding()], commit="other")], 5, 0)
    with pytest.raises(MeasureError, match="no findings"):
        draw_sample([run("a")], 5, 0)
    with pytest.raises(MeasureError, match="at least 1"):
        draw_sample(scanner_runs(), 0, 0)


def test_blind_items_carry_no_scanner() -> None:
    names = {f.name for f in dataclasses.fields(BlindItem)}
    assert not names & {"scanner", "rule_id", "fingerprint", "sources", "tags", "run_id"}


def test_store_label_and_unblind(tmp_path: Path) -> None:
    sample = draw_sample(scanner_runs(), per_scanner=2, seed=5)
    with open_ledger(tmp_path / "ledger.db") as ledger:
        assert ledger.versions()["labels"] == 1
        info = store_sample(ledger, sample, root="/repo", sample_id="s1")
        assert (info.items, info.labeled, info.population) == (4, 0, sample.population)
        items = list_sample(ledger, "s1")
        assert [(i.path, i.span) for i in items] == [(d.finding.path, d.finding.span)
                                                     for d in sample.items]
        record_label(ledger, "s1", 1, "yes", "alice")
        record_label(ledger, "s1", 1, Verdict.FALSE, "bob", note="sanitized upstream")
        record_label(ledger, "s", 2, "?", "alice")  # unique prefix
        with pytest.raises(KeyError):
            record_label(ledger, "s1", 99, "true", "alice")
        with pytest.raises(ValueError, match="unknown verdict"):
            record_label(ledger, "s1", 1, "perhaps", "alice")
        assert [i.verdict for i in list_sample(ledger, "s1")][:3] == [
            Verdict.FALSE, Verdict.UNSURE, None]
        assert [(lb.labeler, lb.verdict) for lb in labels_of(ledger, "s1")] == [
            ("alice", Verdict.TRUE), ("bob", Verdict.FALSE), ("alice", Verdict.UNSURE)]
        unblinded = unblind(ledger, "s1")
        expected = {d.item_id: d.scanners for d in sample.items}
        assert {u.item.item_id: u.scanners for u in unblinded} == expected
        assert get_sample(ledger, "s1").labeled == 2
        assert [s.id for s in list_samples(ledger)] == ["s1"]


def test_record_labels_is_all_or_nothing(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "ledger.db") as ledger:
        store_sample(ledger, draw_sample(scanner_runs(), 2, 0), sample_id="s1")
        with pytest.raises(KeyError, match="no item 42"):
            record_labels(ledger, "s1", [NewLabel(1, Verdict.TRUE, "a"),
                                         NewLabel(42, Verdict.TRUE, "a")])
        assert labels_of(ledger, "s1") == []
        assert record_labels(ledger, "s1", [NewLabel(1, Verdict.TRUE, "a")]) == 1


def test_unknown_sample(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "ledger.db") as ledger:
        with pytest.raises(LedgerError, match="no label samples"):
            list_sample(ledger, None)  # type: ignore[arg-type]
        with pytest.raises(LedgerError, match="does not exist"):
            list_sample(ledger, "nope")


def test_concurrent_labelers(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "ledger.db") as ledger:
        store_sample(ledger, draw_sample(scanner_runs(), 5, 0), sample_id="s1")

        def label(who: str) -> None:
            for item_id in range(1, 6):
                record_label(ledger, "s1", item_id, "true", who)

        threads = [threading.Thread(target=label, args=(f"l{i}",)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(labels_of(ledger, "s1")) == 20
