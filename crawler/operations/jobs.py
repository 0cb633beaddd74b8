"""Running a crawl of a targets file: what `crawl`, `crawl demo` and the scheduler share."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.browser import BrowserSettings
from crawler.config import open_database
from crawler.disclosure.crawl import crawl_units
from crawler.disclosure.portal import crawl_portal, portal_site
from crawler.fetch import FetchResult, FetchSettings
from crawler.operations.loglines import counts_line
from crawler.sites.leasing import HeldSiteWait
from crawler.sites.linkcheck import LinkCheckSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, PageJob, crawl
from crawler.targets import Targets
from rules.model import local_date
from rules.period import Period

__all__ = [
    "browser_settings",
    "crawl_targets",
    "fetch_settings",
    "source_headers",
    "units_period",
]

logger = logging.getLogger(__name__)

DEFAULT_LINK_CHECKS = LinkCheckSettings()
DEFAULT_BROWSER = BrowserSettings()


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[PageJob, FetchResult], None] | None]:
    if not enabled:
        yield None
        return
    console = Console(stderr=True, markup=False, highlight=False)
    with Progress(
        TextColumn("{task.description}", style="progress.description", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("crawling", total=total)

        def advance(job: PageJob, result: FetchResult) -> None:
            progress.update(task, advance=1, description=f"{job.site.name[:16]} {result.outcome}")

        yield advance


def fetch_settings(
    user_agent: str | None,
    concurrency: int | None,
    per_host_delay: float | None,
    timeout: float | None = None,
) -> FetchSettings:
    """FetchSettings with the options given on the command line; the rest at their defaults.
    ``timeout`` bounds a whole fetch (attempts and waits); one attempt and one connect get no
    more than it either."""
    defaults = FetchSettings()
    changes: dict[str, Any] = {
        "user_agent": user_agent,
        "max_concurrency": concurrency,
        "per_host_delay_s": per_host_delay,
    }
    if timeout is not None:
        changes["timeout_s"] = timeout
        changes["attempt_timeout_s"] = min(defaults.attempt_timeout_s, timeout)
        changes["connect_timeout_s"] = min(defaults.connect_timeout_s, timeout)
    return FetchSettings(**{k: v for k, v in changes.items() if v is not None})


def browser_settings(
    enabled: bool, pages: int | None = None, timeout: float | None = None
) -> BrowserSettings | None:
    """The run's browser (None: none): ``pages`` its budget, ``timeout`` (``--timeout``)
    also caps one page in it."""
    if not enabled:
        return None
    defaults = BrowserSettings()
    return BrowserSettings(
        page_budget=pages or defaults.page_budget,
        page_timeout_s=min(defaults.page_timeout_s, timeout or defaults.page_timeout_s),
    )


async def crawl_targets(
    *,
    targets: Targets,
    wanted: tuple[str, ...],
    wanted_accounts: tuple[str, ...] = (),
    db: str | None,
    now: datetime,
    settings: FetchSettings,
    show_progress: bool,
    keep_bodies_days: int,
    default_db: Path | None = None,
    period: Period | None = None,
    link_checks: LinkCheckSettings | None = DEFAULT_LINK_CHECKS,  # None: no link checks
    read_units: bool = True,
    read_portal: bool = True,
    held_wait: HeldSiteWait | None = None,
    browser: BrowserSettings | None = DEFAULT_BROWSER,
    screenshots: bool = False,
) -> CrawlReport:
    """Crawl the chosen sites and accounts (nothing chosen: everything); a whole run then reads
    the 政务公开 units' columns too (unless ``read_units`` is False), back to the start of
    ``period`` when given, else of ``units_period(now)``. A run that crawls the portal
    (``portal_site``) then reads its list columns back through their pages as far (unless
    ``read_portal`` is False): what section 二 counts (``crawler.disclosure.portal``).

    A site another live run is crawling is waited for as ``held_wait`` allows (the nightly
    run's), after the other sites; None (``crawl``, ``crawl --site X``): skipped at once, judged
    not checked and named with the run that holds it."""
    # Every request of the crawl passes the file's address policy (DESIGN.md decision 12).
    settings = replace(settings, addresses=targets.address_policy())
    # Nothing chosen: everything. --site only: those sites; --account only: those accounts.
    selected = targets.select(wanted) if wanted or not wanted_accounts else []
    accounts = targets.select_accounts(wanted_accounts) if wanted_accounts or not wanted else []
    engine = await open_database(db, default_path=default_db)
    try:
        total = len(selected) + sum(len(s.columns) for s in selected)
        with _progress(show_progress, total) as advance:
            plan = CrawlPlan(
                sites=selected,
                all_sites=targets.sites,
                accounts=accounts,
                all_accounts=targets.accounts,
                profiles=targets.profiles,
                now=now,
                period=period,
                fetch_settings=settings,
                link_checks=link_checks,
                keep_bodies_days=keep_bodies_days,
                source_headers=source_headers(),
                held_wait=held_wait,
                browser=browser,
                screenshots=screenshots,
            )
            # the run keeps the fetcher's time: the wall clock, or the demo's simulated one
            report = await crawl(plan, engine=engine, clock=settings.clock, progress=advance)
        if read_units and targets.units and not wanted and not wanted_accounts:
            stops = await crawl_units(
                targets.units,
                sessions=async_sessionmaker(engine, expire_on_commit=False),
                settings=settings,
                period=period or units_period(now),
                now=now,
            )
            logger.info("disclosure: %d columns read (%s)", stops.total(), counts_line(stops))
        portal = portal_site(targets)
        if read_portal and portal is not None and any(s.id == portal.id for s in selected):
            # section 二 counts the portal's columns read back to the period start
            await crawl_portal(
                portal,
                sessions=async_sessionmaker(engine, expire_on_commit=False),
                settings=settings,
                period=period or units_period(now),
                now=now,
                failed=_unreadable_columns(report, portal.id),
            )
        return report
    finally:
        await engine.dispose()


def _unreadable_columns(report: CrawlReport, site_id: str) -> frozenset[str]:
    """The columns of ``site_id`` whose page this run fetched and could not read."""
    for site in report.sites:
        if site.site.id == site_id:
            return frozenset(
                page.facts.column_id
                for page in site.pages
                if page.facts.column_id is not None
                and page.facts.outcome is not None
                and not page.facts.outcome.readable
            )
    return frozenset()


UNITS_LOOKBACK_DAYS = 45


def units_period(now: datetime) -> Period:
    """How far back a whole run reads the units' columns: the current quarter, and in its first
    45 days the previous one too, so a quarter's counts stay complete while its report is made."""
    day = local_date(now)
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    quarter = Period.parse(f"{start.year}Q{(start.month - 1) // 3 + 1}")
    if (day - start).days < UNITS_LOOKBACK_DAYS:
        start = (start - timedelta(days=1)).replace(day=1)
        start = start.replace(month=3 * ((start.month - 1) // 3) + 1)
    return Period(start=start, end=quarter.end)


def source_headers() -> dict[str, dict[str, str]]:
    """Credentials for account sources, from the environment only (never a file, never logged):
    XUNJIAN_WEIBO_COOKIE is sent as the Cookie of Weibo API requests."""
    cookie = os.environ.get("XUNJIAN_WEIBO_COOKIE")
    return {"weibo": {"Cookie": cookie}} if cookie else {}


def link_checks(check_links: bool, check_articles: int) -> LinkCheckSettings | None:
    """The link check settings the command-line options ask for; None: no link checks."""
    return LinkCheckSettings(articles_per_site=check_articles) if check_links else None
