"""A loopback HTTP server whose routes misbehave on purpose (after scrapy's mock server).

Started by the ``server`` fixture in this folder's conftest, in the test's event loop, on
127.0.0.1 and a free port. Every route counts its hits; ``/concurrency`` records the most
requests in flight at once.
"""

from __future__ import annotations

import asyncio
import gzip
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ROBOTS_TXT = "User-agent: *\nDisallow: /private\n"
PAGE_HTML = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>通知公告</title></head><body><ul>"
    + "".join(
        f"<li><a href='/art/{i}.html'>关于做好第{i}批政务公开工作的通知</a>"
        f"<span>2024-05-{i % 28 + 1:02d}</span></li>"
        for i in range(1, 200)
    )
    + "</ul></body></html>"
)
GBK_HTML = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
    "<title>领导信息</title></head><body><p>朱镕基 王堃 通知公告</p></body></html>"
)
LYING_HTML = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
    "<title>部门预算</title></head><body><p>2024年部门预算公开 镕 堃</p></body></html>"
)
RUISHU_HTML = (
    "<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; "
    'charset=utf-8\'><meta id="9DhefwqGPrzGxEp9hPaoag" content="Hk2qXJ8tK0.ZxB5nQ3lYr" '
    "r='m'><script r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84730;"
    '$_ts.cd="qEqcrAAlWsGqDqLUroAErSaqDqLUAGa";</script>'
    "<script type='text/javascript' charset='utf-8' src='/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js' "
    "r='m'></script></head><body></body></html>"
)
SAFEDOG_HTML = (
    "<html><head><meta charset='utf-8'><title>网站防火墙</title></head><body>"
    "<h3>您的访问被拦截</h3><p>可能原因：您提交的内容包含危险的攻击请求</p>"
    "<p>如何解决：检查提交内容；如网站托管，请联系空间提供商</p><p>网站安全狗</p></body></html>"
)
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 5000
HUGE_CHUNK = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"


@dataclass
class MockServer:
    base_url: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    huge_bytes_sent: int = 0
    huge_total_bytes: int = 64 * 1024 * 1024
    seen_headers: list[dict[str, str]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        return self.base_url + path

    def app(self) -> web.Application:
        app = web.Application()
        app.middlewares.append(self._count)
        routes = {
            "/robots.txt": self.robots,
            "/page": self.page,
            "/big-page": self.big_page,
            "/private": self.page,
            "/headers": self.headers,
            "/gbk": self.gbk,
            "/lying-charset": self.lying_charset,
            "/slow": self.slow,
            "/slow-body": self.slow_body,
            "/flaky": self.flaky,
            "/429": self.too_many,
            "/redirect-loop/{name}": self.redirect_loop,
            "/redirect-chain/{n}": self.redirect_chain,
            "/redirect-to-private": self.redirect_to_private,
            "/redirect-ftp": self.redirect_ftp,
            "/cookie-dance": self.cookie_dance,
            "/huge": self.huge,
            "/huge-declared": self.huge_declared,
            "/412": self.ruishu_412,
            "/challenge-200": self.ruishu_200,
            "/waf-403": self.waf_403,
            "/403": self.plain_403,
            "/reset": self.reset,
            "/pdf": self.pdf,
            "/pdf-as-html": self.pdf_as_html,
            "/octet-html": self.octet_html,
            "/404": self.not_found,
            "/etag": self.etag,
            "/gzip": self.gzipped,
            "/concurrency": self.concurrency,
        }
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        return app

    @web.middleware
    async def _count(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        self.hits[request.path] += 1
        self.seen_headers.append(dict(request.headers))
        return await handler(request)

    async def robots(self, request: web.Request) -> web.Response:
        return web.Response(text=ROBOTS_TXT, content_type="text/plain")

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text=PAGE_HTML, content_type="text/html", charset="utf-8")

    async def big_page(self, request: web.Request) -> web.Response:
        body = PAGE_HTML.replace("</ul>", "".join(["<li>政务公开</li>"] * 30_000) + "</ul>")
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def headers(self, request: web.Request) -> web.Response:
        return web.Response(text="<html><body>headers</body></html>", content_type="text/html")

    async def gbk(self, request: web.Request) -> web.Response:
        return web.Response(
            body=GBK_HTML.encode("gbk"), headers={"Content-Type": "text/html; charset=gb2312"}
        )

    async def lying_charset(self, request: web.Request) -> web.Response:
        return web.Response(
            body=LYING_HTML.encode("utf-8"), headers={"Content-Type": "text/html; charset=gb2312"}
        )

    async def slow(self, request: web.Request) -> web.Response:
        await self._hold()
        return await self.page(request)

    async def slow_body(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write(b"<html><body>")
        await self._hold()
        return response

    async def flaky(self, request: web.Request) -> web.Response:
        if self.hits[request.path] == 1:
            return web.Response(status=503, text="busy")
        return await self.page(request)

    async def too_many(self, request: web.Request) -> web.Response:
        return web.Response(status=429, text="slow down", headers={"Retry-After": "1"})

    async def redirect_loop(self, request: web.Request) -> web.Response:
        other = "b" if request.match_info["name"] == "a" else "a"
        raise web.HTTPFound(f"/redirect-loop/{other}")

    async def redirect_chain(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n == 0:
            return await self.page(request)
        raise web.HTTPMovedPermanently(f"/redirect-chain/{n - 1}")

    async def redirect_to_private(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/private")

    async def redirect_ftp(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("ftp://127.0.0.1/file.html")

    async def cookie_dance(self, request: web.Request) -> web.Response:
        if request.cookies.get("waf_ok") == "1":
            return await self.page(request)
        response = web.HTTPFound("/cookie-dance")
        response.set_cookie("waf_ok", "1")
        raise response

    async def huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await self._stream_huge(response)
        return response

    async def huge_declared(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = self.huge_total_bytes
        await response.prepare(request)
        await self._stream_huge(response)
        return response

    async def _stream_huge(self, response: web.StreamResponse) -> None:
        try:
            while self.huge_bytes_sent < self.huge_total_bytes:
                await response.write(HUGE_CHUNK)
                self.huge_bytes_sent += len(HUGE_CHUNK)
        except (ConnectionError, RuntimeError):
            return  # the client stopped reading and hung up, as it should

    async def ruishu_412(self, request: web.Request) -> web.Response:
        return web.Response(status=412, text=RUISHU_HTML, content_type="text/html")

    async def ruishu_200(self, request: web.Request) -> web.Response:
        return web.Response(text=RUISHU_HTML, content_type="text/html")

    async def waf_403(self, request: web.Request) -> web.Response:
        return web.Response(status=403, text=SAFEDOG_HTML, content_type="text/html")

    async def plain_403(self, request: web.Request) -> web.Response:
        body = "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1>"
        return web.Response(
            status=403, text=body + "<hr>nginx</body></html>", content_type="text/html"
        )

    async def reset(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = 100_000
        await response.prepare(request)
        await response.write(b"<html><body>" + b"a" * 2000)
        await asyncio.sleep(0.01)
        assert request.transport is not None
        request.transport.abort()
        return response

    async def pdf(self, request: web.Request) -> web.Response:
        return web.Response(
            body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 5000, content_type="application/pdf"
        )

    async def pdf_as_html(self, request: web.Request) -> web.Response:
        return web.Response(
            body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 5000, content_type="text/html"
        )

    async def octet_html(self, request: web.Request) -> web.Response:
        return web.Response(body=PAGE_HTML.encode(), content_type="application/octet-stream")

    async def not_found(self, request: web.Request) -> web.Response:
        return web.Response(
            status=404, text="<html><body>页面不存在</body></html>", content_type="text/html"
        )

    async def etag(self, request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        response = await self.page(request)
        response.headers["ETag"] = '"v1"'
        response.headers["Last-Modified"] = "Wed, 01 May 2024 08:00:00 GMT"
        return response

    async def gzipped(self, request: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(PAGE_HTML.encode()),
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        )

    async def concurrency(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.05)
        finally:
            self.in_flight -= 1
        return await self.page(request)

    async def _hold(self) -> None:
        """Wait until the test ends (the fixture sets ``release``), at most 30 s."""
        try:
            await asyncio.wait_for(self.release.wait(), timeout=30)
        except TimeoutError:
            pass


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """``app`` served on a free port of 127.0.0.1 while inside: its base URL."""
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
