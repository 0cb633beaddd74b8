"""A small loopback site whose pages misbehave on purpose, changeable by each test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web


def list_page(rows: list[tuple[str, str]], *, charset: str = "utf-8") -> str:
    items = "".join(
        f'<li><a href="/a/{i}.html" title="{title}">{title}</a><span class="date">{day}</span></li>'
        for i, (title, day) in enumerate(rows)
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>列表</title></head><body>'
        f'<div class="header">今天是2030年1月1日</div><ul class="list">{items}</ul>'
        '<div class="footer">© 2004-2030 版权所有</div></body></html>'
    )


CHALLENGE = (
    '<html><head><meta id="a1b2" content="xyz"><script>var $_ts=window["$_ts"];'
    "if(!$_ts)$_ts={};$_ts.nsd=12345;$_ts.cd='qWdlrrAl';</script>"
    '<script src="/abc/def.js" r="m"></script></head><body></body></html>'
)


@dataclass
class Site:
    """The loopback site: its base URL and what each route answers, changeable by a test."""

    base: str = ""
    pages: dict[str, tuple[int, str, str]] = field(
        default_factory=dict
    )  # path → status, type, body
    delay_s: dict[str, float] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # path, headers
    # Pages still answered before every further request is held (None: no limit): a crawl
    # that a test stops midway cannot finish first, however fast or slow the machine is.
    answers_left: int | None = None
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def hold_after(self, pages: int) -> None:
        """Answer ``pages`` more requests (robots.txt aside), then hold each further one until
        the site is released or stopped."""
        self.answers_left = pages

    def release(self) -> None:
        """Answer every held request, and all from now on."""
        self.answers_left = None
        self.released.set()


@asynccontextmanager
async def serve_loop_site() -> AsyncIterator[Site]:
    """Serve a fresh ``Site`` on 127.0.0.1 (an ephemeral port) until the block ends."""
    state = Site()

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        state.requests.append((path, dict(request.headers)))
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        if state.answers_left is not None:
            if state.answers_left > 0:
                state.answers_left -= 1
            else:
                await state.released.wait()
        if delay := state.delay_s.get(path):
            await asyncio.sleep(delay)
        if path not in state.pages:
            return web.Response(status=404, text="not found")
        status, content_type, body = state.pages[path]
        charset = "gbk" if "gbk" in content_type else "utf-8"
        data = body.encode("gb18030" if charset == "gbk" else "utf-8")
        return web.Response(status=status, body=data, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    # A handler whose client has gone (a fetch that timed out, a killed crawl) is cancelled,
    # not waited for: stopping the site never waits out a slow page's delay.
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.base = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        state.release()
        await runner.cleanup()
