"""Where page extraction runs during a crawl.

Parsing is pure-Python CPU work. Run in threads, it holds the GIL against the event loop and
the SQLite driver's thread, and every database round trip then waits out the interpreter's
switch interval: measured, that halved a crawl's throughput. On runs of many pages the pages
are therefore parsed in worker processes (the text goes over a pipe, the frozen result comes
back), which also puts the other cores to work; small runs, where starting processes costs
more than it saves, parse in a thread.

A worker exits by itself within ``PARENT_POLL_S`` when the crawl that started it dies without
shutting the pool down (``kill -9``), so no orphan keeps running.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from types import TracebackType

from crawler.extract import PageExtraction, extract_page

__all__ = ["ExtractionPool"]

PROCESS_POOL_MIN_PAGES = 64
"""Runs with fewer pages parse in a thread."""


PARENT_POLL_S = 0.5
"""How often a worker checks that the crawl that started it is still alive."""


def _start_worker(parent_pid: int) -> None:
    # Ctrl-C reaches the whole process group; the parent decides what an interrupt means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A crawl killed with SIGKILL cannot shut its pool down: the workers notice on their own.
    threading.Thread(
        target=_exit_with_parent, args=(parent_pid,), name="parent-watch", daemon=True
    ).start()


def _exit_with_parent(parent_pid: int) -> None:
    """Exit this worker once its parent is gone (it is then re-parented: the ppid changes)."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def _extract(
    text: str, base_url: str, today: date, selector: str | None, homepage: bool
) -> PageExtraction:
    extraction = extract_page(
        text, base_url=base_url, today=today, selector=selector, homepage=homepage
    )
    # The meta tags come as a read-only proxy, which cannot cross a process boundary.
    return replace(extraction, meta=dict(extraction.meta))


class ExtractionPool:
    def __init__(self, *, pages: int, workers: int | None = None) -> None:
        self._executor: Executor | None = None
        if pages >= PROCESS_POOL_MIN_PAGES:
            count = workers or max(1, min(4, (os.cpu_count() or 2)))
            self._executor = ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=exc is None, cancel_futures=True)

    async def extract(
        self, text: str, *, base_url: str, today: date, selector: str | None, homepage: bool
    ) -> PageExtraction:
        args = (text, base_url, today, selector, homepage)
        if self._executor is None:
            return await asyncio.to_thread(_extract, *args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, _extract, *args)
