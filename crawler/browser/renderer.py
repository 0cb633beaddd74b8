"""Pages read in a real browser: one Chromium per run, started when a page first needs it.

A page that plain HTTP cannot read — a script challenge (瑞数's 412 that sets ``$_ts``
cookies and reloads, 加速乐's 521 ``__jsl_clearance``) or a list the page builds by script —
is opened in Chromium (Playwright). The browser runs the challenge's script and follows its
reload; the page is read once no challenge shows and its requests have settled (bounded).

Bounds: one browser process; at most ``pages_at_once`` pages open, one per host; a run's
``page_budget``; ``page_timeout_s`` per page, challenge included; its memory watched after each
page (the resident memory of its processes, read from /proc): past ``max_memory_mib`` it is
closed, and started afresh for the next page. A host whose challenge the browser did not pass
is not tried again in the run. Every request a page makes is checked
against the crawl's address policy, as the plain client's are: an internal address is
refused (DESIGN.md decision 12), other hosts' resources are allowed. Cookies a page earned
are handed back (``Rendered.cookies``) for the plain client to use on the host's other pages.

``render`` never raises for what a page does; it says what happened in ``Rendered``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.browser.page import (
    POLL_S,
    VIEWPORT,
    Asked,
    LoadedJson,
    first_line,
    ms,
    page_html,
    scroll_more,
    settle,
    shoot,
)
from crawler.browser.settings import BrowserSettings, find_chromium
from crawler.fetch.addresses import AddressPolicy, normal_host, parse_address, requested_host
from crawler.fetch.challenge import classify_challenge

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright, Request, Route

__all__ = ["Rendered", "Renderer"]

logger = logging.getLogger(__name__)

_CHROMIUM_ARGS = ("--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    """What the browser made of a page: its HTML when ``ok``, else why not (``detail``)."""

    ok: bool
    url: str
    final_url: str
    status: int | None
    html: str | None
    detail: str
    elapsed_s: float
    cookies: tuple[dict[str, Any], ...] = ()
    image: bytes | None = None  # a PNG screenshot of the page, when one was asked for
    image_size: tuple[int, int] | None = None  # its width and height in pixels
    challenge_stood: bool = False  # a challenge was still shown when the page's time was up
    # JSON the page loaded by script while it was read (asked for with ``capture_json``)
    loaded_json: tuple[str, ...] = ()


@dataclass(slots=True)
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    failed: str | None = None  # the challenge this host's pages showed the browser to the end
    context: BrowserContext | None = None


class Renderer:
    """Renders pages in one lazily started Chromium; ``async with Renderer(...) as r``."""

    def __init__(
        self,
        settings: BrowserSettings,
        *,
        addresses: AddressPolicy,
        verify_tls: bool = True,
    ) -> None:
        self._settings = settings
        self._addresses = addresses
        self._verify_tls = verify_tls
        self._hosts: defaultdict[str, _Host] = defaultdict(_Host)
        self._pages = asyncio.Semaphore(settings.pages_at_once)
        self._start_lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._unavailable: str | None = None
        self._resolved: dict[str, tuple[str, ...]] = {}
        self.pages_opened = 0
        self.restarts = 0  # times the browser was closed for its memory

    async def __aenter__(self) -> Renderer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def started(self) -> bool:
        return self._browser is not None

    async def close(self) -> None:
        """Close the browser (when it was started); safe to call twice."""
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        for host in self._hosts.values():
            host.context = None
        if browser is not None:
            with contextlib.suppress(Exception):
                await browser.close()
        if playwright is not None:
            with contextlib.suppress(Exception):
                await playwright.stop()

    async def render(
        self, url: str, *, screenshot: bool = False, scrolls: int = 0, capture_json: bool = False
    ) -> Rendered:
        """Open ``url`` in the browser and read it (see the module docstring); with
        ``screenshot``, take a PNG of the page as read (full page, cut at
        ``SHOT_MAX_HEIGHT``). ``scrolls``: scroll to the bottom up to this many times while
        the page grows (lists that load more on scroll), within the page's time.
        ``capture_json``: keep the JSON the page's scripts load (``Rendered.loaded_json``,
        at most ``MAX_JSON_RESPONSES`` of at most ``MAX_JSON_BYTES`` each)."""
        started = time.monotonic()
        host_name = normal_host(urlsplit(url).hostname or "")
        host = self._hosts[urlsplit(url).netloc.lower()]
        async with host.lock:
            if host.failed is not None:
                return self._failed(url, started, f"{host.failed}; not tried again this run")
            if self.pages_opened >= self._settings.page_budget:
                budget = self._settings.page_budget
                return self._failed(
                    url, started, f"the run's browser budget of {budget} pages is spent"
                )
            if (browser := await self._start()) is None:
                assert self._unavailable is not None
                return self._failed(url, started, self._unavailable)
            self.pages_opened += 1
            async with self._pages:
                if host.context is None:
                    width, height = VIEWPORT
                    host.context = await browser.new_context(
                        ignore_https_errors=not self._verify_tls,
                        locale="zh-CN",
                        viewport={"width": width, "height": height},
                    )
                    await host.context.route("**/*", self._guard(host_name))
                try:
                    async with asyncio.timeout(self._settings.page_timeout_s + 10):
                        rendered = await self._read(
                            host.context,
                            url,
                            started,
                            Asked(screenshot=screenshot, scrolls=scrolls, json=capture_json),
                        )
                except TimeoutError:
                    rendered = self._failed(url, started, "the browser did not answer in time")
        if rendered.challenge_stood:
            host.failed = rendered.detail
        await self._watch_memory()
        return rendered

    async def _watch_memory(self) -> None:
        """Close the browser when its processes hold more than the settings allow."""
        if self._browser is None:
            return
        used = await asyncio.to_thread(browser_memory_mib)
        if used is None or used <= self._settings.max_memory_mib:
            return
        logger.warning(
            "browser: %d MiB in use, over the %d MiB allowed: restarting it",
            used,
            self._settings.max_memory_mib,
        )
        async with self._start_lock:
            await self.close()
            self.restarts += 1

    async def _start(self) -> Browser | None:
        async with self._start_lock:
            if self._browser is not None or self._unavailable is not None:
                return self._browser
            executable = find_chromium(self._settings)
            if executable is None:
                self._unavailable = (
                    "no Chromium found: install the chromium package or set XUNJIAN_CHROMIUM"
                )
                return None
            try:
                from playwright.async_api import async_playwright
            except ImportError:
                self._unavailable = "Playwright is not installed: pip install 'xunjian[browser]'"
                return None
            try:
                self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=executable, headless=True, args=list(_CHROMIUM_ARGS)
                )
            except Exception as exc:  # any launch failure: the browser is unavailable this run
                self._unavailable = f"Chromium at {executable} did not start: {first_line(exc)}"
                logger.error("browser: %s", self._unavailable)
                await self.close()
                return None
            logger.info("browser: started %s", executable)
            return self._browser

    async def _read(
        self, context: BrowserContext, url: str, started: float, asked: Asked
    ) -> Rendered:
        from playwright.async_api import Error as PlaywrightError

        settings = self._settings
        loop = asyncio.get_running_loop()
        deadline = loop.time() + settings.page_timeout_s
        page = await context.new_page()
        statuses: list[int] = []
        loaded = LoadedJson()

        def on_response(response: Any) -> None:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                statuses.append(response.status)
            elif asked.json:
                loaded.take(response)

        page.on("response", on_response)
        try:
            try:
                await page.goto(
                    url, wait_until="domcontentloaded", timeout=ms(deadline - loop.time())
                )
            except PlaywrightError as exc:
                if not statuses:
                    return self._failed(
                        url, started, f"the page did not load in the browser: {first_line(exc)}"
                    )
            shown = "no page"
            while True:
                html = await page_html(page)
                status = statuses[-1] if statuses else None
                challenge = classify_challenge(status or 200, html) if html is not None else None
                if html is not None and challenge is None:
                    await settle(page, min(settings.settle_s, deadline - loop.time()))
                    for _ in range(asked.scrolls):
                        if not await scroll_more(page, deadline - loop.time()):
                            break
                    html = await page_html(page) or html
                    status = statuses[-1] if statuses else status
                    if status is not None and not 200 <= status < 300:
                        return self._failed(url, started, f"the browser got HTTP {status}")
                    cookies = tuple(dict(c) for c in await context.cookies([page.url]))
                    image, size = await shoot(page) if asked.screenshot else (None, None)
                    return Rendered(
                        ok=True,
                        url=url,
                        final_url=page.url,
                        status=status,
                        html=html,
                        detail="read in a browser",
                        elapsed_s=time.monotonic() - started,
                        cookies=cookies,
                        image=image,
                        image_size=size,
                        loaded_json=await loaded.bodies(),
                    )
                if challenge is not None:
                    shown = challenge.detail
                if loop.time() >= deadline:
                    stood = self._failed(
                        url,
                        started,
                        f"challenge still shown after {settings.page_timeout_s:g} s in a browser "
                        f"({shown})",
                    )
                    return replace(stood, challenge_stood=True)
                await asyncio.sleep(POLL_S)
        finally:
            loaded.cancel()
            with contextlib.suppress(Exception):
                await page.close()

    def _guard(self, page_host: str) -> Any:
        """The route handler of a host's pages: internal addresses refused, as in fetches."""

        async def guard(route: Route, request: Request) -> None:
            parts = urlsplit(request.url)
            if parts.scheme not in ("http", "https"):
                await route.continue_()
                return
            host = normal_host(parts.hostname or "")
            if await self._refused(host, page_host):
                logger.warning("browser: refused %s (an internal address)", host)
                await route.abort("addressunreachable")
                return
            await route.continue_()

        return guard

    async def _refused(self, host: str, page_host: str) -> bool:
        """The policy's verdict on ``host`` for a page of ``page_host`` (the host asked for)."""
        addresses = await self._addresses_of(host)
        token = requested_host.set(page_host)
        try:
            return any(self._addresses.refusal(host, a) is not None for a in addresses)
        finally:
            requested_host.reset(token)

    async def _addresses_of(self, host: str) -> tuple[str, ...]:
        """What ``host`` resolves to (once per run); none when it does not resolve."""
        addresses = self._resolved.get(host)
        if addresses is None:
            if parse_address(host) is not None:
                addresses = (host,)
            else:
                try:
                    infos = await asyncio.get_running_loop().getaddrinfo(
                        host, None, type=socket.SOCK_STREAM
                    )
                except OSError:
                    addresses = ()
                else:
                    addresses = tuple({str(info[4][0]) for info in infos})
            self._resolved[host] = addresses
        return addresses

    def _failed(self, url: str, started: float, detail: str) -> Rendered:
        return Rendered(
            ok=False,
            url=url,
            final_url=url,
            status=None,
            html=None,
            detail=detail,
            elapsed_s=time.monotonic() - started,
        )


def browser_memory_mib() -> int | None:
    """The resident memory of this process's Chromium descendants, in MiB (None: no /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    names: dict[int, str] = {}
    page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue  # gone meanwhile
        name_end = stat.rfind(")")
        fields = stat[name_end + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        names[pid] = stat[stat.find("(") + 1 : name_end]
        rss[pid] = int(statm[1]) * page_kib
    me = os.getpid()
    total_kib = 0
    for pid, name in names.items():
        if "chrom" not in name.lower():
            continue
        ancestor, hops = parents.get(pid), 0
        while ancestor is not None and ancestor not in (0, 1, me) and hops < 64:
            ancestor, hops = parents.get(ancestor), hops + 1
        if ancestor == me:
            total_kib += rss[pid]
    return total_kib // 1024
