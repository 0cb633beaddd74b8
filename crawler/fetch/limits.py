"""Politeness: a global cap on requests in flight, a per-host cap, per-host spacing.

A host is ``scheme://host:port``. A request takes its host's slot first and the global slot
second, so many requests queued for one slow host never hold global slots while they wait.
Holding both, it waits until its host's next start time (``per_host_delay_s`` plus a
random 0..``jitter_s`` after the previous actual start), then starts.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class _HostState:
    semaphore: asyncio.Semaphore
    next_start: float = field(default=float("-inf"))  # event-loop time


class HostLimits:
    def __init__(
        self,
        *,
        max_concurrency: int,
        per_host_concurrency: int,
        per_host_delay_s: float,
        jitter_s: float,
        rng: random.Random | None = None,
    ) -> None:
        self._global = asyncio.Semaphore(max_concurrency)
        self._per_host_concurrency = per_host_concurrency
        self._delay_s = per_host_delay_s
        self._jitter_s = jitter_s
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not security)
        self._hosts: dict[str, _HostState] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one request slot for ``host``; the request starts inside the block."""
        state = self._hosts.get(host)
        if state is None:
            state = _HostState(semaphore=asyncio.Semaphore(self._per_host_concurrency))
            self._hosts[host] = state
        async with state.semaphore, self._global:
            await self._wait_turn(state)
            yield

    async def _wait_turn(self, state: _HostState) -> None:
        """Return when this host's next start time has come, and set the one after it.

        The next start is counted from the actual start, so a late wake-up never
        shortens the gap to the following request.
        """
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if now >= state.next_start:
                jitter = self._rng.uniform(0.0, self._jitter_s) if self._jitter_s else 0.0
                state.next_start = now + self._delay_s + jitter
                return
            await asyncio.sleep(state.next_start - now)
