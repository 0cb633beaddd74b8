"""Disclosure reads and items in storage: counts at the period's edges, deduplication, the
latest read, and completeness for another period — on SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.model import Outcome
from rules.period import Period
from storage.disclosure import (
    DisclosureItem,
    DisclosureReadWrite,
    column_reads,
    record_read,
    unit_counts,
)
from storage.models import disclosure_item_table

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2022, 7, 10, 2, 0, tzinfo=UTC)
Q2 = Period.parse("2022Q2")


def _item(n: int, day: date | None) -> DisclosureItem:
    return DisclosureItem(title=f"第{n}条信息", url=f"http://gov.test/a/{n}.html", published=day)


def _read(
    items: list[DisclosureItem],
    *,
    column: str = "tzgg",
    at: datetime = T0,
    stopped: str = "period_start",
    complete: bool = True,
    outcome: Outcome = Outcome.OK,
) -> DisclosureReadWrite:
    return DisclosureReadWrite(
        unit_id="zrzy",
        column_id=column,
        url=f"http://gov.test/{column}/",
        read_at=at,
        outcome=outcome,
        status=200 if outcome is Outcome.OK else None,
        detail=None,
        pages_read=2,
        stopped=stopped,
        complete=complete,
        items=items,
    )


async def _store(sessions: Sessions, read: DisclosureReadWrite) -> None:
    async with sessions() as session, session.begin():
        await record_read(session, read)


async def test_items_on_the_first_and_last_day_of_the_period_count(sessions: Sessions) -> None:
    items = [
        _item(1, date(2022, 7, 1)),  # the day after
        _item(2, date(2022, 6, 30)),  # the last day
        _item(3, date(2022, 5, 15)),
        _item(4, date(2022, 4, 1)),  # the first day
        _item(5, date(2022, 3, 31)),  # the day before
        _item(6, None),  # undated: never in a period
    ]
    await _store(sessions, _read(items))
    async with sessions() as session:
        reads = await column_reads(session, columns=[("zrzy", "tzgg")], period=Q2)
        per_unit = await unit_counts(session, unit_ids=["zrzy"], period=Q2)
    read = reads[("zrzy", "tzgg")]
    assert read.published == 3
    assert read.complete
    assert read.newest == date(2022, 7, 1)
    assert read.newest_url == "http://gov.test/a/1.html"
    assert per_unit == {"zrzy": 3}


async def test_items_are_deduplicated_across_pages_and_reads(sessions: Sessions) -> None:
    first = [_item(1, date(2022, 5, 1)), _item(2, date(2022, 5, 2)), _item(1, date(2022, 5, 1))]
    await _store(sessions, _read(first))
    second = [_item(2, date(2022, 5, 2)), _item(3, date(2022, 5, 3))]
    await _store(sessions, _read(second, at=T0 + timedelta(days=1)))
    async with sessions() as session:
        reads = await column_reads(session, columns=[("zrzy", "tzgg")], period=Q2)
        rows = (
            await session.execute(
                select(disclosure_item_table.c.url, disclosure_item_table.c.first_seen).order_by(
                    disclosure_item_table.c.url
                )
            )
        ).all()
        total = await session.scalar(select(func.count()).select_from(disclosure_item_table))
    assert total == 3
    assert reads[("zrzy", "tzgg")].published == 3
    assert rows[1].first_seen == T0  # item 2 keeps its first sighting


async def test_the_same_url_in_two_columns_counts_once_for_the_unit(sessions: Sessions) -> None:
    await _store(sessions, _read([_item(1, date(2022, 5, 1))], column="tzgg"))
    await _store(sessions, _read([_item(1, date(2022, 5, 1))], column="zcwj"))
    async with sessions() as session:
        reads = await column_reads(session, columns=[("zrzy", "tzgg"), ("zrzy", "zcwj")], period=Q2)
        per_unit = await unit_counts(session, unit_ids=["zrzy"], period=Q2)
    assert reads[("zrzy", "tzgg")].published == 1
    assert reads[("zrzy", "zcwj")].published == 1
    assert per_unit == {"zrzy": 1}


async def test_the_latest_read_decides_the_outcome(sessions: Sessions) -> None:
    await _store(sessions, _read([_item(1, date(2022, 5, 1)), _item(2, date(2022, 3, 1))]))
    await _store(
        sessions,
        _read(
            [],
            at=T0 + timedelta(hours=1),
            outcome=Outcome.TIMEOUT,
            stopped="failed",
            complete=False,
        ),
    )
    async with sessions() as session:
        now = await column_reads(session, columns=[("zrzy", "tzgg")], period=Q2)
        before = await column_reads(
            session, columns=[("zrzy", "tzgg")], period=Q2, as_of=T0 + timedelta(minutes=1)
        )
    assert now[("zrzy", "tzgg")].outcome is Outcome.TIMEOUT
    assert not now[("zrzy", "tzgg")].complete
    assert now[("zrzy", "tzgg")].published == 1  # what was held stays, as a lower bound
    assert before[("zrzy", "tzgg")].outcome is Outcome.OK
    assert before[("zrzy", "tzgg")].complete


async def test_a_read_is_complete_only_back_to_where_it_went(sessions: Sessions) -> None:
    items = [_item(1, date(2022, 6, 1)), _item(2, date(2022, 3, 20))]
    await _store(sessions, _read(items))
    async with sessions() as session:
        q2 = await column_reads(session, columns=[("zrzy", "tzgg")], period=Q2)
        q1 = await column_reads(session, columns=[("zrzy", "tzgg")], period=Period.parse("2022Q1"))
        unknown = await column_reads(session, columns=[("zrzy", "other")], period=Q2)
    assert q2[("zrzy", "tzgg")].complete
    assert not q1[("zrzy", "tzgg")].complete  # Q1 starts before the oldest item seen
    assert unknown == {}
