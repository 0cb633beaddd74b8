"""Host-aware dispatch over real loopback hosts: while one host waits out its politeness delay
the workers fetch other hosts' pages, and no host's limits are ever exceeded.

Each host is its own port on 127.0.0.1 (the Fetcher's unit of politeness is
``scheme://host:port``) and records when each request reached it and when it answered. The
assertions are about order and overlap, never about speed.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.extract import PageExtraction
from crawler.extract.pool import ExtractionPool
from crawler.fetch import FetchResult, FetchSettings
from crawler.fetch.transport import build_transport
from crawler.sites.fetching import fetch_all
from crawler.sites.runner import CrawlPlan, PageJob, crawl
from rules.model import Category, Column, Outcome, Site, local_date
from rules.profile_files import load_profile
from tests.support.loopsite import list_page

NOW = datetime.now(UTC)
CLOCK_SLACK_S = 1e-3  # the event loop may run a timer up to its clock resolution early


@dataclass
class Host:
    """One loopback host: its base URL and (path, arrived, answered) of every request."""

    base: str = ""
    latency_s: float = 0.0
    requests: list[tuple[str, float, float]] = field(default_factory=list)


@asynccontextmanager
async def serve_host(latency_s: float) -> AsyncIterator[Host]:
    host = Host(latency_s=latency_s)
    loop = asyncio.get_running_loop()
    today = local_date(NOW).isoformat()
    page = list_page([(f"关于开展第{i}次专项检查工作的通知", today) for i in range(5)])

    async def handle(request: web.Request) -> web.Response:
        arrived = loop.time()
        try:
            await asyncio.sleep(host.latency_s)
            return web.Response(text=page, content_type="text/html", charset="utf-8")
        finally:
            host.requests.append((request.path, arrived, loop.time()))

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield host
    finally:
        await runner.cleanup()


@asynccontextmanager
async def serve_hosts(count: int, latency_s: float) -> AsyncIterator[list[Host]]:
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(serve_host(latency_s)) for _ in range(count)]


def site_of(number: int, host: Host, columns: int) -> Site:
    return Site(
        id=f"host-{number}",
        name=f"环回测试站{number}",
        homepage=f"{host.base}/",
        respect_robots=False,  # a robots.txt request before the first page would blur the order
        columns=tuple(
            Column(
                id=f"host-{number}-c{c}",
                name=f"栏目{c}",
                url=f"{host.base}/c{c}/",
                category=Category.NEWS,
            )
            for c in range(columns)
        ),
    )


def starts(hosts: list[Host]) -> list[tuple[float, int]]:
    """(arrived, host number) of every request, in the order they reached the hosts."""
    return sorted((arrived, n) for n, host in enumerate(hosts) for _, arrived, _ in host.requests)


def peak_in_flight(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    return max(itertools.accumulate(change for _, change in events), default=0)


async def test_workers_serve_other_hosts_while_one_waits_out_its_delay(
    engine: AsyncEngine,
) -> None:
    # Three hosts of four pages, two workers, one request per host at a time, 0.3 s apart.
    # Handed out in plan order (all of host 0's columns, then host 1's …), both workers
    # waited behind host 0's delay while hosts 1 and 2 had pages ready.
    delay_s, pages = 0.3, 4
    settings = FetchSettings(
        max_concurrency=2,
        per_host_concurrency=1,
        per_host_delay_s=delay_s,
        jitter_s=0,
        timeout_s=5,
        retry_attempts=1,
    )
    async with serve_hosts(3, latency_s=0.02) as hosts:
        sites = [site_of(n, host, columns=pages - 1) for n, host in enumerate(hosts)]
        plan = CrawlPlan(
            sites=sites,
            profiles={"national-2019": load_profile("national-2019")},
            fetch_settings=settings,
            now=NOW,
        )
        report = await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))

    assert report.status == "completed"
    assert report.outcomes == {"ok": 3 * pages}
    for host in hosts:
        # homepage first, then the columns in plan order
        assert [path for path, _, _ in host.requests] == ["/", "/c0/", "/c1/", "/c2/"]
        assert peak_in_flight([(arrived, done) for _, arrived, done in host.requests]) == 1
    # Round robin: when a host's i-th request arrives, every other host has had i of its own,
    # each a whole delay earlier — its pages were fetched while this host waited.
    seen = [0, 0, 0]
    for _, number in starts(hosts):
        others = [count for n, count in enumerate(seen) if n != number]
        assert all(count >= seen[number] for count in others), (number, seen)
        seen[number] += 1


class RecordingTransport(httpx.AsyncBaseTransport):
    """The Fetcher's own transport, noting when each request was handed to it (client side).

    The Fetcher hands a request to its transport in the same event-loop step as it takes
    the host's turn, so these are the request starts its limits space out; a server only
    sees them after the connection's own delays.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.starts: dict[str, list[float]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = f"{request.url.scheme}://{request.url.host}:{request.url.port}"
        self.starts.setdefault(host, []).append(asyncio.get_running_loop().time())
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_per_host_spacing_and_caps_hold_under_dispatch() -> None:
    # Slow answers (much longer than the delay) and more workers than hosts, so requests to
    # one host overlap and the global cap binds; jitter on, so the Fetcher still waits out
    # what the dispatcher cannot see.
    delay_s, jitter_s = 0.05, 0.03
    settings = FetchSettings(
        max_concurrency=4,
        per_host_concurrency=2,
        per_host_delay_s=delay_s,
        jitter_s=jitter_s,
        timeout_s=5,
        retry_attempts=1,
    )
    async with serve_hosts(3, latency_s=0.2) as hosts:
        sites = [site_of(n, host, columns=4) for n, host in enumerate(hosts)]
        jobs = [PageJob(site=s, column=None) for s in sites]
        jobs += [PageJob(site=s, column=c) for s in sites for c in s.columns]
        queue: asyncio.Queue[tuple[PageJob, FetchResult, PageExtraction | None] | None]
        queue = asyncio.Queue(maxsize=4)
        fetched: list[tuple[PageJob, FetchResult, PageExtraction | None]] = []

        async def write_pages() -> None:
            while (entry := await queue.get()) is not None:
                fetched.append(entry)

        transport = RecordingTransport(build_transport(settings))
        with ExtractionPool(pages=len(jobs)) as pool:
            await fetch_all(
                jobs, {}, settings, pool, local_date(NOW), queue, write_pages, transport=transport
            )

    assert sorted(job.url for job, _, _ in fetched) == sorted(job.url for job in jobs)
    assert all(result.outcome is Outcome.OK for _, result, _ in fetched)
    assert all(extraction is not None and extraction.items for _, _, extraction in fetched)
    assert [len(host_starts) for host_starts in transport.starts.values()] == [5, 5, 5]
    for host_starts in transport.starts.values():
        gaps = [later - earlier for earlier, later in itertools.pairwise(host_starts)]
        assert all(gap >= delay_s - CLOCK_SLACK_S for gap in gaps), gaps
    intervals = [(arrived, done) for host in hosts for _, arrived, done in host.requests]
    assert peak_in_flight(intervals) <= settings.max_concurrency
    per_host = [peak_in_flight([(a, d) for _, a, d in host.requests]) for host in hosts]
    assert max(per_host) <= settings.per_host_concurrency
    assert max(per_host) == 2  # the per-host cap, not the spacing, was what bound here
