"""The browser tests need Chromium and Playwright; scripts/test installs both. Without them
the tests skip, but never on CI, where a missing browser is a failure of the install."""

from __future__ import annotations

import importlib.util
import os

import pytest

from crawler.browser import BrowserSettings, find_chromium


@pytest.fixture(autouse=True)
def _chromium() -> None:
    missing = []
    if find_chromium(BrowserSettings()) is None:
        missing.append("Chromium (apt-get install chromium, or set XUNJIAN_CHROMIUM)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("Playwright (pip install 'xunjian[browser]')")
    if not missing:
        return
    message = "the browser tests need " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(message + "; scripts/test installs them", pytrace=False)
    pytest.skip(message)
