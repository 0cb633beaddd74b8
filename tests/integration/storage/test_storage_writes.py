"""Writes: targets, runs, snapshots and bodies, items, findings, transactions."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.model import Evidence, Finding, Item, Outcome, Severity, Site
from storage import facts, repository
from storage.errors import RunNotFoundError
from storage.models import (
    body_table,
    column_table,
    item_table,
    run_table,
    site_table,
    snapshot_table,
)
from storage.pages import content_hash
from storage.records import FetchRecord, RunStatus

Sessions = async_sessionmaker[AsyncSession]
RecordFactory = Callable[..., FetchRecord]

NEWS = "http://127.0.0.1:9/gov-a/news/"
T0 = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)  # the default fetch time of conftest.make_record


def _item(n: int, published: date | None) -> Item:
    return Item(
        title=f"第{n}条新闻",
        url=f"http://127.0.0.1:9/gov-a/news/{n}.html",
        published=published,
        date_where=f"li[{n}] > span.date" if published else None,
        date_text=published.isoformat() if published else None,
    )


async def _run(sessions: Sessions, sites: list[Site], started_at: datetime = T0) -> int:
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, sites, now=started_at)
        return await repository.start_run(session, scope="all", started_at=started_at)


async def _page(
    sessions: Sessions,
    run_id: int,
    record: FetchRecord,
    page_items: list[Item] | None,
    *,
    column_id: str | None = "news",
) -> tuple[int, int]:
    """Store one page as the runner does; returns (snapshot id, new items)."""
    async with sessions() as session, session.begin():
        snapshot_id = await repository.record_fetch(
            session, run_id=run_id, site_id="gov-a", column_id=column_id, record=record
        )
        new = 0
        if record.outcome is Outcome.NOT_MODIFIED:
            await repository.carry_items(
                session,
                snapshot_id=snapshot_id,
                site_id="gov-a",
                column_id=column_id,
                seen_at=record.fetched_at,
            )
        elif page_items is not None:
            new = await repository.record_items(
                session,
                snapshot_id=snapshot_id,
                site_id="gov-a",
                column_id=column_id,
                items=page_items,
                seen_at=record.fetched_at,
            )
    return snapshot_id, new


# --- targets -------------------------------------------------------------------------------


async def test_sync_targets_upserts_and_marks_missing_targets_inactive(
    sessions: Sessions, site_factory: Callable[..., Site]
) -> None:
    a, b = site_factory("gov-a"), site_factory("gov-b")
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, [a, b], now=T0)
    later = T0 + timedelta(days=1)
    renamed = site_factory("gov-a", columns=("news",))
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, [renamed], now=later)
    async with sessions() as session:
        sites = dict((await session.execute(select(site_table.c.id, site_table.c.active))).all())
        cols = {
            (r.site_id, r.column_id): r.active
            for r in (await session.execute(select(column_table))).all()
        }
    assert sites == {"gov-a": True, "gov-b": False}
    assert cols == {
        ("gov-a", "news"): True,
        ("gov-a", "notice"): False,
        ("gov-b", "news"): False,
        ("gov-b", "notice"): False,
    }
    # Listed again: active again, history untouched.
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, [a, b], now=later)
    async with sessions() as session:
        inactive = await session.scalar(
            select(func.count()).select_from(column_table).where(~column_table.c.active)
        )
    assert inactive == 0


# --- runs ----------------------------------------------------------------------------------


async def test_run_lifecycle(sessions: Sessions, site: Site) -> None:
    async with sessions() as session:
        assert await facts.latest_run(session) is None
    run_id = await _run(sessions, [site])
    async with sessions() as session:
        info = await facts.latest_run(session)
    assert info is not None
    assert (info.id, info.status, info.started_at) == (run_id, RunStatus.RUNNING, T0)
    assert info.pid == os.getpid()
    assert info.hostname == socket.gethostname()

    finished = T0 + timedelta(minutes=5)
    async with sessions() as session, session.begin():
        await repository.finish_run(
            session,
            run_id,
            status="completed",
            finished_at=finished,
            stats={"pages": 3, "day": date(2024, 6, 1)},
        )
    async with sessions() as session:
        info = await facts.latest_run(session)
    assert info is not None
    assert info.status is RunStatus.COMPLETED
    assert info.finished_at == finished
    assert info.stats == {"pages": 3, "day": "2024-06-01"}

    async with sessions() as session, session.begin():
        with pytest.raises(RunNotFoundError, match="run 999"):
            await repository.finish_run(
                session, 999, status="failed", finished_at=finished, stats={}
            )
        with pytest.raises(ValueError, match="final status"):
            await repository.finish_run(
                session, run_id, status="running", finished_at=finished, stats={}
            )


async def test_interrupt_abandoned_runs(sessions: Sessions, site: Site) -> None:
    now = T0 + timedelta(hours=1)
    ids = {name: await _run(sessions, [site]) for name in ("alive", "dead", "elsewhere", "stale")}
    dead_pid = 4_194_305  # above Linux's largest possible pid: never alive
    async with sessions() as session, session.begin():
        await session.execute(
            update(run_table).where(run_table.c.id == ids["dead"]).values(pid=dead_pid)
        )
        await session.execute(
            update(run_table)
            .where(run_table.c.id.in_([ids["elsewhere"], ids["stale"]]))
            .values(hostname="another-host", pid=dead_pid)
        )
        await session.execute(
            update(run_table)
            .where(run_table.c.id == ids["stale"])
            .values(started_at=now - timedelta(hours=25))
        )
    async with sessions() as session, session.begin():
        interrupted = await repository.interrupt_abandoned_runs(session, now=now)
    assert interrupted == sorted([ids["dead"], ids["stale"]])
    async with sessions() as session:
        rows = {r.id: r for r in (await session.execute(select(run_table))).all()}
    assert rows[ids["alive"]].status == "running"
    assert rows[ids["elsewhere"]].status == "running"  # another host, recent: may be alive
    assert rows[ids["dead"]].status == "interrupted"
    assert rows[ids["dead"]].finished_at == now
    async with sessions() as session, session.begin():
        assert await repository.interrupt_abandoned_runs(session, now=now) == []


# --- snapshots and bodies ------------------------------------------------------------------


async def test_bodies_are_stored_once_per_content(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _run(sessions, [site])
    body = "<html>政府网站 新闻列表</html>".encode() * 50
    first, _ = await _page(sessions, run_id, record(body=body), None)
    second, _ = await _page(
        sessions, run_id, record(body=body, fetched_at=T0 + timedelta(hours=1)), None
    )
    other, _ = await _page(sessions, run_id, record(body=b"<html>other</html>"), None)
    failed, _ = await _page(
        sessions,
        run_id,
        record(outcome=Outcome.TIMEOUT, status=None, body=None, detail="read timeout"),
        None,
    )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(body_table)) == 2
        hashes = dict(
            (
                await session.execute(select(snapshot_table.c.id, snapshot_table.c.content_hash))
            ).all()
        )
        assert hashes[first] == hashes[second] == content_hash(body)
        assert hashes[other] != hashes[first]
        assert hashes[failed] is None
        stored = (
            await session.execute(
                select(body_table).where(body_table.c.content_hash == hashes[first])
            )
        ).one()
        assert stored.size == len(body)
        assert len(stored.data) < len(body)  # compressed
        assert stored.first_stored_at == T0
        assert await repository.load_body(session, hashes[first]) == body


async def test_prune_bodies_keeps_recent_evidence_only(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _run(sessions, [site])
    old, _ = await _page(sessions, run_id, record(body=b"old page"), None)
    shared_old, _ = await _page(sessions, run_id, record(body=b"still shown"), None)
    now = T0 + timedelta(days=100)
    recent, _ = await _page(
        sessions, run_id, record(body=b"new page", fetched_at=now - timedelta(days=1)), None
    )
    again, _ = await _page(sessions, run_id, record(body=b"still shown", fetched_at=now), None)

    async with sessions() as session, session.begin():
        assert await repository.prune_bodies(session, keep_days=30, now=now) == 1
    async with sessions() as session:
        hashes = dict(
            (
                await session.execute(select(snapshot_table.c.id, snapshot_table.c.content_hash))
            ).all()
        )
        assert hashes[old] == content_hash(b"old page")  # the snapshot keeps its hash
        assert await repository.load_body(session, hashes[old]) is None
        assert await repository.load_body(session, hashes[shared_old]) == b"still shown"
        assert await repository.load_body(session, hashes[recent]) == b"new page"
        assert hashes[again] == hashes[shared_old]
    async with sessions() as session, session.begin():
        assert await repository.prune_bodies(session, keep_days=30, now=now) == 0


async def test_prune_keeps_the_body_a_page_still_shows(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    """A page answering 304 for longer than the retention keeps its last body: the evidence."""
    run_id = await _run(sessions, [site])
    await _page(sessions, run_id, record(body=b"unchanged for months"), None, column_id="notice")
    now = T0 + timedelta(days=100)
    await _page(
        sessions,
        run_id,
        record(outcome=Outcome.NOT_MODIFIED, status=304, body=None, fetched_at=now),
        None,
        column_id="notice",
    )
    async with sessions() as session, session.begin():
        assert await repository.prune_bodies(session, keep_days=30, now=now) == 0
    async with sessions() as session:
        digest = content_hash(b"unchanged for months")
        assert await repository.load_body(session, digest) == b"unchanged for months"


# --- items ---------------------------------------------------------------------------------


@pytest.mark.parametrize("column_id", ["news", None], ids=["column", "homepage"])
async def test_recording_the_same_items_again_never_duplicates(
    sessions: Sessions, site: Site, record: RecordFactory, column_id: str | None
) -> None:
    run_id = await _run(sessions, [site])
    page = [_item(1, date(2024, 5, 30)), _item(2, date(2024, 5, 20)), _item(3, None)]
    first, new = await _page(sessions, run_id, record(), page, column_id=column_id)
    assert new == 3
    later = T0 + timedelta(days=2)
    retitled = Item(title="第1条新闻（更新）", url=page[0].url, published=date(2024, 5, 31))
    second, new = await _page(
        sessions,
        run_id,
        record(fetched_at=later),
        [retitled, *page[1:], _item(4, date(2024, 6, 1))],
        column_id=column_id,
    )
    assert new == 1
    async with sessions() as session:
        rows = {
            r.url: r
            for r in (await session.execute(select(item_table).order_by(item_table.c.id))).all()
        }
    assert len(rows) == 4
    one = rows[page[0].url]
    assert one.column_id == column_id
    assert one.first_seen == T0
    assert one.last_seen == later
    assert one.last_snapshot_id == second
    assert (one.title, one.published) == ("第1条新闻（更新）", date(2024, 5, 31))
    assert rows[_item(4, None).url].first_seen == later
    async with sessions() as session:
        counts = dict(
            (await session.execute(select(snapshot_table.c.id, snapshot_table.c.item_count))).all()
        )
    assert counts == {first: 3, second: 4}


async def test_the_same_url_twice_on_one_page_counts_once(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _run(sessions, [site])
    twice = [
        _item(1, date(2024, 5, 30)),
        Item(title="重复", url=_item(1, None).url, published=None),
    ]
    _, new = await _page(sessions, run_id, record(), twice)
    assert new == 1
    async with sessions() as session:
        assert await session.scalar(select(item_table.c.title)) == "第1条新闻"


async def test_large_pages_are_written_in_chunks(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _run(sessions, [site])
    page = [_item(n, date(2024, 1, 1) + timedelta(days=n % 150)) for n in range(1, 1_301)]
    _, new = await _page(sessions, run_id, record(), page)
    assert new == 1_300
    _, new = await _page(sessions, run_id, record(fetched_at=T0 + timedelta(hours=1)), page)
    assert new == 0
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(item_table)) == 1_300


async def test_carry_items_moves_the_previous_page_to_a_304(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _run(sessions, [site])
    page = [_item(1, date(2024, 5, 30)), _item(2, date(2024, 5, 20))]
    ok_id, _ = await _page(sessions, run_id, record(etag='"v1"'), page)
    # A failed fetch in between does not break the chain.
    await _page(
        sessions,
        run_id,
        record(outcome=Outcome.TIMEOUT, status=None, body=None, fetched_at=T0 + timedelta(hours=1)),
        None,
    )
    seen = T0 + timedelta(days=1)
    first_304, _ = await _page(
        sessions,
        run_id,
        record(
            outcome=Outcome.NOT_MODIFIED, status=304, body=None, list_found=False, fetched_at=seen
        ),
        None,
    )
    async with sessions() as session:
        rows = (await session.execute(select(item_table))).all()
    assert {(r.last_snapshot_id, r.last_seen, r.first_seen) for r in rows} == {
        (first_304, seen, T0)
    }

    seen_again = seen + timedelta(days=1)
    async with sessions() as session, session.begin():
        second_304 = await repository.record_fetch(
            session,
            run_id=run_id,
            site_id="gov-a",
            column_id="news",
            record=record(
                outcome=Outcome.NOT_MODIFIED, status=304, body=None, fetched_at=seen_again
            ),
        )
        carried = await repository.carry_items(
            session, snapshot_id=second_304, site_id="gov-a", column_id="news", seen_at=seen_again
        )
    assert carried == 2
    async with sessions() as session:
        assert set((await session.scalars(select(item_table.c.last_snapshot_id))).all()) == {
            second_304
        }
        assert ok_id != second_304


async def test_carry_items_without_an_earlier_page_carries_nothing(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _run(sessions, [site])
    async with sessions() as session, session.begin():
        snapshot_id = await repository.record_fetch(
            session,
            run_id=run_id,
            site_id="gov-a",
            column_id="news",
            record=record(outcome=Outcome.NOT_MODIFIED, status=304, body=None),
        )
        carried = await repository.carry_items(
            session, snapshot_id=snapshot_id, site_id="gov-a", column_id="news", seen_at=T0
        )
    assert carried == 0


async def test_a_batch_of_304s_carries_each_page_its_own_items(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    """The runner carries a batch's 304s together: each page gets its own previous items, a
    page without an earlier readable snapshot none, and each snapshot its own count."""
    run_id = await _run(sessions, [site])
    await _page(sessions, run_id, record(), [_item(1, date(2024, 5, 30))], column_id=None)
    await _page(sessions, run_id, record(), [_item(n, date(2024, 5, n)) for n in range(2, 5)])
    seen = T0 + timedelta(days=1)
    not_modified = record(outcome=Outcome.NOT_MODIFIED, status=304, body=None, fetched_at=seen)
    async with sessions() as session, session.begin():
        ids = [
            await repository.record_fetch(
                session, run_id=run_id, site_id="gov-a", column_id=column, record=not_modified
            )
            for column in (None, "news", "notice")
        ]
        carried = await repository.carry_items_of(
            session,
            [
                repository.Carry(snapshot_id, "gov-a", column, seen)
                for snapshot_id, column in zip(ids, (None, "news", "notice"), strict=True)
            ],
        )
    assert carried == [1, 3, 0]
    async with sessions() as session:
        items = (await session.execute(select(item_table))).all()
        counts = dict(
            (await session.execute(select(snapshot_table.c.id, snapshot_table.c.item_count))).all()
        )
    assert {(r.column_id, r.last_snapshot_id, r.last_seen) for r in items} == {
        (None, ids[0], seen),
        ("news", ids[1], seen),
    }
    assert [counts[i] for i in ids] == [1, 3, 0]


async def test_last_validators_come_from_the_newest_readable_snapshot(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _run(sessions, [site])
    async with sessions() as session:
        assert await repository.last_validators(session, site_id="gov-a", column_id="news") == (
            None,
            None,
        )
    lm = "Sat, 01 Jun 2024 01:00:00 GMT"
    await _page(sessions, run_id, record(etag='"v1"', last_modified=lm), [])
    await _page(
        sessions,
        run_id,
        record(outcome=Outcome.BLOCKED, status=412, etag='"waf"', body=b"<script>"),
        None,
    )
    await _page(
        sessions,
        run_id,
        record(outcome=Outcome.NOT_MODIFIED, status=304, body=None, etag='"v1"'),
        None,
    )
    async with sessions() as session:
        assert await repository.last_validators(session, site_id="gov-a", column_id="news") == (
            '"v1"',
            lm,
        )
        # Another page of the same site has its own validators.
        assert await repository.last_validators(session, site_id="gov-a", column_id=None) == (
            None,
            None,
        )
    await _page(sessions, run_id, record(etag=None, last_modified=None), [])
    async with sessions() as session:
        assert await repository.last_validators(session, site_id="gov-a", column_id="news") == (
            None,
            None,
        )


# --- findings ------------------------------------------------------------------------------


async def test_findings_round_trip(sessions: Sessions, site: Site) -> None:
    run_id = await _run(sessions, [site])
    finding = Finding(
        code="column-stale",
        severity=Severity.PROBLEM,
        message="图片新闻2周未更新",
        site_id="gov-a",
        site_name=site.name,
        column_id="news",
        column_name="news 栏目",
        evidence=Evidence(
            url=NEWS,
            checked_at=T0,
            outcome=Outcome.OK,
            status=200,
            newest_date=date(2024, 5, 1),
            newest_title="旧新闻",
            threshold="2周 (14天)",
            cutoff=date(2024, 5, 18),
            age_days=31,
            item_count=20,
            dated_count=20,
        ),
        extra={"points": 1},
    )
    unknown = Finding(
        code="site-unreachable",
        severity=Severity.UNKNOWN,
        message="首页无法访问",
        site_id="gov-a",
        site_name=site.name,
        column_id=None,
        column_name=None,
        evidence=Evidence(
            url=site.homepage, checked_at=T0, outcome=Outcome.TIMEOUT, detail="timeout"
        ),
    )
    async with sessions() as session, session.begin():
        await repository.record_findings(
            session, run_id=run_id, findings=[finding, unknown], created_at=T0
        )
    async with sessions() as session:
        assert await facts.run_findings(session, run_id=run_id) == [finding, unknown]
        assert await facts.run_findings(session, run_id=run_id + 1) == []


# --- transactions --------------------------------------------------------------------------


class _CrashError(Exception):
    pass


async def _store_then_crash(sessions: Sessions, run_id: int, record: FetchRecord) -> None:
    async with sessions() as session, session.begin():
        snapshot_id = await repository.record_fetch(
            session, run_id=run_id, site_id="gov-a", column_id="notice", record=record
        )
        await repository.record_items(
            session,
            snapshot_id=snapshot_id,
            site_id="gov-a",
            column_id="notice",
            items=[_item(2, date(2024, 6, 1))],
            seen_at=T0,
        )
        raise _CrashError


async def test_a_failed_page_transaction_leaves_earlier_pages_intact(
    sessions: Sessions, site: Site, record: RecordFactory
) -> None:
    run_id = await _run(sessions, [site])
    kept, _ = await _page(sessions, run_id, record(), [_item(1, date(2024, 5, 30))])
    with pytest.raises(_CrashError):
        await _store_then_crash(sessions, run_id, record(body=b"lost"))
    async with sessions() as session:
        assert (await session.scalars(select(snapshot_table.c.id))).all() == [kept]
        assert (await session.scalars(select(item_table.c.last_snapshot_id))).all() == [kept]
        assert await session.scalar(select(func.count()).select_from(body_table)) == 1
