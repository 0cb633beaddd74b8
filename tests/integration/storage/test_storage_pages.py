"""Batched page writes: the same rows as page-by-page writes, in a few statements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.model import Item, Outcome, Site
from storage import facts, repository
from storage.models import body_table, item_table, snapshot_table
from storage.pages import PageWrite, count_new_items, record_pages
from storage.records import FetchRecord
from tests.integration.storage.conftest import T0

Sessions = async_sessionmaker[AsyncSession]
RecordFactory = Callable[..., FetchRecord]


def items(prefix: str, *days: int) -> list[Item]:
    return [
        Item(
            title=f"{prefix} {n}",
            url=f"http://127.0.0.1:9/gov-a/{prefix}/{n}.html",
            published=date(2024, 5, day),
            date_where=f"li[{n + 1}] > span",
            date_text=f"2024-05-{day:02d}",
        )
        for n, day in enumerate(days)
    ]


async def test_a_batch_stores_every_page_in_order(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, [site], now=T0)
        run_id = await repository.start_run(session, scope="all", started_at=T0)
    news = items("news", 20, 21, 21)
    pages = [
        PageWrite(
            site_id="gov-a", column_id=None, record=record(body=b"home"), items=items("home", 1, 2)
        ),
        PageWrite(
            site_id="gov-a", column_id="news", record=record(body=b"news"), items=[*news, news[0]]
        ),
        PageWrite(
            site_id="gov-a",
            column_id="notice",
            record=record(outcome=Outcome.TIMEOUT, status=None, body=None, list_found=False),
            items=items("never", 3),  # a failed page's items are never stored
        ),
    ]
    async with sessions() as session, session.begin():
        ids = await record_pages(session, run_id=run_id, pages=pages)
        assert await count_new_items(session, ids) == 5
    assert ids == sorted(ids)
    async with sessions() as session:
        rows = (
            await session.execute(
                select(
                    snapshot_table.c.id, snapshot_table.c.column_id, snapshot_table.c.item_count
                ).order_by(snapshot_table.c.id)
            )
        ).all()
        assert [tuple(r) for r in rows] == [
            (ids[0], None, 2),
            (ids[1], "news", 3),
            (ids[2], "notice", 0),
        ]
        assert await session.scalar(select(func.count()).select_from(item_table)) == 5
        assert await session.scalar(select(func.count()).select_from(body_table)) == 2
        (news_facts,) = [
            f
            for f in await facts.page_facts(session, run_id=run_id, sites=[site])
            if f.column_id == "news"
        ]
    assert news_facts.item_count == 3
    assert news_facts.newest is not None
    assert news_facts.newest.published == date(2024, 5, 21)
    assert news_facts.newest.title == "news 1"  # ties: the first in page order

    # The same pages again a day later: nothing new, nothing duplicated, first_seen kept.
    later = T0 + timedelta(days=1)
    again = [
        PageWrite(
            site_id=p.site_id,
            column_id=p.column_id,
            record=record(body=p.record.body, fetched_at=later),
            items=p.items,
        )
        for p in pages[:2]
    ]
    async with sessions() as session, session.begin():
        run2 = await repository.start_run(session, scope="all", started_at=later)
        ids2 = await record_pages(session, run_id=run2, pages=again)
        assert await count_new_items(session, ids2) == 0
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(item_table)) == 5
        assert await session.scalar(select(func.count()).select_from(body_table)) == 2
        first_seen = set(await session.scalars(select(item_table.c.first_seen)))
        assert first_seen == {T0}
        last = set(await session.scalars(select(item_table.c.last_snapshot_id)))
        assert last == set(ids2)
