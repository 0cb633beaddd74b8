"""Screenshots as evidence: the picture of a page that carried a finding, at the time of
the check. A row per page and run (``screenshots``); each distinct image stored once
(``screenshot_images``), kept with the bodies' retention but for each page's newest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import chunks, dialect_insert
from storage.models import screenshot_image_table, screenshot_table
from storage.pages import content_hash

__all__ = [
    "Screenshot",
    "ScreenshotRef",
    "prune_screenshots",
    "record_screenshots",
    "screenshot_images",
    "screenshots_as_of",
]

PNG = "image/png"


@dataclass(frozen=True, slots=True, kw_only=True)
class Screenshot:
    """A screenshot to store: the page it shows and the image."""

    site_id: str
    column_id: str | None
    url: str
    taken_at: datetime
    image: bytes
    width: int
    height: int
    media_type: str = PNG


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreenshotRef:
    """A stored screenshot, without its bytes (``screenshot_images`` reads them)."""

    site_id: str
    column_id: str | None
    url: str
    taken_at: datetime
    run_id: int
    content_hash: str
    media_type: str
    width: int
    height: int


async def record_screenshots(
    session: AsyncSession, *, run_id: int, shots: Sequence[Screenshot]
) -> None:
    """Store the run's screenshots; an image already stored is not stored again."""
    images: dict[str, dict[str, Any]] = {}
    rows = []
    for shot in shots:
        digest = content_hash(shot.image)
        images.setdefault(
            digest,
            {
                "content_hash": digest,
                "data": shot.image,
                "size": len(shot.image),
                "first_stored_at": shot.taken_at,
            },
        )
        rows.append(
            {
                "run_id": run_id,
                "site_id": shot.site_id,
                "column_id": shot.column_id,
                "url": shot.url,
                "taken_at": shot.taken_at,
                "content_hash": digest,
                "media_type": shot.media_type,
                "width": shot.width,
                "height": shot.height,
            }
        )
    for chunk in chunks(list(images.values())):
        stmt = dialect_insert(session, screenshot_image_table)
        stmt = stmt.on_conflict_do_nothing(index_elements=[screenshot_image_table.c.content_hash])
        await session.execute(stmt, list(chunk))
    for chunk in chunks(rows):
        await session.execute(screenshot_table.insert(), list(chunk))


async def screenshots_as_of(
    session: AsyncSession, *, as_of: datetime, site_ids: Iterable[str] | None = None
) -> dict[tuple[str, str | None], ScreenshotRef]:
    """Each page's newest screenshot taken at or before ``as_of``, by (site, column)."""
    s = screenshot_table
    newest = select(s.c.site_id, s.c.column_id, func.max(s.c.id).label("id")).where(
        s.c.taken_at <= as_of
    )
    if site_ids is not None:
        newest = newest.where(s.c.site_id.in_(list(site_ids)))
    latest = newest.group_by(s.c.site_id, s.c.column_id).subquery()
    rows = await session.execute(select(s).join(latest, s.c.id == latest.c.id))
    return {
        (row.site_id, row.column_id): ScreenshotRef(
            site_id=row.site_id,
            column_id=row.column_id,
            url=row.url,
            taken_at=row.taken_at,
            run_id=row.run_id,
            content_hash=row.content_hash,
            media_type=row.media_type,
            width=row.width,
            height=row.height,
        )
        for row in rows
    }


async def screenshot_images(session: AsyncSession, hashes: Iterable[str]) -> dict[str, bytes]:
    """The stored images of these hashes, by hash (a pruned one is missing)."""
    t = screenshot_image_table
    images: dict[str, bytes] = {}
    for chunk in chunks(sorted(set(hashes))):
        rows = await session.execute(
            select(t.c.content_hash, t.c.data).where(t.c.content_hash.in_(chunk))
        )
        images.update({row.content_hash: bytes(row.data) for row in rows})
    return images


async def prune_screenshots(session: AsyncSession, *, keep_days: int, now: datetime) -> int:
    """Drop screenshots older than ``keep_days`` but each page's newest, then the images no
    screenshot shows any more; returns how many screenshots went."""
    s = screenshot_table
    cutoff = now - timedelta(days=keep_days)
    newest = select(func.max(s.c.id)).group_by(s.c.site_id, s.c.column_id)
    result = await session.execute(delete(s).where(s.c.taken_at < cutoff, s.c.id.not_in(newest)))
    i = screenshot_image_table
    shown = select(s.c.id).where(s.c.content_hash == i.c.content_hash).exists()
    await session.execute(delete(i).where(~shown))
    return int(result.rowcount)  # type: ignore[attr-defined]
