"""Benchmark: crawl a generated loopback fleet and print throughput, memory and database size.

The fleet is served from a separate process so the server does not share the crawler's
interpreter. Usage: scripts/bench [--sites N] [--columns M] [--items K] [--db URL]
[--concurrency C] [--profile FILE]

Memory is the crawling process's peak resident set size, overall and by phase: before the
first page is stored (imports, the targets file, the run's set-up), while pages are fetched,
and after the last page (judging, storing the findings). On Linux each phase's peak is exact
(the kernel's high-water mark, reset at each phase's start); elsewhere only the overall peak.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import multiprocessing as mp
import pstats
import re
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from crawler.demo import generated_fleet, serve_in_thread
from crawler.fetch import FetchSettings
from crawler.sites.plan import PageJob
from crawler.sites.runner import CrawlPlan, crawl
from crawler.targets import load_targets
from rules.model import SHANGHAI, utc_now
from storage.engine import create_engine, resolve_database_url, upgrade


def _serve(
    sites: int, columns: int, items: int, today: date, path: str, ready: mp.Event, stop: mp.Event
) -> None:
    running = serve_in_thread(
        generated_fleet(sites=sites, columns=columns, items=items, today=today)
    )
    running.write_targets(Path(path))
    ready.set()
    stop.wait()
    running.stop()


_PHASES = ("before_first_page", "fetching", "after_last_page")


class PeakByPhase:
    """The process's peak RSS in each phase, from the kernel's high-water mark (VmHWM), which
    ``mark`` reads for the phase ending and resets (/proc/self/clear_refs) for the next."""

    def __init__(self) -> None:
        self.peaks_mib: dict[str, float] = {}
        self.seconds: dict[str, float] = {}  # how long each phase lasted
        self.phase = _PHASES[0]
        self._started = time.perf_counter()

    def mark(self, next_phase: str | None) -> None:
        """End the current phase (its peak is kept) and start ``next_phase`` (None: the end)."""
        now = time.perf_counter()
        self.seconds[self.phase], self._started = now - self._started, now
        status = Path("/proc/self/status")
        if status.exists():
            found = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
            if found:
                self.peaks_mib[self.phase] = int(found.group(1)) / 1024
                try:
                    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
                except OSError:
                    self.peaks_mib.clear()  # phases cannot be told apart here
                    next_phase = None
        if next_phase is not None:
            self.phase = next_phase


async def crawl_targets(
    targets: Path, db: str, concurrency: int, peaks: PeakByPhase | None = None
) -> tuple[int, float]:
    """Crawl a targets file into ``db`` with politeness off: (pages, seconds).

    ``peaks`` is told when the first page is stored and when the last one is."""
    targets_file = load_targets(targets)
    engine = create_engine(db)
    await upgrade(engine)
    settings = FetchSettings(max_concurrency=concurrency, per_host_delay_s=0.0, jitter_s=0.0)
    started = time.perf_counter()
    try:
        plan = CrawlPlan(
            sites=targets_file.sites,
            profiles=targets_file.profiles,
            fetch_settings=settings,
            now=utc_now(),
        )
        expected = sum(1 + len(site.columns) for site in targets_file.sites)
        stored = 0

        def progress(job: PageJob, result: object) -> None:
            nonlocal stored
            stored += 1
            if peaks is not None and stored == 1:
                peaks.mark("fetching")
            if peaks is not None and stored == expected:
                peaks.mark("after_last_page")

        report = await crawl(plan, engine=engine, clock=utc_now, progress=progress)
    finally:
        await engine.dispose()
    elapsed = time.perf_counter() - started
    return sum(report.outcomes.values()), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--columns", type=int, default=10)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the crawl here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    today = utc_now().astimezone(SHANGHAI).date()
    with tempfile.TemporaryDirectory(prefix="xunjian-bench-") as tmp:
        targets = Path(tmp) / "targets.yaml"
        db_path = Path(tmp) / "bench.sqlite3"
        db = resolve_database_url(args.db, default_path=db_path)
        ctx = mp.get_context("spawn")
        ready, stop = ctx.Event(), ctx.Event()
        server = ctx.Process(
            target=_serve,
            args=(args.sites, args.columns, args.items, today, str(targets), ready, stop),
            daemon=True,
        )
        server.start()
        if not ready.wait(120):
            sys.exit("the benchmark fleet did not start within 120 s")
        try:
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            peaks = PeakByPhase()
            pages, elapsed = asyncio.run(crawl_targets(targets, db, args.concurrency, peaks))
            peaks.mark(None)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        finally:
            stop.set()
            server.join(10)
        # The high-water mark was reset at each phase: the overall peak is the largest phase's.
        rss_mib = max(
            [*peaks.peaks_mib.values(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
        )
        db_bytes = sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite3*"))
    figures = {
        "sites": args.sites,
        "columns_per_site": args.columns,
        "items_per_page": args.items,
        "pages": pages,
        "seconds": round(elapsed, 2),
        "pages_per_s": round(pages / elapsed, 1),
        "peak_rss_mib": round(rss_mib, 1),
        **{
            f"peak_rss_{phase}_mib": round(peaks.peaks_mib[phase], 1)
            for phase in _PHASES
            if phase in peaks.peaks_mib
        },
        # judging the sites and accounts, storing the findings, finishing the run
        "after_last_page_s": round(peaks.seconds.get("after_last_page", 0.0), 2),
        "db_mib": round(db_bytes / 2**20, 2) if not args.db else None,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        width = max(map(len, figures))
        for key, value in figures.items():
            print(f"{key:>{width}}: {value}")


if __name__ == "__main__":
    main()
