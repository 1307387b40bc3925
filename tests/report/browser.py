"""Headless Chromium for tests, driven through Selenium and Debian's chromedriver.

Debian ships `chromium` and `chromium-driver` built from the same source, so the driver
always speaks the browser's protocol version; nothing is downloaded. A test that needs the
browser takes the `browser` fixture and is skipped, with the reason, only when chromium or
its driver is not installed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1600")


def missing_browser() -> str:
    """Why the browser tests cannot run here ('' when they can)."""
    for tool, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)):
        if not Path(path).is_file():
            return (f"{tool} is not installed (apt-get install chromium chromium-driver); "
                    ".ci/run installs it")
    return ""


def start_browser(profile: Path) -> Any:
    """A headless Chromium with browser console logging enabled, on a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def console_errors(driver: Any) -> list[str]:
    """Messages the page logged at error level since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium shared by the browser tests of a session."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    driver = start_browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()
