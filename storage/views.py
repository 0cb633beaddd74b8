"""What the read-only dashboard shows beyond the findings export: a column's newest date over
time, the stored page a finding was judged on, one finding's lifecycle, recent probes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import finding_state_table, item_table, probe_table, snapshot_table
from storage.records import FindingState
from storage.repository import load_body

__all__ = [
    "HistoryPoint",
    "ProbePoint",
    "StoredPage",
    "column_history",
    "finding_state",
    "recent_probes",
    "stored_page",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryPoint:
    fetched_at: datetime
    outcome: str
    newest: date | None  # the newest item date the page showed by then (None: none dated)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPage:
    url: str
    fetched_at: datetime
    outcome: str
    status: int | None
    body: bytes | None  # None: not stored, or pruned
    encoding: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbePoint:
    probed_at: datetime
    ok: bool | None
    latency_s: float | None
    detail: str | None


async def column_history(
    session: AsyncSession, site_id: str, *, since: datetime, limit: int = 400
) -> dict[str | None, list[HistoryPoint]]:
    """Each page of the site (None: the homepage): every fetch since ``since``, oldest first,
    with the newest item date known at that fetch."""
    s, i = snapshot_table, item_table
    newest = (
        select(func.max(i.c.published))
        .where(
            i.c.site_id == s.c.site_id,
            i.c.column_id == s.c.column_id,  # NULL never equals: the homepage is below
            i.c.first_seen <= s.c.fetched_at,
        )
        .scalar_subquery()
    )
    homepage_newest = (
        select(func.max(i.c.published))
        .where(
            i.c.site_id == s.c.site_id, i.c.column_id.is_(None), i.c.first_seen <= s.c.fetched_at
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(s.c.column_id, s.c.fetched_at, s.c.outcome, newest, homepage_newest)
        .where(s.c.site_id == site_id, s.c.fetched_at >= since)
        .order_by(s.c.fetched_at.desc())
        .limit(limit)
    )
    history: dict[str | None, list[HistoryPoint]] = {}
    for column_id, fetched_at, outcome, column_newest, home_newest in rows:
        newest_date = home_newest if column_id is None else column_newest
        history.setdefault(column_id, []).append(
            HistoryPoint(fetched_at=fetched_at, outcome=outcome, newest=_as_date(newest_date))
        )
    for points in history.values():
        points.reverse()
    return history


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite's max() of a DATE column is text


async def stored_page(
    session: AsyncSession, site_id: str, column_id: str | None, *, at: datetime
) -> StoredPage | None:
    """The newest stored fetch of the page at or before ``at``, with its body."""
    s = snapshot_table
    same = s.c.column_id.is_(None) if column_id is None else s.c.column_id == column_id
    row = (
        await session.execute(
            select(s)
            .where(s.c.site_id == site_id, same, s.c.fetched_at <= at)
            .order_by(s.c.fetched_at.desc(), s.c.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    body = await load_body(session, row.content_hash) if row.content_hash else None
    return StoredPage(
        url=row.final_url or row.url,
        fetched_at=row.fetched_at,
        outcome=row.outcome,
        status=row.status,
        body=body,
        encoding=row.encoding,
    )


async def finding_state(session: AsyncSession, key: str) -> FindingState | None:
    t = finding_state_table
    rows = await session.execute(select(t).where(t.c.key == key))
    row = rows.first()
    return None if row is None else FindingState(**row._mapping)


async def recent_probes(
    session: AsyncSession, site_id: str, *, limit: int = 20
) -> list[ProbePoint]:
    p = probe_table
    rows = await session.execute(
        select(p.c.probed_at, p.c.ok, p.c.latency_s, p.c.detail)
        .where(p.c.site_id == site_id)
        .order_by(p.c.probed_at.desc())
        .limit(limit)
    )
    return [
        ProbePoint(probed_at=at, ok=ok, latency_s=latency, detail=detail)
        for at, ok, latency, detail in rows
    ]
