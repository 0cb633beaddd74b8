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

With ``ipv6=True`` each site also listens on ::1 at its port, and a stub name server
(``crawler.demo.names``) answers the sites' domains with 127.0.0.1 and ::1, so an IPv6 check
can look a site up by name and fetch it over IPv6. ``RunningFleet.show(moment)`` serves the
fleet as it stood at a moment (``crawler.demo.timeline``): the simulated quarter advances it.

The sites named in ``challenged`` sit behind a stand-in of 瑞数's script challenge: a request
without the clearance cookie gets a 412 page whose script computes the cookie and reloads, as
real government sites behind a WAF answer (only a browser gets the pages; docs/browser.md).
``crawl demo`` puts ``CHALLENGED_SITE`` behind it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Protocol
from urllib.parse import urlsplit

from aiohttp import web

from crawler.demo.account_feeds import RsshubPages, WeiboApiPages, source_path
from crawler.demo.disclosure import DemoUnit, UnitPages, render_units_yaml
from crawler.demo.model import AccountSource, Fleet
from crawler.demo.names import StubNameServer, start_name_server
from crawler.demo.pages import Page, SitePages
from crawler.demo.styles import style_for
from crawler.demo.targets import render_targets
from crawler.demo.timeline import fleet_as_of, units_as_of
from rules.model import SHANGHAI

__all__ = [
    "FleetServerError",
    "RunningFleet",
    "ipv6_loopback_available",
    "serve_in_thread",
    "start_fleet",
]

logger = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_S = 2.0
MAX_PORT = 65535
IPV6_LOOPBACK = "::1"
_PAIR_TRIES = 20  # ports tried for a site listening on both 127.0.0.1 and ::1
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


def _bind_pair(host: str, port: int | None) -> list[socket.socket]:
    """One port on ``host`` and on ::1: ``port`` if both are free there, else one that is."""
    candidate = port or 0
    for _ in range(_PAIR_TRIES):
        first = _bind(host, candidate)
        try:
            second = _bind(IPV6_LOOPBACK, first.getsockname()[1])
        except OSError:
            first.close()
            candidate = 0
            continue
        return [first, second]
    raise FleetServerError(
        f"no port free on both {host} and {IPV6_LOOPBACK} after {_PAIR_TRIES} tries"
    )


def _bind_site_sockets(
    host: str, count: int, first_port: int | None, ipv6: bool
) -> list[list[socket.socket]]:
    """Per site, its listening sockets: one on ``host``, and one on ::1 at the same port."""
    if not ipv6:
        return [[sock] for sock in _bind_sockets(host, count, first_port)]
    pairs: list[list[socket.socket]] = []
    try:
        for index in range(count):
            port = first_port + index if first_port and first_port + index <= MAX_PORT else None
            pairs.append(_bind_pair(host, port))
    except OSError as exc:
        for pair in pairs:
            for sock in pair:
                sock.close()
        raise FleetServerError(
            f"cannot listen on {host} and {IPV6_LOOPBACK}: {exc} — this machine may have no IPv6"
            " loopback"
        ) from exc
    return pairs


def ipv6_loopback_available() -> bool:
    """Whether this machine can listen on ::1 (IPv6 loopback)."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind((IPV6_LOOPBACK, 0))
    except OSError:
        return False
    return True


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


CHALLENGED_SITE = "ggzy"  # the demo's site behind a script challenge
CLEARANCE_COOKIE = "xj_clearance"
_CLEARANCE = str(7919 * 31 + 17)  # what the challenge's script computes
_CHALLENGE_PAGE = (
    '<html><head><meta id="Xj3iN0dkq8Pa" content="demo" r="m">'
    "<script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=7919;$_ts.cd='demo';</script>"
    "<script>document.cookie='" + CLEARANCE_COOKIE + "='+($_ts.nsd*31+17)+'; path=/';"
    "setTimeout(function(){location.reload();},30);</script></head><body></body></html>"
).encode()


class _PageSource(Protocol):
    def get(self, path: str) -> Page | None: ...


class _Router:
    """Finds the page for a request from the port it arrived on and its path."""

    def __init__(self) -> None:
        self.by_port: dict[int, _PageSource] = {}  # replaced whole per port: no lock needed
        self.challenged: set[int] = set()  # ports behind the script challenge

    async def handle(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        sockname = transport.get_extra_info("sockname") if transport is not None else None
        port: int | None = sockname[1] if sockname else None
        pages = self.by_port.get(port) if port is not None else None
        if pages is None:
            raise web.HTTPMisdirectedRequest()
        if request.method not in ("GET", "HEAD"):
            raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
        challenged = port in self.challenged and request.path != "/robots.txt"
        if challenged and request.cookies.get(CLEARANCE_COOKIE) != _CLEARANCE:
            return web.Response(
                status=412, body=_CHALLENGE_PAGE, content_type="text/html", charset="utf-8"
            )
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


@dataclass(slots=True, kw_only=True)
class _Routes:
    """Which port serves what: the page sources are built again for every view shown."""

    router: _Router
    site_ports: dict[str, int] = field(default_factory=dict)  # site id → port
    unit_ports: dict[str, int] = field(default_factory=dict)  # host unit id → port
    rsshub: tuple[int, str] | None = None  # port, base URL
    weibo_port: int | None = None
    linked: dict[str, tuple[str, str]] = field(default_factory=dict)  # site id → name, URL

    def publish(
        self, fleet: Fleet, units: Sequence[DemoUnit], *, moment: datetime | None = None
    ) -> None:
        """Serve ``fleet`` and ``units`` from now on (each port's pages replaced at once);
        ``moment``: the time the fleet is shown at (the simulated quarter's), else now."""
        for site in fleet.sites:
            pages = SitePages(site, fleet.today)
            pages.link_sites(self.linked)  # the portal's 部门网站 box
            self.router.by_port[self.site_ports[site.id]] = pages
        for host_id, villages in _unit_hosts(units).items():
            host = next(unit for unit in units if unit.id == host_id)
            self.router.by_port[self.unit_ports[host_id]] = UnitPages(host, fleet.today, villages)
        if self.rsshub is not None and self.weibo_port is not None:
            port, url = self.rsshub
            self.router.by_port[port] = RsshubPages(fleet.accounts, url, built=moment)
            self.router.by_port[self.weibo_port] = WeiboApiPages(fleet.accounts)


def _unit_hosts(units: Sequence[DemoUnit]) -> dict[str, list[DemoUnit]]:
    """Host unit id → the villages it serves too: a village is served by its town's host when
    its town is among ``units``, else by its own."""
    ids = {unit.id for unit in units}
    hosts: dict[str, list[DemoUnit]] = {}
    for unit in units:
        if unit.level == "village" and unit.parent in ids:
            continue
        hosts[unit.id] = []
    for unit in units:
        if unit.level == "village" and unit.parent in ids:
            assert unit.parent is not None
            hosts[unit.parent].append(unit)
    return hosts


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
        routes: _Routes | None = None,
        name_server: StubNameServer | None = None,
    ) -> None:
        self.fleet = fleet
        # 政务公开 units (crawler.demo.disclosure): a port per department and town, whose host
        # serves its villages too; unit id → the base URL of its host
        self.units = units
        self.unit_urls: Mapping[str, str] = MappingProxyType(dict(unit_urls or {}))
        self.base_urls: Mapping[str, str] = MappingProxyType(dict(base_urls))
        self.rsshub_url = rsshub_url  # None: the fleet has no accounts
        self.weibo_api_url = weibo_api_url
        self._routes = routes
        self._name_server = name_server
        self._runner = runner
        self._loop = loop
        self._thread = thread
        self._stopped = False
        self._closing: asyncio.Task[None] | None = None

    @property
    def nameserver(self) -> tuple[str, int] | None:
        """(address, port) of the stub name server of the sites' domains; None without IPv6."""
        return self._name_server.address if self._name_server is not None else None

    def named_homepage(self, site_id: str) -> str:
        """A site's homepage by its domain, at its port (resolved by ``nameserver``)."""
        site = self.fleet.site(site_id)
        port = urlsplit(self.base_urls[site_id]).port
        return f"http://{site.domain}:{port}/"

    def show(self, moment: datetime) -> None:
        """Serve the fleet and its units as they stood at ``moment`` (aware), from now on."""
        if self._routes is None:
            raise FleetServerError("this fleet was started without its routes")
        day = moment.astimezone(SHANGHAI).date()
        self._routes.publish(
            fleet_as_of(self.fleet, moment), units_as_of(self.units, day), moment=moment
        )

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
        if self._name_server is not None:
            self._loop.call_soon_threadsafe(self._name_server.close)
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
            if self._name_server is not None:
                self._name_server.close()
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
    ipv6: bool = False,
    challenged: Sequence[str] = (),
) -> RunningFleet:
    hosts = _unit_hosts(units)
    extra = 2 if fleet.accounts else 0  # the RSSHub and Weibo API ports
    site_sockets = _bind_site_sockets(host, len(fleet.sites), first_port, ipv6)
    after = first_port + len(fleet.sites) if first_port else first_port
    try:
        sockets = _bind_sockets(host, extra + len(hosts), after)
    except BaseException:
        for pair in site_sockets:
            for sock in pair:
                sock.close()
        raise
    all_sockets = [sock for pair in site_sockets for sock in pair] + sockets
    router = _Router()
    routes = _Routes(router=router)
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", router.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
    await runner.setup()
    base_urls: dict[str, str] = {}
    shown = f"[{host}]" if ":" in host else host
    rsshub_url = weibo_api_url = None
    unit_urls: dict[str, str] = {}
    name_server: StubNameServer | None = None
    try:
        for site, pair in zip(fleet.sites, site_sockets, strict=True):
            port = pair[0].getsockname()[1]
            routes.site_ports[site.id] = port
            base_urls[site.id] = f"http://{shown}:{port}/"
            if site.id in challenged:
                router.challenged.add(port)
        routes.linked = {site.id: (site.name, base_urls[site.id]) for site in fleet.sites}
        for host_id, sock in zip(hosts, sockets[extra:], strict=True):
            port = sock.getsockname()[1]
            routes.unit_ports[host_id] = port
            unit_urls[host_id] = f"http://{shown}:{port}/"
            for village in hosts[host_id]:
                unit_urls[village.id] = unit_urls[host_id]
        if extra:
            rsshub_sock, weibo_sock = sockets[:extra]
            rsshub_url = f"http://{shown}:{rsshub_sock.getsockname()[1]}"
            weibo_api_url = f"http://{shown}:{weibo_sock.getsockname()[1]}"
            routes.rsshub = (rsshub_sock.getsockname()[1], rsshub_url)
            routes.weibo_port = weibo_sock.getsockname()[1]
        # every page rendered before the first request can come
        await asyncio.to_thread(routes.publish, fleet, units)
        for sock in all_sockets:
            await web.SockSite(runner, sock).start()
        if ipv6:
            name_server = await start_name_server(site.domain for site in fleet.sites)
    except BaseException:
        await runner.cleanup()
        for sock in all_sockets:
            sock.close()
        raise
    logger.info(
        "demo fleet of %d sites, %d accounts and %d 政务公开 units serving on %s%s",
        len(base_urls),
        len(fleet.accounts),
        len(units),
        host,
        f" and {IPV6_LOOPBACK} (names at {name_server.address[0]}:{name_server.address[1]})"
        if name_server is not None
        else "",
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
        routes=routes,
        name_server=name_server,
    )


async def start_fleet(
    fleet: Fleet,
    *,
    host: str = "127.0.0.1",
    first_port: int | None = None,
    units: tuple[DemoUnit, ...] = (),
    ipv6: bool = False,
) -> RunningFleet:
    """Serve ``fleet`` in the running loop, one port per site (then RSSHub and the Weibo API
    when it has accounts, then one per 政务公开 department and town of ``units``, serving its
    villages too): ``first_port`` and up, or an ephemeral port where ``first_port`` is None or
    0 or a port is busy. ``ipv6``: the sites listen on ::1 too, behind their domains (see the
    module docstring)."""
    return await _serve(fleet, host, first_port, None, units, ipv6)


def serve_in_thread(
    fleet: Fleet,
    *,
    host: str = "127.0.0.1",
    first_port: int | None = None,
    units: tuple[DemoUnit, ...] = (),
    ipv6: bool = False,
    challenged: Sequence[str] = (),
) -> RunningFleet:
    """Serve ``fleet`` from a background thread with its own event loop; ``stop()`` joins it.
    The sites named in ``challenged`` answer with a script challenge first."""
    started: Future[RunningFleet] = Future()

    def run() -> None:
        loop = asyncio.new_event_loop()
        try:
            try:
                running = loop.run_until_complete(
                    _serve(fleet, host, first_port, thread, units, ipv6, challenged)
                )
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
