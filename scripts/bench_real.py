"""Benchmark on real pages: xunjian's crawl beside a Scrapy spider over the same loopback URLs.

The corpus is saved real pages (every ``*.html``, ``*.htm``, ``*.shtml`` and ``*.html.gz``
under the directories given; by default the 995 pages of ``../shared/benchmarks/htmldate-eval``).
A separate process serves them on 127.0.0.1 as S sites (one port each, so each is its own host
for politeness) of a homepage and columns, until there are N pages: the corpus is cycled, and
each copy ends with its own comment so that no two URLs carry the same bytes. Every answer has
an ETag and a 304 to ``If-None-Match``.

Measured in one run, in turn (``--rounds`` alternates them):
- xunjian's first crawl of the fleet (fetch, decode, anti-bot check, extract, store, judge;
  no link checks, politeness off) and its second crawl (every page a 304) into the same database;
- Scrapy fetching the same URLs and parsing each page (every link's URL and text, the title),
  politeness off, installed by this script into its own virtualenv (never a project dependency);
- extraction alone: decode + ``extract_page`` of each distinct corpus page on one core.

Usage: scripts/bench-real [--pages N] [--sites S] [--dir DIR ...] [--db URL] [--rounds R]
[--no-scrapy] [--profile FILE] [--py-spy DIR] [--json]

``--py-spy DIR`` samples one crawl (``--profile-crawl``) with py-spy — the crawling process and
each extraction worker — and prints where the samples fell (scripts/bench_spy.py).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gzip
import hashlib
import json
import multiprocessing as mp
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench import crawl_targets  # scripts/bench.py, beside this one
from bench_spy import SpyRecording, ensure_py_spy, format_profile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "benchmarks" / "htmldate-eval" / "pages"
SCRAPY_VENV = ROOT / ".venv-bench-scrapy"
SCRAPY_SPEC = "scrapy>=2.13"
SUFFIXES = (".html", ".htm", ".shtml", ".html.gz", ".htm.gz")


@dataclass(slots=True)
class Spied:
    """The py-spy run asked for: the page server is left out; its figures once recorded."""

    server_pid: int
    figures: dict[str, object] | None = None


@dataclass(frozen=True, slots=True)
class Fleet:
    sites: int
    columns: int  # per site, besides its homepage
    ports: tuple[int, ...]

    def urls(self) -> list[str]:
        return [
            url
            for port in self.ports
            for url in [f"http://127.0.0.1:{port}/"]
            + [f"http://127.0.0.1:{port}/c/{c}.html" for c in range(self.columns)]
        ]

    def targets_yaml(self) -> str:
        lines = ["version: 1", "sites:"]
        for number, port in enumerate(self.ports):
            lines += [
                f"  - id: s{number:04d}",
                f"    name: 站点{number}",
                f"    homepage: http://127.0.0.1:{port}/",
                "    robots: ignore",
                "    columns:",
            ]
            lines += [
                f"      - {{id: c{c:03d}, name: 栏目{c}, category: news, url: 'http://127.0.0.1:{port}/c/{c}.html'}}"
                for c in range(self.columns)
            ]
        return "\n".join(lines) + "\n"


def load_corpus(directories: list[Path]) -> list[bytes]:
    """Each distinct page under ``directories``, in name order."""
    pages: dict[str, bytes] = {}
    for directory in directories:
        if not directory.is_dir():
            sys.exit(f"no such corpus directory: {directory}")
        for path in sorted(directory.rglob("*")):
            if not path.name.endswith(SUFFIXES):
                continue
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                data = gzip.decompress(data)
            pages.setdefault(hashlib.sha256(data).hexdigest(), data)
    if not pages:
        sys.exit(f"no pages ({', '.join(SUFFIXES)}) under {', '.join(map(str, directories))}")
    return list(pages.values())


def _serve(
    directories: list[str], sites: int, columns: int, ports: mp.Queue, stop: mp.Event
) -> None:
    """The server process: one aiohttp site per port, pages cycled through the corpus."""
    from aiohttp import web

    corpus = load_corpus([Path(d) for d in directories])

    async def main() -> None:
        runners = []
        bound = []
        for site in range(sites):
            copies = {}
            for number, path in enumerate(["/"] + [f"/c/{c}.html" for c in range(columns)]):
                index = site * (columns + 1) + number
                body = corpus[index % len(corpus)] + f"\n<!-- copy {index} -->\n".encode()
                copies[path] = (body, f'"{index}"')

            async def handle(request: web.Request, copies=copies) -> web.StreamResponse:
                page = copies.get(request.path)
                if page is None:
                    raise web.HTTPNotFound()
                body, etag = page
                if request.headers.get("If-None-Match") == etag:
                    return web.Response(status=304, headers={"ETag": etag})
                return web.Response(body=body, content_type="text/html", headers={"ETag": etag})

            app = web.Application()
            app.router.add_get("/{tail:.*}", handle)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            tcp = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
            await tcp.start()
            runners.append(runner)
            bound.append(runner.addresses[-1][1])
        ports.put(bound)
        await asyncio.to_thread(stop.wait)
        for runner in runners:
            await runner.cleanup()

    asyncio.run(main())


def extraction_alone(corpus: list[bytes], today: date) -> dict[str, float]:
    """Decode + extract each distinct page in this process (one core): pages/s and MB/s."""
    from crawler.extract import extract_page
    from crawler.fetch import decode_html

    extract_page("<html><body><p>warm</p></body></html>", base_url="http://x/", today=today)
    started = time.perf_counter()
    for number, body in enumerate(corpus):
        text, _ = decode_html(body, "text/html")
        extract_page(text, base_url=f"http://127.0.0.1/c/{number}.html", today=today)
    elapsed = time.perf_counter() - started
    return {
        "pages": len(corpus),
        "pages_per_s": round(len(corpus) / elapsed, 1),
        "mib_per_s": round(sum(map(len, corpus)) / 2**20 / elapsed, 2),
    }


SPIDER = r"""
import json, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess

URLS = [line.strip() for line in open(sys.argv[1]) if line.strip()]
RESULT = {}

class Pages(scrapy.Spider):
    name = "pages"
    async def start(self):  # Scrapy 2.13 and newer
        for url in URLS:
            yield scrapy.Request(url, dont_filter=True)
    def parse(self, response):
        links = [(a.attrib.get("href"), "".join(a.css("::text").getall()).strip())
                 for a in response.css("a")]
        RESULT["pages"] = RESULT.get("pages", 0) + 1
        RESULT["links"] = RESULT.get("links", 0) + len(links)
        yield {"url": response.url, "title": response.css("title::text").get(), "links": len(links)}

process = CrawlerProcess(settings={
    "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": int(sys.argv[2]),
    "CONCURRENT_REQUESTS_PER_DOMAIN": int(sys.argv[2]), "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "HTTPCACHE_ENABLED": False, "RETRY_ENABLED": False,
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
})
process.crawl(Pages)
started = time.perf_counter()  # the engine's start-up counts, as xunjian's does
process.start()
RESULT["elapsed"] = time.perf_counter() - started
print(json.dumps({"pages": RESULT.get("pages", 0), "links": RESULT.get("links", 0),
                  "seconds": RESULT["elapsed"]}))
"""


def ensure_scrapy() -> Path:
    """Scrapy in its own virtualenv beside the project's (made once)."""
    python = SCRAPY_VENV / "bin" / "python"
    if not (SCRAPY_VENV / "bin" / "scrapy").exists():
        print(f"installing Scrapy into {SCRAPY_VENV} (once)", file=sys.stderr)
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(SCRAPY_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             SCRAPY_SPEC],
            check=True,
        )  # fmt: skip
    return python


def scrapy_run(python: Path, urls: list[str], concurrency: int, tmp: Path) -> dict[str, float]:
    url_file, spider = tmp / "urls.txt", tmp / "spider.py"
    url_file.write_text("\n".join(urls) + "\n")
    spider.write_text(SPIDER)
    done = subprocess.run(
        [str(python), str(spider), str(url_file), str(concurrency)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "pages": figures["pages"],
        "seconds": round(figures["seconds"], 2),
        "pages_per_s": round(figures["pages"] / figures["seconds"], 1),
    }


def _timed_crawl(
    targets: Path,
    db: str,
    args: argparse.Namespace,
    profile: Path | None,
    which: str,
    spied: Spied | None = None,
) -> tuple[int, float]:
    """One crawl (pages, seconds), under cProfile or py-spy when it is the one asked for."""
    if spied is not None and args.profile_crawl == which:
        py_spy = ensure_py_spy(SCRAPY_VENV)
        with SpyRecording(py_spy, args.py_spy, skip={spied.server_pid}) as recording:
            counted = asyncio.run(crawl_targets(targets, db, args.concurrency))
        summary = recording.summary()
        spied.figures = summary.as_json()
        print(format_profile(summary), file=sys.stderr)
        return counted
    if profile is None or args.profile_crawl != which:
        return asyncio.run(crawl_targets(targets, db, args.concurrency))
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        return asyncio.run(crawl_targets(targets, db, args.concurrency))
    finally:
        profiler.disable()
        profiler.dump_stats(profile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000, help="pages in all (default 5000)")
    parser.add_argument("--sites", type=int, default=100, help="sites (ports), default 100")
    parser.add_argument(
        "--dir", type=Path, action="append", help=f"corpus directory (default {DEFAULT_DIR})"
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file each round)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the runs R times")
    parser.add_argument("--no-scrapy", action="store_true", help="leave the Scrapy run out")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one crawl here")
    parser.add_argument(
        "--py-spy",
        type=Path,
        metavar="DIR",
        help="sample one crawl with py-spy (installed into the benchmark's virtualenv), "
        "keep its raw stacks in DIR and print the top entries",
    )
    parser.add_argument(
        "--profile-crawl", choices=("first", "second"), default="first", help="which crawl"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from rules.model import SHANGHAI, utc_now
    from storage.engine import resolve_database_url

    directories = args.dir or [DEFAULT_DIR]
    corpus = load_corpus(directories)
    corpus_pages, corpus_mib = len(corpus), round(sum(map(len, corpus)) / 2**20, 1)
    del corpus  # the server holds the pages; the crawling process's memory is measured below
    columns = max(0, args.pages // args.sites - 1)
    scrapy_python = None if args.no_scrapy else ensure_scrapy()
    today = utc_now().astimezone(SHANGHAI).date()
    ctx = mp.get_context("spawn")
    ports_queue, stop = ctx.Queue(), ctx.Event()
    server = ctx.Process(
        target=_serve,
        args=([str(d) for d in directories], args.sites, columns, ports_queue, stop),
        daemon=True,
    )
    server.start()
    fleet = Fleet(args.sites, columns, tuple(ports_queue.get(timeout=120)))
    spy = None
    if args.py_spy is not None:
        ensure_py_spy(SCRAPY_VENV)  # installed before any crawl is timed
        spy = Spied(server_pid=server.pid or 0)
    rounds: list[dict[str, object]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="xunjian-bench-real-") as tmp_name:
            tmp = Path(tmp_name)
            targets = tmp / "targets.yaml"
            targets.write_text(fleet.targets_yaml(), encoding="utf-8")
            for number in range(args.rounds):
                figures: dict[str, object] = {"round": number + 1}
                db = resolve_database_url(args.db, default_path=tmp / f"bench-{number}.sqlite3")
                profiled = args.profile if number == 0 else None
                spied = spy if number == 0 else None
                pages, first = _timed_crawl(targets, db, args, profiled, "first", spied)
                _, second = _timed_crawl(targets, db, args, profiled, "second", spied)
                figures["xunjian_first_pages_per_s"] = round(pages / first, 1)
                figures["xunjian_second_pages_per_s"] = round(pages / second, 1)
                figures["pages"] = pages
                if scrapy_python is not None:
                    scrapy = scrapy_run(scrapy_python, fleet.urls(), args.concurrency, tmp)
                    figures["scrapy_pages_per_s"] = scrapy["pages_per_s"]
                    figures["ratio"] = round(pages / first / scrapy["pages_per_s"], 2)
                rounds.append(figures)
                if args.db is None:
                    for path in tmp.glob(f"bench-{number}.sqlite3*"):
                        os.remove(path)
    finally:
        stop.set()
        server.join(10)
    result = {
        "corpus_pages": corpus_pages,
        "corpus_mib": corpus_mib,
        "sites": fleet.sites,
        "pages_per_site": fleet.columns + 1,
        "rounds": rounds,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "extraction_one_core": extraction_alone(load_corpus(directories), today),
    }
    if spy is not None and spy.figures is not None:
        result["py_spy"] = spy.figures
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"corpus: {result['corpus_pages']} pages, {result['corpus_mib']} MiB; "
          f"fleet: {fleet.sites} sites x {fleet.columns + 1} pages")  # fmt: skip
    for figures in rounds:
        line = ", ".join(f"{key} {value}" for key, value in figures.items())
        print(f"  {line}")
    extraction = result["extraction_one_core"]
    print(f"extraction alone, one core: {extraction}")
    print(f"peak RSS of the crawling process (the crawls): {result['peak_rss_mib']} MiB")


if __name__ == "__main__":
    main()
