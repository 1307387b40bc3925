"""Blind labeling end to end: real bandit run, sample in a real ledger, keyboard in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay import api
from assay.app.label import LedgerLabelSource
from assay.ledger import open_ledger
from assay.ledger.labels import labels_of, list_sample, store_sample
from assay.measure.sampling import draw_sample
from assay.report.label_server import LabelServer
from tests.helpers import VULNERABLE_APP, GitRepo
from tests.report.browser import console_errors
from tests.report.test_label_page_browser import press, wait_for

pytestmark = pytest.mark.browser


def sampled_ledger(repo: GitRepo, ledger: Path) -> tuple[str, str]:
    """Scan a committed vulnerable app with bandit, draw a sample; (sample id, commit)."""
    repo.write("app.py", VULNERABLE_APP)
    commit = repo.commit("vulnerable app")
    result = api.scan(repo.path, rev="HEAD", scanners=["bandit"], ledger=ledger)
    assert len(result.run.findings) >= 3
    with open_ledger(ledger) as store:
        info = store_sample(store, draw_sample([result.run], per_scanner=10, seed=7),
                            root=str(repo.path))
    return info.id, commit


def test_keyboard_labels_land_in_the_ledger(browser: Any, repo: GitRepo, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    sample_id, _ = sampled_ledger(repo, ledger)
    with open_ledger(ledger) as store:
        items = list_sample(store, sample_id)
        source = LedgerLabelSource(store, sample_id, labeler="tester")
        first_code = source.items()[0].context
        with LabelServer(source, f"Sample {sample_id}").start() as server:
            console_errors(browser)
            browser.get(server.url)
            wait_for(browser, "document.body.dataset.ready === '1'")
            code_text = browser.find_element("id", "code").text
            for verdict_key, position in (("t", "2"), ("f", "3"), ("u", "4")):
                press(browser, verdict_key)
                wait_for(browser, "document.getElementById('item').dataset.position === "
                         f"'{position}'")
            browser.save_screenshot(str(tmp_path / "labeling.png"))
            errors = console_errors(browser)
        labels = labels_of(store, sample_id)
    assert [(lb.item_id, lb.verdict.value, lb.labeler, lb.source) for lb in labels] == [
        (items[0].item_id, "true", "tester", "serve"),
        (items[1].item_id, "false", "tester", "serve"),
        (items[2].item_id, "unsure", "tester", "serve")]
    assert errors == []
    hit = next(line for line in first_code if line.hit)
    assert hit.text == VULNERABLE_APP.splitlines()[hit.number - 1]
    assert hit.text.strip() in code_text
    assert "bandit" not in code_text

