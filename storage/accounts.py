"""New-media accounts: the targets, each fetch of an account's source, its posts, and the facts
the rules judge an account by.

Every function takes an ``AsyncSession`` and leaves the transaction to the caller. Posts are
kept once per (account, key) with their history: ``first_seen`` stays, ``last_seen`` and the
fetch that last showed the post move on. Only an ``ok`` fetch shows posts; a failed or
blocked fetch is stored as what it is and tells nothing about posting.

``account_facts`` answers for any moment ``as_of`` from what had been fetched by then, and
counts posts per natural week (Monday 00:00 to Sunday 24:00, Asia/Shanghai) in SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession

from rules.facts import Account, AccountFacts
from rules.model import SHANGHAI, Outcome
from rules.period import Period
from storage.bulk import chunks, dialect_insert
from storage.models import account_fetch_table, account_table, post_table
from storage.pages import store_bodies
from storage.records import FetchRecord

__all__ = [
    "PostValue",
    "account_facts",
    "newest_published",
    "post_gaps",
    "record_account_fetch",
    "sync_accounts",
    "unchanged_since",
]

logger = logging.getLogger(__name__)

_READABLE = tuple(o.value for o in Outcome if o.readable)


class PostValue(Protocol):
    """What storage needs of a post: ``crawler.platforms.model.Post`` has this shape.

    Storage may not import the crawler, so it names the shape rather than the class.
    """

    @property
    def key(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def published(self) -> datetime: ...  # aware UTC
    @property
    def is_repost(self) -> bool | None: ...
    @property
    def shown(self) -> str | None: ...  # the relative time the page showed (3天前), if any


# --- targets -------------------------------------------------------------------------------


async def sync_accounts(
    session: AsyncSession, accounts: Sequence[tuple[Account, str]], *, now: datetime
) -> None:
    """Upsert accounts with their source URLs; accounts no longer listed become inactive."""
    a = account_table
    rows = [
        {
            "id": account.id,
            "name": account.name,
            "platform": account.platform.value,
            "unit": account.unit,
            "source_url": source_url,
            "active": True,
            "updated_at": now,
        }
        for account, source_url in accounts
    ]
    for chunk in chunks(rows):
        stmt = dialect_insert(session, a)
        stmt = stmt.on_conflict_do_update(
            index_elements=[a.c.id],
            set_={name: stmt.excluded[name] for name in rows[0] if name != "id"},
        )
        await session.execute(stmt, list(chunk))

    wanted = {account.id for account, _ in accounts}
    active = (await session.scalars(select(a.c.id).where(a.c.active))).all()
    gone = [account_id for account_id in active if account_id not in wanted]
    for id_chunk in chunks(gone):
        await session.execute(
            update(a).where(a.c.id.in_(id_chunk)).values(active=False, updated_at=now)
        )
    if gone:
        logger.info("targets: %d accounts no longer listed, marked inactive", len(gone))


# --- fetches and posts ---------------------------------------------------------------------


def _unique_posts(posts: Sequence[PostValue]) -> list[PostValue]:
    """The posts of one fetch by key; the same key twice counts once (the first wins)."""
    unique: dict[str, PostValue] = {}
    for post in posts:
        unique.setdefault(post.key, post)
    return list(unique.values())


async def record_account_fetch(
    session: AsyncSession,
    *,
    run_id: int,
    account_id: str,
    record: FetchRecord,
    posts: Sequence[PostValue],
) -> tuple[int, int]:
    """Store one fetch of an account's source and upsert the posts it showed.

    Returns (the fetch's id, how many of its posts were seen for the first time). Posts are
    taken only from an ``ok`` fetch; for any other outcome they are ignored. The body is kept
    once per distinct content, like page bodies.
    """
    shown = _unique_posts(posts) if record.outcome.has_content else []
    (digest,) = await store_bodies(session, [record])
    f = account_fetch_table
    fetch_id = await session.scalar(
        f.insert()
        .values(
            run_id=run_id,
            account_id=account_id,
            url=record.url,
            fetched_at=record.fetched_at,
            outcome=record.outcome.value,
            status=record.status,
            elapsed_s=record.elapsed_s,
            detail=record.detail,
            post_count=len(shown),
            content_hash=digest,
        )
        .returning(f.c.id)
    )
    assert fetch_id is not None
    if not shown:
        return fetch_id, 0

    p = post_table
    known: set[str] = set()
    for key_chunk in chunks([post.key for post in shown]):
        known.update(
            await session.scalars(
                select(p.c["key"]).where(p.c.account_id == account_id, p.c["key"].in_(key_chunk))
            )
        )
    rows = [
        {
            "account_id": account_id,
            "key": post.key,
            "url": post.url,
            "title": post.title,
            "published": post.published,
            "is_repost": post.is_repost,
            "shown": post.shown,
            "first_seen": record.fetched_at,
            "last_seen": record.fetched_at,
            "last_fetch_id": fetch_id,
        }
        for post in shown
    ]
    for chunk in chunks(rows):
        await session.execute(_upsert_posts(session), list(chunk))
    return fetch_id, sum(1 for post in shown if post.key not in known)


def _upsert_posts(session: AsyncSession) -> Any:
    """Insert new posts; a known post keeps its earliest ``first_seen`` and takes the rest from
    the newer of the two fetches (a fetch stored late never moves a post back)."""
    p = post_table
    stmt = dialect_insert(session, p)
    new = stmt.excluded
    newer = new.last_seen >= p.c.last_seen

    def newest(name: str, value: Any = None) -> Any:
        return case((newer, new[name] if value is None else value), else_=p.c[name])

    return stmt.on_conflict_do_update(
        index_elements=[p.c.account_id, p.c["key"]],
        set_={
            "url": newest("url"),
            "title": newest("title"),
            "published": newest("published"),
            "shown": newest("shown"),
            # A source that does not say keeps what an earlier fetch said.
            "is_repost": newest("is_repost", func.coalesce(new.is_repost, p.c.is_repost)),
            "first_seen": case(
                (new.first_seen < p.c.first_seen, new.first_seen), else_=p.c.first_seen
            ),
            "last_seen": newest("last_seen"),
            "last_fetch_id": newest("last_fetch_id"),
        },
    )


# --- a source's own history ----------------------------------------------------------------

_SAME_BODY_OUTCOMES = (Outcome.OK.value, Outcome.RENDERED.value, Outcome.STALE_SUSPECT.value)
_HISTORY_LIMIT = 500


async def unchanged_since(
    session: AsyncSession, account_id: str, *, content_hash: str | None, before: datetime
) -> datetime | None:
    """Since when the account's source has answered with the same body up to ``before``.

    The earliest fetch time from which every answer with a body had ``content_hash`` (a 304
    says "the same"; failed fetches say nothing and are passed over), looking back at most
    500 fetches; None when the newest earlier answer already differed. ``content_hash`` None
    (the fetch at ``before`` was itself a 304) takes the newest stored body's hash.
    """
    f = account_fetch_table
    rows = await session.execute(
        select(f.c.fetched_at, f.c.outcome, f.c.content_hash)
        .where(f.c.account_id == account_id, f.c.fetched_at < before)
        .order_by(f.c.fetched_at.desc(), f.c.id.desc())
        .limit(_HISTORY_LIMIT)
    )
    since: datetime | None = None
    for fetched_at, outcome, digest in rows:
        if outcome == Outcome.NOT_MODIFIED.value:
            since = fetched_at
        elif outcome in _SAME_BODY_OUTCOMES and digest is not None:
            if content_hash is None:
                content_hash = digest
            if digest != content_hash:
                break
            since = fetched_at
    return since


async def newest_published(session: AsyncSession, account_id: str) -> datetime | None:
    """When the account's newest stored post was published (None: no post stored)."""
    p = post_table
    newest: datetime | None = await session.scalar(
        select(func.max(p.c.published)).where(p.c.account_id == account_id)
    )
    return newest


async def post_gaps(session: AsyncSession, account_id: str, *, posts: int = 31) -> list[timedelta]:
    """The gaps between the account's newest ``posts`` stored posts, newest first."""
    p = post_table
    published = list(
        await session.scalars(
            select(p.c.published)
            .where(p.c.account_id == account_id)
            .order_by(p.c.published.desc())
            .limit(posts)
        )
    )
    return [newer - older for newer, older in pairwise(published)]


# --- facts ---------------------------------------------------------------------------------


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
