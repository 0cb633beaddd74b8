"""A run's leases on its sites, so that two runs at once never crawl one site together.

``lease_sites`` takes them before anything is fetched (``storage.leases``) and names the sites
another live run holds. ``HeldSites`` decides what becomes of those: a run with a wait
(``HeldSiteWait``: the nightly run, a distributed worker's job) crawls its other sites first,
then tries their leases again with a growing pause until each is let go or the wait is over;
a run without one (an ad-hoc ``crawl``, ``crawl --site X``) skips them at once. A site still
held at the end is judged not checked in this run and named with the reason.

``LeaseRenewal`` keeps the leases while the run works: every third of the lease's time, each
renewal retried like every database phase (``storage.retry``). A renewal that cannot be done
within a third of the lease's time stops the run, recorded ``failed`` with the reason: a live
run never goes on crawling behind a lease it could not keep, so a lease past its expiry always
means its run is gone. ``release_leases`` drops the leases at the end; ``lost_sites`` names
the sites whose lease another run took over midway (judged as not checked in this run).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.model import Site
from storage.leases import (
    LeaseHolder,
    SiteLeases,
    release_site_leases,
    renew_site_leases,
    take_site_leases,
)
from storage.retry import in_transaction

__all__ = [
    "DEFAULT_HELD_SITE_WAIT",
    "HeldSiteWait",
    "HeldSites",
    "LeaseRenewal",
    "lease_sites",
    "lost_sites",
    "release_leases",
]

logger = logging.getLogger(__name__)

_RELEASE_WAIT_S = 10.0  # deleting the leases at the end waits out a lost connection this long


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldSiteWait:
    """How long a run waits for the sites another live run holds when it starts.

    After crawling its other sites the run tries their leases again, first at once, then
    after pauses growing from ``first_pause_s`` to ``max_pause_s``, until ``total_s`` of
    waiting in all (the time spent crawling a site let go in between does not count).
    """

    total_s: float = 600.0
    first_pause_s: float = 5.0
    max_pause_s: float = 60.0

    def __post_init__(self) -> None:
        if self.total_s < 0 or self.first_pause_s <= 0 or self.max_pause_s < self.first_pause_s:
            raise ValueError(f"{self!r}: give total_s >= 0 and 0 < first_pause_s <= max_pause_s")


DEFAULT_HELD_SITE_WAIT = HeldSiteWait()
"""The nightly run's and the distributed jobs' wait: 10 minutes, a lease's unrenewed life (a
crashed holder's lease has expired and is taken over by then)."""


async def lease_sites(
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    sites: Sequence[Site],
    now: datetime,
    ttl: timedelta,
) -> dict[str, str]:
    """Lease the run's sites; returns those another live run is crawling → why (skipped for
    now: ``HeldSites`` waits for them or judges them not checked)."""
    leases = await _take(sessions, run_id, [s.id for s in sites], now, ttl)
    skipped = {holder.site_id: holder.reason for holder in leases.held}
    for site_id, reason in skipped.items():
        logger.warning("run %d: site %s is %s", run_id, site_id, reason)
    return skipped


async def _take(
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    site_ids: list[str],
    now: datetime,
    ttl: timedelta,
) -> SiteLeases:
    leases = await in_transaction(
        sessions,
        functools.partial(take_site_leases, run_id=run_id, site_ids=site_ids, now=now, ttl=ttl),
        what=f"leasing the sites of run {run_id}",
    )
    for dead in leases.taken_over:
        logger.warning(
            "run %d: took over site %s from run %s, which stopped without releasing it",
            run_id,
            dead.site_id,
            dead.run_id,
        )
    return leases


class HeldSites:
    """The sites another live run held when this run leased its own (``skipped``, site → why).

    ``released`` is awaited after the run has crawled its other sites, and again after each
    batch it returns has been crawled: it returns the held sites whose leases this run has
    taken in the meantime (each removed from ``skipped``), waiting for them as ``wait`` allows;
    an empty list when none is left or the wait is over. The sites left in ``skipped`` then
    carry why they were not checked; each is logged. Only sites never leased by this run are
    tried again: a lease this run lost midway never comes back to it.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        run_id: int,
        sites: Sequence[Site],
        skipped: dict[str, str],
        clock: Callable[[], datetime],
        ttl: timedelta,
        wait: HeldSiteWait | None,
    ) -> None:
        self._sessions = sessions
        self._run_id = run_id
        self._skipped = skipped
        self._clock = clock
        self._ttl = ttl
        self._wait = wait
        self._waiting = {s.id: s for s in sites if s.id in skipped}
        self._waited_s = 0.0
        self._pause_s = wait.first_pause_s if wait is not None else 0.0
        self._holders: dict[str, LeaseHolder] = {}
        self._over = False
        if self._waiting and wait is not None:
            logger.info(
                "run %d: held by other runs: %s; crawling the others first, then waiting up "
                "to %s for them",
                run_id,
                ", ".join(sorted(self._waiting)),
                _duration(wait.total_s),
            )

    async def released(self) -> list[Site]:
        """The held sites leased to this run since the last call (waiting for them as the
        plan allows); empty when there is nothing more to wait for."""
        if self._over:
            return []
        if self._wait is None or not self._waiting:
            self._give_up()
            return []
        first = True
        while True:
            if not first:
                remaining = self._wait.total_s - self._waited_s
                if remaining <= 0:
                    self._give_up()
                    return []
                pause = min(self._pause_s, remaining)
                started = time.monotonic()
                await asyncio.sleep(pause)
                self._waited_s += time.monotonic() - started
                self._pause_s = min(self._pause_s * 2, self._wait.max_pause_s)
            first = False
            started = time.monotonic()
            taken = await self._try_again()
            self._waited_s += time.monotonic() - started
            if taken:
                self._pause_s = self._wait.first_pause_s  # the next may follow soon after
                return taken

    async def _try_again(self) -> list[Site]:
        leases = await _take(
            self._sessions, self._run_id, list(self._waiting), self._clock(), self._ttl
        )
        self._holders.update({holder.site_id: holder for holder in leases.held})
        taken = [site for site_id, site in self._waiting.items() if site_id in leases.taken]
        for site in taken:
            del self._waiting[site.id]
            del self._skipped[site.id]
            logger.info(
                "run %d: site %s let go after %s of waiting: crawling it now",
                self._run_id,
                site.id,
                _duration(self._waited_s),
            )
        return taken

    def _give_up(self) -> None:
        self._over = True
        for site_id in self._waiting:
            if self._wait is not None:
                self._skipped[site_id] = _still_held(self._holders.get(site_id), self._waited_s)
            logger.warning(
                "run %d: site %s not checked in this run: %s",
                self._run_id,
                site_id,
                self._skipped[site_id],
            )


def _still_held(holder: LeaseHolder | None, waited_s: float) -> str:
    if holder is None or holder.run_id is None:
        who, until = "other runs", ""
    else:
        who = f"run {holder.run_id}"
        until = f" (its lease runs to {holder.expires_at:%Y-%m-%d %H:%M} UTC unless renewed)"
    return f"held by {who}: still being crawled after a wait of {_duration(waited_s)}{until}"


def _duration(seconds: float) -> str:
    if seconds >= 90:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


class LeaseRenewal:
    """Renews run ``run_id``'s leases every third of ``ttl``, in a task of its own; created
    in the run's task, which it stops when a renewal fails for good.

    Each renewal is retried on a new connection when the connection is lost
    (``storage.retry.in_transaction``) for at most a third of ``ttl`` (and the retry policy's
    bound), so it gives up while the lease still has a third of its time left. Giving up
    cancels the run's task; ``stopped`` then names the renewal's error
    (``DatabaseUnavailableError`` for a lost database) as what stopped the run, which is
    recorded ``failed`` with it. The run cannot safely go on holding leases it could not
    renew: once they expire another run takes its sites over and both crawl them at once.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        run_id: int,
        clock: Callable[[], datetime],
        ttl: timedelta,
    ) -> None:
        self._sessions = sessions
        self._run_id = run_id
        self._clock = clock
        self._ttl = ttl
        self._run = asyncio.current_task()
        self._ending = False  # the run ends (or fails for another reason): never cancel it now
        self._cancelled_run = False
        self.error: Exception | None = None  # why the last renewal failed for good
        self._task = asyncio.create_task(self._renew(), name=f"lease renewal of run {run_id}")

    async def _renew(self) -> None:
        every_s = self._ttl.total_seconds() / 3
        while True:
            await asyncio.sleep(every_s)
            try:
                await in_transaction(
                    self._sessions,
                    functools.partial(
                        renew_site_leases, run_id=self._run_id, now=self._clock(), ttl=self._ttl
                    ),
                    what=f"renewing the site leases of run {self._run_id}",
                    total_s=every_s,
                )
            except Exception as exc:
                self._fail(exc)
                return

    def _fail(self, exc: Exception) -> None:
        self.error = exc
        if self._ending or self._run is None or self._run.done():
            logger.error(
                "run %d: could not renew its site leases: %s: %s",
                self._run_id,
                exc.__class__.__name__,
                exc,
            )
            return
        logger.error(
            "run %d: could not renew its site leases (%s: %s): stopping the run, which can no "
            "longer be sure that no other run crawls its sites",
            self._run_id,
            exc.__class__.__name__,
            exc,
        )
        self._cancelled_run = True
        self._run.cancel(f"the site leases of run {self._run_id} could not be renewed")

    def stopped(self, exc: BaseException) -> BaseException:
        """What stopped the run, given what it raised: the renewal's error when a failed
        renewal cancelled it (and nothing else cancelled it too), else ``exc``. Call it first
        thing when the run ends abnormally: from then on a failing renewal only logs."""
        self._ending = True
        if not self._cancelled_run or self._run is None:
            return exc
        self._cancelled_run = False
        if self._run.uncancel() > 0:  # cancelled by someone else as well: interrupted
            return exc
        assert self.error is not None
        return self.error

    async def stop(self) -> None:
        """Stop renewing (the run is ending)."""
        self._ending = True
        if self._cancelled_run and self._run is not None:
            # The run went on (and ended) despite the cancellation: take it back.
            self._cancelled_run = False
            self._run.uncancel()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def release_leases(
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    renewal: LeaseRenewal | None,
) -> None:
    """Stop renewing and delete the run's leases (a lost connection retried briefly); a lease
    that cannot be deleted expires, and no longer counts once the run is not ``running``."""
    if renewal is not None:
        await renewal.stop()
    try:
        await in_transaction(
            sessions,
            functools.partial(release_site_leases, run_id=run_id),
            what=f"releasing the site leases of run {run_id}",
            total_s=_RELEASE_WAIT_S,
        )
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
