"""Serving a demo fleet on loopback: one port per site, one aiohttp runner for all.

Each site listens on its own port (the crawler's politeness limits are per host:port, so
the sites can be crawled in parallel like distinct hosts); requests are routed by the port
they arrived on. Pages are prepared bytes (``crawler.demo.pages``), with ETag and
Last-Modified and 304 answers to ``If-None-Match`` / ``If-Modified-Since``. A fleet with
政务新媒体 accounts gets two more ports: an RSSHub instance serving their feeds and a stand-in
for m.weibo.cn's container API (``crawler.demo.account_feeds``).

``start_fleet`` runs the server in the current event loop; ``serve_in_thread`` runs it on a
background thread with its own loop, for synchronous callers (the CLI's demo command, tests
that drive a synchronous client).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Protocol

from aiohttp import web

from crawler.demo.account_feeds import RsshubPages, WeiboApiPages, source_path
from crawler.demo.disclosure import DemoUnit, UnitPages, render_units_yaml
from crawler.demo.model import AccountSource, Fleet
from crawler.demo.pages import Page, SitePages
from crawler.demo.styles import style_for
from crawler.demo.targets import render_targets

__all__ = ["FleetServerError", "RunningFleet", "serve_in_thread", "start_fleet"]

logger = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_S = 2.0
MAX_PORT = 65535
_NOT_FOUND = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在</title>'
    "</head><body><h1>404</h1><p>您访问的页面不存在或已被删除。</p></body></html>\n"
).encode()


class FleetServerError(RuntimeError):
    """The demo fleet could not be started or stopped as asked."""


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def _bind_sockets(host: str, count: int, first_port: int | None) -> list[socket.socket]:
    sockets: list[socket.socket] = []
    try:
        for index in range(count):
            if not first_port or first_port + index > MAX_PORT:  # None or 0: ephemeral ports
                sockets.append(_bind(host, 0))
                continue
            try:
                sockets.append(_bind(host, first_port + index))
            except OSError as exc:
                logger.info("port %d busy (%s); using an ephemeral port", first_port + index, exc)
                sockets.append(_bind(host, 0))
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise FleetServerError(
            f"cannot listen on {host}: {exc} — pass another host or first_port"
        ) from exc
    return sockets


def _not_modified(request: web.Request, page: Page) -> bool:
    tags = request.headers.get("If-None-Match")
    if tags is not None:
        return tags.strip() == "*" or page.etag in (tag.strip() for tag in tags.split(","))
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return moment.tzinfo is not None and page.last_modified <= moment


class _PageSource(Protocol):
    def get(self, path: str) -> Page | None: ...


class _Router:
    """Finds the page for a request from the port it arrived on and its path."""

    def __init__(self) -> None:
        self.by_port: dict[int, _PageSource] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        sockname = transport.get_extra_info("sockname") if transport is not None else None
        pages = self.by_port.get(sockname[1]) if sockname else None
        if pages is None:
            raise web.HTTPMisdirectedRequest()
        if request.method not in ("GET", "HEAD"):
            raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
        page = pages.get(request.path_qs) or pages.get(request.path)
        if page is None:
            return web.Response(
                status=404, body=_NOT_FOUND, content_type="text/html", charset="utf-8"
            )
        headers = {"ETag": page.etag, "Last-Modified": page.last_modified_http}
        if _not_modified(request, page):
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = page.content_type
        headers["Cache-Control"] = "max-age=0"
        return web.Response(body=page.body, headers=headers)


class RunningFleet:
    """A started fleet: its sites' homepage URLs (and, with accounts, the RSSHub and Weibo API
    base URLs) and targets file; stop it when done.

    A context manager (``with serve_in_thread(...)``) and an async one
    (``async with await start_fleet(...)``). In the loop that started it, prefer
    ``await aclose()``: ``stop()`` there can only schedule the shutdown.
    """

    def __init__(
        self,
        *,
        fleet: Fleet,
        base_urls: Mapping[str, str],
        runner: web.AppRunner,
        loop: asyncio.AbstractEventLoop,
        thread: threading.Thread | None = None,
        rsshub_url: str | None = None,
        weibo_api_url: str | None = None,
        units: tuple[DemoUnit, ...] = (),
        unit_urls: Mapping[str, str] | None = None,
    ) -> None:
        self.fleet = fleet
        self.units = units  # 政务公开 units (crawler.demo.disclosure), one port each
        self.unit_urls: Mapping[str, str] = MappingProxyType(dict(unit_urls or {}))
        self.base_urls: Mapping[str, str] = MappingProxyType(dict(base_urls))
        self.rsshub_url = rsshub_url  # None: the fleet has no accounts
        self.weibo_api_url = weibo_api_url
        self._runner = runner
        self._loop = loop
        self._thread = thread
        self._stopped = False
        self._closing: asyncio.Task[None] | None = None

    def column_url(self, site_id: str, column_id: str) -> str:
        """The URL of a column's first list page."""
        site = self.fleet.site(site_id)
        path = style_for(site.style).column_path(site.column(column_id))
        return self.base_urls[site_id].rstrip("/") + path

    def account_url(self, account_id: str) -> str:
        """The URL an account's posts are served at (its feed, or its Weibo API page)."""
        account = self.fleet.account(account_id)
        base = self.weibo_api_url if account.source is AccountSource.WEIBO_UID else self.rsshub_url
        if base is None:
            raise FleetServerError(f"account {account_id!r} is not being served")
        return base + source_path(account)

    def targets_yaml(self) -> str:
        text = render_targets(
            self.fleet,
            self.base_urls,
            rsshub_url=self.rsshub_url,
            weibo_api_url=self.weibo_api_url,
        )
        if self.units:
            text += "\n".join(render_units_yaml(self.units, dict(self.unit_urls))) + "\n"
        return text

    def write_targets(self, path: Path) -> None:
        path.write_text(self.targets_yaml(), encoding="utf-8")

    def stop(self) -> None:
        """Stop serving; from another thread (or a threaded fleet) this waits until done."""
        if self._stopped:
            return
        self._stopped = True
        if self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            return
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if current is self._loop:
            self._closing = self._loop.create_task(self._runner.cleanup())
        elif self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result()
        elif not self._loop.is_closed():
            self._loop.run_until_complete(self._runner.cleanup())

    async def aclose(self) -> None:
        """Stop serving and wait until every port is closed."""
        if self._thread is not None:
            await asyncio.to_thread(self.stop)
        elif not self._stopped:
            self._stopped = True
            await self._runner.cleanup()
        elif self._closing is not None:
            await self._closing

    def __enter__(self) -> RunningFleet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> RunningFleet:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


async def _serve(
    fleet: Fleet,
    host: str,
    first_port: int | None,
    thread: threading.Thread | None,
    units: tuple[DemoUnit, ...] = (),
) -> RunningFleet:
    site_pages = await asyncio.to_thread(
        lambda: [SitePages(site, fleet.today) for site in fleet.sites]
    )
    extra = 2 if fleet.accounts else 0  # the RSSHub and Weibo API ports
    unit_pages = [UnitPages(unit, fleet.today) for unit in units]
    sockets = _bind_sockets(host, len(site_pages) + extra + len(unit_pages), first_port)
    unit_sockets = sockets[len(site_pages) + extra :]
    sockets_without_units = sockets[: len(site_pages) + extra]
    router = _Router()
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", router.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
    await runner.setup()
    base_urls: dict[str, str] = {}
    shown = f"[{host}]" if ":" in host else host
    rsshub_url = weibo_api_url = None
    unit_urls: dict[str, str] = {}
    try:
        for pages, sock in zip(site_pages, sockets, strict=False):
            port = sock.getsockname()[1]
            router.by_port[port] = pages
            await web.SockSite(runner, sock).start()
            base_urls[pages.site.id] = f"http://{shown}:{port}/"
        named = {p.site.id: (p.site.name, base_urls[p.site.id]) for p in site_pages}
        for pages in site_pages:
            pages.link_sites(named)  # the portal's 部门网站 box, now that the ports are known
        for unit_page, sock in zip(unit_pages, unit_sockets, strict=True):
            port = sock.getsockname()[1]
            router.by_port[port] = unit_page
            await web.SockSite(runner, sock).start()
            unit_urls[unit_page.unit.id] = f"http://{shown}:{port}/"
        if extra:
            rsshub_sock, weibo_sock = sockets_without_units[len(site_pages) :]
            rsshub_url = f"http://{shown}:{rsshub_sock.getsockname()[1]}"
            weibo_api_url = f"http://{shown}:{weibo_sock.getsockname()[1]}"
            rsshub, weibo = await asyncio.to_thread(
                lambda: (RsshubPages(fleet.accounts, rsshub_url), WeiboApiPages(fleet.accounts))
            )
            router.by_port[rsshub_sock.getsockname()[1]] = rsshub
            router.by_port[weibo_sock.getsockname()[1]] = weibo
            await web.SockSite(runner, rsshub_sock).start()
            await web.SockSite(runner, weibo_sock).start()
    except BaseException:
        await runner.cleanup()
        for sock in sockets:
            sock.close()
        raise
    logger.info(
        "demo fleet of %d sites and %d accounts serving on %s",
        len(base_urls),
        len(fleet.accounts),
        host,
    )
    return RunningFleet(
        fleet=fleet,
        base_urls=base_urls,
        runner=runner,
        loop=asyncio.get_running_loop(),
        thread=thread,
        rsshub_url=rsshub_url,
        weibo_api_url=weibo_api_url,
        units=units,
        unit_urls=unit_urls,
    )


async def start_fleet(
    fleet: Fleet,
    *,
    host: str = "127.0.0.1",
    first_port: int | None = None,
    units: tuple[DemoUnit, ...] = (),
) -> RunningFleet:
    """Serve ``fleet`` in the running loop, one port per site (then RSSHub and the Weibo API
    when it has accounts, then one per 政务公开 unit of ``units``): ``first_port`` and up, or
    an ephemeral port where ``first_port`` is None or 0 or a port is busy."""
    return await _serve(fleet, host, first_port, None, units)


def serve_in_thread(
    fleet: Fleet,
    *,
    host: str = "127.0.0.1",
    first_port: int | None = None,
    units: tuple[DemoUnit, ...] = (),
) -> RunningFleet:
    """Serve ``fleet`` from a background thread with its own event loop; ``stop()`` joins it."""
    started: Future[RunningFleet] = Future()

    def run() -> None:
        loop = asyncio.new_event_loop()
        try:
            try:
                running = loop.run_until_complete(_serve(fleet, host, first_port, thread, units))
            except BaseException as exc:  # handed to the caller below
                started.set_exception(exc)
                return
            started.set_result(running)
            loop.run_forever()
            loop.run_until_complete(running._runner.cleanup())
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    thread = threading.Thread(target=run, name="xunjian-demo-fleet", daemon=True)
    thread.start()
    return started.result()
