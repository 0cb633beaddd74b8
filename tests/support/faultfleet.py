"""A fleet of loopback sites that misbehave on purpose, served by a process of its own.

    python -m tests.support.faultfleet --port-file PATH

listens on loopback ports, then writes their numbers (and its pid) as JSON to ``PATH``
(atomically: the file appears complete or not at all) and serves until SIGTERM or SIGINT:

- ``main`` (127.0.0.1): one route per fault (``/reset/``, ``/status/503/``, ``/gzip-bomb/`` …;
  each route also answers below itself, ``/reset/home/``, so two pages with one fault are
  counted apart), healthy list pages (``/fresh/NAME/``) and articles (``/a/…``) beside them;
- ``stall``, ``stall-body``, ``stall-home`` (127.0.0.1): answer robots.txt, then accept every
  other request and never answer it (a read timeout), or send the headers and half a page and
  then nothing (``stall-body``); one port each, so one stalled page never waits for another's
  per-host slot in the crawler;
- ``blackhole`` (127.0.0.1): listens with a full accept queue and never accepts, so a
  connection attempt is never answered (a connect timeout);
- ``internal`` (127.0.0.2): what ``/to-internal/`` redirects to, an address the crawler must
  refuse; it answers a fresh list page, so following it would read as content.

``GET /_fleet/hits`` on ``main`` returns the requests counted per listener and path as JSON
(``{"main /status/404/": 1, …}``). ``POST /_fleet/hold?after=N`` answers N more requests on
``main`` (robots.txt and ``/_fleet/`` aside) and holds every further one until
``POST /_fleet/release``: a crawl stopped midway cannot have finished first, however fast or
slow the machine is.

Healthy pages are dated relative to the fleet's today (Asia/Shanghai) and answer
``If-None-Match`` with 304, as a CMS behind a cache does. Running in its own process, a fault
that hangs or floods the crawler never stalls the event loop of the test that watches it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import signal
import socket
import struct
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SHANGHAI = ZoneInfo("Asia/Shanghai")
HTML = "text/html; charset=utf-8"
ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"
HUGE_BYTES = 64 * 1024 * 1024  # streamed at most, far over the crawler's 5 MB cap
BOMB_EXPANDED_BYTES = 256 * 1024 * 1024  # what the gzip bomb inflates to (~0.6 MB sent)
NESTED_DIVS = 20_000
FUTURE_YEAR = 2091

RUISHU_412 = (
    "<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; "
    'charset=utf-8\'><meta id="9DhefwqGPrzGxEp9hPaoag" content="Hk2qXJ8tK0.ZxB5nQ3lYr" '
    "r='m'><script r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84730;"
    '$_ts.cd="qEqcrAAlWsGqDqLUroAErSaqDqLUAGa";</script>'
    "<script type='text/javascript' charset='utf-8' src='/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js' "
    "r='m'></script></head><body></body></html>"
)
JSL_521 = (
    "<html><body><script>var __jsl_clearance_s='1700000000.123|0|abcdef';"
    "document.cookie='__jsl_clearance_s='+__jsl_clearance_s+';max-age=3600;path=/';"
    "location.href=location.pathname+location.search</script></body></html>"
)
SAFEDOG_403 = (
    "<html><head><meta charset='utf-8'><title>网站防火墙</title></head><body>"
    "<h3>您的访问被拦截</h3><p>可能原因：您提交的内容包含危险的攻击请求</p>"
    "<p>如何解决：检查提交内容；如网站托管，请联系空间提供商</p><p>网站安全狗</p></body></html>"
)
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 5000
ENTITY_BOMB_FEED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title><link>http://127.0.0.1/</link>'
    "<item><title>&lol9;</title><link>http://127.0.0.1/p/1</link><guid>p-1</guid>"
    "<description>&lol9;</description><pubDate>{pub}</pubDate></item></channel></rss>\n"
)


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


def list_page(
    rows: list[tuple[str, str]],
    *,
    prefix: str,
    charset: str = "utf-8",
    title: str = "栏目",
) -> str:
    """A government-style list page: a header widget dated in the future (never to be read as
    an item's date), the list, a footer."""
    items = "".join(
        f'<li><a href="/a/{prefix}-{i}.html" title="{text}">{text}</a>'
        f'<span class="date">{day}</span></li>'
        for i, (text, day) in enumerate(rows)
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f'<body><div class="header">欢迎访问 今天是{FUTURE_YEAR}年1月1日</div>'
        f'<div class="main"><ul class="list">{items}</ul></div>'
        '<div class="footer">© 2004-2030 版权所有 某某人民政府办公室</div></body></html>'
    )


def fresh_rows(name: str, *, ages: tuple[int, ...] = (1, 3, 6, 9)) -> list[tuple[str, str]]:
    today = shanghai_today()
    return [
        (f"{name}关于做好第{i + 1}批重点工作的通知", (today - timedelta(days=age)).isoformat())
        for i, age in enumerate(ages)
    ]


def stale_rows(name: str) -> list[tuple[str, str]]:
    return [(f"{name}关于第{i + 1}次会议的通报", f"2021-0{i + 3}-1{i}") for i in range(4)]


def future_rows(name: str) -> list[tuple[str, str]]:
    return [
        (f"{name}关于第{i + 1}期工作安排的公告", f"{FUTURE_YEAR}-0{i + 3}-1{i}") for i in range(4)
    ]


def gzip_bomb() -> bytes:
    """``BOMB_EXPANDED_BYTES`` of repeated markup, gzip-compressed (about a thousandth)."""
    block = b"<p>" + b"x" * 1017 + b"</p>\n"
    chunk = block * 1024  # 1 MiB
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    parts = [packer.compress(b"<html><body>")]
    for _ in range(BOMB_EXPANDED_BYTES // len(chunk)):
        parts.append(packer.compress(chunk))
    parts.append(packer.flush())
    return b"".join(parts)


class Fleet:
    """The routes, their hit counts and the hold."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.ports: dict[str, int] = {}
        self.stopping = asyncio.Event()
        self.bomb = b""  # made before the fleet listens (about a second)
        self.answers_left: int | None = None  # None: no hold
        self.released = asyncio.Event()

    # --- the applications ---------------------------------------------------------------

    def main_app(self) -> web.Application:
        app = web.Application(middlewares=[self._counter("main"), self._hold])
        app.router.add_get("/robots.txt", self.robots)
        app.router.add_get("/_fleet/hits", self.report_hits)
        app.router.add_post("/_fleet/hold", self.hold)
        app.router.add_post("/_fleet/release", self.release)
        routes: dict[str, _Handler] = {
            "/fresh/{name}/": self.fresh,
            "/stale/{name}/": self.stale,
            "/private/": self.fresh,
            "/reset/": self.reset,
            "/reset-body/": self.reset_mid_body,
            "/status/{code:[0-9]+}/": self.status,
            "/429/": self.too_many_requests,
            "/ruishu-412/": self.ruishu_412,
            "/ruishu-200/": self.ruishu_200,
            "/jsl-521/": self.jsl_521,
            "/safedog-403/": self.safedog_403,
            "/loop/{name}/": self.redirect_loop,
            "/to-internal/": self.redirect_to_internal,
            "/gzip-bomb/": self.gzip_bomb,
            "/huge/": self.huge_chunked,
            "/huge-declared/": self.huge_declared,
            "/lying-charset/": self.lying_charset,
            "/lying-charset-no-meta/": self.lying_charset_no_meta,
            "/truncated/": self.truncated,
            "/malformed/": self.malformed,
            "/unclosed-formatting/": self.unclosed_formatting,
            "/nul-bytes/": self.nul_bytes,
            "/nested/": self.nested,
            "/empty/": self.empty,
            "/soft-404/": self.soft_404,
            "/maintenance/": self.maintenance,
            "/future/": self.future,
            "/pdf/": self.pdf,
            "/feed/": self.feed,
            "/feed-bomb/": self.feed_bomb,
        }
        for path, handler in routes.items():
            app.router.add_get(path + "{tail:.*}", handler)
        app.router.add_get("/a/{name}", self.article)
        return app

    def stall_app(self, listener: str, handler: _Handler) -> web.Application:
        app = web.Application(middlewares=[self._counter(listener)])
        app.router.add_get("/robots.txt", self.robots)
        app.router.add_route("*", "/{tail:.*}", handler)
        return app

    def internal_app(self) -> web.Application:
        app = web.Application(middlewares=[self._counter("internal")])
        app.router.add_route("*", "/{tail:.*}", self.internal)
        return app

    def _counter(self, listener: str) -> Callable[..., Awaitable[web.StreamResponse]]:
        @web.middleware
        async def count(request: web.Request, handler: _Handler) -> web.StreamResponse:
            if not request.path.startswith("/_fleet/"):
                self.hits[f"{listener} {request.path}"] += 1
            return await handler(request)

        return count

    @web.middleware
    async def _hold(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        if self.answers_left is not None and not request.path.startswith(
            ("/_fleet/", "/robots.txt")
        ):
            if self.answers_left > 0:
                self.answers_left -= 1
            else:
                await self.released.wait()
        return await handler(request)

    # --- control --------------------------------------------------------------------------

    def stop(self) -> None:
        """Answer whatever is held or stalled, and stop serving."""
        self.released.set()
        self.stopping.set()

    async def report_hits(self, request: web.Request) -> web.Response:
        return web.json_response(dict(self.hits))

    async def hold(self, request: web.Request) -> web.Response:
        self.released.clear()
        self.answers_left = int(request.query["after"])
        return web.json_response({"answers_left": self.answers_left})

    async def release(self, request: web.Request) -> web.Response:
        self.answers_left = None
        self.released.set()
        return web.json_response({"answers_left": None})

    # --- healthy pages --------------------------------------------------------------------

    async def robots(self, request: web.Request) -> web.Response:
        return web.Response(text=ROBOTS_TXT, content_type="text/plain")

    async def fresh(self, request: web.Request) -> web.Response:
        name = request.match_info.get("name", "private")
        return _cached(request, list_page(fresh_rows(name), prefix=name))

    async def stale(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        return _cached(request, list_page(stale_rows(name), prefix=name))

    async def article(self, request: web.Request) -> web.Response:
        body = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>正文</title></head><body>"
            f"<h1>关于做好重点工作的通知</h1><p>发布时间：{shanghai_today().isoformat()}</p>"
            "<p>各有关单位：现将有关事项通知如下。</p></body></html>"
        )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def internal(self, request: web.Request) -> web.Response:
        return web.Response(
            text=list_page(fresh_rows("内网"), prefix="internal"), content_type="text/html"
        )

    # --- network faults -------------------------------------------------------------------

    async def stall(self, request: web.Request) -> web.StreamResponse:
        """Accept, read the request, never answer (until the client gives up or we stop)."""
        await self.stopping.wait()
        return web.Response(status=503)

    async def stall_body(self, request: web.Request) -> web.StreamResponse:
        """Headers and half a list page, then nothing."""
        response = web.StreamResponse(headers={"Content-Type": HTML})
        response.content_length = 50_000
        await response.prepare(request)
        page = list_page(fresh_rows("半截"), prefix="stall")
        await response.write(page[: len(page) // 2].encode())
        await self.stopping.wait()
        return response

    async def reset(self, request: web.Request) -> web.StreamResponse:
        """A TCP reset (RST) instead of any response."""
        _abort_with_reset(request)
        return web.Response()  # never sent: the connection is gone

    async def reset_mid_body(self, request: web.Request) -> web.StreamResponse:
        """Headers promising 100 000 bytes, 2 000 of them, then a reset."""
        response = web.StreamResponse(headers={"Content-Type": HTML})
        response.content_length = 100_000
        await response.prepare(request)
        await response.write(b"<html><body><ul>" + b"<li>" * 500)
        await asyncio.sleep(0.05)
        _abort_with_reset(request)
        return response

    # --- HTTP faults ----------------------------------------------------------------------

    async def status(self, request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        body = (
            f"<html><head><title>{code} Error</title></head><body><h1>{code}</h1>"
            "<hr><center>nginx</center></body></html>"
        )
        return web.Response(status=code, text=body, content_type="text/html")

    async def too_many_requests(self, request: web.Request) -> web.Response:
        return web.Response(
            status=429,
            text="<html><body><h1>429 Too Many Requests</h1></body></html>",
            content_type="text/html",
            headers={"Retry-After": "1"},
        )

    async def ruishu_412(self, request: web.Request) -> web.Response:
        return web.Response(status=412, text=RUISHU_412, content_type="text/html")

    async def ruishu_200(self, request: web.Request) -> web.Response:
        return web.Response(text=RUISHU_412, content_type="text/html")

    async def jsl_521(self, request: web.Request) -> web.Response:
        """加速乐's first answer: a cookie set by a script, ``__jsl_clearance`` spelt out."""
        response = web.Response(status=521, text=JSL_521, content_type="text/html")
        response.set_cookie("__jsluid_h", "0123456789abcdef")
        return response

    async def safedog_403(self, request: web.Request) -> web.Response:
        return web.Response(status=403, text=SAFEDOG_403, content_type="text/html")

    async def redirect_loop(self, request: web.Request) -> web.Response:
        other = "b" if request.match_info["name"] == "a" else "a"
        raise web.HTTPFound(f"/loop/{other}/")

    async def redirect_to_internal(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://127.0.0.2:{self.ports['internal']}/secret/")

    # --- bodies ---------------------------------------------------------------------------

    async def gzip_bomb(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.bomb, headers={"Content-Type": HTML, "Content-Encoding": "gzip"}
        )

    async def huge_chunked(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": HTML})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await _stream_markup(response, HUGE_BYTES)
        return response

    async def huge_declared(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": HTML})
        response.content_length = HUGE_BYTES
        await response.prepare(request)
        await _stream_markup(response, HUGE_BYTES)
        return response

    async def lying_charset(self, request: web.Request) -> web.Response:
        """The header says UTF-8, the meta tag gb2312, the bytes are GBK."""
        page = list_page(fresh_rows("镕堃"), prefix="lying", charset="gb2312")
        return web.Response(
            body=page.encode("gb18030"), headers={"Content-Type": "text/html; charset=utf-8"}
        )

    async def lying_charset_no_meta(self, request: web.Request) -> web.Response:
        """The header says UTF-8, nothing else says anything, the bytes are GBK."""
        page = list_page(fresh_rows("政务公开"), prefix="lying2").replace(
            '<meta charset="utf-8">', ""
        )
        return web.Response(
            body=page.encode("gb18030"), headers={"Content-Type": "text/html; charset=utf-8"}
        )

    async def truncated(self, request: web.Request) -> web.Response:
        """A list page cut off in the middle of its fifth item's tag (the server sent what it
        had: a complete response of incomplete HTML)."""
        page = list_page(fresh_rows("截断", ages=(1, 2, 3, 4, 5, 6)), prefix="cut")
        cut = page.index('<li><a href="/a/cut-4.html"') + 12
        return web.Response(body=page[:cut].encode(), headers={"Content-Type": HTML})

    async def malformed(self, request: web.Request) -> web.Response:
        """Stray end tags, unclosed ``<li>``, ``<p>``, ``<font>``, ``<span>`` and ``<table>``, an
        unterminated attribute and comment at the end."""
        items = "".join(
            f'<li><a href="/a/bad-{i}.html">{text}</a><span class="date">{day}'
            for i, (text, day) in enumerate(fresh_rows("残缺"))
        )
        page = (
            "<html><head><title>残缺页面</title><meta charset=utf-8></head><body></div></td>"
            f"<font color=red><p>栏目<table><tr><td><ul class=list>{items}</table></tr>"
            "</span></body><div class='footer' <!-- unterminated <a href='"
        )
        return web.Response(body=page.encode(), headers={"Content-Type": HTML})

    async def unclosed_formatting(self, request: web.Request) -> web.Response:
        """A list, oldest first, whose entries each leave ``<font><b>`` open: the parser
        reopens them in every later entry (at most three deep, the "Noah's Ark" rule), so from
        the fourth entry on each link sits six elements deeper than its ``<li>``. The newest
        entry is the last."""
        today = shanghai_today()
        ages = (400, 300, 200, 100, 50, 1)
        items = "".join(
            f'<li><a href="/a/font-{i}.html">关于第{i + 1}次专题会议的通报</a>'
            f'<font color="#999"><b>{(today - timedelta(days=age)).isoformat()}'
            for i, age in enumerate(ages)
        )
        page = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>会议通报</title></head>'
            f'<body><div class="main"><ul class="list">{items}</ul></div></body></html>'
        )
        return web.Response(body=page.encode(), headers={"Content-Type": HTML})

    async def nul_bytes(self, request: web.Request) -> web.Response:
        """A healthy list page with two NUL bytes in its first kilobyte."""
        page = list_page(fresh_rows("空字符"), prefix="nul").replace("<title>", "<title>\x00\x00")
        return web.Response(body=page.encode(), headers={"Content-Type": HTML})

    async def nested(self, request: web.Request) -> web.Response:
        rows = fresh_rows("嵌套")
        page = list_page(rows, prefix="nested").replace(
            '<div class="main">', '<div class="main">' + "<div>" * NESTED_DIVS
        )
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def empty(self, request: web.Request) -> web.Response:
        return web.Response(body=b"", headers={"Content-Type": HTML})

    async def soft_404(self, request: web.Request) -> web.Response:
        """ "The page does not exist", answered with 200 (a CMS's error page)."""
        page = (
            "<html><head><meta charset='utf-8'><title>页面不存在</title></head><body>"
            "<div class='main'><h2>抱歉，您访问的页面不存在或已被删除！</h2>"
            "<p><a href='/'>返回首页</a></p></div></body></html>"
        )
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def maintenance(self, request: web.Request) -> web.Response:
        """A maintenance notice in place of the column, answered with 200."""
        page = (
            "<html><head><meta charset='utf-8'><title>系统维护</title></head><body>"
            "<div class='main'><h2>网站系统维护中，请稍后访问</h2>"
            "<p>维护时间：每日凌晨0:00至6:00，给您带来不便，敬请谅解。</p></div></body></html>"
        )
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def future(self, request: web.Request) -> web.Response:
        return web.Response(
            text=list_page(future_rows("未来"), prefix="future"),
            content_type="text/html",
            charset="utf-8",
        )

    async def pdf(self, request: web.Request) -> web.Response:
        return web.Response(body=PDF_BYTES, content_type="application/pdf")

    async def feed(self, request: web.Request) -> web.Response:
        now = datetime.now(SHANGHAI)
        items = "".join(
            f"<item><title>政务动态第{n}条</title><link>http://127.0.0.1/p/{n}</link>"
            f"<guid>post-{n}</guid><pubDate>{_http_date(now - timedelta(days=n))}</pubDate>"
            "</item>"
            for n in range(1, 6)
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>某某发布</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
        )
        return web.Response(text=body, content_type="application/rss+xml", charset="utf-8")

    async def feed_bomb(self, request: web.Request) -> web.Response:
        """A billion-laughs feed: ten nested entities, 10⁹ "lol"s if expanded."""
        body = ENTITY_BOMB_FEED.replace(
            "{pub}", _http_date(datetime.now(SHANGHAI) - timedelta(days=1))
        )
        return web.Response(text=body, content_type="application/rss+xml", charset="utf-8")


def _cached(request: web.Request, page: str) -> web.Response:
    """``page`` with an ETag; 304 when the client already holds it."""
    etag = '"' + hashlib.sha256(page.encode()).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers={"ETag": etag})
    return web.Response(body=page.encode(), headers={"Content-Type": HTML, "ETag": etag})


def _http_date(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _abort_with_reset(request: web.Request) -> None:
    transport = request.transport
    assert transport is not None
    sock = transport.get_extra_info("socket")
    if sock is not None:  # SO_LINGER 0: close() sends RST, not FIN
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _stream_markup(response: web.StreamResponse, total: int) -> None:
    chunk = b"<p>" + b"x" * (64 * 1024 - 8) + b"</p>\n"
    sent = 0
    try:
        await response.write(b"<html><body>")
        while sent < total:
            await response.write(chunk)
            sent += len(chunk)
    except (ConnectionError, RuntimeError):
        return  # the client stopped reading at its cap and hung up, as it should


def blackhole(host: str) -> tuple[socket.socket, list[socket.socket]]:
    """A listening socket whose accept queue is full and never drained: a connection attempt
    to it gets no answer at all (its SYN is dropped), as from a host behind a dead route."""
    listener = socket.socket()
    listener.bind((host, 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect((host, port))
        fillers.append(filler)
    return listener, fillers


async def serve(port_file: Path) -> None:
    fleet = Fleet()
    fleet.bomb = await asyncio.to_thread(gzip_bomb)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, fleet.stop)
    runners: list[web.AppRunner] = []
    hole, fillers = blackhole("127.0.0.1")
    try:
        for name, app, host in (
            ("main", fleet.main_app(), "127.0.0.1"),
            ("stall", fleet.stall_app("stall", fleet.stall), "127.0.0.1"),
            ("stall-body", fleet.stall_app("stall-body", fleet.stall_body), "127.0.0.1"),
            ("stall-home", fleet.stall_app("stall-home", fleet.stall), "127.0.0.1"),
            ("internal", fleet.internal_app(), "127.0.0.2"),
        ):
            runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
            await runner.setup()
            runners.append(runner)
            site = web.TCPSite(runner, host, 0)
            await site.start()
            fleet.ports[name] = runner.addresses[0][1]
        fleet.ports["blackhole"] = hole.getsockname()[1]
        partial = port_file.with_name(port_file.name + ".partial")
        partial.write_text(json.dumps({**fleet.ports, "pid": os.getpid()}), encoding="utf-8")
        partial.replace(port_file)
        await fleet.stopping.wait()
    finally:
        for runner in runners:
            await runner.cleanup()
        for sock in (hole, *fillers):
            sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port-file", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.port_file))


if __name__ == "__main__":
    main()
