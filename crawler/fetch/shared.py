"""One client for several phases of a run, or one of its own for a phase run alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from crawler.fetch.client import Fetcher
from crawler.fetch.settings import FetchSettings

__all__ = ["own_or_shared"]


@asynccontextmanager
async def own_or_shared(shared: Fetcher | None, settings: FetchSettings) -> AsyncIterator[Fetcher]:
    """``shared`` as it is (its owner closes it), or a Fetcher of ``settings`` for the block:
    phases sharing one client share its per-host spacing and its robots.txt reads."""
    if shared is not None:
        yield shared
        return
    async with Fetcher(settings) as own:
        yield own
