"""The loopback site fixture for the scheduler tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.support.loopsite import Site


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    state = Site()

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        state.requests.append((path, dict(request.headers)))
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        if delay := state.delay_s.get(path):
            await asyncio.sleep(delay)
        if path not in state.pages:
            return web.Response(status=404, text="not found")
        status, content_type, body = state.pages[path]
        return web.Response(
            status=status, body=body.encode(), headers={"Content-Type": content_type}
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
