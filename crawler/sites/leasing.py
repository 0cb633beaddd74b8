"""A run's leases on its sites, so that two runs at once never crawl one site together.

``lease_sites`` takes them before anything is fetched (``storage.leases``); a site another
live run holds is skipped and named with the reason. ``renew_leases`` keeps them while the run
works; ``release_leases`` drops them at the end; ``lost_sites`` names the sites whose lease
another run took over midway (judged as not checked in this run).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.model import Site
from storage.leases import release_site_leases, renew_site_leases, take_site_leases
from storage.retry import in_transaction

__all__ = ["lease_sites", "lost_sites", "release_leases", "renew_leases"]

logger = logging.getLogger(__name__)


async def lease_sites(
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    sites: Sequence[Site],
    now: datetime,
    ttl: timedelta,
) -> dict[str, str]:
    """Lease the run's sites; returns those another live run is crawling → why (skipped)."""
    leases = await in_transaction(
        sessions,
        functools.partial(
            take_site_leases, run_id=run_id, site_ids=[s.id for s in sites], now=now, ttl=ttl
        ),
        what=f"leasing the sites of run {run_id}",
    )
    for dead in leases.taken_over:
        logger.warning(
            "run %d: took over site %s from run %s, which stopped without releasing it",
            run_id,
            dead.site_id,
            dead.run_id,
        )
    skipped = {holder.site_id: holder.reason for holder in leases.held}
    for site_id, reason in skipped.items():
        logger.warning(
            "run %d: site %s skipped, %s: not checked in this run", run_id, site_id, reason
        )
    return skipped


async def renew_leases(
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    clock: Callable[[], datetime],
    ttl: timedelta,
) -> None:
    """Renew the run's leases every third of ``ttl`` until cancelled.

    A renewal that fails is logged and tried again at the next turn; if the leases expire
    meanwhile and another run takes a site over, the check after the facts are read judges
    that site as not checked.
    """
    while True:
        await asyncio.sleep(ttl.total_seconds() / 3)
        try:
            async with sessions() as session, session.begin():
                await renew_site_leases(session, run_id=run_id, now=clock(), ttl=ttl)
        except Exception:
            logger.warning("run %d: could not renew its site leases", run_id, exc_info=True)


async def release_leases(
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    renewal: asyncio.Task[None] | None,
) -> None:
    """Stop renewing and delete the run's leases; a lease that cannot be deleted expires."""
    if renewal is not None:
        renewal.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewal
    try:
        async with sessions() as session, session.begin():
            await release_site_leases(session, run_id=run_id)
    except Exception:
        # The run is no longer 'running' (or its lease expires): the next run takes it over.
        logger.exception("run %d: could not release its site leases", run_id)


def lost_sites(run_id: int, leased: Sequence[Site], still_leased: frozenset[str]) -> dict[str, str]:
    lost = {
        s.id: "its lease was taken over by another run while this run crawled it"
        for s in leased
        if s.id not in still_leased
    }
    for site_id in lost:
        logger.warning("run %d: site %s lost its lease midway: not checked", run_id, site_id)
    return lost
