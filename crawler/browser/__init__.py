"""A real browser for the pages plain HTTP cannot read (``docs/browser.md``)."""

from crawler.browser.escalation import needs_browser, not_rendered, rendered_result
from crawler.browser.renderer import Rendered, Renderer
from crawler.browser.settings import CHROMIUM_ENV, BrowserSettings, find_chromium

__all__ = [
    "CHROMIUM_ENV",
    "BrowserSettings",
    "Rendered",
    "Renderer",
    "find_chromium",
    "needs_browser",
    "not_rendered",
    "rendered_result",
]
