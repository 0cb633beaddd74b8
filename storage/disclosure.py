"""政务公开 columns: their reads and items, and the counts per unit and column for a period.

An item is a column's list entry, deduplicated by URL across the pages of a read and across
reads (``UNIQUE (unit_id, column_id, url)``): a read stores every item it saw and a known
item keeps its first sighting. Counts are made in SQL. A list item's date is the calendar day
the page shows, which is the Asia/Shanghai day: an item is in a period when that day is
between the period's first and last day, both included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rules.disclosure import ColumnRead
from rules.model import Outcome
from rules.period import Period
from storage.bulk import chunks, dialect_insert
from storage.models import disclosure_item_table, disclosure_read_table

__all__ = [
    "DisclosureItem",
    "DisclosureReadWrite",
    "column_reads",
    "record_read",
    "unit_counts",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureItem:
    title: str
    url: str
    published: date | None
    date_where: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureReadWrite:
    """One read of a column, as stored: how it ended and the items of every page read."""

    unit_id: str
    column_id: str
    url: str
    read_at: datetime  # aware UTC
    outcome: Outcome  # of the first page
    status: int | None
    detail: str | None
    pages_read: int
    stopped: str  # period_start | page_limit | repeat | last_page | failed
    complete: bool
    items: Sequence[DisclosureItem] = ()
    updated: date | None = None  # an overview page's own update date
    updated_where: str | None = None


async def record_read(session: AsyncSession, read: DisclosureReadWrite) -> int:
    """Store a read and upsert its items; returns the read's id."""
    unique: dict[str, DisclosureItem] = {}
    for item in read.items:
        unique.setdefault(item.url, item)
    dated = [i.published for i in unique.values() if i.published is not None]
    read_id = (
        await session.execute(
            disclosure_read_table.insert()
            .values(
                unit_id=read.unit_id,
                column_id=read.column_id,
                url=read.url,
                read_at=read.read_at,
                outcome=read.outcome.value,
                status=read.status,
                detail=read.detail,
                pages_read=read.pages_read,
                stopped=read.stopped,
                complete=read.complete,
                item_count=len(unique),
                oldest=min(dated, default=None),
                updated=read.updated,
                updated_where=read.updated_where,
            )
            .returning(disclosure_read_table.c.id)
        )
    ).scalar_one()
    rows = [
        {
            "unit_id": read.unit_id,
            "column_id": read.column_id,
            "url": item.url,
            "title": item.title,
            "published": item.published,
            "date_where": item.date_where,
            "first_seen": read.read_at,
            "last_seen": read.read_at,
            "last_read_id": read_id,
        }
        for item in unique.values()
    ]
    for chunk in chunks(rows):
        await session.execute(_upsert_items(session), list(chunk))
    return int(read_id)


def _upsert_items(session: AsyncSession) -> Any:
    t = disclosure_item_table
    stmt = dialect_insert(session, t)
    new = stmt.excluded
    newer = new.last_seen >= t.c.last_seen

    def newest(name: str) -> Any:
        return case((newer, new[name]), else_=t.c[name])

    return stmt.on_conflict_do_update(
        index_elements=[t.c.unit_id, t.c.column_id, t.c.url],
        set_={
            "title": newest("title"),
            "published": newest("published"),
            "date_where": newest("date_where"),
            "first_seen": case(
                (new.first_seen < t.c.first_seen, new.first_seen), else_=t.c.first_seen
            ),
            "last_seen": newest("last_seen"),
            "last_read_id": newest("last_read_id"),
        },
    )


async def column_reads(
    session: AsyncSession,
    *,
    columns: Sequence[tuple[str, str]],
    period: Period,
    as_of: datetime | None = None,
) -> dict[tuple[str, str], ColumnRead]:
    """The latest read (at or before ``as_of``) of each (unit id, column id) and its count of
    distinct items dated in ``period``; columns never read are left out."""
    wanted = set(columns)
    if not wanted:
        return {}
    r = disclosure_read_table
    unit_ids = sorted({unit for unit, _ in wanted})
    latest_ids: dict[tuple[str, str], int] = {}
    for chunk in chunks(unit_ids):
        stmt = select(r.c.unit_id, r.c.column_id, func.max(r.c.id)).where(r.c.unit_id.in_(chunk))
        if as_of is not None:
            stmt = stmt.where(r.c.read_at <= as_of)
        for unit_id, column_id, read_id in await session.execute(
            stmt.group_by(r.c.unit_id, r.c.column_id)
        ):
            if (unit_id, column_id) in wanted:
                latest_ids[(unit_id, column_id)] = read_id
    reads: dict[tuple[str, str], Any] = {}
    for ids in chunks(list(latest_ids.values())):
        for row in await session.execute(select(r).where(r.c.id.in_(ids))):
            reads[(row.unit_id, row.column_id)] = row
    counts = await _counts(session, unit_ids, period, as_of)
    newest = await _newest(session, unit_ids, as_of)
    out: dict[tuple[str, str], ColumnRead] = {}
    for key, row in reads.items():
        outcome = Outcome(row.outcome)
        # A read covers the period when it went back past its start or to the list's end.
        reached = row.stopped in ("last_page", "repeat") or (
            row.oldest is not None and row.oldest < period.start
        )
        top = newest.get(key)
        out[key] = ColumnRead(
            unit_id=key[0],
            column_id=key[1],
            url=row.url,
            checked_at=row.read_at,
            outcome=outcome,
            stopped=row.stopped,
            pages_read=row.pages_read,
            complete=bool(row.complete) and outcome.readable and reached,
            published=counts.get(key, 0),
            newest=top[0] if top else None,
            newest_title=top[1] if top else None,
            newest_url=top[2] if top else None,
            updated=row.updated,
            updated_where=row.updated_where,
            detail=row.detail,
        )
    return out


async def _counts(
    session: AsyncSession, unit_ids: Sequence[str], period: Period, as_of: datetime | None
) -> dict[tuple[str, str], int]:
    t = disclosure_item_table
    counts: dict[tuple[str, str], int] = {}
    for chunk in chunks(unit_ids):
        stmt = select(t.c.unit_id, t.c.column_id, func.count(t.c.url.distinct())).where(
            t.c.unit_id.in_(chunk), t.c.published.between(period.start, period.end)
        )
        if as_of is not None:
            stmt = stmt.where(t.c.first_seen <= as_of)
        for unit_id, column_id, count in await session.execute(
            stmt.group_by(t.c.unit_id, t.c.column_id)
        ):
            counts[(unit_id, column_id)] = int(count)
    return counts


async def unit_counts(
    session: AsyncSession,
    *,
    unit_ids: Sequence[str],
    period: Period,
    as_of: datetime | None = None,
) -> dict[str, int]:
    """Distinct item URLs dated in ``period`` per unit, across its columns (first seen at or
    before ``as_of`` when given)."""
    t = disclosure_item_table
    counts: dict[str, int] = {}
    for chunk in chunks(list(unit_ids)):
        stmt = select(t.c.unit_id, func.count(t.c.url.distinct())).where(
            t.c.unit_id.in_(chunk), t.c.published.between(period.start, period.end)
        )
        if as_of is not None:
            stmt = stmt.where(t.c.first_seen <= as_of)
        for unit_id, count in await session.execute(stmt.group_by(t.c.unit_id)):
            counts[unit_id] = int(count)
    return counts


async def _newest(
    session: AsyncSession, unit_ids: Sequence[str], as_of: datetime | None
) -> dict[tuple[str, str], tuple[date, str, str]]:
    t = disclosure_item_table
    out: dict[tuple[str, str], tuple[date, str, str]] = {}
    for chunk in chunks(unit_ids):
        stmt = select(t.c.unit_id, t.c.column_id, t.c.published, t.c.title, t.c.url).where(
            t.c.unit_id.in_(chunk), t.c.published.is_not(None)
        )
        if as_of is not None:
            stmt = stmt.where(t.c.first_seen <= as_of)
        ranked = stmt.add_columns(
            func.row_number()
            .over(
                partition_by=(t.c.unit_id, t.c.column_id),
                order_by=(t.c.published.desc(), t.c.id.desc()),
            )
            .label("rank")
        ).subquery()
        rows = await session.execute(
            select(
                ranked.c.unit_id,
                ranked.c.column_id,
                ranked.c.published,
                ranked.c.title,
                ranked.c.url,
            ).where(ranked.c.rank == 1)
        )
        for unit_id, column_id, published, title, url in rows:
            out[(unit_id, column_id)] = (published, title, url)
    return out
