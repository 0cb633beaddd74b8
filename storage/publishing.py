"""What a site published in a period: items counted per column and per report category.

An item counts when its list date (the calendar day the page shows, Asia/Shanghai) falls in the
period and it had been seen by the moment judged. An item is one URL: listed twice in a column
(or in two columns of the site) it is counted once in the column, once in the category and
once in the site's total. Counting is done in SQL; the caller leaves the transaction as it was.

Items come from two places: the column pages the site crawl reads (the first list page of each
column, table ``items``), and the portal's columns read back through their pages to the period
start (``crawler.disclosure.portal``), stored as the 政务公开 reads are — tables
``disclosure_reads`` and ``disclosure_items`` — under the owner id ``site:<site id>``
(``paged_owner``; a unit id cannot hold ``:``, so the two never meet). A column's count is
complete when its newest such read (at or before the moment) went back past the period's first
day or to the list's end; otherwise it is a lower bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from rules.disclosure import ColumnRead
from rules.period import Period
from storage.bulk import chunks
from storage.disclosure import column_reads
from storage.models import disclosure_item_table, item_table

__all__ = ["PAGED_OWNER_PREFIX", "Published", "paged_owner", "published_by_column"]

PAGED_OWNER_PREFIX = "site:"
_SITES_PER_QUERY = 50  # sites per counting statement: their columns stay under SQLite's limits


def paged_owner(site_id: str) -> str:
    """The owner id a site's columns read through their pages are stored under."""
    return f"{PAGED_OWNER_PREFIX}{site_id}"


@dataclass(frozen=True, slots=True)
class Published:
    """One site's items dated in the period: per column id, the site's distinct total, per
    report category (distinct across the category's columns), and per column its newest read
    through its pages (absent: never read so — the count is what its first page showed)."""

    columns: Mapping[str, int]
    total: int
    categories: Mapping[str, int] = field(default_factory=dict)
    reads: Mapping[str, ColumnRead] = field(default_factory=dict)

    def complete(self, column_id: str) -> bool:
        """The column's count is the truth: its pages were read back to the period start."""
        read = self.reads.get(column_id)
        return read is not None and read.complete


async def published_by_column(
    session: AsyncSession,
    site_columns: Mapping[str, Sequence[str]],
    start: date,
    end: date,
    *,
    as_of: datetime | None = None,
    categories: Mapping[str, Mapping[str, str | None]] | None = None,
) -> dict[str, Published]:
    """For each site id, the distinct item URLs dated ``start``..``end`` (both included) in each
    of the given columns, over those columns together, and per report category.

    ``site_columns`` maps a site id to the column ids counted (the homepage is never counted:
    its items are the columns' items again). ``categories`` maps a site id to its columns'
    report categories (column id → category id, or None: in the total only); a category is
    counted when one of the site's columns has it. With ``as_of``, items first seen after it
    and reads made after it are left out, so a past moment is counted as it stood then. Sites
    without any item get zeros.
    """
    wanted = {site_id: list(columns) for site_id, columns in site_columns.items() if columns}
    per_column: dict[str, dict[str, int]] = {site_id: {} for site_id in site_columns}
    total_of: dict[str, int] = {}
    per_category: dict[str, dict[str, int]] = {site_id: {} for site_id in site_columns}
    site_ids = list(wanted)
    for chunk in chunks(site_ids, _SITES_PER_QUERY):
        shown = _shown({s: wanted[s] for s in chunk}, start, end, as_of)
        u = shown.subquery()
        for site_id, column_id, count in await session.execute(
            select(u.c.site_id, u.c.column_id, func.count(func.distinct(u.c.url))).group_by(
                u.c.site_id, u.c.column_id
            )
        ):
            per_column[site_id][column_id] = int(count)
        for site_id, count in await session.execute(
            select(u.c.site_id, func.count(func.distinct(u.c.url))).group_by(u.c.site_id)
        ):
            total_of[site_id] = int(count)
        kinds = _category_case(u, {s: (categories or {}).get(s, {}) for s in chunk})
        if kinds is not None:
            # labelled in a subquery: Postgres groups by a column, not by a repeated CASE
            k = select(u.c.site_id, kinds.label("category"), u.c.url).subquery()
            for site_id, category_id, count in await session.execute(
                select(k.c.site_id, k.c.category, func.count(func.distinct(k.c.url)))
                .where(k.c.category.is_not(None))
                .group_by(k.c.site_id, k.c.category)
            ):
                per_category[site_id][category_id] = int(count)
    reads = await column_reads(
        session,
        columns=[(paged_owner(s), c) for s, columns in wanted.items() for c in columns],
        period=Period(start=start, end=end),
        as_of=as_of,
    )
    out: dict[str, Published] = {}
    for site_id, columns in site_columns.items():
        used = {
            category_id
            for column_id in columns
            if (category_id := (categories or {}).get(site_id, {}).get(column_id)) is not None
        }
        out[site_id] = Published(
            columns={column: per_column[site_id].get(column, 0) for column in columns},
            total=total_of.get(site_id, 0),
            categories={c: per_category[site_id].get(c, 0) for c in sorted(used)},
            reads={
                column: read
                for column in columns
                if (read := reads.get((paged_owner(site_id), column))) is not None
            },
        )
    return out


def _shown(
    site_columns: Mapping[str, Sequence[str]], start: date, end: date, as_of: datetime | None
) -> Any:
    """(site id, column id, url) of every item dated in the period: from the list pages the
    site crawl read, and from the columns read through their pages."""
    i, d = item_table, disclosure_item_table
    listed = [
        and_(i.c.site_id == site_id, i.c.column_id.in_(list(columns)))
        for site_id, columns in site_columns.items()
    ]
    crawled = select(
        i.c.site_id.label("site_id"), i.c.column_id.label("column_id"), i.c.url.label("url")
    ).where(or_(*listed), i.c.published >= start, i.c.published <= end)
    owned = [
        and_(d.c.unit_id == paged_owner(site_id), d.c.column_id.in_(list(columns)))
        for site_id, columns in site_columns.items()
    ]
    paged = select(
        func.substr(d.c.unit_id, len(PAGED_OWNER_PREFIX) + 1).label("site_id"),
        d.c.column_id.label("column_id"),
        d.c.url.label("url"),
    ).where(or_(*owned), d.c.published >= start, d.c.published <= end)
    if as_of is not None:
        crawled = crawled.where(i.c.first_seen <= as_of)
        paged = paged.where(d.c.first_seen <= as_of)
    return union_all(crawled, paged)


def _category_case(u: Any, categories: Mapping[str, Mapping[str, str | None]]) -> Any:
    """The report category of a row of ``u`` (by its site and column), or None."""
    whens = []
    for site_id, columns in categories.items():
        by_category: dict[str, list[str]] = {}
        for column_id, category_id in columns.items():
            if category_id is not None:
                by_category.setdefault(category_id, []).append(column_id)
        whens += [
            (and_(u.c.site_id == site_id, u.c.column_id.in_(ids)), category_id)
            for category_id, ids in by_category.items()
        ]
    return case(*whens, else_=None) if whens else None
