"""New-media accounts: the targets, each fetch of an account's source, its posts, and what a
source's own history says (for the signs that it stopped).

Every function takes an ``AsyncSession`` and leaves the transaction to the caller. Posts are
kept once per (account, key) with their history: ``first_seen`` stays, ``last_seen`` and the
fetch that last showed the post move on. Only an ``ok`` fetch shows posts; a failed or
blocked fetch is stored as what it is and tells nothing about posting. The facts the rules
judge an account by are ``storage.account_facts``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, Protocol

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rules.facts import Account
from rules.model import Outcome
from storage.bulk import chunks, dialect_insert
from storage.models import account_fetch_table, account_table, post_table
from storage.pages import store_bodies
from storage.records import FetchRecord

__all__ = [
    "PostValue",
    "newest_published",
    "post_gaps",
    "record_account_fetch",
    "sync_accounts",
    "unchanged_since",
]

logger = logging.getLogger(__name__)


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
