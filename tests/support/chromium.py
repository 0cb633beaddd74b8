"""Tests that drive a real browser need Chromium and Playwright; scripts/test installs both.
Without them such a test skips, but never on CI, where a missing browser is a failure of the
install."""

from __future__ import annotations

import importlib.util
import os

import pytest

from crawler.browser import BrowserSettings, find_chromium


def require_chromium() -> str:
    """The Chromium to drive; skips (fails on CI) when it or Playwright is missing."""
    missing = []
    executable = find_chromium(BrowserSettings())
    if executable is None:
        missing.append("Chromium (apt-get install chromium, or set XUNJIAN_CHROMIUM)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("Playwright (pip install 'xunjian[browser]')")
    if not missing:
        assert executable is not None
        return str(executable)
    message = "this test needs " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(message + "; scripts/test installs them", pytrace=False)
    pytest.skip(message)
