"""我为政府网站找错 messages in storage (storage.zhaocuo): an export stored again changes nothing,
a later one updates what it changed, and the counts of a period as of a day — on SQLite and
Postgres."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crawler.boards.zhaocuo import ZhaocuoRow
from storage.board_models import zhaocuo_table
from storage.zhaocuo import ZhaocuoCount, ZhaocuoStored, store_zhaocuo, zhaocuo_counts

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2022, 7, 10, 2, 0, tzinfo=UTC)
D = date(2022, 4, 1)


@pytest.fixture
def sessions(engine: AsyncEngine) -> Sessions:
    return async_sessionmaker(engine, expire_on_commit=False)


def _row(
    ref: str,
    received: date,
    *,
    site: str = "jyzf",
    due: date | None = None,
    handled: date | None = None,
) -> ZhaocuoRow:
    return ZhaocuoRow(line=2, site_id=site, ref=ref, received=received, due=due, handled=handled)


async def _store(
    sessions: Sessions, rows: list[ZhaocuoRow], *, source: str = "a.csv", at: datetime = T0
) -> ZhaocuoStored:
    async with sessions() as session, session.begin():
        return await store_zhaocuo(session, rows, source=source, imported_at=at)


async def _counts(
    sessions: Sessions,
    site_ids: list[str] | None = None,
    *,
    start: date = date(2022, 4, 1),
    end: date = date(2022, 6, 30),
    as_of: date = date(2022, 7, 10),
) -> dict[str, ZhaocuoCount]:
    async with sessions() as session:
        return await zhaocuo_counts(session, site_ids, start=start, end=end, as_of=as_of)


async def test_an_export_stored_again_changes_nothing(sessions: Sessions) -> None:
    rows = [_row("A1", D, due=D + timedelta(days=3)), _row("A2", D, site="jyty")]
    assert await _store(sessions, rows) == ZhaocuoStored(new=2, changed=0, unchanged=0)
    later = T0 + timedelta(days=1)
    again = await _store(sessions, rows, source="again.csv", at=later)
    assert again == ZhaocuoStored(new=0, changed=0, unchanged=2)
    async with sessions() as session:
        stored = (await session.execute(select(zhaocuo_table.c.source))).scalars().all()
    assert stored == ["a.csv", "a.csv"]  # untouched rows keep the import that wrote them


async def test_a_later_export_updates_the_day_handled(sessions: Sessions) -> None:
    due = D + timedelta(days=3)
    await _store(sessions, [_row("A1", D, due=due), _row("A2", D, due=due)])
    later = T0 + timedelta(days=30)
    stored = await _store(
        sessions,
        [_row("A1", D, due=due, handled=D + timedelta(days=2)), _row("A2", D, due=due),
         _row("A3", D + timedelta(days=5))],
        source="b.xlsx",
        at=later,
    )  # fmt: skip
    assert stored == ZhaocuoStored(new=1, changed=1, unchanged=1)
    t = zhaocuo_table
    async with sessions() as session:
        result = await session.execute(
            select(t.c.ref, t.c.handled, t.c.source, t.c.imported_at).order_by(t.c.ref)
        )
        got = [(ref, handled, source, at.astimezone(UTC)) for ref, handled, source, at in result]
        total = await session.scalar(select(func.count()).select_from(t))
    assert got == [
        ("A1", D + timedelta(days=2), "b.xlsx", later),
        ("A2", None, "a.csv", T0),
        ("A3", None, "b.xlsx", later),
    ]
    assert total == 3


async def test_many_rows_in_one_store(sessions: Sessions) -> None:
    rows = [_row(f"N{n:04d}", D + timedelta(days=n % 80)) for n in range(1200)]
    assert await _store(sessions, rows) == ZhaocuoStored(new=1200, changed=0, unchanged=0)
    handled = [_row(r.ref, r.received, handled=r.received) if n % 3 == 0 else r
               for n, r in enumerate(rows)]  # fmt: skip
    assert await _store(sessions, handled) == ZhaocuoStored(new=0, changed=400, unchanged=800)
    counts = await _counts(sessions, as_of=date(2022, 12, 31))
    assert counts["jyzf"].received == 1200 - sum(1 for r in rows if r.received > date(2022, 6, 30))


async def test_the_counts_of_a_period_as_of_a_day(sessions: Sessions) -> None:
    await _store(
        sessions,
        [
            # received before the period: not counted
            _row("old", date(2022, 3, 31), due=date(2022, 4, 3), handled=date(2022, 4, 2)),
            # on the first day, handled on the due day: on time
            _row("on-time", date(2022, 4, 1), due=date(2022, 4, 4), handled=date(2022, 4, 4)),
            # handled a day late
            _row("late", date(2022, 5, 1), due=date(2022, 5, 4), handled=date(2022, 5, 5)),
            # no due day: handled is on time
            _row("no-due", date(2022, 5, 2), handled=date(2022, 5, 9)),
            # open, past its due day
            _row("overdue", date(2022, 6, 1), due=date(2022, 6, 4)),
            # on the last day, open, due after as_of: not overdue yet
            _row("open", date(2022, 6, 30), due=date(2022, 7, 12)),
            # handled after as_of: still open on as_of, and past its due day then
            _row("after", date(2022, 6, 20), due=date(2022, 6, 23), handled=date(2022, 7, 20)),
            # received after the period
            _row("next", date(2022, 7, 1), due=date(2022, 7, 4)),
            _row("other", date(2022, 4, 10), site="jyty", due=date(2022, 4, 13),
                 handled=date(2022, 4, 11)),
        ],
    )  # fmt: skip
    assert await _counts(sessions) == {
        "jyzf": ZhaocuoCount(received=6, handled=3, on_time=2, overdue_open=2),
        "jyty": ZhaocuoCount(received=1, handled=1, on_time=1, overdue_open=0),
    }
    assert await _counts(sessions, ["jyty", "nowhere"]) == {
        "jyty": ZhaocuoCount(received=1, handled=1, on_time=1, overdue_open=0)
    }
    assert await _counts(sessions, []) == {}
    # a month later the late answer is in, and the open one is overdue
    assert (await _counts(sessions, ["jyzf"], as_of=date(2022, 8, 10)))["jyzf"] == ZhaocuoCount(
        received=6, handled=4, on_time=2, overdue_open=2
    )
    # mid-period, only what was received by then
    mid = await _counts(sessions, ["jyzf"], as_of=date(2022, 5, 3))
    assert mid["jyzf"] == ZhaocuoCount(received=3, handled=1, on_time=1, overdue_open=0)


async def test_a_site_without_messages_in_the_period_is_left_out(sessions: Sessions) -> None:
    await _store(sessions, [_row("A1", date(2022, 1, 5))])
    assert await _counts(sessions) == {}
