"""Host-aware dispatch: a worker takes the next job whose host can be requested now.

The Fetcher's limits (``crawler.fetch.limits``) hold each request until its host has a free
slot and its spacing has passed. Jobs handed out in plan order (site by site) put every
worker on one site's pages, and the workers then wait behind that one host's limit while
other hosts sit idle: 20 slow hosts and 8 workers ran at about a fifth of the rate they do
now (docs/performance.md).
So the dispatcher keeps one queue per host and hands a job out only when its host could
start it: fewer than ``per_host_concurrency`` of the host's jobs out, and ``per_host_delay_s``
passed since the last one went out. A job of a busy host waits in its host's queue, not in a
worker. Hosts take turns, the one ready longest first; a host's own jobs keep their order.

The dispatcher schedules; it enforces nothing. The Fetcher's limits still hold every request
(the global cap, the per-host cap and spacing, the jitter), so politeness is what it was.
What the dispatcher cannot see is still waited inside a fetch, as before: the random jitter
the Fetcher adds to a gap (``jitter_s`` at most), a robots.txt request before a host's first
page, a retry, a redirect onto a host that is busy. So a worker gives a turn back with the
time its request really started, when it knows it: a host whose requests started later than
planned (after its robots.txt, say) is planned from then on, instead of having every later
job wait inside the Fetcher for the start it fell behind by.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from crawler.fetch import FetchConfigError, FetchResult, FetchSettings
from crawler.fetch.client import check_url, host_key

__all__ = ["HostDispatcher", "Turn", "for_each_by_host", "politeness_host", "request_started"]

J = TypeVar("J")


@dataclass(frozen=True, slots=True)
class Turn(Generic[J]):
    """A job handed out, and the host it counts against until it is given back."""

    job: J
    host: str
    number: int  # the host's jobs handed out before this one


@dataclass(slots=True, eq=False)
class _Host(Generic[J]):
    name: str
    jobs: deque[J] = field(default_factory=deque)  # not handed out yet, in plan order
    out: int = 0  # handed out and not given back
    handed: int = 0  # handed out in all
    next_start: float = -math.inf  # event-loop time the next job may go out


class HostDispatcher(Generic[J]):
    """Hands ``jobs`` out host by host: ``take()`` a turn, ``give_back()`` when its fetch ends.

    ``host_of`` names a job's host (``scheme://host:port``, the Fetcher's unit of
    politeness); ``per_host_concurrency`` and ``per_host_delay_s`` are the Fetcher's own.

    A host is in exactly one place: ready (a deque, in the order hosts became ready),
    waiting out its delay (a heap by the time it ends), full (``per_host_concurrency`` jobs
    out) or done (no jobs left). Handing out and giving back are O(log hosts), so a run of
    thousands of sites never scans them all.
    """

    def __init__(
        self,
        jobs: Iterable[J],
        *,
        host_of: Callable[[J], str],
        per_host_concurrency: int,
        per_host_delay_s: float,
    ) -> None:
        self._per_host = per_host_concurrency
        self._delay_s = per_host_delay_s
        self._hosts: dict[str, _Host[J]] = {}
        for job in jobs:
            name = host_of(job)
            host = self._hosts.get(name)
            if host is None:
                host = self._hosts[name] = _Host(name)
            host.jobs.append(job)
        self._left = sum(len(host.jobs) for host in self._hosts.values())
        self._ready: deque[_Host[J]] = deque(self._hosts.values())  # plan order of first jobs
        # (next_start, tie-break, host); a key may be stale (a give_back moved the host's next
        # start later): the host is checked again when it leaves the ready deque.
        self._waiting: list[tuple[float, int, _Host[J]]] = []
        self._tie_break = itertools.count()
        self._changed = asyncio.Event()  # set (and replaced) whenever a waiting worker may go

    @property
    def left(self) -> int:
        """Jobs not handed out yet."""
        return self._left

    async def take(self) -> Turn[J] | None:
        """The next job whose host can be requested now; None once every job is handed out.

        Waits while every host with jobs left is full or waiting out its delay.
        """
        loop = asyncio.get_running_loop()
        while self._left:
            now = loop.time()
            while self._waiting and self._waiting[0][0] <= now:
                self._ready.append(heapq.heappop(self._waiting)[2])
            while self._ready:
                host = self._ready.popleft()
                if host.next_start <= now:
                    return self._hand_out(host, now)
                self._queue(host, now)  # a late start put its next start back: wait it out
            changed = self._changed  # set by a give_back, or by the last job going out
            wake_at = self._waiting[0][0] if self._waiting else None
            try:
                async with asyncio.timeout_at(wake_at):
                    await changed.wait()
            except TimeoutError:
                pass  # a host's delay is over
        return None

    def give_back(self, turn: Turn[J], *, started_at: float | None = None) -> None:
        """``turn``'s fetch is over: its host has a free slot again.

        ``started_at`` is when its request really started (event-loop time), if known: each
        job of the host handed out after it starts a delay later at the earliest, and the
        host's next job is planned accordingly.
        """
        host = self._hosts[turn.host]
        host.out -= 1
        if started_at is not None:
            after = host.handed - turn.number  # this job and those handed out after it
            host.next_start = max(host.next_start, started_at + after * self._delay_s)
        if host.jobs and host.out == self._per_host - 1:  # it was full: back in the queue
            self._queue(host, asyncio.get_running_loop().time())
            self._notify()

    def _hand_out(self, host: _Host[J], now: float) -> Turn[J]:
        job = host.jobs.popleft()
        turn = Turn(job, host.name, host.handed)
        self._left -= 1
        host.out += 1
        host.handed += 1
        host.next_start = now + self._delay_s
        if host.jobs and host.out < self._per_host:
            self._queue(host, now)
        if not self._left or self._ready:
            self._notify()  # workers waiting may finish, or take what is ready
        return turn

    def _queue(self, host: _Host[J], now: float) -> None:
        if host.next_start <= now:
            self._ready.append(host)
        else:
            heapq.heappush(self._waiting, (host.next_start, next(self._tie_break), host))

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


def politeness_host(url: str) -> str:
    """The URL's unit of politeness, as the Fetcher counts it (``scheme://host:port``)."""
    try:
        return host_key(check_url(url))
    except FetchConfigError:
        return url  # not fetchable: its own "host"; the fetch raises or reports it as before


def request_started(result: FetchResult) -> float | None:
    """When the fetch's first request started (event-loop time); None if none was made."""
    if not result.attempts:
        return None
    return asyncio.get_running_loop().time() - result.elapsed_s


async def for_each_by_host(
    items: Sequence[J],
    work: Callable[[J], Awaitable[float | None]],
    *,
    url_of: Callable[[J], str],
    settings: FetchSettings,
) -> None:
    """Run ``work`` on every item, up to ``settings.max_concurrency`` at once, handing items
    out host by host (``HostDispatcher``) so that no worker waits behind one host's spacing
    while another host could be requested. ``work`` returns when its first request started
    (event-loop time), if it knows."""
    dispatcher = HostDispatcher(
        items,
        host_of=lambda item: politeness_host(url_of(item)),
        per_host_concurrency=settings.per_host_concurrency,
        per_host_delay_s=settings.per_host_delay_s,
    )

    async def worker() -> None:
        while (turn := await dispatcher.take()) is not None:
            started_at = None
            try:
                started_at = await work(turn.job)
            finally:
                dispatcher.give_back(turn, started_at=started_at)

    async with asyncio.TaskGroup() as tasks:
        for _ in range(min(len(items), settings.max_concurrency)):
            tasks.create_task(worker())
