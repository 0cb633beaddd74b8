"""Benchmark: the cost of the link and image checks with the crawl's own politeness.

Serves the demo fleet (20 sites, its 政务公开 units and accounts left out) from a separate
process on 127.0.0.1 and crawls it like ``crawl`` does — the command line's fetch settings
(0.5 s between requests to a host, jitter, two in flight per host) — once without the link
checks and once with the default ones (every homepage link, every image, three sampled
articles and ten attachments a site), alternating for ``--rounds``. Prints each run's wall
time, the ratio, and the requests of the busiest host: with politeness on, a host's requests
times its spacing is a floor no scheduling goes below.

Usage: scripts/bench-links [--rounds N] [--delay S] [--jitter S] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing as mp
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

FIRST_PORT = 48901


def _serve(today: date, path: str, ready: mp.Event, stop: mp.Event) -> None:
    from crawler.demo import demo_fleet, serve_in_thread

    running = serve_in_thread(demo_fleet(today), first_port=FIRST_PORT)
    Path(path).write_text(running.targets_yaml(), encoding="utf-8")
    ready.set()
    stop.wait()
    running.stop()


class _Requests(logging.Handler):
    """Counts the requests httpx logs, by host."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.by_host: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 2:
            self.by_host[urlsplit(str(args[1])).netloc] += 1


async def _crawl(targets: Path, db: str, *, checks: bool, delay: float, jitter: float) -> float:
    from crawler.fetch import FetchSettings
    from crawler.operations.jobs import DEFAULT_LINK_CHECKS, crawl_targets
    from crawler.targets import load_targets
    from rules.model import utc_now

    settings = replace(FetchSettings(), per_host_delay_s=delay, jitter_s=jitter)
    started = time.perf_counter()
    await crawl_targets(
        targets=load_targets(targets),
        wanted=(),
        db=db,
        now=utc_now(),
        settings=settings,
        show_progress=False,
        keep_bodies_days=400,
        link_checks=DEFAULT_LINK_CHECKS if checks else None,
        read_units=False,
        read_portal=False,
        browser=None,
    )
    return time.perf_counter() - started


def main() -> None:
    from crawler.fetch import FetchSettings
    from rules.model import SHANGHAI, utc_now

    defaults = FetchSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="alternate the two runs N times")
    parser.add_argument(
        "--delay",
        type=float,
        default=defaults.per_host_delay_s,
        help="seconds between requests to one host (default: the crawl's)",
    )
    parser.add_argument(
        "--jitter",
        type=float,
        default=defaults.jitter_s,
        help="random extra seconds at most (default: the crawl's)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()  # fmt: skip

    requests = _Requests()
    logging.getLogger("httpx").addHandler(requests)
    logging.getLogger("httpx").setLevel(logging.INFO)
    logging.getLogger("httpx").propagate = False
    today = utc_now().astimezone(SHANGHAI).date()
    rounds = []
    with tempfile.TemporaryDirectory(prefix="xunjian-bench-links-") as tmp:
        targets = Path(tmp) / "targets.yaml"
        ctx = mp.get_context("spawn")
        ready, stop = ctx.Event(), ctx.Event()
        server = ctx.Process(target=_serve, args=(today, str(targets), ready, stop), daemon=True)
        server.start()
        if not ready.wait(120):
            sys.exit("the demo fleet did not start within 120 s")
        try:
            for number in range(args.rounds):
                figures: dict[str, float] = {}
                for checks in (False, True):
                    requests.by_host.clear()
                    db = f"sqlite+aiosqlite:///{tmp}/r{number}-{int(checks)}.sqlite3"
                    seconds = asyncio.run(
                        _crawl(targets, db, checks=checks, delay=args.delay, jitter=args.jitter)
                    )
                    name = "with_checks" if checks else "without_checks"
                    most = requests.by_host.most_common(1)[0][1]
                    figures[f"{name}_s"] = round(seconds, 1)
                    figures[f"{name}_requests"] = sum(requests.by_host.values())
                    figures[f"{name}_busiest_host_requests"] = most
                figures["ratio"] = round(figures["with_checks_s"] / figures["without_checks_s"], 2)
                rounds.append(figures)
        finally:
            stop.set()
            server.join(10)
    result = {"delay_s": args.delay, "jitter_s": args.jitter, "rounds": rounds}
    if args.json:
        print(json.dumps(result))
        return
    print(f"demo fleet, {args.delay} s between requests to a host, jitter up to {args.jitter} s")
    for number, figures in enumerate(rounds, 1):
        print(
            f"round {number}: without link checks {figures['without_checks_s']} s "
            f"({figures['without_checks_requests']} requests, busiest host "
            f"{figures['without_checks_busiest_host_requests']}); with them "
            f"{figures['with_checks_s']} s ({figures['with_checks_requests']} requests, busiest "
            f"host {figures['with_checks_busiest_host_requests']}); ratio {figures['ratio']}"
        )


if __name__ == "__main__":
    main()
