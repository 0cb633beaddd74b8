"""The facts the rules judge a new-media account by, as known at any moment ``as_of``: the
newest fetch, the newest post, posts per natural week (Monday 00:00 to Sunday 24:00,
Asia/Shanghai, counted in SQL), and how far back the stored history is complete.

Every function takes an ``AsyncSession`` and leaves the transaction to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, cast, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from rules.facts import Account, AccountFacts
from rules.model import SHANGHAI, Outcome
from rules.period import Period
from storage.bulk import chunks
from storage.models import account_fetch_table, account_table, post_table

__all__ = ["account_facts"]

_READABLE = tuple(o.value for o in Outcome if o.readable)


async def account_facts(
    session: AsyncSession, *, accounts: Sequence[Account], as_of: datetime, period: Period
) -> list[AccountFacts]:
    """The facts of each account as known at ``as_of``, in the order given.

    From the newest fetch at or before ``as_of``: the URL, its time, outcome and detail. From
    the posts first seen and published by ``as_of``: the newest post, and the posts per
    natural week for every week that overlaps ``period`` (weeks without posts are absent).
    ``history_since`` is the oldest post the account's first readable fetch showed (a feed
    lists its newest posts, so everything since then is known), or that fetch's time when it
    showed none; None when nothing readable was fetched by ``as_of``. ``history_gaps`` are the
    spans since then in which posts may be missing: a readable fetch whose posts were all new
    and all newer than the fetch before it (the feed scrolled past what was not fetched).

    An account never fetched by ``as_of`` has outcome None, ``checked_at`` ``as_of`` and the
    source URL it was synced with.
    """
    ids = list(dict.fromkeys(account.id for account in accounts))
    fetches: dict[str, Any] = {}
    history: dict[str, datetime] = {}
    gaps: dict[str, list[tuple[datetime, datetime]]] = {}
    newest: dict[str, Any] = {}
    weeks: dict[str, dict[date, int]] = {}
    sources: dict[str, str] = {}
    for chunk in chunks(ids):
        fetches.update(await _newest_fetches(session, chunk, as_of))
        history.update(await _history_since(session, chunk, as_of))
        for account_id, gap in await _history_gaps(session, chunk, as_of, period):
            gaps.setdefault(account_id, []).append(gap)
        newest.update(await _newest_posts(session, chunk, as_of))
        for account_id, monday, count in await _posts_per_week(session, chunk, as_of, period):
            weeks.setdefault(account_id, {})[monday] = count
        sources.update(await _source_urls(session, chunk))

    facts: list[AccountFacts] = []
    for account in accounts:
        fetch = fetches.get(account.id)
        post = newest.get(account.id)
        facts.append(
            AccountFacts(
                account=account,
                url=fetch.url if fetch is not None else sources.get(account.id, ""),
                checked_at=fetch.fetched_at if fetch is not None else as_of,
                outcome=Outcome(fetch.outcome) if fetch is not None else None,
                detail=fetch.detail if fetch is not None else None,
                newest_post=post.published if post is not None else None,
                newest_post_title=post.title if post is not None else None,
                newest_post_url=post.url if post is not None else None,
                newest_post_shown=post.shown if post is not None else None,
                posts_per_week=weeks.get(account.id, {}),
                history_since=history.get(account.id),
                history_gaps=tuple(sorted(gaps.get(account.id, ()))),
            )
        )
    return facts


def _known_by(as_of: datetime) -> ColumnElement[bool]:
    """Posts that had been seen, and were published, by ``as_of``."""
    p = post_table
    return and_(p.c.first_seen <= as_of, p.c.published <= as_of)


async def _newest_fetches(
    session: AsyncSession, account_ids: Sequence[str], as_of: datetime
) -> dict[str, Any]:
    f = account_fetch_table
    ranked = (
        select(
            f.c.account_id,
            f.c.url,
            f.c.fetched_at,
            f.c.outcome,
            f.c.detail,
            func.row_number()
            .over(partition_by=f.c.account_id, order_by=(f.c.fetched_at.desc(), f.c.id.desc()))
            .label("rank"),
        )
        .where(f.c.account_id.in_(account_ids), f.c.fetched_at <= as_of)
        .subquery("ranked_fetches")
    )
    rows = (await session.execute(select(ranked).where(ranked.c.rank == 1))).all()
    return {row.account_id: row for row in rows}


async def _history_since(
    session: AsyncSession, account_ids: Sequence[str], as_of: datetime
) -> dict[str, datetime]:
    """From when each account's posts are known: the oldest post its first readable fetch by
    ``as_of`` showed, or that fetch's time when it showed none.

    Posts come only from readable fetches, so the posts first seen at or before the first
    readable fetch are exactly the posts it showed.
    """
    f, p = account_fetch_table, post_table
    first = (
        select(f.c.account_id, func.min(f.c.fetched_at).label("fetched_at"))
        .where(
            f.c.account_id.in_(account_ids),
            f.c.fetched_at <= as_of,
            f.c.outcome.in_(_READABLE),
        )
        .group_by(f.c.account_id)
        .subquery("first_readable")
    )
    query = (
        select(first.c.account_id, first.c.fetched_at, func.min(p.c.published))
        .outerjoin(
            p,
            and_(p.c.account_id == first.c.account_id, p.c.first_seen <= first.c.fetched_at),
        )
        .group_by(first.c.account_id, first.c.fetched_at)
    )
    return {
        account_id: fetched_at if oldest is None else min(oldest, fetched_at)
        for account_id, fetched_at, oldest in (await session.execute(query)).all()
    }


async def _history_gaps(
    session: AsyncSession, account_ids: Sequence[str], as_of: datetime, period: Period
) -> list[tuple[str, tuple[datetime, datetime]]]:
    """Spans in which an account's posts may be missing, for gaps that reach into ``period``.

    A readable fetch at ``t`` that showed new posts, none of them seen before (no post first
    seen before ``t`` was still shown at ``t``), and the oldest of them published after the
    previous readable fetch at ``p``: whatever was published between ``p`` and that oldest post
    may have scrolled off the feed unseen. The gap is (``p``, oldest new post).
    """
    f, p = account_fetch_table, post_table
    readable = (
        select(
            f.c.account_id,
            f.c.fetched_at,
            type_coerce(  # the window function keeps the column's aware-UTC type on SQLite
                func.lag(f.c.fetched_at).over(partition_by=f.c.account_id, order_by=f.c.fetched_at),
                f.c.fetched_at.type,
            ).label("previous"),
        )
        .where(
            f.c.account_id.in_(account_ids),
            f.c.fetched_at <= as_of,
            f.c.outcome.in_(_READABLE),
        )
        .subquery("readable")
    )
    oldest_new = (
        select(func.min(p.c.published))
        .where(p.c.account_id == readable.c.account_id, p.c.first_seen == readable.c.fetched_at)
        .scalar_subquery()
    )
    overlap = (
        select(p.c.id)
        .where(
            p.c.account_id == readable.c.account_id,
            p.c.first_seen < readable.c.fetched_at,
            p.c.last_seen >= readable.c.fetched_at,
        )
        .exists()
    )
    # Only fetches that could open a gap into the period (its first Monday, Asia/Shanghai).
    first_monday = period.start - timedelta(days=period.start.weekday())
    start = datetime.combine(first_monday, time(), tzinfo=SHANGHAI)
    query = (
        select(readable.c.account_id, readable.c.previous, oldest_new.label("oldest"))
        .where(readable.c.previous.is_not(None), readable.c.fetched_at >= start, ~overlap)
        .subquery("candidates")
    )
    rows = (
        await session.execute(
            select(query).where(query.c.oldest.is_not(None), query.c.oldest > query.c.previous)
        )
    ).all()
    return [(row.account_id, (row.previous, row.oldest)) for row in rows]


async def _newest_posts(
    session: AsyncSession, account_ids: Sequence[str], as_of: datetime
) -> dict[str, Any]:
    """Each account's newest post known by ``as_of``: published, title, url, shown."""
    p = post_table
    ranked = (
        select(
            p.c.account_id,
            p.c.published,
            p.c.title,
            p.c.url,
            p.c.shown,
            func.row_number()
            .over(partition_by=p.c.account_id, order_by=(p.c.published.desc(), p.c.id.desc()))
            .label("rank"),
        )
        .where(p.c.account_id.in_(account_ids), _known_by(as_of))
        .subquery("ranked_posts")
    )
    rows = (await session.execute(select(ranked).where(ranked.c.rank == 1))).all()
    return {row.account_id: row for row in rows}


def _week_start(session: AsyncSession, published: Any) -> ColumnElement[date]:
    """The Monday (Asia/Shanghai) of the natural week holding ``published``, in SQL."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # Stored as naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'. SQLite's date functions
        # round the fraction to milliseconds (Sunday 23:59:59.9999 would become Monday), so
        # cut it off first. Then to local time (Shanghai has no DST), back six days, and
        # forward to a Monday: a Monday stays itself, Tuesday to Sunday go back to theirs.
        seconds = func.substr(published, 1, 19)
        local_monday = func.date(seconds, "+8 hours", "-6 days", "weekday 1")
        return type_coerce(local_monday, Date())
    if dialect == "postgresql":
        local = func.timezone(SHANGHAI.key, published)
        return cast(func.date_trunc("week", local), Date())
    raise NotImplementedError(f"no week query for the {dialect!r} dialect — use SQLite or Postgres")


async def _posts_per_week(
    session: AsyncSession, account_ids: Sequence[str], as_of: datetime, period: Period
) -> list[tuple[str, date, int]]:
    """(account, Monday, posts) for the weeks overlapping ``period``, counted in SQL."""
    p = post_table
    first_monday = period.start - timedelta(days=period.start.weekday())
    last_monday = period.end - timedelta(days=period.end.weekday())
    start = datetime.combine(first_monday, time(), tzinfo=SHANGHAI)
    end = datetime.combine(last_monday + timedelta(days=7), time(), tzinfo=SHANGHAI)
    # Grouped over a subquery: Postgres would not match a GROUP BY expression whose bound
    # parameters are numbered apart from the same expression in the SELECT list.
    bucketed = (
        select(p.c.account_id, _week_start(session, p.c.published).label("week"))
        .where(
            p.c.account_id.in_(account_ids),
            _known_by(as_of),
            p.c.published >= start,
            p.c.published < end,
        )
        .subquery("bucketed")
    )
    query = select(bucketed.c.account_id, bucketed.c.week, func.count()).group_by(
        bucketed.c.account_id, bucketed.c.week
    )
    return [(row[0], row[1], row[2]) for row in (await session.execute(query)).all()]


async def _source_urls(session: AsyncSession, account_ids: Sequence[str]) -> dict[str, str]:
    a = account_table
    query = select(a.c.id, a.c.source_url).where(a.c.id.in_(account_ids))
    return {row[0]: row[1] for row in (await session.execute(query)).all()}
