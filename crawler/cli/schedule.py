"""``crawl schedule``: the nightly crawl, unattended (``crawl status`` shows what it did).

``schedule`` runs until SIGTERM or SIGINT: the first signal stops the triggers and lets a
running crawl finish within ``--stop-timeout``, a second one (or the timeout) cancels it and
the runner records it as interrupted; the process then exits 0. The scheduling itself lives
in ``crawler.operations.scheduler``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.cli.ipv6 import nameserver_option
from crawler.cli.runtime import (
    configure_logging,
    fetch_options,
    guard,
    keep_bodies_option,
    link_check_options,
    link_checks,
    run_async,
)
from crawler.config import open_database
from crawler.fetch import FetchSettings
from crawler.operations.distributed import defer_night, queue_conninfo
from crawler.operations.jobs import DEFAULT_LINK_CHECKS, crawl_targets, fetch_settings
from crawler.operations.scheduler import (
    DEFAULT_MISFIRE_GRACE_S,
    DEFAULT_NIGHTLY_CRON,
    DEFAULT_STOP_TIMEOUT_S,
    DeferJob,
    Metrics,
    Nightly,
    NightlyScheduler,
    ProbeJob,
    ScheduleSettings,
)
from crawler.sites.ipv6 import Ipv6Settings, check_sites_ipv6
from crawler.sites.linkcheck import LinkCheckSettings
from crawler.sites.probes import probe_settings, probe_sites
from crawler.targets import Targets, load_targets

__all__ = ["schedule"]

logger = logging.getLogger(__name__)

# Loggers that speak once per fetch, per account or per database check: quiet unless -v, so
# that a nightly crawl of thousands of pages logs its job lines, not every page.
_CHATTY = ("crawler.fetch", "crawler.accounts.crawl", "apscheduler", "alembic")


# --- crawl schedule ------------------------------------------------------------------------


@click.command("schedule")
@click.option(
    "--targets",
    "targets_path",
    envvar="XUNJIAN_TARGETS",
    default="targets.yaml",
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The targets file, read once at start-up (restart to pick up changes). "
    "Env: XUNJIAN_TARGETS.",
)
@click.option(
    "--db", envvar="XUNJIAN_DATABASE_URL", metavar="URL", help="Database (see crawl --help)."
)
@click.option(
    "--nightly",
    "nightly_cron",
    envvar="XUNJIAN_NIGHTLY_CRON",
    default=DEFAULT_NIGHTLY_CRON,
    show_default=True,
    metavar="CRON",
    help="When the full crawl runs: five crontab fields (minute hour day month weekday, "
    "0 or 7 = Sunday) in Asia/Shanghai time. Env: XUNJIAN_NIGHTLY_CRON.",
)
@click.option(
    "--probe-every",
    type=click.IntRange(0, 24 * 60),
    default=30,
    show_default=True,
    metavar="MINUTES",
    help="Probe every homepage's availability this often (48 a day at 30: the national rule "
    "needs 20 a day over 7 days); 0: no probes.",
)
@click.option(
    "--ipv6-every",
    envvar="XUNJIAN_IPV6_EVERY_HOURS",
    type=click.IntRange(0, 24 * 30),
    default=24,
    show_default=True,
    metavar="HOURS",
    help="Check every site's IPv6 support (AAAA record, homepage over IPv6) this often, the "
    "first round two minutes after start-up; 0: never. Env: XUNJIAN_IPV6_EVERY_HOURS.",
)
@nameserver_option
@link_check_options
@click.option(
    "--metrics-port",
    envvar="XUNJIAN_METRICS_PORT",
    type=click.IntRange(1, 65535),
    metavar="N",
    help="Serve Prometheus metrics on http://0.0.0.0:N/metrics. Env: XUNJIAN_METRICS_PORT.",
)
@click.option(
    "--run-now", is_flag=True, help="Also run the full crawl once at start-up, due or not."
)
@click.option(
    "--distributed",
    envvar="XUNJIAN_DISTRIBUTED",
    is_flag=True,
    help="Do not crawl here: at the nightly time, defer one job per site to the `crawl "
    "worker` processes sharing this Postgres database (docs/deployment.md). "
    "Env: XUNJIAN_DISTRIBUTED=1.",
)
@click.option(
    "--stop-timeout",
    type=click.FloatRange(0, 24 * 3600),
    default=DEFAULT_STOP_TIMEOUT_S,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM/SIGINT, how long a running crawl may go on before it is cancelled "
    "(and recorded as interrupted).",
)
@fetch_options
@keep_bodies_option
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="Job lines are always logged; -v adds one line per fetch, -vv debug.",
)
def schedule(
    targets_path: Path,
    db: str | None,
    nightly_cron: str,
    probe_every: int | None,
    ipv6_every: int,
    nameservers: tuple[tuple[str, int], ...],
    check_links: bool,
    check_articles: int,
    metrics_port: int | None,
    run_now: bool,
    distributed: bool,
    stop_timeout: float,
    user_agent: str | None,
    concurrency: int | None,
    per_host_delay: float | None,
    keep_bodies_days: int,
    verbose: int,
) -> None:
    """Run unattended: crawl every target by the nightly cron (02:00 Asia/Shanghai unless
    --nightly), until stopped with SIGTERM or Ctrl-C.

    At start-up, when the last completed full run is older than the last scheduled time (the
    machine was off at 02:00), one crawl runs at once. Every run is recorded in the database
    like `crawl`'s; `crawl status` shows them.

    \b
    Examples:
      crawl schedule                              02:00 every night
      crawl schedule --nightly "30 1 * * 1-5"     01:30 on weekdays
      crawl schedule --run-now --metrics-port 9108
      crawl schedule --distributed                the night shared by `crawl worker`s
    """
    configure_logging(verbose + 1)
    if verbose == 0:
        for name in _CHATTY:
            logging.getLogger(name).setLevel(logging.WARNING)

    def body() -> None:
        nightly = Nightly(cron=nightly_cron)
        targets = load_targets(targets_path)
        if distributed:
            queue_conninfo(db)  # Postgres, or a clear error now rather than at 02:00

        plan = _Plan(
            targets=targets,
            db=db,
            fetch_settings=fetch_settings(user_agent, concurrency, per_host_delay),
            keep_bodies_days=keep_bodies_days,
            schedule=ScheduleSettings(
                nightly=nightly,
                misfire_grace_s=DEFAULT_MISFIRE_GRACE_S,
                probe_every=timedelta(minutes=probe_every) if probe_every else None,
                ipv6_every=timedelta(hours=ipv6_every) if ipv6_every else None,
                stop_timeout_s=stop_timeout,
                run_now=run_now,
            ),
            metrics_port=metrics_port,
            distributed=distributed,
            nameservers=nameservers,
            link_checks=link_checks(check_links, check_articles),
        )
        run_async(_serve(plan))

    guard(body)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
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


async def _serve(plan: _Plan) -> None:
    stop, force = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(signum: signal.Signals) -> None:
        if stop.is_set():
            logger.warning("%s again: cancelling the running crawl now", signum.name)
            force.set()
            return
        logger.warning("%s: stopping (send it again to cancel a running crawl)", signum.name)
        stop.set()

    handled = (signal.SIGTERM, signal.SIGINT)
    for signum in handled:
        loop.add_signal_handler(signum, on_signal, signum)
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
            crawl_job=None if plan.distributed else _crawl_job(plan),
            defer_job=_defer_job(plan) if plan.distributed else None,
            probe_job=_probe_job(plan, engine),
            ipv6_job=_ipv6_job(plan, engine),
            metrics=metrics,
        )
        await scheduler.run(stop, force)
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        if stop_metrics is not None:
            stop_metrics()
        if engine is not None:
            await engine.dispose()


def _crawl_job(plan: _Plan) -> Callable[[datetime], Awaitable[int]]:
    """The full crawl, exactly as `crawl` runs it; returns the run id."""

    async def crawl_all(now: datetime) -> int:
        report = await crawl_targets(
            targets=plan.targets,
            wanted=(),
            db=plan.db,
            now=now,
            settings=plan.fetch_settings,
            show_progress=False,
            keep_bodies_days=plan.keep_bodies_days,
            link_checks=plan.link_checks,
        )
        return report.run_id

    return crawl_all


def _defer_job(plan: _Plan) -> DeferJob:
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


def _probe_job(plan: _Plan, engine: AsyncEngine) -> ProbeJob | None:
    """A round of availability probes of every homepage (docs/site-health.md)."""
    if plan.schedule.probe_every is None:
        return None

    async def probe(now: datetime) -> object:
        # Spread over a minute so no site is hit in a burst; never retried.
        return await probe_sites(
            plan.targets.sites,
            engine=engine,
            settings=probe_settings(plan.fetch_settings),
            now=now,
            spread_s=60.0,
        )

    return probe


def _ipv6_job(plan: _Plan, engine: AsyncEngine) -> ProbeJob | None:
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


# --- crawl status --------------------------------------------------------------------------
