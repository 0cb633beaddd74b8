"""``crawl schedule`` as a process: what it was asked to do, its jobs, and running it.

``serve_schedule`` opens the database, builds the jobs a ``SchedulePlan`` asks for and runs
the ``NightlyScheduler`` (``crawler.operations.scheduler``) until SIGTERM or SIGINT
(``crawler.operations.signals``): the first signal stops the triggers and lets a running
crawl finish within the plan's stop timeout, a second one cancels it. The jobs:

- the full crawl, as ``crawl`` runs it (``crawl_targets``), or in the distributed mode the
  night deferred to the workers (``defer_night``). Unlike ``crawl``, a site another run is
  crawling (an ad-hoc ``crawl --site X``) is not skipped at once: it is crawled after the
  others once that run lets it go, waiting up to ``SchedulePlan.held_wait`` (10 minutes);
  only a site still held then is judged not checked, with the run that holds it;
- a round of availability probes of every homepage, and a round of IPv6 checks of every
  site, each when the plan asks for it (docs/site-health.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.browser import BrowserSettings
from crawler.config import open_database
from crawler.fetch import FetchSettings
from crawler.notify import notify_findings, notify_run_failed, send_digests
from crawler.operations.distributed import defer_night
from crawler.operations.jobs import DEFAULT_BROWSER, DEFAULT_LINK_CHECKS, crawl_targets
from crawler.operations.scheduler import (
    DeferJob,
    Metrics,
    NightlyScheduler,
    ProbeJob,
    ScheduleSettings,
)
from crawler.operations.signals import stop_signals
from crawler.sites.ipv6 import Ipv6Settings, check_sites_ipv6
from crawler.sites.leasing import DEFAULT_HELD_SITE_WAIT, HeldSiteWait
from crawler.sites.linkcheck import LinkCheckSettings
from crawler.sites.probes import probe_settings, probe_sites
from crawler.targets import Targets
from storage.batches import last_batch

__all__ = ["SchedulePlan", "serve_schedule"]

logger = logging.getLogger(__name__)

NOTIFY_TIMEOUT_S = 300  # the most the notifications after a run may take


@dataclass(frozen=True, slots=True, kw_only=True)
class SchedulePlan:
    """What ``crawl schedule`` was asked to do, as plain values."""

    targets: Targets
    db: str | None
    fetch_settings: FetchSettings
    keep_bodies_days: int
    schedule: ScheduleSettings
    metrics_port: int | None
    distributed: bool = False
    nameservers: tuple[tuple[str, int], ...] = ()  # for the IPv6 checks; empty: the system's
    link_checks: LinkCheckSettings | None = DEFAULT_LINK_CHECKS  # None: no link checks
    # how long the nightly run waits for a site another run holds, after the other sites
    held_wait: HeldSiteWait = DEFAULT_HELD_SITE_WAIT
    browser: BrowserSettings | None = DEFAULT_BROWSER  # None: no browser
    screenshots: bool = False  # with the browser: screenshots of the pages with findings


async def serve_schedule(plan: SchedulePlan) -> None:
    """Run the schedule until SIGTERM or SIGINT; the metrics server and the database are
    closed on the way out."""
    with stop_signals(
        logger,
        stopping="stopping (send it again to cancel a running crawl)",
        cancelling="cancelling the running crawl now",
    ) as (stop, force):
        stop_metrics: Callable[[], None] | None = None
        engine: AsyncEngine | None = None
        try:
            engine = await open_database(plan.db)
            metrics = Metrics() if plan.metrics_port else None
            if metrics is not None and plan.metrics_port:
                stop_metrics = metrics.serve(plan.metrics_port)
            scheduler = NightlyScheduler(
                settings=plan.schedule,
                engine=engine,
                crawl_job=None if plan.distributed else _crawl_job(plan, engine),
                defer_job=_defer_job(plan) if plan.distributed else None,
                probe_job=_probe_job(plan, engine),
                ipv6_job=_ipv6_job(plan, engine),
                notify_job=_notify_watch(plan, engine),
                metrics=metrics,
            )
            await scheduler.run(stop, force)
        finally:
            if stop_metrics is not None:
                stop_metrics()
            if engine is not None:
                await engine.dispose()


def _crawl_job(plan: SchedulePlan, engine: AsyncEngine) -> Callable[[datetime], Awaitable[int]]:
    """The full crawl, as `crawl` runs it, waiting for held sites; then the news of it to the
    targets file's notify: channels (a run that failed: that it did not complete). Returns
    the run id."""

    async def crawl_all(now: datetime) -> int:
        try:
            report = await crawl_targets(
                targets=plan.targets,
                wanted=(),
                db=plan.db,
                now=now,
                settings=plan.fetch_settings,
                show_progress=False,
                keep_bodies_days=plan.keep_bodies_days,
                link_checks=plan.link_checks,
                held_wait=plan.held_wait,
                browser=plan.browser,
                screenshots=plan.screenshots,
            )
        except Exception as exc:
            await _tell(plan, engine, failed=f"{exc.__class__.__name__}: {exc}")
            raise
        await _tell(plan, engine)
        return report.run_id

    return crawl_all


async def _tell(plan: SchedulePlan, engine: AsyncEngine, *, failed: str | None = None) -> None:
    """Notifications after a nightly run; bounded, and never failing the job."""
    if not plan.targets.notify.channels:
        return
    now = plan.fetch_settings.clock()
    try:
        async with asyncio.timeout(NOTIFY_TIMEOUT_S):
            if failed is not None:
                await notify_run_failed(engine, plan.targets, now=now, run_id=None, error=failed)
                return
            await notify_findings(engine, plan.targets, now=now)
            await send_digests(engine, plan.targets, now=now)
    except TimeoutError:
        logger.error(
            "notify: gave up after %d s; the news is sent after the next run", NOTIFY_TIMEOUT_S
        )
    except Exception as exc:  # a channel never fails the crawl
        logger.error("notify: %s: %s", exc.__class__.__name__, exc)


def _notify_watch(plan: SchedulePlan, engine: AsyncEngine) -> ProbeJob | None:
    """Distributed: the workers run the night, so the scheduler looks every few minutes
    whether the last night is done, and then tells the channels (each finding once: a later
    look finds nothing new to send)."""
    if not plan.distributed or not plan.targets.notify.channels:
        return None
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def watch(now: datetime) -> object:
        async with sessions() as session:
            night = await last_batch(session)
        if night is None or not night.done:
            return "the night is not done yet"
        sent = await notify_findings(engine, plan.targets, now=now)
        sent += await send_digests(engine, plan.targets, now=now)
        return (
            f"{sum(1 for s in sent if s.ok)} messages sent, {sum(1 for s in sent if not s.ok)} not"
        )

    return watch


def _defer_job(plan: SchedulePlan) -> DeferJob:
    """The distributed night: one job per site for the workers; returns what was queued."""

    async def defer(now: datetime, reason: str) -> str:
        night = await defer_night(
            db=plan.db,
            targets=plan.targets,
            now=now,
            reason=reason,
            keep_bodies_days=plan.keep_bodies_days,
        )
        return night.describe()

    return defer


def _probe_job(plan: SchedulePlan, engine: AsyncEngine) -> ProbeJob | None:
    """A round of availability probes of every homepage (docs/site-health.md)."""
    if plan.schedule.probe_every is None:
        return None

    async def probe(now: datetime) -> object:
        # Spread over a minute so no site is hit in a burst; never retried.
        return await probe_sites(
            plan.targets.sites,
            engine=engine,
            settings=replace(
                probe_settings(plan.fetch_settings), addresses=plan.targets.address_policy()
            ),
            now=now,
            spread_s=60.0,
        )

    return probe


def _ipv6_job(plan: SchedulePlan, engine: AsyncEngine) -> ProbeJob | None:
    """A round of IPv6 checks of every site, stored (docs/site-health.md)."""
    if plan.schedule.ipv6_every is None:
        return None

    async def check(now: datetime) -> object:
        checks = await check_sites_ipv6(
            plan.targets.sites,
            settings=Ipv6Settings(nameservers=plan.nameservers),
            engine=engine,
            now=now,
        )
        return dict(Counter(check.outcome.value for check in checks))

    return check
