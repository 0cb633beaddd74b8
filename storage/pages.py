"""Writing fetched pages: snapshots, their bodies and their items, one page or a batch.

``record_pages`` stores a batch of pages in a handful of statements (bodies, snapshots and
items each in one bulk statement) instead of several per page: with SQLite every statement
is a round trip to the driver's thread, and this is what bounds a crawl's throughput. The
caller owns the transaction, so a batch commits whole or not at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rules.model import Item
from storage.bulk import chunks, dialect_insert
from storage.models import body_table, item_table, snapshot_table
from storage.records import FetchRecord

__all__ = ["PageWrite", "content_hash", "record_pages"]

BODY_COMPRESSION = 1
"""zlib level of stored bodies. On 998 real pages (150 KB on average) level 1 compresses at
128 MiB/s to 23.5 % of the size, level 6 at 49 MiB/s to 19.9 %: level 6 cost a crawl's
event loop more time than any other step (docs/performance.md)."""

_ITEM_CHANGES = ("title", "published", "date_where", "date_text", "last_seen", "last_snapshot_id")
"""What an upsert of a known item updates; ``first_seen`` stays."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageWrite:
    """One fetched page to store: where it belongs, how the fetch ended, what it listed."""

    site_id: str
    column_id: str | None  # None: the homepage
    record: FetchRecord
    items: Sequence[Item] = field(default=())


def content_hash(body: bytes) -> str:
    """The key a body is stored under: the sha256 hex of the raw bytes."""
    return hashlib.sha256(body).hexdigest()


def unique_items(items: Sequence[Item]) -> list[Item]:
    """The items of one page by URL; the same URL twice counts once (the first wins)."""
    unique: dict[str, Item] = {}
    for item in items:
        unique.setdefault(item.url, item)
    return list(unique.values())


async def store_bodies(session: AsyncSession, records: Sequence[FetchRecord]) -> list[str | None]:
    """Store each record's body once per distinct content; returns each record's hash.

    Only bodies not stored yet are compressed, on a thread (zlib lets go of the GIL while
    it works), so the event loop goes on fetching meanwhile."""
    digests: list[str | None] = []
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.body is None:
            digests.append(None)
            continue
        digest = content_hash(record.body)
        digests.append(digest)
        rows.setdefault(
            digest,
            {
                "content_hash": digest,
                "data": record.body,
                "size": len(record.body),
                "first_stored_at": record.fetched_at,
            },
        )
    if rows:  # a body stored before (an unchanged page answering 200) is not compressed again
        known = select(body_table.c.content_hash).where(body_table.c.content_hash.in_(list(rows)))
        for stored in (await session.execute(known)).scalars():
            del rows[stored]
    if rows:
        await asyncio.to_thread(_compress, rows.values())
    for chunk in chunks(list(rows.values())):
        stmt = dialect_insert(session, body_table)
        stmt = stmt.on_conflict_do_nothing(index_elements=[body_table.c.content_hash])
        await session.execute(stmt, list(chunk))
    return digests


def _compress(rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        row["data"] = zlib.compress(row["data"], BODY_COMPRESSION)


def snapshot_row(
    *,
    run_id: int,
    site_id: str,
    column_id: str | None,
    record: FetchRecord,
    digest: str | None,
    item_count: int,
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "site_id": site_id,
        "column_id": column_id,
        "url": record.url,
        "final_url": record.final_url,
        "fetched_at": record.fetched_at,
        "outcome": record.outcome.value,
        "status": record.status,
        "elapsed_s": record.elapsed_s,
        "attempts": record.attempts,
        "bytes_read": record.bytes_read,
        "encoding": record.encoding,
        "content_type": record.content_type,
        "etag": record.etag,
        "last_modified": record.last_modified,
        "detail": record.detail,
        "page_kind": record.page_kind,
        "list_found": record.list_found,
        "item_count": item_count,
        "meta": dict(record.meta) or None,
        "personal_data": [dict(found) for found in record.personal_data] or None,
        "content_checks": dict(record.content_checks) if record.content_checks else None,
        "content_hash": digest,
    }


def item_rows(
    *,
    site_id: str,
    column_id: str | None,
    items: Sequence[Item],
    snapshot_id: int,
    seen_at: datetime,
) -> list[dict[str, Any]]:
    return [
        {
            "site_id": site_id,
            "column_id": column_id,
            "url": item.url,
            "title": item.title,
            "published": item.published,
            "date_where": item.date_where,
            "date_text": item.date_text,
            "first_seen": seen_at,
            "last_seen": seen_at,
            "last_snapshot_id": snapshot_id,
        }
        for item in items
    ]


async def upsert_items(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new items, move known ones to their newest snapshot (first_seen stays)."""
    homepage = [row for row in rows if row["column_id"] is None]
    columns = [row for row in rows if row["column_id"] is not None]
    for group, is_homepage in ((homepage, True), (columns, False)):
        for chunk in chunks(group):
            stmt = dialect_insert(session, item_table)
            set_ = {name: stmt.excluded[name] for name in _ITEM_CHANGES}
            if is_homepage:
                # NULLs are distinct in unique keys: homepage items have a partial index.
                stmt = stmt.on_conflict_do_update(
                    index_elements=[item_table.c.site_id, item_table.c.url],
                    index_where=item_table.c.column_id.is_(None),
                    set_=set_,
                )
            else:
                stmt = stmt.on_conflict_do_update(
                    index_elements=[
                        item_table.c.site_id,
                        item_table.c.column_id,
                        item_table.c.url,
                    ],
                    set_=set_,
                )
            await session.execute(stmt, list(chunk))


async def record_pages(
    session: AsyncSession, *, run_id: int, pages: Sequence[PageWrite]
) -> list[int]:
    """Store a batch of fetched pages; returns their snapshot ids in order.

    An ``ok`` page's items are upserted and move to its snapshot. A 304 page's items are
    NOT carried here: call ``repository.carry_items`` for it (it needs the page's previous
    snapshot).
    """
    if not pages:
        return []
    digests = await store_bodies(session, [page.record for page in pages])
    listed = [unique_items(page.items) if page.record.outcome.has_content else [] for page in pages]
    rows = [
        snapshot_row(
            run_id=run_id,
            site_id=page.site_id,
            column_id=page.column_id,
            record=page.record,
            digest=digest,
            item_count=len(items),
        )
        for page, digest, items in zip(pages, digests, listed, strict=True)
    ]
    snapshot_ids: list[int] = []
    for chunk in chunks(rows):
        result = await session.execute(
            snapshot_table.insert().returning(snapshot_table.c.id, sort_by_parameter_order=True),
            list(chunk),
        )
        snapshot_ids.extend(int(row_id) for row_id in result.scalars())
    items = [
        row
        for page, items, snapshot_id in zip(pages, listed, snapshot_ids, strict=True)
        for row in item_rows(
            site_id=page.site_id,
            column_id=page.column_id,
            items=items,
            snapshot_id=snapshot_id,
            seen_at=page.record.fetched_at,
        )
    ]
    await upsert_items(session, items)
    return snapshot_ids


async def count_new_items(session: AsyncSession, snapshot_ids: Sequence[int]) -> int:
    """How many of the items these snapshots showed were seen for the first time there."""
    new = 0
    for chunk in chunks(snapshot_ids):
        new += int(
            await session.scalar(
                select(func.count())
                .select_from(
                    item_table.join(
                        snapshot_table, item_table.c.last_snapshot_id == snapshot_table.c.id
                    )
                )
                .where(
                    snapshot_table.c.id.in_(chunk),
                    item_table.c.first_seen == snapshot_table.c.fetched_at,
                )
            )
            or 0
        )
    return new
