"""What is done to one open page: reading its HTML, waiting for it to settle, scrolling it for
more, keeping the JSON its scripts load, photographing it. Bounds are the module's constants."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = [
    "MAX_JSON_BYTES",
    "MAX_JSON_RESPONSES",
    "POLL_S",
    "SHOT_MAX_HEIGHT",
    "VIEWPORT",
    "Asked",
    "LoadedJson",
    "first_line",
    "ms",
    "page_html",
    "scroll_more",
    "settle",
    "shoot",
]

logger = logging.getLogger(__name__)

POLL_S = 0.25  # how often a challenge page is looked at again while its script works
_CONTENT_RETRIES = 8  # page.content() during a navigation fails; try again this often
MAX_JSON_RESPONSES = 40  # JSON answers kept per page
MAX_JSON_BYTES = 2 * 1024 * 1024  # a larger JSON answer is not kept
_JSON_WAIT_S = 2.0  # for JSON bodies still being read when the page is done
_SCROLL_WAIT_S = 2.5  # for a page to grow after a scroll to its bottom
VIEWPORT = (1280, 900)  # the width screenshots are taken at
SHOT_MAX_HEIGHT = 3000  # a full-page screenshot is cut below this many pixels


@dataclass(frozen=True, slots=True)
class Asked:
    screenshot: bool
    scrolls: int
    json: bool


class LoadedJson:
    """The JSON bodies a page's scripts load (xhr/fetch answers typed JSON), bounded."""

    def __init__(self) -> None:
        self._reads: list[asyncio.Task[str | None]] = []

    def take(self, response: Any) -> None:
        if len(self._reads) >= MAX_JSON_RESPONSES:
            return
        if response.request.resource_type not in ("xhr", "fetch"):
            return
        if "json" not in (response.headers.get("content-type") or "").lower():
            return
        self._reads.append(asyncio.ensure_future(_json_text(response)))

    async def bodies(self) -> tuple[str, ...]:
        if not self._reads:
            return ()
        await asyncio.wait(self._reads, timeout=_JSON_WAIT_S)
        return tuple(
            text
            for task in self._reads
            if task.done() and not task.cancelled() and (text := task.result()) is not None
        )

    def cancel(self) -> None:
        for task in self._reads:
            task.cancel()


async def _json_text(response: Any) -> str | None:
    from playwright.async_api import Error as PlaywrightError

    try:
        declared = int(response.headers.get("content-length") or 0)
        if declared > MAX_JSON_BYTES:
            return None
        body = await response.body()
    except (PlaywrightError, ValueError):
        return None
    if len(body) > MAX_JSON_BYTES:
        return None
    return bytes(body).decode("utf-8", errors="replace")


async def scroll_more(page: Page, within_s: float) -> bool:
    """Scroll to the bottom and wait (≤ ``_SCROLL_WAIT_S``) for the page to grow; False
    when it did not (the list is whole) or the page's time is up."""
    from playwright.async_api import Error as PlaywrightError

    height_js = "document.documentElement.scrollHeight"
    wait = min(_SCROLL_WAIT_S, within_s - 1)
    if wait <= 0:
        return False
    try:
        before = await page.evaluate(height_js)
        await page.evaluate(f"window.scrollTo(0, {height_js})")
        loop = asyncio.get_running_loop()
        until = loop.time() + wait
        while loop.time() < until:
            await asyncio.sleep(POLL_S)
            if await page.evaluate(height_js) > before:
                await settle(page, min(1.0, until - loop.time()))
                return True
    except PlaywrightError:
        return False
    return False


async def page_html(page: Page) -> str | None:
    """The page's HTML now, or None while it keeps navigating."""
    from playwright.async_api import Error as PlaywrightError

    for _ in range(_CONTENT_RETRIES):
        try:
            return await page.content()
        except PlaywrightError:
            await asyncio.sleep(POLL_S)
    return None


async def settle(page: Page, within_s: float) -> None:
    """Wait (at most ``within_s``) for the page's own requests to end: lists built by script."""
    from playwright.async_api import Error as PlaywrightError

    if within_s <= 0:
        return
    with contextlib.suppress(PlaywrightError):
        await page.wait_for_load_state("networkidle", timeout=ms(within_s))


async def shoot(page: Page) -> tuple[bytes | None, tuple[int, int] | None]:
    """A PNG of the page from its top, as wide as the viewport, at most SHOT_MAX_HEIGHT high."""
    from playwright.async_api import Error as PlaywrightError

    width = VIEWPORT[0]
    try:
        full = await page.evaluate(
            "Math.max(document.documentElement.scrollHeight, document.body ? "
            "document.body.scrollHeight : 0)"
        )
        height = max(1, min(int(full or VIEWPORT[1]), SHOT_MAX_HEIGHT))
        image = await page.screenshot(
            type="png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": height},
        )
    except PlaywrightError as exc:
        logger.warning("browser: no screenshot of %s: %s", page.url, first_line(exc))
        return None, None
    return image, (width, height)


def ms(seconds: float) -> float:
    return max(1.0, seconds * 1000)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__
