"""A loopback server for the link and image checks: routes that misbehave on purpose.

Each route answers HEAD and GET separately (status, content type, body), may redirect or
stall, and every request is counted, so a test can see each URL was requested once.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from tests.support.cli import run_crawl

# Link checks without waits: no spacing, one quick attempt.
FAST = FetchSettings(
    per_host_delay_s=0.0,
    jitter_s=0.0,
    timeout_s=2.0,
    attempt_timeout_s=0.5,
    connect_timeout_s=0.5,
    retry_attempts=1,
    retry_base_wait_s=0.0,
)


@dataclass(frozen=True, slots=True)
class Route:
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    body: bytes = b""
    head_status: int | None = None  # None: as GET
    location: str | None = None
    delay_s: float = 0.0
    etag: str | None = None  # answer 304 to a matching If-None-Match


@dataclass
class Server:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[tuple[str, str]] = field(default_factory=Counter)  # (method, path)
    referers: dict[str, str] = field(default_factory=dict)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def requests_for(self, path: str) -> int:
        return sum(n for (_, p), n in self.hits.items() if p == path)


async def serve(server: Server) -> web.AppRunner:
    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        server.hits[(request.method, path)] += 1
        if referer := request.headers.get("Referer"):
            server.referers[path] = referer
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nDisallow: /private/\n")
        route = server.routes.get(path)
        if route is None:
            return web.Response(status=404, text="not found")
        if route.delay_s:
            try:
                await asyncio.wait_for(server.release.wait(), route.delay_s)
            except TimeoutError:
                pass
        if route.etag is not None and request.headers.get("If-None-Match") == route.etag:
            return web.Response(status=304, headers={"ETag": route.etag})
        status = route.status
        if request.method == "HEAD" and route.head_status is not None:
            status = route.head_status
        headers = {"Content-Type": route.content_type}
        if route.etag is not None:
            headers["ETag"] = route.etag
        if route.location is not None:
            headers["Location"] = route.location
        return web.Response(status=status, body=route.body, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", handle)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    return runner


async def crawl_and_export(
    targets: Path, engine: AsyncEngine, *crawl_args: str
) -> tuple[str, dict[str, Any]]:
    """Crawl ``targets`` through the real CLI (no browser, no spacing), then export the
    findings: the export's text and its JSON."""
    common = ("--targets", str(targets), "--db", engine.url.render_as_string(hide_password=False))
    done = await asyncio.to_thread(
        run_crawl, "--no-browser", "--per-host-delay", "0", *crawl_args, *common
    )
    assert done.returncode in (0, 1), done.stderr
    done = await asyncio.to_thread(run_crawl, "findings", "--format", "json", *common)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout, json.loads(done.stdout)
