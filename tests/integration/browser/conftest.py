"""The browser tests need Chromium and Playwright; scripts/test installs both. Without them
the tests skip, but never on CI, where a missing browser is a failure of the install."""

from __future__ import annotations

import pytest

from tests.support.chromium import require_chromium


@pytest.fixture(autouse=True)
def _chromium() -> None:
    require_chromium()
