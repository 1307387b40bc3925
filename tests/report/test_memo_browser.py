"""The HTML memo opened in headless Chromium: every figure renders, nothing errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.measure.evaluate import evaluate
from assay.report.compose import build_memo
from assay.report.html import memo_to_html
from tests.report.browser import console_errors
from tests.report.fixtures import mixed_runs, small_truth

pytestmark = pytest.mark.browser

FIGURE_STATE = """
return Array.from(document.querySelectorAll('figure[data-figure]')).map((fig) => {
  const svg = fig.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {key: fig.dataset.figure, width: box.width, height: box.height,
          shapes: svg ? svg.querySelectorAll('path, rect, line, polyline, use').length : 0,
          texts: svg ? svg.querySelectorAll('text').length : 0};
});
"""


def test_memo_renders_every_figure(browser: Any, tmp_path: Path) -> None:
    runs = mixed_runs()
    memo = build_memo(runs, evaluation=evaluate(runs, small_truth()))
    assert {c.key for c in memo.charts} == {"drift", "support", "jaccard", "accuracy",
                                            "variance", "latency", "tokens", "coverage"}
    page = tmp_path / "memo.html"
    page.write_text(memo_to_html(memo), encoding="utf-8")
    console_errors(browser)  # drop anything an earlier test left in the log
    browser.get(page.as_uri())
    figures = browser.execute_script(FIGURE_STATE)
    shot = tmp_path / "memo.png"
    browser.save_screenshot(str(shot))
    errors = console_errors(browser)
    assert [f["key"] for f in figures] == [c.key for c in memo.charts]
    for fig in figures:
        assert fig["width"] > 100 and fig["height"] > 100, fig
        assert fig["shapes"] > 5 and fig["texts"] > 2, fig
    assert errors == []
    assert shot.stat().st_size > 10_000
    summary = browser.find_element("id", "summary").text
    assert "11 runs of 2 scanner setups" in summary
    groups = browser.find_elements("css selector", "section.group")
    # bandit at two commits, llm at one: one section per group, each saying which
    assert len(groups) == 3
    assert all("commit" in g.find_element("tag name", "h3").text for g in groups)
    assert "deterministic: identical in 3 of 3 runs" in groups[0].text
    assert "varies: identical in" in groups[2].text
