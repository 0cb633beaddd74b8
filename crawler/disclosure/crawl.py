"""Reading the 政务公开 columns of the disclosure units, page by page back to the period start.

A list column is read from its first page, following its pagination
(``crawler.extract.pagination``) while the oldest dated item on the page is still inside the
period (on or after its first day). The read stops, and says why, at:

- ``period_start``: a page held an item dated before the period — everything in it was seen;
- ``last_page``: the page has no next page;
- ``repeat``: the next page is one already read (same content, or the same set of items);
- ``page_limit``: the page limit was reached first — the count is a lower bound;
- ``failed``: a page could not be fetched or read — the count is a lower bound.

An overview (概况) column is one page, read for its own update date. Every read is stored
(``storage.disclosure``) with its items, whatever its outcome, and fetched with the same
polite ``Fetcher`` as the sites (global and per-host limits, spacing, robots.txt). The portal's
columns are read the same way (``crawler.disclosure.portal``).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.extract import PageExtraction, extract_page
from crawler.extract.pagination import next_page
from crawler.fetch import Fetcher, FetchResult, FetchSettings
from rules.disclosure import DisclosureColumn, DisclosureUnit
from rules.model import Outcome, local_date
from rules.period import Period
from storage.disclosure import DisclosureItem, DisclosureReadWrite, record_read
from storage.retry import in_transaction

__all__ = [
    "DEFAULT_PAGE_LIMIT",
    "ColumnJob",
    "ColumnProgress",
    "ReadOwner",
    "crawl_units",
    "read_column",
    "read_columns",
]

logger = logging.getLogger(__name__)

DEFAULT_PAGE_LIMIT = 20
_EMPTY_NOTICE = re.compile(
    r"暂无(相关)?(信息|内容|数据|记录|文章)|没有(找到)?(相关)?(信息|记录|数据)|无相关(信息|记录)"
)

ColumnProgress = Callable[[DisclosureUnit, DisclosureColumn, DisclosureReadWrite], None]


class ReadOwner(Protocol):
    """Whose column is read: a unit, or the portal site (its reads stored under its own id)."""

    @property
    def id(self) -> str: ...


@dataclass(slots=True)
class _Pages:
    hashes: set[str]
    item_sets: set[frozenset[str]]


async def read_column(
    fetcher: Fetcher,
    unit: ReadOwner,
    column: DisclosureColumn,
    *,
    period: Period,
    today: date,
    page_limit: int = DEFAULT_PAGE_LIMIT,
    clock: Callable[[], datetime] | None = None,
    selector: str | None = None,
    respect_robots: bool = True,
) -> DisclosureReadWrite:
    """Read one column (following its pages) and say how the read ended; never raises on a
    failed fetch or an unreadable page. ``selector`` (a site column's) picks the list items;
    ``respect_robots`` is the site's ``robots:``."""
    url = column.url
    seen = _Pages(hashes=set(), item_sets=set())
    items: dict[str, DisclosureItem] = {}
    first: FetchResult | None = None
    pages_read = 0
    stopped = "failed"
    detail: str | None = None
    updated: date | None = None
    updated_where: str | None = None
    while True:
        result = await fetcher.fetch(url, respect_robots=respect_robots)
        first = first or result
        if result.outcome is not Outcome.OK or result.text is None:
            detail = f"{url}: {result.outcome.value}" + (
                f" ({result.detail})" if result.detail else ""
            )
            break
        digest = hashlib.sha256(result.body or result.text.encode()).hexdigest()
        if digest in seen.hashes:
            stopped = "repeat"
            break
        extraction = await asyncio.to_thread(
            extract_page, result.text, base_url=result.final_url, today=today, selector=selector
        )
        if column.overview:
            pages_read = 1
            updated, updated_where = _overview_date(extraction)
            stopped = "last_page"
            break
        if not extraction.list_found:
            if pages_read == 0 and _EMPTY_NOTICE.search(result.text):
                stopped = "last_page"  # "暂无信息": an empty column, read completely
                pages_read = 1
            else:
                detail = f"{url}: no list of items recognised"
            break
        page_urls = frozenset(item.url for item in extraction.items)
        if page_urls and page_urls in seen.item_sets:
            stopped = "repeat"
            break
        seen.hashes.add(digest)
        seen.item_sets.add(page_urls)
        pages_read += 1
        for item in extraction.items:
            items.setdefault(
                item.url,
                DisclosureItem(
                    title=item.title,
                    url=item.url,
                    published=item.published,
                    date_where=item.date_where,
                ),
            )
        dated = [item.published for item in extraction.items if item.published is not None]
        if dated and min(dated) < period.start:
            stopped = "period_start"
            break
        following = next_page(result.text, result.final_url).next_url
        if following is None:
            stopped = "last_page"
            break
        if pages_read >= page_limit:
            stopped = "page_limit"
            detail = f"stopped after {page_limit} pages before the period start"
            break
        url = following
    assert first is not None  # the loop fetched at least once
    return DisclosureReadWrite(
        unit_id=unit.id,
        column_id=column.id,
        url=column.url,
        read_at=first.fetched_at if clock is None else clock(),
        outcome=first.outcome,
        status=first.status,
        detail=detail or (first.detail if first.outcome is not Outcome.OK else None),
        pages_read=pages_read,
        stopped=stopped,
        complete=stopped in ("period_start", "last_page", "repeat"),
        items=tuple(items.values()),
        updated=updated,
        updated_where=updated_where,
    )


def _overview_date(extraction: PageExtraction) -> tuple[date | None, str | None]:
    """An overview page's own update date: its publish date, or the newest date it lists."""
    if extraction.published is not None:
        return extraction.published, extraction.published_where
    dated = [item for item in extraction.items if item.published is not None]
    if not dated:
        return None, None
    newest = max(dated, key=lambda item: item.published or date.min)
    return newest.published, newest.date_where


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnJob:
    """One column to read through its pages: whose it is, and how its pages are read."""

    owner: ReadOwner
    column: DisclosureColumn
    selector: str | None = None  # a site column's CSS selector of the list items
    respect_robots: bool = True


async def read_columns(
    jobs: Sequence[ColumnJob],
    *,
    sessions: async_sessionmaker[AsyncSession],
    settings: FetchSettings,
    period: Period,
    now: datetime,
    page_limit: int = DEFAULT_PAGE_LIMIT,
    done: Callable[[ColumnJob, DisclosureReadWrite], None] | None = None,
) -> Counter[str]:
    """Read and store every column of ``jobs``, each read in its own transaction; returns
    the reads per stop reason."""
    stops: Counter[str] = Counter()
    if not jobs:
        return stops
    today = local_date(now)
    pending = iter(jobs)
    async with Fetcher(settings) as fetcher:

        async def worker() -> None:
            for job in pending:
                read = await read_column(
                    fetcher,
                    job.owner,
                    job.column,
                    period=period,
                    today=today,
                    page_limit=page_limit,
                    selector=job.selector,
                    respect_robots=job.respect_robots,
                )
                await in_transaction(
                    sessions,
                    functools.partial(record_read, read=read),
                    what=f"storing the read of column {job.column.id}",
                )
                stops[read.stopped] += 1
                logger.info(
                    "%s column %s: %s, %d pages, stopped at %s",
                    job.owner.id,
                    job.column.id,
                    read.outcome,
                    read.pages_read,
                    read.stopped,
                )
                if done is not None:
                    done(job, read)

        async with asyncio.TaskGroup() as tasks:
            for _ in range(min(len(jobs), settings.max_concurrency)):
                tasks.create_task(worker())
    return stops


async def crawl_units(
    units: Sequence[DisclosureUnit],
    *,
    sessions: async_sessionmaker[AsyncSession],
    settings: FetchSettings,
    period: Period,
    now: datetime,
    page_limit: int = DEFAULT_PAGE_LIMIT,
    progress: ColumnProgress | None = None,
) -> Counter[str]:
    """Read and store every column of ``units``; returns the reads per stop reason."""
    by_id = {unit.id: unit for unit in units}

    def done(job: ColumnJob, read: DisclosureReadWrite) -> None:
        if progress is not None:
            progress(by_id[job.owner.id], job.column, read)

    return await read_columns(
        [ColumnJob(owner=unit, column=column) for unit in units for column in unit.columns],
        sessions=sessions,
        settings=settings,
        period=period,
        now=now,
        page_limit=page_limit,
        done=done,
    )
