"""Benchmark: many slow hosts with politeness on — pages/s and how busy the hosts were kept.

``scripts/bench`` turns politeness off and measures the machine; this one measures the
dispatch of pages to workers, which is what sets a real crawl's time. It serves H hosts (one
port each on 127.0.0.1) of P pages each (a homepage and P-1 columns), every request answered
after a fixed latency, from a separate process that records when each request started and
ended. The real runner crawls them into a fresh SQLite file with the per-host delay and
jitter given.

Usage: scripts/bench-hosts [--hosts 20] [--pages 10] [--latency 0.2] [--delay 0.5]
[--jitter 0.25] [--per-host 2] [--concurrency 8] [--no-robots] [--json]

Printed: pages/s; the requests in flight on the server, as a time-weighted mean and a peak
(at most ``--concurrency``); the hosts busy at once, the same two ways; and the smallest gap
between two request arrivals at one host: the delay, give or take the milliseconds a request
takes to reach the server (the Fetcher spaces the starts; the server sees the arrivals).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from multiprocessing.synchronize import Event
from pathlib import Path

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, crawl
from rules.model import SHANGHAI, Category, Column, Site, utc_now
from rules.profile_files import load_profile
from storage.engine import create_engine, resolve_database_url, upgrade

_Request = tuple[int, str, float, float]  # port, path, started, ended (monotonic seconds)


def _page(today: str, items: int = 20) -> str:
    rows = "".join(
        f'<li><a href="/a/{i}.html">关于开展第{i}次专项检查工作的通知</a>'
        f'<span class="date">{today}</span></li>'
        for i in range(items)
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>列表</title></head><body>'
        f'<ul class="list">{rows}</ul></body></html>'
    )


def _serve(
    hosts: int,
    latency_s: float,
    today: str,
    ports_file: str,
    log_file: str,
    ready: Event,
    stop: Event,
) -> None:
    from aiohttp import web

    log: list[_Request] = []
    body = _page(today)

    async def handle(request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        port = request.url.port or 0
        try:
            await asyncio.sleep(latency_s)
            if request.path == "/robots.txt":
                return web.Response(text="User-agent: *\nAllow: /\n")
            return web.Response(text=body, content_type="text/html", charset="utf-8")
        finally:
            log.append((port, request.path, started, time.monotonic()))

    async def main() -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", handle)
        runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
        await runner.setup()
        ports = []
        for _ in range(hosts):
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.to_thread(Path(ports_file).write_text, json.dumps(ports))
        ready.set()
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        await runner.cleanup()
        await asyncio.to_thread(Path(log_file).write_text, json.dumps(log))

    asyncio.run(main())


async def _crawl(
    ports: list[int], pages: int, db: str, settings: FetchSettings, *, robots: bool
) -> tuple[int, float]:
    sites = [
        Site(
            id=f"host-{n:03d}",
            name=f"模拟站点{n}",
            homepage=f"http://127.0.0.1:{port}/",
            respect_robots=robots,
            columns=tuple(
                Column(
                    id=f"host-{n:03d}-c{c}",
                    name=f"栏目{c}",
                    url=f"http://127.0.0.1:{port}/c{c}/",
                    category=Category.NEWS,
                )
                for c in range(1, pages)
            ),
        )
        for n, port in enumerate(ports)
    ]
    engine = create_engine(db)
    await upgrade(engine)
    plan = CrawlPlan(
        sites=sites,
        profiles={"national-2019": load_profile("national-2019")},
        fetch_settings=settings,
        now=utc_now(),
    )
    started = time.perf_counter()
    try:
        report = await crawl(plan, engine=engine, clock=utc_now)
    finally:
        await engine.dispose()
    return sum(report.outcomes.values()), time.perf_counter() - started


def _busy(log: list[_Request]) -> dict[str, float]:
    """Requests and hosts in flight on the server: time-weighted means and peaks."""
    events = sorted(
        [(start, 1, port) for port, _, start, _ in log]
        + [(end, -1, port) for port, _, _, end in log]
    )
    per_host: dict[int, int] = defaultdict(int)
    in_flight = busy_hosts = 0
    peak_requests = peak_hosts = 0
    weighted_requests = weighted_hosts = 0.0
    previous = events[0][0]
    for at, change, port in events:  # ends sort before starts at the same moment
        weighted_requests += in_flight * (at - previous)
        weighted_hosts += busy_hosts * (at - previous)
        previous = at
        before = per_host[port]
        per_host[port] += change
        in_flight += change
        busy_hosts += (per_host[port] > 0) - (before > 0)
        peak_requests, peak_hosts = max(peak_requests, in_flight), max(peak_hosts, busy_hosts)
    span = events[-1][0] - events[0][0]
    return {
        "mean_in_flight": round(weighted_requests / span, 2),
        "peak_in_flight": peak_requests,
        "mean_hosts_busy": round(weighted_hosts / span, 2),
        "peak_hosts_busy": peak_hosts,
    }


def _min_gap_s(log: list[_Request]) -> float:
    starts: dict[int, list[float]] = defaultdict(list)
    for port, _, start, _ in log:
        starts[port].append(start)
    gaps = [
        later - earlier
        for times in starts.values()
        for earlier, later in zip(sorted(times), sorted(times)[1:], strict=False)
    ]
    return round(min(gaps), 3) if gaps else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--pages", type=int, default=10, help="pages per host (homepage included)")
    parser.add_argument("--latency", type=float, default=0.2, help="server latency, seconds")
    parser.add_argument("--delay", type=float, default=0.5, help="per-host delay, seconds")
    parser.add_argument("--jitter", type=float, default=0.25, help="per-host jitter, seconds")
    parser.add_argument("--per-host", type=int, default=2, help="per-host concurrency")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--no-robots",
        dest="robots",
        action="store_false",
        help="do not read robots.txt (each host's first page then waits no delay after it)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    settings = FetchSettings(
        max_concurrency=args.concurrency,
        per_host_concurrency=args.per_host,
        per_host_delay_s=args.delay,
        jitter_s=args.jitter,
        retry_attempts=1,
    )
    today = (utc_now().astimezone(SHANGHAI) - timedelta(days=1)).date().isoformat()
    with tempfile.TemporaryDirectory(prefix="xunjian-bench-hosts-") as tmp:
        ports_file, log_file = Path(tmp) / "ports.json", Path(tmp) / "requests.json"
        db = resolve_database_url(None, default_path=Path(tmp) / "bench.sqlite3")
        ctx = mp.get_context("spawn")
        ready, stop = ctx.Event(), ctx.Event()
        server = ctx.Process(
            target=_serve,
            args=(args.hosts, args.latency, today, str(ports_file), str(log_file), ready, stop),
            daemon=True,
        )
        server.start()
        if not ready.wait(60):
            sys.exit("the benchmark hosts did not start within 60 s")
        try:
            ports = json.loads(ports_file.read_text())
            pages, elapsed = asyncio.run(
                _crawl(ports, args.pages, db, settings, robots=args.robots)
            )
        finally:
            stop.set()
            server.join(30)
        log: list[_Request] = [tuple(entry) for entry in json.loads(log_file.read_text())]
    figures = {
        "hosts": args.hosts,
        "pages_per_host": args.pages,
        "latency_s": args.latency,
        "per_host_delay_s": args.delay,
        "jitter_s": args.jitter,
        "per_host_concurrency": args.per_host,
        "concurrency": args.concurrency,
        "robots_txt": args.robots,
        "pages": pages,
        "seconds": round(elapsed, 2),
        "pages_per_s": round(pages / elapsed, 1),
        **_busy(log),
        "min_host_gap_s": _min_gap_s(log),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
