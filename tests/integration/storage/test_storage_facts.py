"""Fact queries: page facts per run, findings, the latest run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.model import Category, Item, Outcome, PageFacts, Site
from storage import facts, repository
from storage.errors import RunNotFoundError
from storage.records import FetchRecord

Sessions = async_sessionmaker[AsyncSession]
RecordFactory = Callable[..., FetchRecord]

T0 = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _item(n: int, published: date | None, *, column: str = "news") -> Item:
    return Item(
        title=f"{column} 第{n}条",
        url=f"http://127.0.0.1:9/gov-a/{column}/{n}.html",
        published=published,
        date_where=f"li[{n}] > span" if published else None,
        date_text=published.isoformat() if published else None,
    )


async def _start(sessions: Sessions, sites: list[Site], started_at: datetime) -> int:
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, sites, now=started_at)
        return await repository.start_run(session, scope="all", started_at=started_at)


async def _store(
    sessions: Sessions,
    run_id: int,
    column_id: str | None,
    record: FetchRecord,
    page: list[Item] | None = None,
) -> int:
    async with sessions() as session, session.begin():
        snapshot_id = await repository.record_fetch(
            session, run_id=run_id, site_id="gov-a", column_id=column_id, record=record
        )
        if record.outcome is Outcome.NOT_MODIFIED:
            await repository.carry_items(
                session,
                snapshot_id=snapshot_id,
                site_id="gov-a",
                column_id=column_id,
                seen_at=record.fetched_at,
            )
        elif page is not None:
            await repository.record_items(
                session,
                snapshot_id=snapshot_id,
                site_id="gov-a",
                column_id=column_id,
                items=page,
                seen_at=record.fetched_at,
            )
    return snapshot_id


async def _facts(sessions: Sessions, run_id: int, sites: list[Site]) -> dict[str | None, PageFacts]:
    async with sessions() as session:
        pages = await facts.page_facts(session, run_id=run_id, sites=sites)
    return {p.column_id: p for p in pages}


async def test_page_facts_pick_the_newest_dated_item_on_the_current_page(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run1 = await _start(sessions, [site], T0)
    await _store(
        sessions,
        run1,
        "news",
        record(),
        [_item(1, date(2024, 5, 1)), _item(2, date(2024, 5, 31)), _item(3, None)],
    )
    # Next day the newest item (2) has left the page; 4 and 5 share the newest date.
    run2 = await _start(sessions, [site], T0 + DAY)
    fetched = T0 + DAY + timedelta(minutes=1)
    await _store(
        sessions,
        run2,
        "news",
        record(fetched_at=fetched),
        [
            _item(3, None),
            _item(4, date(2024, 5, 20)),
            _item(5, date(2024, 5, 20)),
            _item(1, date(2024, 5, 1)),
        ],
    )
    page = (await _facts(sessions, run2, [site]))["news"]
    assert page.outcome is Outcome.OK
    assert page.checked_at == fetched
    assert page.content_seen_at == fetched
    assert page.list_found
    assert (page.item_count, page.dated_count) == (4, 3)
    assert page.newest == _item(4, date(2024, 5, 20))
    assert page.category is Category.NEWS
    assert page.url == site.columns[0].url

    # Items record only the last snapshot that showed them: asked again, the earlier run
    # keeps just the item that was not seen since.
    earlier = (await _facts(sessions, run1, [site]))["news"]
    assert (earlier.item_count, earlier.newest) == (1, _item(2, date(2024, 5, 31)))


async def test_ties_on_the_newest_date_go_to_the_item_seen_first(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run1 = await _start(sessions, [site], T0)
    await _store(sessions, run1, "news", record(), [_item(7, date(2024, 5, 20))])
    run2 = await _start(sessions, [site], T0 + DAY)
    await _store(
        sessions,
        run2,
        "news",
        record(fetched_at=T0 + DAY),
        [_item(8, date(2024, 5, 20)), _item(9, date(2024, 5, 20)), _item(7, date(2024, 5, 20))],
    )
    page = (await _facts(sessions, run2, [site]))["news"]
    assert page.newest == _item(7, date(2024, 5, 20))


async def test_page_facts_order_and_pages_not_fetched(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _start(sessions, [site], T0)
    await _store(sessions, run_id, None, record(url=site.homepage), [_item(1, date(2024, 5, 30))])
    pages = await _facts(sessions, run_id, [site])
    async with sessions() as session:
        ordered = await facts.page_facts(session, run_id=run_id, sites=[site])
    assert [p.column_id for p in ordered] == [None, "news", "notice"]
    home = pages[None]
    assert (home.outcome, home.column_name, home.category, home.url) == (
        Outcome.OK,
        None,
        None,
        site.homepage,
    )
    assert home.newest == _item(1, date(2024, 5, 30))
    missing = pages["notice"]
    assert missing.outcome is None
    assert missing.checked_at == T0  # the run's start
    assert (missing.item_count, missing.newest, missing.content_seen_at) == (0, None, None)
    async with sessions() as session:
        with pytest.raises(RunNotFoundError):
            await facts.page_facts(session, run_id=run_id + 1, sites=[site])


async def test_a_failed_fetch_is_not_judged_from_older_items(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run1 = await _start(sessions, [site], T0)
    await _store(sessions, run1, "news", record(), [_item(1, date(2024, 5, 30))])
    run2 = await _start(sessions, [site], T0 + DAY)
    await _store(
        sessions,
        run2,
        "news",
        record(
            outcome=Outcome.BLOCKED,
            status=412,
            body=b"<script>challenge()</script>",
            list_found=False,
            detail="WAF challenge",
            fetched_at=T0 + DAY,
        ),
    )
    page = (await _facts(sessions, run2, [site]))["news"]
    assert (page.outcome, page.status, page.detail) == (Outcome.BLOCKED, 412, "WAF challenge")
    assert page.checked_at == T0 + DAY
    assert (page.list_found, page.item_count, page.dated_count) == (False, 0, 0)
    assert page.newest is None
    assert page.content_seen_at is None


async def test_the_newest_snapshot_in_the_run_decides(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _start(sessions, [site], T0)
    await _store(sessions, run_id, "news", record(outcome=Outcome.TIMEOUT, status=None, body=None))
    retried = T0 + timedelta(minutes=10)
    await _store(sessions, run_id, "news", record(fetched_at=retried), [_item(1, date(2024, 5, 1))])
    page = (await _facts(sessions, run_id, [site]))["news"]
    assert (page.outcome, page.checked_at, page.item_count) == (Outcome.OK, retried, 1)


async def test_a_304_is_judged_from_the_earlier_full_fetch(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run1 = await _start(sessions, [site], T0)
    await _store(
        sessions,
        run1,
        "news",
        record(etag='"v1"'),
        [_item(1, date(2024, 5, 30)), _item(2, None)],
    )
    for day in (1, 2):  # two 304s in a row
        run = await _start(sessions, [site], T0 + day * DAY)
        await _store(
            sessions,
            run,
            "news",
            record(
                outcome=Outcome.NOT_MODIFIED,
                status=304,
                body=None,
                list_found=False,
                fetched_at=T0 + day * DAY,
            ),
        )
    page = (await _facts(sessions, run, [site]))["news"]
    assert page.outcome is Outcome.NOT_MODIFIED
    assert page.checked_at == T0 + 2 * DAY
    assert page.content_seen_at == T0
    assert page.list_found
    assert (page.item_count, page.dated_count) == (2, 1)
    assert page.newest == _item(1, date(2024, 5, 30))


async def test_page_facts_for_several_sites(
    sessions: Sessions, site_factory: Callable[..., Site], record: RecordFactory
) -> None:
    a, b = site_factory("gov-a", columns=("news",)), site_factory("gov-b", columns=("news",))
    run_id = await _start(sessions, [a, b], T0)
    await _store(sessions, run_id, "news", record(), [_item(1, date(2024, 5, 30))])
    async with sessions() as session:
        pages = await facts.page_facts(session, run_id=run_id, sites=[a, b])
    assert [(p.site_id, p.column_id, p.outcome) for p in pages] == [
        ("gov-a", None, None),
        ("gov-a", "news", Outcome.OK),
        ("gov-b", None, None),
        ("gov-b", "news", None),
    ]
    assert pages[1].newest == _item(1, date(2024, 5, 30))
    assert pages[3].newest is None


# --- facts as of a past moment ------------------------------------------------------------


async def _as_of(sessions: Sessions, site: Site, at: datetime) -> PageFacts:
    async with sessions() as session:
        pages = await facts.page_facts_as_of(session, sites=[site], as_of=at)
    return {p.column_id: p for p in pages}["news"]


async def test_page_facts_as_of_replay_the_page_as_it_was(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    url = "http://127.0.0.1:9/gov-a/news/"
    a, b, c = _item(1, date(2024, 5, 1)), _item(2, date(2024, 5, 10)), _item(3, date(2024, 5, 20))
    t1, t2, t3, t4 = T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY
    run1 = await _start(sessions, [site], t1)
    await _store(sessions, run1, "news", record(url=url, fetched_at=t1), [a, b])
    run2 = await _start(sessions, [site], t2)
    await _store(sessions, run2, "news", record(url=url, fetched_at=t2), [b, c])  # a is gone
    run3 = await _start(sessions, [site], t3)
    await _store(
        sessions,
        run3,
        "news",
        record(url=url, fetched_at=t3, outcome=Outcome.NOT_MODIFIED, status=304, body=None),
    )
    run4 = await _start(sessions, [site], t4)
    await _store(
        sessions,
        run4,
        "news",
        record(url=url, fetched_at=t4, outcome=Outcome.TIMEOUT, status=None, body=None),
    )

    before = await _as_of(sessions, site, t1 - DAY)
    assert before.outcome is None

    first = await _as_of(sessions, site, t1 + timedelta(hours=1))
    assert (first.outcome, first.item_count, first.dated_count) == (Outcome.OK, 2, 2)
    assert first.newest is not None
    assert first.newest.published == date(2024, 5, 10)
    assert first.checked_at == t1

    second = await _as_of(sessions, site, t2)
    assert second.item_count == 2  # b and c; a had left the page
    assert second.newest is not None
    assert second.newest.url == c.url

    unchanged = await _as_of(sessions, site, t3)
    assert unchanged.outcome is Outcome.NOT_MODIFIED
    assert unchanged.item_count == 2
    assert unchanged.newest is not None
    assert unchanged.newest.url == c.url
    assert unchanged.content_seen_at == t2

    failed = await _as_of(sessions, site, t4 + DAY)
    assert failed.outcome is Outcome.TIMEOUT
    assert failed.newest is None


async def test_items_whose_date_was_refused_are_counted_apart(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    later = Item(
        title="news 第9条",
        url="http://127.0.0.1:9/gov-a/news/9.html",
        published=None,
        date_where="li[9] > span, date later than the check date, not counted",
        date_text="2062-05-01",
    )
    page = [later, _item(1, date(2024, 5, 1)), _item(2, None)]
    run = await _start(sessions, [site], T0)
    await _store(sessions, run, "news", record(), page)

    in_run = (await _facts(sessions, run, [site]))["news"]
    replayed = await _as_of(sessions, site, T0 + DAY)
    for facts_now in (in_run, replayed):
        assert (facts_now.item_count, facts_now.dated_count) == (3, 1)
        assert facts_now.later_dated_count == 1  # the undated item 2 is not among them
        assert facts_now.later_dated == later
        assert facts_now.newest == _item(1, date(2024, 5, 1))
    assert (await _facts(sessions, run, [site]))[None].later_dated is None
