"""我为政府网站找错 messages imported from the platform's back office, and their counts.

A message is one ``zhaocuo_reports`` row per (site id, reference). Storing an export again
changes nothing; a later export of the same messages updates what it changed (the day
handled, filled in since) — the file's values win, and the row records the file and time of
the import that last changed it.

The notice says "收到“我为政府网站找错”留言3条,按期处理3条" for a period: ``zhaocuo_counts``
counts the messages received in it and, of those, the ones handled, on time or still open past
their due day as of a day. Days are Asia/Shanghai calendar days, compared in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.board_models import zhaocuo_table
from storage.bulk import chunks, dialect_insert

__all__ = ["ZhaocuoCount", "ZhaocuoReport", "ZhaocuoStored", "store_zhaocuo", "zhaocuo_counts"]

_PAIRS_PER_STATEMENT = 250  # (site id, ref) pairs per IN list: two variables each


class ZhaocuoReport(Protocol):
    """A message as the importer read it (``crawler.boards.zhaocuo.ZhaocuoRow``)."""

    @property
    def site_id(self) -> str: ...
    @property
    def ref(self) -> str: ...
    @property
    def received(self) -> date: ...
    @property
    def due(self) -> date | None: ...
    @property
    def handled(self) -> date | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ZhaocuoStored:
    """What storing an export did: rows added, rows updated, rows already so."""

    new: int
    changed: int
    unchanged: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ZhaocuoCount:
    """A site's messages received in a period, as of a day."""

    received: int
    handled: int  # handled on or before the day
    on_time: int  # handled, and on or before the due day (or without one): 按期处理
    overdue_open: int  # not handled by the day, and past the due day


async def store_zhaocuo(
    session: AsyncSession,
    rows: Sequence[ZhaocuoReport],
    *,
    source: str,
    imported_at: datetime,
) -> ZhaocuoStored:
    """Upsert the messages by (site id, ref); rows the same as stored are left as they are.
    ``source`` is the file's name, ``imported_at`` an aware UTC time. A (site id, ref) given
    twice: the last row wins."""
    wanted = {(r.site_id, r.ref): r for r in rows}
    t = zhaocuo_table
    stored: dict[tuple[str, str], tuple[date, date | None, date | None]] = {}
    keys = sorted(wanted)
    for chunk in chunks(keys, _PAIRS_PER_STATEMENT):
        result = await session.execute(
            select(t.c.site_id, t.c.ref, t.c.received, t.c.due, t.c.handled).where(
                tuple_(t.c.site_id, t.c.ref).in_(list(chunk))
            )
        )
        for site_id, ref, received, due, handled in result:
            stored[(site_id, ref)] = (received, due, handled)
    writes: list[dict[str, Any]] = []
    new = changed = 0
    for key in keys:
        row = wanted[key]
        now = (row.received, row.due, row.handled)
        before = stored.get(key)
        if before == now:
            continue
        if before is None:
            new += 1
        else:
            changed += 1
        writes.append(
            {
                "site_id": row.site_id,
                "ref": row.ref,
                "received": row.received,
                "due": row.due,
                "handled": row.handled,
                "source": source,
                "imported_at": imported_at,
            }
        )
    for part in chunks(writes):
        stmt = dialect_insert(session, t)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.c.site_id, t.c.ref],
                set_={
                    name: stmt.excluded[name]
                    for name in ("received", "due", "handled", "source", "imported_at")
                },
            ),
            list(part),
        )
    return ZhaocuoStored(new=new, changed=changed, unchanged=len(keys) - new - changed)


async def zhaocuo_counts(
    session: AsyncSession,
    site_ids: Sequence[str] | None,
    *,
    start: date,
    end: date,
    as_of: date,
) -> dict[str, ZhaocuoCount]:
    """Per site (these, or every site when None), the messages received from ``start`` to
    ``end`` (both included, and not after ``as_of``: what was known that day), handled by
    ``as_of``, handled on time, and still open past their due day on ``as_of``. Sites with
    no message received in the period are left out: nothing received, or nothing imported —
    the caller knows which."""
    t = zhaocuo_table
    handled = and_(t.c.handled.is_not(None), t.c.handled <= as_of)
    on_time = and_(handled, or_(t.c.due.is_(None), t.c.handled <= t.c.due))
    overdue_open = and_(~handled, t.c.due.is_not(None), t.c.due < as_of)

    def total(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    stmt = (
        select(
            t.c.site_id,
            func.count(),
            total(handled),
            total(on_time),
            total(overdue_open),
        )
        .where(t.c.received >= start, t.c.received <= min(end, as_of))
        .group_by(t.c.site_id)
    )
    groups = [None] if site_ids is None else list(chunks(sorted(set(site_ids))))
    counts: dict[str, ZhaocuoCount] = {}
    for group in groups:
        chosen = stmt if group is None else stmt.where(t.c.site_id.in_(list(group)))
        for site_id, received, n_handled, n_on_time, n_overdue in await session.execute(chosen):
            counts[site_id] = ZhaocuoCount(
                received=int(received),
                handled=int(n_handled),
                on_time=int(n_on_time),
                overdue_open=int(n_overdue),
            )
    return counts
