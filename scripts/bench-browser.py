"""Benchmark: what the browser costs. Crawls the demo fleet (20 sites, 142 pages) twice per
round — with one site behind the demo's script challenge read through the browser, and with
no challenge and no browser — and prints pages/s, wall time and peak memory of the crawler
and of the browser's processes. Usage: scripts/bench-browser [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from crawler.browser import BrowserSettings
from crawler.browser.renderer import browser_memory_mib
from crawler.demo import demo_fleet, serve_in_thread
from crawler.demo.server import CHALLENGED_SITE
from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, crawl
from crawler.targets import load_targets
from rules.model import local_date, utc_now
from storage.engine import create_engine, upgrade


async def _crawl(targets: Path, db: str, browser: BrowserSettings | None) -> tuple[int, int, float]:
    loaded = load_targets(targets)
    engine = create_engine(db)
    await upgrade(engine)
    settings = FetchSettings(per_host_delay_s=0.0, jitter_s=0.0, addresses=loaded.address_policy())
    started = time.perf_counter()
    try:
        plan = CrawlPlan(
            sites=loaded.sites,
            profiles=loaded.profiles,
            fetch_settings=settings,
            now=utc_now(),
            browser=browser,
        )
        report = await crawl(plan, engine=engine, clock=utc_now)
    finally:
        await engine.dispose()
    return (
        sum(report.outcomes.values()),
        report.outcomes.get("rendered", 0),
        (time.perf_counter() - started),
    )


_browser_peak_mib = 0


def _sample(stop: threading.Event) -> None:
    global _browser_peak_mib
    while not stop.wait(0.1):
        _browser_peak_mib = max(_browser_peak_mib, browser_memory_mib() or 0)


def _one(challenged: bool, tmp: Path, n: int) -> tuple[int, int, float]:
    fleet = demo_fleet(local_date(utc_now()))
    running = serve_in_thread(fleet, challenged=(CHALLENGED_SITE,) if challenged else ())
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(stop,), daemon=True)
    sampler.start()
    try:
        targets = tmp / f"targets-{n}.yaml"
        running.write_targets(targets)
        db = f"sqlite+aiosqlite:///{tmp / f'bench-{n}.sqlite3'}"
        return asyncio.run(_crawl(targets, db, BrowserSettings() if challenged else None))
    finally:
        stop.set()
        sampler.join()
        running.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows: dict[bool, list[tuple[int, int, float]]] = {True: [], False: []}
    with tempfile.TemporaryDirectory(prefix="xunjian-bench-browser-") as tmp:
        n = 0
        for _ in range(args.rounds):  # alternating, so a drifting machine shows in both
            for challenged in (False, True):
                n += 1
                rows[challenged].append(_one(challenged, Path(tmp), n))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    for challenged, label in ((False, "plain, no browser"), (True, "1 site challenged, browser")):
        for pages, rendered, elapsed in rows[challenged]:
            print(
                f"{label:28s} pages {pages:4d} rendered {rendered:3d} "
                f"{elapsed:6.2f} s {pages / elapsed:7.1f} pages/s"
            )
    print(
        f"peak RSS: crawler {own:.0f} MiB; largest child process {children:.0f} MiB; "
        f"the browser's processes together at most {_browser_peak_mib} MiB"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
