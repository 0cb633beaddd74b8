"""A loopback site behind stand-ins of the script challenges real government sites use.

- ``/rs/…`` answers like 瑞数: 412 and a page of ``$_ts`` script that computes a cookie and
  reloads; with the cookie, the page itself (any path under ``/rs/``).
- ``/jsl/`` answers like 加速乐: 521 and a script that sets ``__jsl_clearance`` and reloads.
- ``/script-list/`` is a 200 page whose list is built by script from ``/api/list.json``.
- ``/never/`` is a 412 challenge whose script never passes; ``/hang/`` never answers.

Only a browser running the scripts gets the pages: the cookies are computed, never sent in
the clear.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.loopsite import list_page
from tests.support.serving import serve_app

RS_COOKIE = "rs_token"
RS_VALUE = str(12345 * 7 + 3)  # what the challenge's script computes
JSL_COOKIE = "__jsl_clearance"
JSL_VALUE = "1733600000.123|0|" + "ab" * 8

ROWS = [("关于做好冬季安全生产工作的通知", "2026-12-01"), ("全县经济运行情况通报", "2026-11-20")]
SCRIPT_ROWS = [("政务服务事项目录更新", "2026-12-03"), ("重点项目建设进展", "2026-11-28")]

_RS_CHALLENGE = (
    '<html><head><meta id="9DhefwqGPrzGxEp9hPaoag" content="xyz" r="m">'
    "<script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;"
    "$_ts.cd='qWdlrrAlqGxr';</script>"
    "<script>(function(){var v=$_ts.nsd*7+3;"
    "document.cookie='" + RS_COOKIE + "='+v+'; path=/';"
    "setTimeout(function(){location.reload();},50);})();</script>"
    "</head><body></body></html>"
)
_JSL_CHALLENGE = (
    "<html><script>document.cookie=('_'+'_jsl_clear'+'ance')+'="
    + JSL_VALUE
    + ";max-age=3600;path=/';location.href=location.pathname+location.search</script></html>"
)
_NEVER = (
    "<html><head><script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=1;</script>"
    "</head><body></body></html>"
)
_SCRIPT_LIST = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>'
    '<div class="header">某某县人民政府 网站首页 政务公开 政务服务 互动交流</div>'
    '<div class="main"><h2>通知公告</h2><ul id="list"></ul></div>'
    "<script>fetch('/api/list.json').then(function(r){return r.json();}).then(function(rows){"
    "var ul=document.getElementById('list');rows.forEach(function(row,i){"
    "var li=document.createElement('li');"
    "li.innerHTML='<a href=\"/a/s'+i+'.html\">'+row.title+'</a><span>'+row.date+'</span>';"
    "ul.appendChild(li);});});</script>"
    '<div class="footer">© 2004-2026 某某县人民政府 版权所有</div></body></html>'
)


@dataclass
class ChallengeSite:
    base: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)  # path, Cookie header
    extra_body: str = ""  # appended to every page served (an off-host image, say)

    def url(self, path: str) -> str:
        return self.base + path


@asynccontextmanager
async def serve_challenge_site(host: str = "127.0.0.1") -> AsyncIterator[ChallengeSite]:
    state = ChallengeSite()
    hang = asyncio.Event()

    def html(status: int, body: str) -> web.Response:
        return web.Response(
            status=status, text=body + state.extra_body, content_type="text/html", charset="utf-8"
        )

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        state.requests.append((path, request.headers.get("Cookie", "")))
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        if path.startswith("/rs/"):
            if request.cookies.get(RS_COOKIE) == RS_VALUE:
                return html(200, list_page(ROWS))
            return html(412, _RS_CHALLENGE)
        if path == "/jsl/":
            if request.cookies.get(JSL_COOKIE) == JSL_VALUE:
                return html(200, list_page(ROWS))
            return html(521, _JSL_CHALLENGE)
        if path == "/script-list/":
            return html(200, _SCRIPT_LIST)
        if path == "/api/list.json":
            rows = [{"title": t, "date": d} for t, d in SCRIPT_ROWS]
            return web.Response(
                text=json.dumps(rows, ensure_ascii=False), content_type="application/json"
            )
        if path == "/never/":
            return html(412, _NEVER)
        if path == "/hang/":
            await hang.wait()
        if path.endswith(".png"):
            return web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")
        return web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    async with serve_app(app, host) as base:
        state.base = base
        try:
            yield state
        finally:
            hang.set()
