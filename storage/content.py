"""Content checks of the articles and attachments a run read: writing them, the earlier checks
of the same bytes (not read again), and the facts the rules judge (``rules.content``).

Personal numbers are stored masked only; the crawler never hands a whole one down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rules.content import ContentCheck
from rules.model import Site
from storage.bulk import chunks, newest_run_rows
from storage.content_models import content_check_table

__all__ = [
    "ContentWrite",
    "content_facts",
    "content_facts_as_of",
    "earlier_content",
    "record_content_checks",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentWrite:
    """One article's or attachment's checks, as stored."""

    site_id: str
    column_id: str | None
    url: str
    source: str  # article | attachment
    parent_url: str | None
    name: str | None
    kind: str | None
    content_hash: str | None
    checked: bool
    reason: str | None
    found: Mapping[str, Any] | None  # {"personal": [...], "wording": [...], "hidden": [...]}
    checked_at: datetime


async def record_content_checks(
    session: AsyncSession, *, run_id: int, checks: Sequence[ContentWrite]
) -> None:
    rows = [
        {
            "run_id": run_id,
            "site_id": c.site_id,
            "column_id": c.column_id,
            "url": c.url,
            "source": c.source,
            "parent_url": c.parent_url,
            "name": c.name,
            "kind": c.kind,
            "content_hash": c.content_hash,
            "checked": c.checked,
            "reason": c.reason,
            "found": dict(c.found) if c.found else None,
            "checked_at": c.checked_at,
        }
        for c in checks
    ]
    for chunk in chunks(rows):
        await session.execute(content_check_table.insert(), list(chunk))


async def earlier_content(
    session: AsyncSession, urls: Sequence[str]
) -> dict[tuple[str, str], ContentWrite]:
    """The newest stored check of each of ``urls`` per content hash: bytes read before."""
    t = content_check_table
    out: dict[tuple[str, str], ContentWrite] = {}
    for chunk in chunks(sorted(set(urls))):
        rows = await session.execute(
            select(t)
            .where(t.c.url.in_(chunk), t.c.content_hash.is_not(None), t.c.source == "attachment")
            .order_by(t.c.id)
        )
        for row in rows:
            out[(row.url, row.content_hash)] = _write(row)
    return out


def _write(row: Any) -> ContentWrite:
    return ContentWrite(
        site_id=row.site_id,
        column_id=row.column_id,
        url=row.url,
        source=row.source,
        parent_url=row.parent_url,
        name=row.name,
        kind=row.kind,
        content_hash=row.content_hash,
        checked=row.checked,
        reason=row.reason,
        found=row.found,
        checked_at=row.checked_at,
    )


def _check(row: Any, site: Site) -> ContentCheck:
    found = row.found or {}
    column = next((c for c in site.columns if c.id == row.column_id), None)
    return ContentCheck(
        site_id=row.site_id,
        site_name=site.name,
        column_id=row.column_id,
        column_name=column.name if column else None,
        url=row.url,
        source=row.source,
        parent_url=row.parent_url,
        name=row.name,
        checked_at=row.checked_at,
        checked=row.checked,
        reason=row.reason,
        personal=tuple(found.get("personal", ())),
        wording=tuple(found.get("wording", ())),
        hidden=tuple(found.get("hidden", ())),
    )


async def content_facts(
    session: AsyncSession, *, run_id: int, sites: Sequence[Site]
) -> dict[str, tuple[ContentCheck, ...]]:
    """The checks run ``run_id`` made, per site of ``sites`` (sites without any left out)."""
    t = content_check_table
    by_id = {site.id: site for site in sites}
    out: dict[str, list[ContentCheck]] = {}
    for chunk in chunks(sorted(by_id)):
        rows = await session.execute(
            select(t).where(t.c.run_id == run_id, t.c.site_id.in_(chunk)).order_by(t.c.id)
        )
        for row in rows:
            out.setdefault(row.site_id, []).append(_check(row, by_id[row.site_id]))
    return {site_id: tuple(checks) for site_id, checks in out.items()}


async def content_facts_as_of(
    session: AsyncSession, *, sites: Sequence[Site], as_of: datetime
) -> dict[str, tuple[ContentCheck, ...]]:
    """Per site, the checks of its newest run with content checks at or before ``as_of``."""
    by_id = {site.id: site for site in sites}
    out: dict[str, list[ContentCheck]] = {}
    for row in await newest_run_rows(session, content_check_table, list(by_id), as_of):
        out.setdefault(row.site_id, []).append(_check(row, by_id[row.site_id]))
    return {site_id: tuple(checks) for site_id, checks in out.items()}
