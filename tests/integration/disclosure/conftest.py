"""A loopback 政务公开 site whose pages are keyed by path and query, changeable by each test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker


@dataclass
class ListSite:
    base: str = ""
    pages: dict[str, tuple[int, str]] = field(default_factory=dict)  # path?query → status, body
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
async def list_site() -> AsyncIterator[ListSite]:
    state = ListSite()

    async def handle(request: web.Request) -> web.StreamResponse:
        state.requests.append(request.path_qs)
        if request.path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        found = state.pages.get(request.path_qs)
        if found is None:
            return web.Response(status=404, text="not found")
        status, body = found
        return web.Response(
            status=status, body=body.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.base = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
