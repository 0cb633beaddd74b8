"""Items published in a period, per column and per site, counted in SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.model import Item, Site
from storage import repository
from storage.publishing import Published, published_by_column
from storage.records import FetchRecord

Sessions = async_sessionmaker[AsyncSession]
RecordFactory = Callable[..., FetchRecord]

T0 = datetime(2022, 5, 20, 2, 0, tzinfo=UTC)
Q2_START, Q2_END = date(2022, 4, 1), date(2022, 6, 30)


def _item(path: str, published: date | None) -> Item:
    return Item(
        title=f"信息 {path}",
        url=f"http://127.0.0.1:9/gov-a/{path}.html",
        published=published,
        date_where="li > span" if published else None,
        date_text=published.isoformat() if published else None,
    )


async def _store(
    sessions: Sessions,
    site: Site,
    record: RecordFactory,
    pages: dict[str, list[Item]],
    *,
    at: datetime = T0,
) -> None:
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, [site], now=at)
        run_id = await repository.start_run(session, scope="all", started_at=at)
        for column_id, items in pages.items():
            snapshot_id = await repository.record_fetch(
                session,
                run_id=run_id,
                site_id=site.id,
                column_id=column_id,
                record=record(url=f"http://127.0.0.1:9/gov-a/{column_id}/", fetched_at=at),
            )
            await repository.record_items(
                session,
                snapshot_id=snapshot_id,
                site_id=site.id,
                column_id=column_id,
                items=items,
                seen_at=at,
            )


async def test_items_dated_in_the_period_are_counted_once_per_url(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    shared = _item("shared", date(2022, 5, 1))  # listed in both columns
    await _store(
        sessions,
        site,
        record,
        {
            "news": [
                _item("first-day", Q2_START),
                _item("last-day", Q2_END),
                _item("before", Q2_START - timedelta(days=1)),
                _item("undated", None),
                shared,
            ],
            "notice": [shared, _item("after", Q2_END + timedelta(days=1))],
        },
    )
    async with sessions() as session:
        counts = await published_by_column(session, {site.id: ["news", "notice"]}, Q2_START, Q2_END)
    assert counts == {site.id: Published(columns={"news": 3, "notice": 1}, total=3)}


async def test_a_past_moment_counts_only_items_seen_by_then(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    await _store(sessions, site, record, {"news": [_item("early", date(2022, 4, 10))]})
    later = T0 + timedelta(days=10)
    await _store(sessions, site, record, {"news": [_item("late", date(2022, 4, 11))]}, at=later)
    async with sessions() as session:
        before = await published_by_column(
            session, {site.id: ["news"]}, Q2_START, Q2_END, as_of=T0 + timedelta(hours=1)
        )
        after = await published_by_column(
            session, {site.id: ["news"]}, Q2_START, Q2_END, as_of=later
        )
    assert before[site.id].columns == {"news": 1}
    assert after[site.id] == Published(columns={"news": 2}, total=2)


async def test_a_site_without_items_or_columns_gets_zeros(sessions: Sessions, site: Site) -> None:
    async with sessions() as session:
        counts = await published_by_column(
            session, {site.id: ["news"], "other": []}, Q2_START, Q2_END
        )
    assert counts == {
        site.id: Published(columns={"news": 0}, total=0),
        "other": Published(columns={}, total=0),
    }
