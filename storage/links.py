"""Link and image checks: writing a run's checks, and reading them back for the rules.

One row per URL and page it was seen on, per run (``link_checks``). ``link_facts`` gives the
checks of one run per site (what the runner judges); ``link_facts_as_of`` the checks of each
site's newest run with checks at or before a moment (``crawl findings``);
``previous_references`` what a page showed in the newest earlier run that checked it (a page
answering 304 still has the same links and images). Every function takes an
``AsyncSession`` and leaves the transaction to the caller.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rules.links import LinkCheck, LinkKind, LinkVerdict, SiteLinkFacts
from rules.model import CONTENT_OUTCOMES, Site
from storage.bulk import chunks, newest_run_rows
from storage.models import body_table as b
from storage.models import link_check_table, snapshot_table

__all__ = [
    "link_facts",
    "link_facts_as_of",
    "previous_bodies",
    "previous_references",
    "prune_link_checks",
    "record_link_checks",
]

logger = logging.getLogger(__name__)

_PageKey = tuple[str, str | None]


async def record_link_checks(
    session: AsyncSession, *, run_id: int, checks: Sequence[LinkCheck]
) -> None:
    rows = [
        {
            "run_id": run_id,
            "site_id": check.site_id,
            "column_id": check.column_id,
            "page_url": check.page_url,
            "url": check.url,
            "kind": check.kind.value,
            "external": check.external,
            "verdict": check.verdict.value,
            "status": check.status,
            "content_type": check.content_type,
            "detail": check.detail,
            "label": check.label,
            "checked_at": check.checked_at,
        }
        for check in checks
    ]
    for chunk in chunks(rows):
        await session.execute(link_check_table.insert(), list(chunk))


async def link_facts(
    session: AsyncSession, *, run_id: int, sites: Sequence[Site]
) -> dict[str, SiteLinkFacts]:
    """The checks run ``run_id`` made, per site of ``sites`` (sites without any are left out)."""
    t = link_check_table
    by_site: dict[str, list[LinkCheck]] = {}
    for site_chunk in chunks([s.id for s in sites]):
        rows = await session.execute(
            select(t).where(t.c.run_id == run_id, t.c.site_id.in_(site_chunk)).order_by(t.c.id)
        )
        for row in rows:
            by_site.setdefault(row.site_id, []).append(_check(row))
    return {site: SiteLinkFacts(site_id=site, checks=tuple(c)) for site, c in by_site.items()}


async def link_facts_as_of(
    session: AsyncSession, *, sites: Sequence[Site], as_of: datetime
) -> dict[str, SiteLinkFacts]:
    """Per site, the checks of its newest run with checks made at or before ``as_of``."""
    by_site: dict[str, list[LinkCheck]] = {}
    for row in await newest_run_rows(session, link_check_table, [s.id for s in sites], as_of):
        by_site.setdefault(row.site_id, []).append(_check(row))
    return {site: SiteLinkFacts(site_id=site, checks=tuple(c)) for site, c in by_site.items()}


async def previous_references(
    session: AsyncSession, *, before_run: int, pages: Sequence[_PageKey]
) -> dict[_PageKey, list[LinkCheck]]:
    """What each page showed in the newest run before ``before_run`` that checked it."""
    t = link_check_table
    wanted = set(pages)
    out: dict[_PageKey, list[LinkCheck]] = {}
    for site_chunk in chunks(sorted({site for site, _ in wanted})):
        newest = (
            select(t.c.site_id, t.c.column_id, func.max(t.c.run_id).label("run_id"))
            .where(t.c.site_id.in_(site_chunk), t.c.run_id < before_run)
            .group_by(t.c.site_id, t.c.column_id)
            .subquery()
        )
        rows = await session.execute(
            select(t)
            .join(
                newest,
                and_(
                    t.c.site_id == newest.c.site_id,
                    t.c.run_id == newest.c.run_id,
                    t.c.column_id.is_not_distinct_from(newest.c.column_id),
                ),
            )
            .order_by(t.c.id)
        )
        for row in rows:
            key = (row.site_id, row.column_id)
            if key in wanted:
                out.setdefault(key, []).append(_check(row))
    return out


async def previous_bodies(
    session: AsyncSession, *, before_run: int, pages: Sequence[_PageKey]
) -> dict[_PageKey, tuple[str, str | None, bytes]]:
    """For each page, its newest readable snapshot before ``before_run`` whose body is still
    stored: (the URL it was read at, its Content-Type, the body). What a 304 answer stands for."""
    s = snapshot_table
    wanted = set(pages)
    out: dict[_PageKey, tuple[str, str | None, bytes]] = {}
    for site_chunk in chunks(sorted({site for site, _ in wanted})):
        newest = (
            select(s.c.site_id, s.c.column_id, func.max(s.c.id).label("id"))
            .where(
                s.c.site_id.in_(site_chunk),
                s.c.run_id < before_run,
                s.c.outcome.in_(CONTENT_OUTCOMES),
                s.c.content_hash.is_not(None),
            )
            .group_by(s.c.site_id, s.c.column_id)
            .subquery()
        )
        rows = await session.execute(
            select(s.c.site_id, s.c.column_id, s.c.url, s.c.final_url, s.c.content_type, b.c.data)
            .join(newest, s.c.id == newest.c.id)
            .join(b, b.c.content_hash == s.c.content_hash)
        )
        for row in rows:
            key = (row.site_id, row.column_id)
            if key in wanted:
                url = row.final_url or row.url
                out[key] = (url, row.content_type, zlib.decompress(row.data))
    return out


async def prune_link_checks(session: AsyncSession, *, keep_days: int, now: datetime) -> int:
    """Delete link and image checks older than ``keep_days``; returns how many.

    The checks of each page's newest checking run are always kept: a page answering 304 is
    checked again from them (``previous_references``), however old they are.
    """
    if keep_days < 0:
        raise ValueError(f"keep_days={keep_days}: pass 0 or more days")
    t = link_check_table
    newer = link_check_table.alias("newer")
    superseded = (
        select(newer.c.id)
        .where(
            newer.c.site_id == t.c.site_id,
            newer.c.column_id.is_not_distinct_from(t.c.column_id),
            newer.c.run_id > t.c.run_id,
        )
        .exists()
    )
    cutoff = now - timedelta(days=keep_days)
    result = await session.execute(delete(t).where(t.c.checked_at < cutoff, superseded))
    pruned = int(result.rowcount)  # type: ignore[attr-defined]
    logger.info("pruned %d link and image checks older than %s", pruned, cutoff.isoformat())
    return pruned


def _check(row: Any) -> LinkCheck:
    return LinkCheck(
        site_id=row.site_id,
        column_id=row.column_id,
        page_url=row.page_url,
        url=row.url,
        kind=LinkKind(row.kind),
        external=row.external,
        verdict=LinkVerdict(row.verdict),
        checked_at=row.checked_at,
        status=row.status,
        content_type=row.content_type,
        detail=row.detail,
        label=row.label,
    )
