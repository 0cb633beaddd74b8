"""The distributed mode: one job per site on a procrastinate queue in the same Postgres.

The only module that imports procrastinate. A night is a *batch* (``storage.batches``):
``defer_night`` synchronises the targets into the database, records the batch and defers
one job per site (task ``xunjian.crawl_site``) and one for all the accounts
(``xunjian.crawl_accounts``); ``run_worker`` runs a procrastinate worker whose jobs are
ordinary runs of ``crawler.sites.runner.crawl`` for that one site (scope = the site id), judged and
tracked exactly like ``crawl --site ID``, and linked to their batch.

- **Locks**: every job of a site has the lock ``site:ID`` (no two jobs of one site run at
  once) and the queueing lock ``site:ID`` (a site waits in the queue at most once: deferring
  a night while last night's job of a site still waits skips that site). The accounts job
  has ``accounts`` for both; it also reads the 政务公开 units' columns (``crawl_units``), as a
  whole in-process crawl does (with no accounts in the targets file, no job reads the units).
  The portal's job (``portal_site``) also reads the portal's columns back through their pages
  (``crawl_portal``), as a whole crawl does: section 二's counts.
- **Sites come from the targets file** each worker reads at start-up (the same file on every
  machine): a job names its site by id; a site the worker's file does not list fails the job
  with that message, not retried.
- **Stalled jobs**: every worker sends a heartbeat (``heartbeat_s``); every worker also looks,
  every ``stalled_check_s``, for jobs left "doing" by a worker whose heartbeat is older than
  ``stalled_after_s`` (killed, machine lost) and puts them back in the queue
  (``JobManager.get_stalled_jobs`` / ``retry_job``, procrastinate's documented recipe).
  When the job runs again, its new run marks the dead worker's run ``interrupted``
  (``repository.interrupt_abandoned_runs(exclusive_scope=…)``: the site's lock says no
  other job of that site is alive). A job runs at least once, not exactly once: a worker
  killed between completing a run and telling the queue has its job run again, and that job
  finds the batch's completed run of its site and stops, so a night has one completed run
  per site.
- **Sites another run is crawling** (an ad-hoc ``crawl --site X``; never another job of the
  site, which the lock keeps out): the job's run waits for it, up to
  ``WorkerSettings.held_wait`` (10 minutes), and crawls it once it is let go. A site still
  held then is judged not checked in that run, and the run does not count as the site's
  run of the batch (``storage.batches``): the batch reports the site as skipped, not done,
  and the job, should it run again, crawls the site.
- **Failures**: a job whose run failed (the database was lost for longer than the writes'
  retries, say) is retried by procrastinate after ``RETRY_WAIT_S``, at most ``MAX_ATTEMPTS``
  times in all; so is a job cancelled by a worker's shutdown.
- **Schema**: procrastinate's tables live beside ours; ``apply_schema`` creates them when
  they are missing (``crawl db upgrade`` calls it on Postgres). Distributed mode needs
  Postgres: on SQLite it is refused with a ``DistributedError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.browser import BrowserSettings
from crawler.config import ConfigError, default_database_path, open_database
from crawler.disclosure.crawl import crawl_units
from crawler.disclosure.portal import crawl_portal, portal_site
from crawler.fetch import FetchSettings
from crawler.operations.jobs import (
    DEFAULT_BROWSER,
    DEFAULT_LINK_CHECKS,
    source_headers,
    units_period,
)
from crawler.operations.loglines import counts_line, run_line
from crawler.sites.leasing import DEFAULT_HELD_SITE_WAIT, HeldSiteWait
from crawler.sites.runner import CrawlPlan, JobRun, crawl
from crawler.targets import Targets
from rules.model import utc_now
from storage import batches, repository
from storage.accounts import sync_accounts
from storage.engine import is_sqlite, resolve_database_url
from storage.errors import StorageConfigError
from storage.links import prune_link_checks

__all__ = [
    "ACCOUNTS_SCOPE",
    "MAX_ATTEMPTS",
    "TASK_ACCOUNTS",
    "TASK_SITE",
    "DeferredNight",
    "DistributedError",
    "WorkerSettings",
    "apply_schema",
    "defer_night",
    "queue_conninfo",
    "retry_stalled_jobs",
    "run_worker",
]

logger = logging.getLogger(__name__)

TASK_SITE = "xunjian.crawl_site"
TASK_ACCOUNTS = "xunjian.crawl_accounts"
ACCOUNTS_SCOPE = "accounts"
MAX_ATTEMPTS = 3
"""Runs of one job at most (the first and two retries), stalled-job retries included."""
RETRY_WAIT_S = 60


class DistributedError(ConfigError):
    """The distributed mode cannot run with this configuration (e.g. on SQLite)."""


def queue_conninfo(url: str | None) -> str:
    """The libpq URL of the Postgres database the queue lives in (the one of ``--db``)."""
    try:
        resolved = resolve_database_url(url, default_path=default_database_path())
    except StorageConfigError as exc:
        raise ConfigError(str(exc)) from exc
    if is_sqlite(resolved):
        raise DistributedError(
            "the distributed mode (crawl worker, crawl enqueue, crawl schedule --distributed) "
            "needs Postgres: its job queue lives in the same database — give --db "
            "postgresql://… or XUNJIAN_DATABASE_URL (one machine with SQLite: run "
            "`crawl schedule` without --distributed)"
        )
    return make_url(resolved).set(drivername="postgresql").render_as_string(hide_password=False)


def _app(conninfo: str, *, pool_size: int = 4) -> App:
    connector = PsycopgConnector(conninfo=conninfo, min_size=1, max_size=pool_size)
    return App(connector=connector)


def _site_lock(site_id: str) -> str:
    return f"site:{site_id}"


# --- the schema ----------------------------------------------------------------------------


async def apply_schema(url: str | None) -> bool:
    """Create procrastinate's tables in the database when they are missing; True when it did.

    Idempotent: a database that has them is left as it is.
    """
    app = _app(queue_conninfo(url), pool_size=1)
    async with app.open_async():
        row = await app.connector.execute_query_one_async(
            query="SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
        )
        if row["present"]:
            return False
        await app.schema_manager.apply_schema_async()
    logger.info("job queue schema (procrastinate) created")
    return True


# --- deferring a night ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferredNight:
    """What ``defer_night`` queued."""

    batch_id: int
    sites: int  # site jobs deferred
    accounts: bool  # the accounts job deferred
    already_queued: tuple[str, ...]  # scopes whose job from before still waits

    def describe(self) -> str:
        line = f"batch {self.batch_id}: {self.sites} site jobs deferred"
        line += ", and the accounts job" if self.accounts else ""
        if self.already_queued:
            line += f"; {len(self.already_queued)} still queued from before, not deferred again"
        return line


async def defer_night(
    *,
    db: str | None,
    targets: Targets,
    now: datetime,
    reason: str,
    keep_bodies_days: int | None = None,
) -> DeferredNight:
    """Record a batch and defer one job per site (and one for the accounts) to the workers.

    The targets are synchronised into the database here, once for the night; stored bodies
    older than ``keep_bodies_days`` are pruned here too (not by each job).
    """
    conninfo = queue_conninfo(db)
    engine = await open_database(db)
    try:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as session, session.begin():
            await repository.sync_targets(session, list(targets.sites), now=now)
            await sync_accounts(
                session, [(t.account, t.source_url) for t in targets.accounts], now=now
            )
            if keep_bodies_days is not None:
                await repository.prune_bodies(session, keep_days=keep_bodies_days, now=now)
                await prune_link_checks(session, keep_days=keep_bodies_days, now=now)
            batch_id = await batches.create_batch(
                session,
                created_at=now,
                reason=reason,
                sites=len(targets.sites),
                accounts=len(targets.accounts),
            )
        deferred = 0
        skipped: list[str] = []
        app = _app(conninfo, pool_size=2)
        async with app.open_async():
            for site in targets.sites:
                lock = _site_lock(site.id)
                try:
                    await app.configure_task(TASK_SITE, lock=lock, queueing_lock=lock).defer_async(
                        batch_id=batch_id, site_id=site.id
                    )
                    deferred += 1
                except AlreadyEnqueued:
                    skipped.append(site.id)
            with_accounts = False
            if targets.accounts:
                try:
                    await app.configure_task(
                        TASK_ACCOUNTS, lock=ACCOUNTS_SCOPE, queueing_lock=ACCOUNTS_SCOPE
                    ).defer_async(batch_id=batch_id)
                    with_accounts = True
                except AlreadyEnqueued:
                    skipped.append(ACCOUNTS_SCOPE)
        async with sessions() as session, session.begin():
            await batches.set_jobs(session, batch_id, deferred + int(with_accounts))
    finally:
        await engine.dispose()
    night = DeferredNight(
        batch_id=batch_id, sites=deferred, accounts=with_accounts, already_queued=tuple(skipped)
    )
    logger.info("%s", night.describe())
    return night


# --- the worker ----------------------------------------------------------------------------


DEFAULT_CONCURRENCY = 8
DEFAULT_STOP_TIMEOUT_S = 300.0
DEFAULT_HEARTBEAT_S = 10.0
DEFAULT_STALLED_AFTER_S = 60.0
DEFAULT_STALLED_CHECK_S = 30.0
DEFAULT_POLL_S = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerSettings:
    concurrency: int = DEFAULT_CONCURRENCY  # jobs (sites) at once
    stop_timeout_s: float = DEFAULT_STOP_TIMEOUT_S  # on a stop, how long jobs may go on
    heartbeat_s: float = DEFAULT_HEARTBEAT_S
    stalled_after_s: float = DEFAULT_STALLED_AFTER_S  # a worker silent this long is gone
    stalled_check_s: float = DEFAULT_STALLED_CHECK_S
    poll_s: float = DEFAULT_POLL_S  # polling for new jobs (NOTIFY wakes workers first)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    # how long a site's job waits for its site while another run (`crawl --site X`) holds it
    held_wait: HeldSiteWait = DEFAULT_HELD_SITE_WAIT
    # each job's run starts its own browser when a page needs one (None: no browser)
    browser: BrowserSettings | None = DEFAULT_BROWSER
    screenshots: bool = False


class _Retry(BaseRetryStrategy):
    """Retry a failed or shutdown-cancelled job later; never one whose site is unknown."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, ConfigError) or job.attempts + 1 >= MAX_ATTEMPTS:
            return None
        return RetryDecision(retry_in={"seconds": RETRY_WAIT_S})


def _register(app: App, *, targets: Targets, engine: AsyncEngine, settings: WorkerSettings) -> None:
    fetch = replace(settings.fetch, addresses=targets.address_policy())  # the hosts the file names
    sites = {site.id: site for site in targets.sites}
    headers: Mapping[str, Mapping[str, str]] = source_headers()
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def already_done(batch_id: int, scope: str) -> int | None:
        async with sessions() as session:
            run_id = await batches.completed_run(session, batch_id=batch_id, scope=scope)
        if run_id is not None:
            logger.warning(
                "%s: run %d of batch %d already completed (its worker stopped before the queue "
                "heard of it): not crawled again",
                scope,
                run_id,
                batch_id,
            )
        return run_id

    async def crawl_site(batch_id: int, site_id: str) -> int:
        site = sites.get(site_id)
        if site is None:
            raise ConfigError(
                f"site {site_id!r} is not in this worker's targets file ({targets.source}) — "
                "give every worker the same targets file as the scheduler"
            )
        if (done := await already_done(batch_id, site_id)) is not None:
            return done
        now = utc_now()
        plan = CrawlPlan(
            sites=[site],
            all_sites=targets.sites,
            accounts=(),
            all_accounts=targets.accounts,
            profiles=targets.profiles,
            now=now,
            fetch_settings=fetch,
            link_checks=DEFAULT_LINK_CHECKS,  # what `crawl --site ID` checks
            source_headers=headers,
            job=JobRun(batch_id=batch_id, scope=site_id),
            held_wait=settings.held_wait,
            browser=settings.browser,
            screenshots=settings.screenshots,
        )
        report = await crawl(plan, engine=engine, clock=utc_now)
        logger.info("site %s: %s", site_id, run_line(report))
        if (portal := portal_site(targets)) is not None and portal.id == site_id:
            # the portal's job reads its columns back through their pages (section 二)
            await crawl_portal(
                portal, sessions=sessions, settings=fetch, period=units_period(now), now=now
            )
        if (reason := report.skipped.get(site_id)) is not None:
            # Not the site's run of the batch (storage.batches): the night shows it skipped.
            logger.warning(
                "site %s not checked in batch %d (run %d): %s",
                site_id,
                batch_id,
                report.run_id,
                reason,
            )
        return report.run_id

    async def crawl_accounts(batch_id: int) -> int:
        if (done := await already_done(batch_id, ACCOUNTS_SCOPE)) is not None:
            return done
        plan = CrawlPlan(
            sites=[],
            all_sites=targets.sites,
            accounts=targets.accounts,
            all_accounts=targets.accounts,
            profiles=targets.profiles,
            now=utc_now(),
            fetch_settings=fetch,
            source_headers=headers,
            job=JobRun(batch_id=batch_id, scope=ACCOUNTS_SCOPE),
        )
        report = await crawl(plan, engine=engine, clock=utc_now)
        logger.info("accounts: %s", run_line(report))
        if targets.units and report.status == "completed":
            # the 政务公开 units ride with the accounts: one job, throttled per host anyway
            now = utc_now()
            stops = await crawl_units(
                targets.units,
                sessions=sessions,
                settings=fetch,
                period=units_period(now),
                now=now,
            )
            logger.info("units: %d columns read (%s)", stops.total(), counts_line(stops))
        return report.run_id

    app.task(name=TASK_SITE, retry=_Retry())(crawl_site)
    app.task(name=TASK_ACCOUNTS, retry=_Retry())(crawl_accounts)


async def retry_stalled_jobs(app: App, *, stalled_after_s: float) -> list[int]:
    """Put jobs of workers silent for ``stalled_after_s`` back in the queue; their ids.

    The silent workers' rows are left to procrastinate, which prunes them when a worker
    starts: a worker that was only slow must not find its row gone.
    """
    retried: list[int] = []
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s):
        try:
            await app.job_manager.retry_job(job)
        except Exception as exc:  # another worker retried it first, or it just finished
            logger.debug("stalled job %s not retried: %s", job.id, exc)
            continue
        assert job.id is not None
        retried.append(job.id)
        logger.warning(
            "job %d (%s %s) was left running by a worker that stopped answering: queued again",
            job.id,
            job.task_name,
            job.task_kwargs.get("site_id", ACCOUNTS_SCOPE),
        )
    return retried


async def _watch_stalled(app: App, settings: WorkerSettings) -> None:
    while True:
        await asyncio.sleep(settings.stalled_check_s)
        try:
            await retry_stalled_jobs(app, stalled_after_s=settings.stalled_after_s)
        except Exception as exc:  # the database is away: try again at the next check
            logger.warning("stalled-job check failed: %s: %s", exc.__class__.__name__, exc)


async def run_worker(
    *,
    db: str | None,
    targets: Targets,
    settings: WorkerSettings,
    stop: asyncio.Event,
    force: asyncio.Event | None = None,
) -> None:
    """Run jobs until ``stop`` is set; then let running jobs finish for ``stop_timeout_s``
    (past that they are cancelled: their runs are recorded interrupted and the jobs go back
    to the queue). ``force`` set: cancel them at once."""
    conninfo = queue_conninfo(db)
    engine = await open_database(db)
    app = _app(conninfo, pool_size=settings.concurrency + 4)
    _register(app, targets=targets, engine=engine, settings=settings)
    name = f"{socket.gethostname()}:{os.getpid()}"
    options: dict[str, Any] = {
        "name": name,
        "concurrency": settings.concurrency,
        "wait": True,
        "install_signal_handlers": False,
        "shutdown_graceful_timeout": settings.stop_timeout_s,
        "update_heartbeat_interval": settings.heartbeat_s,
        "stalled_worker_timeout": settings.stalled_after_s,
        "fetch_job_polling_interval": settings.poll_s,
        "abort_job_polling_interval": settings.poll_s,
    }
    try:
        async with app.open_async():
            worker = asyncio.create_task(app.run_worker_async(**options), name="worker")
            watcher = asyncio.create_task(_watch_stalled(app, settings), name="stalled jobs")
            logger.info(
                "worker %s started: %d jobs at once, %d sites in the targets",
                name,
                settings.concurrency,
                len(targets.sites),
            )
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
            watcher.cancel()
            if not worker.done():
                # A cancelled run_worker_async stops the worker gracefully (procrastinate
                # shields its loop): running jobs get shutdown_graceful_timeout.
                worker.cancel()
                forced = asyncio.ensure_future((force or asyncio.Event()).wait())
                await asyncio.wait({worker, forced}, return_when=asyncio.FIRST_COMPLETED)
                if not worker.done():
                    logger.warning("stopping now: running jobs are cancelled")
                    worker.cancel()
                forced.cancel()
            stopping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
    finally:
        await engine.dispose()
    logger.info("worker %s stopped", name)
