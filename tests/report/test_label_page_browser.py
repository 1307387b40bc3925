"""The labeling page driven in headless Chromium with the keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.report.label_server import LabelServer
from tests.report.browser import console_errors
from tests.report.test_label_server import MemorySource, make_items

pytestmark = pytest.mark.browser


def wait_for(driver: Any, script: str, timeout: float = 10.0) -> Any:
    """Poll a JavaScript expression until it is truthy; return its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(f"return {script}"))


def press(driver: Any, keys: str) -> None:
    """Type keys into the page as a user would."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def test_keyboard_labels_three_findings(browser: Any, tmp_path: Path) -> None:
    source = MemorySource(make_items(4))
    with LabelServer(source, "Sample s1").start() as server:
        browser.get(server.url)
        wait_for(browser, "document.body.dataset.ready === '1'")
        assert browser.find_element("id", "location").text.startswith("app/mod1.py")
        press(browser, "t")
        wait_for(browser, "document.getElementById('item').dataset.position === '2'")
        press(browser, "f")
        wait_for(browser, "document.getElementById('item').dataset.position === '3'")
        press(browser, "k")
        wait_for(browser, "document.getElementById('item').dataset.position === '2'")
        press(browser, "j")
        press(browser, "u")
        wait_for(browser, "document.getElementById('item').dataset.position === '4'")
        browser.save_screenshot(str(tmp_path / "label-page.png"))
        progress = browser.find_element("id", "progress").text
        errors = console_errors(browser)
    assert source.saved == [("item-1", "true"), ("item-2", "false"), ("item-3", "unsure")]
    assert progress == "3 of 4"
    assert errors == []
    assert (tmp_path / "label-page.png").stat().st_size > 1000
