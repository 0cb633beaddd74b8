"""Where page extraction runs during a crawl, and how long one page may take.

Parsing is pure-Python CPU work. Run in threads, it holds the GIL against the event loop and
the SQLite driver's thread, and every database round trip then waits out the interpreter's
switch interval: measured, that halved a crawl's throughput. On runs of many pages the pages
are therefore parsed in worker processes (the page goes over a pipe — its text, or its
undecoded body with the function that decodes and checks it first — and the frozen result
comes back), which also puts the other cores to work; small runs, where starting processes costs
more than it saves, parse small pages in a thread.

A page gets ``budget_s`` seconds from the moment a ready worker has it: a new worker first
starts, imports and loads what extraction needs (the wording list) and says it is ready, so a
slow start is never a page's timeout. A thread cannot be stopped, so only pages too small to run
long (under ``THREAD_MAX_CHARS``) parse in one; a bigger page of a small run goes to a worker
process as well. A worker still busy when its page's budget runs out is terminated (the next
page starts a new one) and the page is "unknown": a run never waits on one page longer than
the budget.

A worker exits by itself within ``PARENT_POLL_S`` when the crawl that started it dies without
shutting the pool down (``kill -9``), so no orphan keeps running.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, TypeVar

from crawler.extract import PageExtraction, extract_page
from crawler.extract.page import refused_page
from crawler.extract.wording.load import bundled_wording

__all__ = ["ExtractionPool"]

logger = logging.getLogger(__name__)

PROCESS_POOL_MIN_PAGES = 64
"""Runs with fewer pages parse their small pages in a thread."""

PAGE_BUDGET_S = 20.0
"""How long extracting one page may take before it is given up as "unknown"."""

THREAD_MAX_CHARS = 65_536
"""Pages of a small run this long or longer parse in a worker process, where time is bounded."""

PARENT_POLL_S = 0.5
"""How often a worker checks that the crawl that started it is still alive."""

_STOP_GRACE_S = 2.0  # how long a worker told to stop may take before it is terminated
_READY_S = 60.0  # how long a new worker may take to start before its first page's clock runs
_READY = "ready"

ExtractFunction = Callable[[str, str, date, "str | None", bool], PageExtraction]
R = TypeVar("R")


def _extract(
    text: str, base_url: str, today: date, selector: str | None, homepage: bool
) -> PageExtraction:
    extraction = extract_page(
        text, base_url=base_url, today=today, selector=selector, homepage=homepage
    )
    # The meta tags come as a read-only proxy, which cannot cross a process boundary.
    return replace(extraction, meta=dict(extraction.meta))


def _exchange(connection: Connection, job: object, budget_s: float) -> tuple[bool, Any]:
    """Send ``job`` to a worker, wait up to ``budget_s`` for its answer: (answered, answer)."""
    connection.send(job)
    if not connection.poll(budget_s):
        return False, None
    return True, connection.recv()


def _same(extraction: PageExtraction) -> PageExtraction:
    return extraction


def _out_of_time(budget_s: float) -> PageExtraction:
    return refused_page(f"extraction took longer than {budget_s:g}s — not read (worker replaced)")


def _serve(connection: Connection, parent_pid: int) -> None:
    """A worker's life: run each (function, arguments) sent until told to stop (``None``)."""
    # Ctrl-C reaches the whole process group; the parent decides what an interrupt means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A crawl killed with SIGKILL cannot shut its pool down: the workers notice on their own.
    threading.Thread(
        target=_exit_with_parent, args=(parent_pid,), name="parent-watch", daemon=True
    ).start()
    bundled_wording()  # loaded once, before the first page's clock starts
    connection.send(_READY)
    while (job := connection.recv()) is not None:
        function, args = job
        connection.send(function(*args))


def _exit_with_parent(parent_pid: int) -> None:
    """Exit this worker once its parent is gone (it is then re-parented: the ppid changes)."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, os.getpid()), name="extract", daemon=True
        )
        self.process.start()
        child.close()
        # Wait for its start (imports, the wording list) here, outside any page's budget; one
        # that does not say it is ready in time gets its first page anyway, and its budget.
        try:
            if self.connection.poll(_READY_S):
                self.connection.recv()
        except (OSError, EOFError):
            pass  # it died starting: its first page finds out, and is "unknown"

    def stop(self, *, grace_s: float) -> None:
        """Ask the worker to stop, terminate it when it does not within ``grace_s``."""
        if grace_s > 0:
            try:
                self.connection.send(None)
            except OSError:
                pass  # already gone
            self.process.join(grace_s)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(_STOP_GRACE_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class ExtractionPool:
    def __init__(
        self,
        *,
        pages: int,
        workers: int | None = None,
        budget_s: float = PAGE_BUDGET_S,
        function: ExtractFunction = _extract,
    ) -> None:
        """``function`` replaces the extraction (it must be importable by a spawned worker)."""
        self._function = function
        self._budget_s = budget_s
        self._all_in_processes = pages >= PROCESS_POOL_MIN_PAGES
        self._size = (
            (workers or max(1, min(4, os.cpu_count() or 2))) if self._all_in_processes else 1
        )
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._free: asyncio.Semaphore | None = None  # made on first use, in the crawl's loop

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        grace_s = _STOP_GRACE_S if exc is None else 0.0
        for worker in [*self._idle, *self._busy]:
            worker.stop(grace_s=grace_s)
        self._idle.clear()
        self._busy.clear()

    @property
    def function(self) -> ExtractFunction:
        """The extraction this pool runs (a reader given to ``call`` runs it after decoding)."""
        return self._function

    async def extract(
        self, text: str, *, base_url: str, today: date, selector: str | None, homepage: bool
    ) -> PageExtraction:
        return await self.call(
            self._function,
            (text, base_url, today, selector, homepage),
            size=len(text),
            base_url=base_url,
            out_of_time=_same,
        )

    async def call(
        self,
        function: Callable[..., R],
        args: tuple[Any, ...],
        *,
        size: int,
        base_url: str,
        out_of_time: Callable[[PageExtraction], R],
    ) -> R:
        """``function(*args)`` in a worker within the page budget — a module-level function,
        as a spawned worker imports it. ``size`` (characters or bytes) decides whether a small
        run may use a thread; ``out_of_time`` turns the refused page of a worker that ran out
        of time or died into ``function``'s kind of answer."""
        if not self._all_in_processes and size < THREAD_MAX_CHARS:
            return await asyncio.to_thread(function, *args)
        if self._free is None:
            self._free = asyncio.Semaphore(self._size)
        async with self._free:
            worker = self._idle.pop() if self._idle else await asyncio.to_thread(_Worker)
            self._busy.add(worker)
            finished = False
            try:
                answer = await self._run(worker, (function, args), base_url)
                finished = answer is not None
            finally:
                self._busy.discard(worker)
                if finished:
                    self._idle.append(worker)
                else:  # out of time, gone, or the crawl cancelled: never reuse it
                    await asyncio.shield(asyncio.to_thread(worker.stop, grace_s=0.0))
        if answer is None:
            return out_of_time(_out_of_time(self._budget_s))
        done: R = answer
        return done

    async def _run(
        self, worker: _Worker, job: tuple[Callable[..., Any], tuple[Any, ...]], base_url: str
    ) -> Any:
        """The worker's answer for one page, or None when it ran out of time or died.

        The page is sent, waited for and its answer read in a thread: pickling a page and its
        answer, and writing a page larger than the pipe's buffer, never hold the event loop."""
        try:
            ready, answer = await asyncio.to_thread(
                _exchange, worker.connection, job, self._budget_s
            )
            if ready:
                return answer
        except (OSError, EOFError):
            logger.warning("extraction worker died on %s; reported as an unknown page", base_url)
            return None
        logger.warning(
            "%s: extraction took longer than %gs — not read (worker replaced)",
            base_url,
            self._budget_s,
        )
        return None
