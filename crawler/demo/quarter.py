"""The demo's simulated quarter: the nightly crawls, probes and IPv6 checks of a quarter's days.

``crawl demo --period 2022Q2`` runs the demo fleet through the quarter of the seed notice and
stores everything as it would have been stored then, so that ``crawl report --period 2022Q2``
on that database writes that quarter's notice. The fleet is built once, with everything it
publishes up to the quarter's last day (its sites' column histories, the accounts' posts, the
units' items), and served as it stood at each simulated moment (``RunningFleet.show``); the
fetches are stamped with the simulated time (``SimulatedClock``, through
``FetchSettings.clock`` and the runner's clock).

The schedule (``quarter_events``), in Asia/Shanghai time, bounded so that a quarter runs in
minutes while every figure of the notice is measured as a real schedule would measure it:

- the full crawl (sites, link and image checks, accounts, 政务公开 units) at 02:00 on the
  quarter's first day, every ``crawl_every_days`` days after it, and on its last day, as
  ``crawl schedule``'s nightly job runs it (``crawl_job``: ``crawl_targets``);
- an IPv6 check of every site at 01:30 before each crawl, by the sites' domains, looked up at
  the fleet's stub name server and fetched over ::1 (skipped, and said so, where this machine
  has no IPv6 loopback);
- availability probes of every homepage every 72 minutes (20 a day) on the last
  ``probe_days`` days, up to the last crawl: the seven whole days before the quarter's last
  day, which the availability rule (site-unavailable: at least 20 probes on each of the 7
  days before the check date) reads for the notice. Probes on every day of the quarter would
  only add time: no crawl before the last one is reported.

The simulation is deterministic: the fleet's content is seeded and the schedule fixed; only
the seconds a run takes in real time are added to its simulated start.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time as wall
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.boards.zhaocuo import read_zhaocuo_rows
from crawler.config import open_database
from crawler.demo.accounts import with_demo_accounts
from crawler.demo.board import zhaocuo_csv
from crawler.demo.disclosure import DemoUnit, demo_units
from crawler.demo.fleet import demo_fleet
from crawler.demo.model import Fleet
from crawler.demo.portal import PORTAL_ID
from crawler.demo.posting import HISTORY_LEAD_DAYS
from crawler.demo.server import RunningFleet
from crawler.fetch import FetchSettings
from crawler.sites.ipv6 import Ipv6Settings, check_sites_ipv6
from crawler.sites.probes import probe_settings, probe_sites
from crawler.sites.runner import CrawlReport
from rules.model import SHANGHAI, Site, local_date
from rules.period import Period
from storage import runs
from storage.records import RunStatus
from storage.retry import in_transaction
from storage.zhaocuo import store_zhaocuo

__all__ = [
    "CRAWL_AT",
    "CRAWL_EVERY_DAYS",
    "PROBES_PER_DAY",
    "PROBE_DAYS",
    "CrawlJob",
    "QuarterEvent",
    "QuarterResult",
    "SimulatedClock",
    "crawl_days",
    "last_crawl_at",
    "quarter_events",
    "quarter_fleet",
    "quarter_stored",
    "simulate_quarter",
]

logger = logging.getLogger(__name__)

CRAWL_EVERY_DAYS = 7
CRAWL_AT = time(2, 0)
IPV6_AT = time(1, 30)
PROBES_PER_DAY = 20
PROBE_DAYS = 8  # the 7 whole days the availability rule reads, and the last day up to its crawl
SITE_HISTORY_DAYS = 60  # the sites' columns hold what they listed this long before the quarter


class CrawlJob(Protocol):
    """One full crawl judged at ``now`` (simulated), fetching with ``settings``; the 政务公开
    units are read too when ``read_units``."""

    def __call__(
        self, now: datetime, settings: FetchSettings, /, *, read_units: bool
    ) -> Awaitable[CrawlReport]: ...


class SimulatedClock:
    """A clock set to a simulated moment, then running at the speed of real time."""

    def __init__(self, moment: datetime) -> None:
        self.set(moment)

    def set(self, moment: datetime) -> None:
        """From now on the clock reads ``moment`` (aware) plus the real time since this call."""
        if moment.tzinfo is None:
            raise ValueError(f"the simulated clock needs an aware moment, not {moment!r}")
        self._moment = moment.astimezone(UTC)
        self._since = wall.monotonic()

    def __call__(self) -> datetime:
        return self._moment + timedelta(seconds=wall.monotonic() - self._since)


@dataclass(frozen=True, slots=True, kw_only=True)
class QuarterEvent:
    kind: str  # crawl | ipv6 | probe
    at: datetime  # aware, Asia/Shanghai


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=SHANGHAI)


def crawl_days(period: Period, every_days: int = CRAWL_EVERY_DAYS) -> list[date]:
    """The quarter's first day, every ``every_days`` days after it, and its last day."""
    days = [period.start + timedelta(days=n) for n in range(0, period.days, every_days)]
    if days[-1] != period.end:
        days.append(period.end)
    return days


def quarter_events(
    period: Period,
    *,
    crawl_every_days: int = CRAWL_EVERY_DAYS,
    probe_days: int = PROBE_DAYS,
    ipv6: bool = True,
) -> list[QuarterEvent]:
    """The simulated schedule of ``period`` (see the module docstring), in time order."""
    events: list[QuarterEvent] = []
    days = crawl_days(period, crawl_every_days)
    for day in days:
        events.append(QuarterEvent(kind="crawl", at=_at(day, CRAWL_AT)))
        if ipv6:
            events.append(QuarterEvent(kind="ipv6", at=_at(day, IPV6_AT)))
    last_crawl = _at(days[-1], CRAWL_AT)
    gap = timedelta(days=1) / PROBES_PER_DAY
    moment = _at(period.end - timedelta(days=probe_days - 1), time(0, 0))
    while moment < last_crawl:
        events.append(QuarterEvent(kind="probe", at=moment))
        moment += gap
    events.sort(key=lambda event: event.at)
    return events


def quarter_fleet(period: Period) -> tuple[Fleet, tuple[DemoUnit, ...]]:
    """The demo fleet and units with everything they publish up to ``period``'s last day: the
    quarter ``period`` is the demo's judged quarter (``demo_period``) of the day after it."""
    today = period.end + timedelta(days=1)
    history = period.start - timedelta(days=SITE_HISTORY_DAYS + HISTORY_LEAD_DAYS)
    fleet = with_demo_accounts(demo_fleet(today, history_from=history))
    return fleet, demo_units(today)


@dataclass(slots=True, kw_only=True)
class QuarterResult:
    """What the simulated quarter did."""

    period: Period
    crawls: list[CrawlReport] = field(default_factory=list)
    probes: Counter[str] = field(default_factory=Counter)  # ok | failed | unknown
    ipv6: Counter[str] = field(default_factory=Counter)  # outcome → sites, all rounds
    ipv6_skipped: str | None = None  # why no IPv6 check was made
    elapsed_s: float = 0.0  # real time
    # real time per kind of event, and serving the fleet as of each crawl ("show")
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def last(self) -> CrawlReport:
        return self.crawls[-1]


async def simulate_quarter(
    *,
    period: Period,
    running: RunningFleet,
    sites: Sequence[Site],
    crawl_job: CrawlJob,
    settings: FetchSettings,
    db: str | None,
    default_db: Path | None = None,
    crawl_every_days: int = CRAWL_EVERY_DAYS,
    probe_days: int = PROBE_DAYS,
    tell: Callable[[str], None] | None = None,
) -> QuarterResult:
    """Run ``period``'s schedule against ``running`` (a fleet from ``quarter_fleet``, served
    with ``ipv6=True`` for the IPv6 checks), storing into ``db``; ``sites`` are the targets
    file's sites, ``tell`` hears one line per crawl."""
    started = wall.monotonic()
    events = quarter_events(
        period,
        crawl_every_days=crawl_every_days,
        probe_days=probe_days,
        ipv6=running.nameserver is not None,
    )
    clock = SimulatedClock(events[0].at)
    final = last_crawl_at(period, crawl_every_days)
    timed = replace(settings, clock=clock)
    result = QuarterResult(period=period)
    if running.nameserver is None:
        result.ipv6_skipped = "this machine has no IPv6 loopback (::1): no IPv6 check was made"
    named = [replace(site, homepage=running.named_homepage(site.id)) for site in sites]
    nameserver = running.nameserver
    ipv6_settings = Ipv6Settings(
        nameservers=(nameserver,) if nameserver else (),
        # our own loopback fleet: the crawl's spacing, not the default half second
        fetch=replace(
            Ipv6Settings().fetch,
            clock=clock,
            per_host_delay_s=settings.per_host_delay_s,
            jitter_s=settings.jitter_s,
        ),
    )
    probing = probe_settings(timed)
    engine = await open_database(db, default_path=default_db)
    try:
        for event in events:
            clock.set(event.at)
            began = wall.monotonic()
            if event.kind == "probe":
                probes = await probe_sites(sites, engine=engine, settings=probing, now=clock())
                result.probes.update(
                    "unknown" if p.ok is None else "ok" if p.ok else "failed" for p in probes
                )
            elif event.kind == "ipv6":
                checks = await check_sites_ipv6(
                    named, settings=ipv6_settings, engine=engine, now=clock()
                )
                result.ipv6.update(check.outcome.value for check in checks)
            else:
                running.show(event.at)
                _add(result.seconds, "show", wall.monotonic() - began)
                began = wall.monotonic()
                # the units' columns are read back to the quarter's first day: the last
                # read counts the whole quarter, and is the one the notice reads
                report = await crawl_job(clock(), timed, read_units=event.at == final)
                result.crawls.append(report)
                if tell is not None:
                    tell(_crawl_line(report, event.at, len(result.crawls)))
            _add(result.seconds, event.kind, wall.monotonic() - began)
    finally:
        await engine.dispose()
    result.elapsed_s = wall.monotonic() - started
    return result


def _add(seconds: dict[str, float], kind: str, elapsed: float) -> None:
    seconds[kind] = seconds.get(kind, 0.0) + elapsed


def _crawl_line(report: CrawlReport, at: datetime, number: int) -> str:
    seconds = (report.finished_at - report.started_at).total_seconds()
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
    return (
        f"{at:%Y-%m-%d %H:%M} crawl {number}: run {report.run_id} {report.status} in "
        f"{seconds:.1f} s ({outcomes}; {len(report.findings)} findings)"
    )


def last_crawl_at(period: Period, crawl_every_days: int = CRAWL_EVERY_DAYS) -> datetime:
    """When the simulated quarter's last crawl starts."""
    return _at(crawl_days(period, crawl_every_days)[-1], CRAWL_AT)


async def quarter_stored(db: str | None, default_db: Path | None, period: Period) -> bool:
    """Whether the database holds the simulated ``period``: its last crawl completed."""
    engine = await open_database(db, default_path=default_db)
    try:
        async with async_sessionmaker(engine)() as session:
            last = await runs.last_run(session, scope=runs.FULL_SCOPE, status=RunStatus.COMPLETED)
    finally:
        await engine.dispose()
    end = _at(period.end + timedelta(days=1), time(0, 0))
    return last is not None and last_crawl_at(period) <= last.started_at < end


async def import_zhaocuo(
    sites: Sequence[Site],
    period: Period,
    path: Path,
    *,
    db: str | None,
    default_db: Path | None,
    now: datetime,
) -> int:
    """Write the demo's 我为政府网站找错 export for ``period`` to ``path`` and import it as
    ``crawl import zhaocuo`` does; returns the messages stored new or changed."""
    portal = next(site for site in sites if site.id == PORTAL_ID)
    await asyncio.to_thread(path.write_text, zhaocuo_csv(period, portal.name), encoding="utf-8")
    rows = await asyncio.to_thread(read_zhaocuo_rows, path, sites, today=local_date(now))
    engine = await open_database(db, default_path=default_db)
    try:
        stored = await in_transaction(
            async_sessionmaker(engine),
            functools.partial(store_zhaocuo, rows=rows, source=path.name, imported_at=now),
            what="importing the demo's 找错 export",
        )
    finally:
        await engine.dispose()
    return stored.new + stored.changed
