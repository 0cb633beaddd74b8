"""New-media accounts: syncing, fetches and posts, and the facts the rules judge them by."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.platforms.model import Post
from rules.facts import Account, AccountFacts, Platform
from rules.model import SHANGHAI, Outcome
from rules.period import Period
from rules.weeks import week_start
from storage import repository
from storage.account_facts import account_facts
from storage.accounts import record_account_fetch, sync_accounts
from storage.models import account_fetch_table, account_table, body_table, post_table
from storage.pages import content_hash
from tests.integration.storage.conftest import make_record

Sessions = async_sessionmaker[AsyncSession]

FEED = "http://127.0.0.1:9/feeds/gov-weibo.xml"
WEIBO = Account(id="gov-weibo", name="某某发布", platform=Platform.WEIBO, unit="某某办公室")
WECHAT = Account(id="gov-wechat", name="某某政务", platform=Platform.WECHAT)
DOUYIN = Account(id="gov-douyin", name="某某抖音", platform=Platform.DOUYIN)
APP = Account(id="gov-app", name="某某客户端", platform=Platform.APP)
ALL = (WEIBO, WECHAT, DOUYIN, APP)

T0 = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An aware moment given as Asia/Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def _post(key: str, published: datetime, *, is_repost: bool | None = None) -> Post:
    return Post(
        key=key,
        url=f"http://127.0.0.1:9/posts/{key}",
        title=f"第{key}条 发布内容",
        published=published.astimezone(UTC),
        is_repost=is_repost,
    )


def _source(account: Account) -> str:
    return f"http://127.0.0.1:9/feeds/{account.id}.xml"


async def _run(sessions: Sessions, started_at: datetime = T0) -> int:
    async with sessions() as session, session.begin():
        await sync_accounts(session, [(a, _source(a)) for a in ALL], now=started_at)
        return await repository.start_run(session, scope="accounts", started_at=started_at)


async def _fetch(
    sessions: Sessions,
    run_id: int,
    at: datetime,
    posts: list[Post],
    *,
    account: Account = WEIBO,
    outcome: Outcome = Outcome.OK,
    body: bytes | None = None,
    detail: str | None = None,
) -> tuple[int, int]:
    record = make_record(
        url=_source(account),
        fetched_at=at,
        outcome=outcome,
        status=200 if outcome is Outcome.OK else 432,
        body=body if body is not None else f"<rss>{at.isoformat()}</rss>".encode(),
        detail=detail,
    )
    async with sessions() as session, session.begin():
        return await record_account_fetch(
            session, run_id=run_id, account_id=account.id, record=record, posts=posts
        )


async def _facts(
    sessions: Sessions, as_of: datetime, period: Period, accounts: tuple[Account, ...] = ALL
) -> dict[str, AccountFacts]:
    async with sessions() as session:
        facts = await account_facts(session, accounts=accounts, as_of=as_of, period=period)
    assert [f.account for f in facts] == list(accounts)
    return {f.account.id: f for f in facts}


async def _posts(sessions: Sessions) -> dict[str, Row[Any]]:
    async with sessions() as session:
        rows = (await session.execute(select(post_table))).all()
    return {row.key: row for row in rows}


# --- targets -------------------------------------------------------------------------------


async def test_sync_accounts_upserts_and_marks_unlisted_accounts_inactive(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        await sync_accounts(session, [(WEIBO, FEED), (WECHAT, "http://x/wechat")], now=T0)
    renamed = Account(id=WEIBO.id, name="某某发布(新)", platform=Platform.WEIBO, unit=None)
    async with sessions() as session, session.begin():
        await sync_accounts(session, [(renamed, FEED + "?v=2")], now=T0 + DAY)
    async with sessions() as session:
        rows = {
            row.id: row
            for row in (await session.execute(select(account_table).order_by("id"))).all()
        }
    assert set(rows) == {WEIBO.id, WECHAT.id}
    weibo, wechat = rows[WEIBO.id], rows[WECHAT.id]
    assert (weibo.name, weibo.platform, weibo.unit) == ("某某发布(新)", "weibo", None)
    assert (weibo.source_url, weibo.active, weibo.updated_at) == (FEED + "?v=2", True, T0 + DAY)
    assert (wechat.platform, wechat.active, wechat.updated_at) == ("wechat", False, T0 + DAY)


# --- fetches and posts ---------------------------------------------------------------------


async def test_posts_are_deduplicated_across_fetches(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    t1, t2 = T0, T0 + DAY
    a, b, c = (_post(k, T0 - timedelta(hours=n)) for k, n in (("a", 3), ("b", 2), ("c", 1)))
    first, new1 = await _fetch(sessions, run_id, t1, [a, b, a])
    edited_b = Post(key="b", url=b.url, title="第b条 已修改", published=b.published)
    second, new2 = await _fetch(sessions, run_id, t2, [edited_b, c])
    assert (new1, new2) == (2, 1)

    posts = await _posts(sessions)
    assert set(posts) == {"a", "b", "c"}
    row_a, row_b, row_c = posts["a"], posts["b"], posts["c"]
    assert (row_a.first_seen, row_a.last_seen, row_a.last_fetch_id) == (t1, t1, first)
    assert (row_b.first_seen, row_b.last_seen, row_b.last_fetch_id) == (t1, t2, second)
    assert row_b.title == "第b条 已修改"
    assert (row_c.first_seen, row_c.published) == (t2, c.published)
    async with sessions() as session:
        counts = dict(
            (
                await session.execute(
                    select(account_fetch_table.c.id, account_fetch_table.c.post_count)
                )
            ).all()
        )
    assert counts == {first: 2, second: 2}

    # The same fetch stored again (a re-run) adds nothing.
    _, again = await _fetch(sessions, run_id, t2, [edited_b, c])
    assert again == 0
    assert len(await _posts(sessions)) == 3


async def test_the_repost_flag_is_kept(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    published = T0 - DAY
    await _fetch(
        sessions,
        run_id,
        T0,
        [
            _post("r", published, is_repost=True),
            _post("o", published, is_repost=False),
            _post("u", published),
        ],
    )
    # A later source that does not say keeps what was known; one that says overrides.
    await _fetch(
        sessions,
        run_id,
        T0 + DAY,
        [_post("r", published), _post("o", published, is_repost=True), _post("u", published)],
    )
    posts = await _posts(sessions)
    assert {key: row.is_repost for key, row in posts.items()} == {
        "r": True,
        "o": True,
        "u": None,
    }


async def test_a_fetch_stored_late_never_moves_a_post_back(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    published = T0 - DAY
    newer, _ = await _fetch(sessions, run_id, T0 + DAY, [_post("p", published)])
    edited = Post(key="p", url=None, title="更早的标题", published=published)
    _, new = await _fetch(sessions, run_id, T0, [edited])
    assert new == 0
    row = (await _posts(sessions))["p"]
    assert (row.first_seen, row.last_seen, row.last_fetch_id) == (T0, T0 + DAY, newer)
    assert (row.title, row.url) == ("第p条 发布内容", "http://127.0.0.1:9/posts/p")


async def test_fetch_bodies_are_kept_once_per_content(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    body = b"<rss><channel><item><guid>a</guid></item></channel></rss>"
    await _fetch(sessions, run_id, T0, [], body=body)
    await _fetch(sessions, run_id, T0 + DAY, [], body=body)
    async with sessions() as session:
        hashes = (await session.scalars(select(account_fetch_table.c.content_hash))).all()
        bodies = await session.scalar(select(func.count()).select_from(body_table))
    assert hashes == [content_hash(body), content_hash(body)]
    assert bodies == 1


async def test_a_failed_fetch_after_good_ones_is_what_the_facts_report(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    june = Period.parse("2024-06")
    posts = [_post("a", _local(2024, 6, 3, 9, 0)), _post("b", _local(2024, 6, 4, 9, 0))]
    await _fetch(sessions, run_id, _local(2024, 6, 5, 10, 0), posts)
    blocked_at = _local(2024, 6, 12, 10, 0)
    fetch_id, new = await _fetch(
        sessions,
        run_id,
        blocked_at,
        [_post("x", _local(2024, 6, 11, 9, 0))],  # whatever came with it is not a post
        outcome=Outcome.BLOCKED,
        body=b"<html>432 captcha</html>",
        detail="weibo answered 432",
    )
    assert new == 0
    assert set(await _posts(sessions)) == {"a", "b"}

    facts = (await _facts(sessions, blocked_at + DAY, june))[WEIBO.id]
    assert facts.outcome is Outcome.BLOCKED
    assert (facts.checked_at, facts.detail, facts.url) == (
        blocked_at,
        "weibo answered 432",
        _source(WEIBO),
    )
    # What was known stays known: the engine decides that a blocked source is not judged.
    assert facts.newest_post == _local(2024, 6, 4, 9, 0)
    assert facts.posts_per_week == {date(2024, 6, 3): 2}
    assert facts.history_since == _local(2024, 6, 3, 9, 0)
    async with sessions() as session:
        stored = (
            await session.execute(
                select(account_fetch_table).where(account_fetch_table.c.id == fetch_id)
            )
        ).one()
    assert (stored.outcome, stored.status, stored.post_count) == ("blocked", 432, 0)
    assert stored.content_hash == content_hash(b"<html>432 captcha</html>")


async def test_a_not_modified_fetch_is_readable_and_keeps_the_posts(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    await _fetch(sessions, run_id, T0, [_post("a", T0 - DAY)])
    await _fetch(sessions, run_id, T0 + DAY, [], outcome=Outcome.NOT_MODIFIED)
    facts = (await _facts(sessions, T0 + 2 * DAY, Period.parse("2024-06")))[WEIBO.id]
    assert (facts.outcome, facts.checked_at) == (Outcome.NOT_MODIFIED, T0 + DAY)
    assert facts.newest_post == T0 - DAY
    assert facts.history_since == T0 - DAY


# --- weeks ---------------------------------------------------------------------------------


async def test_posts_are_counted_per_natural_week_starting_monday_in_shanghai(
    sessions: Sessions,
) -> None:
    run_id = await _run(sessions)
    moments = [
        _local(2024, 6, 2, 23, 59, 59),  # Sunday: the week of 05-27
        _local(2024, 6, 3, 0, 0),  # Monday 00:00 (Sunday 16:00 UTC): the week of 06-03
        _local(2024, 6, 9, 23, 59),  # Sunday 23:59: still the week of 06-03
        _local(2024, 6, 10, 0, 0),  # Monday 00:00: the week of 06-10
        _local(2024, 6, 10, 0, 30),  # Monday 00:30 = Sunday 16:30 UTC: the week of 06-10
        _local(2024, 6, 16, 12, 0),  # Sunday noon: the week of 06-10
    ]
    assert _local(2024, 6, 10, 0, 30).astimezone(UTC) == datetime(2024, 6, 9, 16, 30, tzinfo=UTC)
    await _fetch(
        sessions,
        run_id,
        _local(2024, 6, 17, 8, 0),
        [_post(f"p{n}", m) for n, m in enumerate(moments)],
    )
    facts = (await _facts(sessions, _local(2024, 6, 30, 12, 0), Period.parse("2024-06")))[WEIBO.id]
    assert facts.posts_per_week == {
        date(2024, 5, 27): 1,
        date(2024, 6, 3): 2,
        date(2024, 6, 10): 3,
    }
    assert facts.newest_post == _local(2024, 6, 16, 12, 0)


async def test_weeks_counted_in_sql_match_the_rules_weeks(sessions: Sessions) -> None:
    """Every 5 h 17 min over seven weeks, plus both sides of every Monday midnight."""
    run_id = await _run(sessions)
    start = _local(2024, 6, 3, 0, 0)
    moments = [start + timedelta(minutes=317 * n) for n in range(7 * 24 * 60 // 317 * 7)]
    moments = [m for m in moments if m < start + 7 * 7 * DAY]
    for week in range(8):
        monday = start + week * 7 * DAY
        moments += [monday - timedelta(microseconds=1), monday, monday + timedelta(seconds=1)]
    fetched_at = start + 8 * 7 * DAY
    await _fetch(sessions, run_id, fetched_at, [_post(f"p{n}", m) for n, m in enumerate(moments)])
    period = Period(start=date(2024, 5, 27), end=date(2024, 7, 28))
    facts = (await _facts(sessions, fetched_at, period))[WEIBO.id]
    assert facts.posts_per_week == dict(Counter(week_start(m) for m in moments))


async def test_weeks_at_quarter_and_year_boundaries(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    moments = {
        "q2-last-sunday": _local(2024, 6, 30, 23, 0),  # week of 06-24, before Q3's first week
        "q3-first-monday": _local(2024, 7, 1, 0, 0),  # 2024-07-01 is a Monday
        "q3-last-day": _local(2024, 9, 30, 10, 0),  # Monday: its week straddles into Q4
        "q4-first-sunday": _local(2024, 10, 6, 23, 59),  # the same straddling week
        "q4-second-monday": _local(2024, 10, 7, 0, 0),
        "y2024-sunday": _local(2024, 12, 29, 23, 59),  # week of 12-23
        "y2025-week-monday": _local(2024, 12, 30, 0, 0),  # week of 12-30 holds 2025-01-01
        "y2025-first-day": _local(2025, 1, 1, 8, 0),
        "y2025-first-sunday": _local(2025, 1, 5, 23, 59),
        "y2025-second-monday": _local(2025, 1, 6, 0, 0),
    }
    fetched_at = _local(2025, 1, 10, 9, 0)
    await _fetch(sessions, run_id, fetched_at, [_post(k, m) for k, m in moments.items()])

    q3 = (await _facts(sessions, fetched_at, Period.parse("2024Q3")))[WEIBO.id]
    assert q3.posts_per_week == {date(2024, 7, 1): 1, date(2024, 9, 30): 2}
    y2024 = (await _facts(sessions, fetched_at, Period.parse("2024")))[WEIBO.id]
    assert y2024.posts_per_week == {
        date(2024, 6, 24): 1,
        date(2024, 7, 1): 1,
        date(2024, 9, 30): 2,
        date(2024, 10, 7): 1,
        date(2024, 12, 23): 1,
        date(2024, 12, 30): 3,
    }
    y2025 = (await _facts(sessions, fetched_at, Period.parse("2025")))[WEIBO.id]
    assert y2025.posts_per_week == {date(2024, 12, 30): 3, date(2025, 1, 6): 1}


# --- history and replay --------------------------------------------------------------------


async def test_history_since_comes_from_the_first_readable_fetch(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    june = Period.parse("2024-06")
    t1, t2, t3 = T0, T0 + DAY, T0 + 2 * DAY
    # WEIBO: blocked first, then a feed of three posts, then one that shows an older post.
    await _fetch(sessions, run_id, t1, [], outcome=Outcome.BLOCKED)
    await _fetch(
        sessions, run_id, t2, [_post("a", t1 - 3 * DAY), _post("b", t1 - DAY), _post("c", t1)]
    )
    await _fetch(sessions, run_id, t3, [_post("old", t1 - 10 * DAY), _post("d", t2)])
    # WECHAT: a readable feed with no posts yet. DOUYIN: only failures. APP: never fetched.
    await _fetch(sessions, run_id, t2, [], account=WECHAT)
    await _fetch(sessions, run_id, t2, [], account=DOUYIN, outcome=Outcome.TIMEOUT)

    facts = await _facts(sessions, t3, june)
    assert facts[WEIBO.id].history_since == t1 - 3 * DAY
    assert facts[WEIBO.id].newest_post == t2
    assert facts[WECHAT.id].history_since == t2
    assert (facts[WECHAT.id].outcome, facts[WECHAT.id].newest_post) == (Outcome.OK, None)
    assert facts[WECHAT.id].posts_per_week == {}
    assert (facts[DOUYIN.id].outcome, facts[DOUYIN.id].history_since) == (Outcome.TIMEOUT, None)
    app = facts[APP.id]
    assert (app.outcome, app.checked_at, app.url) == (None, t3, _source(APP))
    assert (app.newest_post, app.history_since, app.detail) == (None, None, None)

    # Before the first readable fetch nothing is known, whatever was fetched later.
    before = (await _facts(sessions, t2 - timedelta(seconds=1), june))[WEIBO.id]
    assert (before.outcome, before.checked_at, before.history_since) == (Outcome.BLOCKED, t1, None)


async def test_facts_replay_any_moment_from_what_was_fetched_by_then(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    june = Period.parse("2024-06")
    t1, t2, t3 = _local(2024, 6, 5, 8, 0), _local(2024, 6, 12, 8, 0), _local(2024, 6, 19, 8, 0)
    await _fetch(
        sessions,
        run_id,
        t1,
        [_post("a", _local(2024, 6, 3, 9, 0)), _post("b", _local(2024, 6, 4, 9, 0))],
    )
    await _fetch(
        sessions,
        run_id,
        t2,
        [
            _post("b", _local(2024, 6, 4, 9, 0)),
            _post("late", _local(2024, 6, 4, 20, 0)),  # published before t1, first seen at t2
            _post("c", _local(2024, 6, 11, 9, 0)),
            _post("future", t2 + timedelta(hours=2)),  # a clock ahead of ours
        ],
    )
    await _fetch(sessions, run_id, t3, [], outcome=Outcome.HTTP_ERROR, detail="HTTP 503")

    assert (await _facts(sessions, t1 - timedelta(seconds=1), june))[WEIBO.id].outcome is None

    at_t1 = (await _facts(sessions, t1 + DAY, june))[WEIBO.id]
    assert (at_t1.outcome, at_t1.checked_at) == (Outcome.OK, t1)
    assert at_t1.newest_post == _local(2024, 6, 4, 9, 0)
    assert at_t1.posts_per_week == {date(2024, 6, 3): 2}
    assert at_t1.history_since == _local(2024, 6, 3, 9, 0)

    at_t2 = (await _facts(sessions, t2, june))[WEIBO.id]
    assert (at_t2.outcome, at_t2.checked_at) == (Outcome.OK, t2)
    assert at_t2.newest_post == _local(2024, 6, 11, 9, 0)
    assert at_t2.posts_per_week == {date(2024, 6, 3): 3, date(2024, 6, 10): 1}

    after = (await _facts(sessions, t3 + DAY, june))[WEIBO.id]
    assert (after.outcome, after.checked_at, after.detail) == (Outcome.HTTP_ERROR, t3, "HTTP 503")
    assert after.newest_post == t2 + timedelta(hours=2)
    assert after.posts_per_week == {date(2024, 6, 3): 3, date(2024, 6, 10): 2}
    assert after.history_since == _local(2024, 6, 3, 9, 0)


async def test_a_feed_that_scrolled_past_unseen_posts_leaves_a_gap(sessions: Sessions) -> None:
    run_id = await _run(sessions)
    june = Period.parse("2024-06")
    t1, t2, t3 = T0, T0 + 10 * DAY, T0 + 11 * DAY
    await _fetch(sessions, run_id, t1, [_post("a", t1 - 2 * DAY), _post("b", t1 - DAY)])
    # Ten days later the feed shows only new posts, the oldest five days after t1: what was
    # published between t1 and then may have scrolled off unseen.
    await _fetch(sessions, run_id, t2, [_post("c", t1 + 5 * DAY), _post("d", t1 + 9 * DAY)])
    # The next day the feed overlaps what was seen: no new gap.
    await _fetch(sessions, run_id, t3, [_post("d", t1 + 9 * DAY), _post("e", t2 + DAY / 2)])
    # WECHAT: a late post published before the previous fetch shows the feed reached back.
    await _fetch(sessions, run_id, t1, [_post("w1", t1 - DAY)], account=WECHAT)
    await _fetch(
        sessions, run_id, t2, [_post("w0", t1 - DAY / 2), _post("w2", t2 - DAY)], account=WECHAT
    )
    # DOUYIN: a failed fetch between two overlapping readable ones opens no gap.
    await _fetch(sessions, run_id, t1, [_post("y1", t1 - DAY)], account=DOUYIN)
    await _fetch(sessions, run_id, t1 + DAY, [], account=DOUYIN, outcome=Outcome.TIMEOUT)
    await _fetch(
        sessions, run_id, t2, [_post("y1", t1 - DAY), _post("y2", t2 - DAY)], account=DOUYIN
    )

    facts = await _facts(sessions, t3, june)
    assert facts[WEIBO.id].history_since == t1 - 2 * DAY
    assert facts[WEIBO.id].history_gaps == ((t1, t1 + 5 * DAY),)
    assert facts[WECHAT.id].history_gaps == ()
    assert facts[DOUYIN.id].history_gaps == ()
    # As of before the second fetch, no gap was known yet.
    assert (await _facts(sessions, t2 - DAY, june))[WEIBO.id].history_gaps == ()
    # A gap wholly before the period is not reported for it.
    july = (await _facts(sessions, t3, Period.parse("2024-07")))[WEIBO.id]
    assert july.history_gaps == ()
