"""The portal's columns read back through their pages: what section 二 of the notice counts.

Section 二 says how much the portal published in the period ("截至5月20日，市政府门户网站共发布
信息966条，其中要闻类468条…"). The site crawl reads each column's first list page only, so a
busy 要闻 column whose first page is all newer than the period would count nothing of the
weeks before. The portal's list columns are therefore read as the 政务公开 columns are
(``crawler.disclosure.crawl.read_column``): from the first page back through the pagination to
an item older than the period's first day, the last page, a repeated page, the page limit or a
failure. The reads and their items are stored as the units' are, under the owner id
``site:<site id>`` (``storage.publishing.paged_owner``), where ``storage.publishing`` counts
them together with the items the site crawl saw; a column whose read did not reach the period
start is a lower bound there.

When: right after the site crawl of every run that crawls the portal — a whole ``crawl``, ``crawl
--site <portal>``, ``crawl demo``, the nightly run, and the portal's own job in distributed
mode — back to the start of the period the run reads units for (``units_period``: the current
quarter, and the previous one in a quarter's first 45 days). So the counts are as fresh as the
portal's newest crawl, a notice written weeks after its quarter still finds that quarter read
whole, and a notice judged at a past moment counts the reads made by then. No separate
schedule is needed (the 政务公开 units have ``crawl disclosure`` because they are hundreds of
sites' worth of columns; the portal is one site). The read costs up to ``PORTAL_PAGE_LIMIT``
pages per column, through the same politeness limits as the crawl, after the site's own pages
(one host is not read by two passes at once).

Which site is the portal: ``portal_site`` — the first site of the targets file, the one
``crawl report`` reads for section 二 by default; the one place to change when the targets
file names it (``report: portal:``).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.disclosure.crawl import ColumnJob, read_columns
from crawler.fetch import FetchSettings
from crawler.targets import Targets
from rules.disclosure import DisclosureColumn
from rules.model import Category, Site
from rules.period import Period
from storage.publishing import paged_owner

__all__ = ["PORTAL_PAGE_LIMIT", "PortalOwner", "crawl_portal", "portal_site"]

logger = logging.getLogger(__name__)

PORTAL_PAGE_LIMIT = 100
"""List pages read per portal column. A portal's 要闻 column can publish ten items a day: a
quarter is some 45 pages of 20, and in a quarter's first weeks the previous one is read too."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PortalOwner:
    """Whose reads these are: ``id`` is the owner id they are stored under (``site:<id>``)."""

    id: str


def portal_site(targets: Targets) -> Site | None:
    """The site section 二 reports: ``report: portal:`` of the targets file, else its first site
    (None: no sites)."""
    if targets.report.portal is not None:
        return next(site for site in targets.sites if site.id == targets.report.portal)
    return targets.sites[0] if targets.sites else None


async def crawl_portal(
    site: Site,
    *,
    sessions: async_sessionmaker[AsyncSession],
    settings: FetchSettings,
    period: Period,
    now: datetime,
    page_limit: int = PORTAL_PAGE_LIMIT,
    failed: frozenset[str] = frozenset(),
) -> Counter[str]:
    """Read ``site``'s list columns back through their pages to ``period``'s start and store
    the reads; returns the reads per stop reason. Static columns list nothing and are left out;
    every list column is read, with a report category or not (its items count in the total),
    except those in ``failed``: columns whose first page the crawl could not read just now
    (a timeout, a block) are not asked again at once; their count stays a lower bound."""
    owner = PortalOwner(id=paged_owner(site.id))
    jobs = [
        ColumnJob(
            owner=owner,
            column=DisclosureColumn(id=column.id, name=column.name, url=column.url),
            selector=column.selector,
            respect_robots=site.respect_robots,
        )
        for column in site.columns
        if column.category is not Category.STATIC and column.id not in failed
    ]
    stops = await read_columns(
        jobs,
        sessions=sessions,
        settings=settings,
        period=period,
        now=now,
        page_limit=page_limit,
    )
    logger.info(
        "portal %s: %d columns read back to %s (%s)",
        site.id,
        stops.total(),
        period.start.isoformat(),
        ", ".join(f"{stop} {count}" for stop, count in sorted(stops.items())) or "none",
    )
    if failed:
        logger.info(
            "portal %s: not read again (their first page failed in this run): %s",
            site.id,
            ", ".join(sorted(failed)),
        )
    return stops
