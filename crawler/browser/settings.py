"""How the crawl uses a real browser, and where it finds one.

``BrowserSettings`` is read once at the edge (the CLI, the scheduler) and carried by the
crawl plan. The browser is Chromium driven by Playwright (the optional ``xunjian[browser]``
extra); the binary is the first of ``executable``, ``XUNJIAN_CHROMIUM`` and a Chromium or
Chrome on ``PATH`` (Debian's ``chromium`` package installs ``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

__all__ = ["CHROMIUM_ENV", "BrowserSettings", "find_chromium"]

CHROMIUM_ENV = "XUNJIAN_CHROMIUM"
_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


@dataclass(frozen=True, slots=True, kw_only=True)
class BrowserSettings:
    """``page_budget``: pages a run may open in the browser in all; ``page_timeout_s``: the
    most one page may take, its challenge included; ``pages_at_once``: pages open at once in
    the one browser process (one per host at most)."""

    executable: str | None = None
    page_budget: int = 200
    page_timeout_s: float = 45.0
    pages_at_once: int = 2
    settle_s: float = 5.0  # after the load: the most to wait for a script's requests to end
    max_memory_mib: int = 1536  # the browser's processes past this: it is restarted

    def __post_init__(self) -> None:
        if self.page_budget < 1 or self.pages_at_once < 1:
            raise ValueError("browser page_budget and pages_at_once must be 1 or more")
        if not self.page_timeout_s > 0 or self.settle_s < 0:
            raise ValueError("browser page_timeout_s must be above 0 and settle_s 0 or more")


def find_chromium(settings: BrowserSettings) -> str | None:
    """The Chromium binary to start, or None when there is none."""
    for candidate in (settings.executable, os.environ.get(CHROMIUM_ENV)):
        if candidate:
            return shutil.which(candidate) or (candidate if os.path.isfile(candidate) else None)
    for name in _ON_PATH:
        if found := shutil.which(name):
            return found
    return None
