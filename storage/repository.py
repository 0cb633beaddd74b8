"""Writes: targets, runs, fetch snapshots, items and findings.

Every function takes an ``AsyncSession`` and leaves the transaction to the caller
(``async with session.begin(): …``), so one page's snapshot and items commit together and
a crash midway leaves the pages before it intact. Bulk writes are Core statements with
the dialect's upsert, so running the same crawl twice never duplicates a row, and they
are chunked to stay under SQLite's bound-parameter limit.
"""

from __future__ import annotations

import logging
import os
import socket
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    delete,
    func,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from rules.model import CONTENT_OUTCOMES, Finding, Item, Outcome, Site
from storage.bulk import chunks, dialect_insert
from storage.errors import RunNotFoundError
from storage.evidence import to_json_value
from storage.lifecycle import is_account_finding
from storage.models import (
    batch_run_table,
    body_table,
    column_table,
    finding_table,
    item_table,
    run_table,
    site_table,
    snapshot_table,
)
from storage.pages import (
    item_rows,
    snapshot_row,
    store_bodies,
    unique_items,
    upsert_items,
)
from storage.records import FetchRecord, RunStatus

logger = logging.getLogger(__name__)

ABANDONED_AFTER = timedelta(hours=24)
"""A 'running' run older than this is abandoned wherever it ran."""

_READABLE = tuple(o.value for o in Outcome if o.readable)


def _same_page(table: Table, site_id: str, column_id: str | None) -> ColumnElement[bool]:
    if column_id is None:
        return and_(table.c.site_id == site_id, table.c.column_id.is_(None))
    return and_(table.c.site_id == site_id, table.c.column_id == column_id)


# --- targets -------------------------------------------------------------------------------


async def sync_targets(session: AsyncSession, sites: Sequence[Site], *, now: datetime) -> None:
    """Upsert sites and columns from the targets; those no longer listed become inactive."""
    site_rows = [
        {
            "id": s.id,
            "name": s.name,
            "homepage": s.homepage,
            "site_code": s.site_code,
            "unit": s.unit,
            "active": True,
            "updated_at": now,
        }
        for s in sites
    ]
    column_rows = [
        {
            "site_id": s.id,
            "column_id": c.id,
            "name": c.name,
            "url": c.url,
            "category": c.category.value,
            "max_age_days": c.max_age_days,
            "selector": c.selector,
            "active": True,
            "updated_at": now,
        }
        for s in sites
        for c in s.columns
    ]
    for chunk in chunks(site_rows):
        stmt = dialect_insert(session, site_table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[site_table.c.id],
            set_={name: stmt.excluded[name] for name in site_rows[0] if name != "id"},
        )
        await session.execute(stmt, list(chunk))
    for column_chunk in chunks(column_rows):
        stmt = dialect_insert(session, column_table)
        keys = ("site_id", "column_id")
        stmt = stmt.on_conflict_do_update(
            index_elements=[column_table.c.site_id, column_table.c.column_id],
            set_={name: stmt.excluded[name] for name in column_rows[0] if name not in keys},
        )
        await session.execute(stmt, list(column_chunk))

    wanted_sites = {s.id for s in sites}
    active_sites = (await session.scalars(select(site_table.c.id).where(site_table.c.active))).all()
    gone_sites = [s for s in active_sites if s not in wanted_sites]
    for id_chunk in chunks(gone_sites):
        await session.execute(
            update(site_table)
            .where(site_table.c.id.in_(id_chunk))
            .values(active=False, updated_at=now)
        )

    wanted_columns = {(s.id, c.id) for s in sites for c in s.columns}
    active_columns = (
        await session.execute(
            select(column_table.c.site_id, column_table.c.column_id).where(column_table.c.active)
        )
    ).all()
    gone_columns = [tuple(k) for k in active_columns if tuple(k) not in wanted_columns]
    for key_chunk in chunks(gone_columns):
        await session.execute(
            update(column_table)
            .where(tuple_(column_table.c.site_id, column_table.c.column_id).in_(key_chunk))
            .values(active=False, updated_at=now)
        )
    if gone_sites or gone_columns:
        logger.info(
            "targets: %d sites and %d columns no longer listed, marked inactive",
            len(gone_sites),
            len(gone_columns),
        )


# --- runs ----------------------------------------------------------------------------------


async def start_run(session: AsyncSession, *, scope: str, started_at: datetime) -> int:
    """Record a new run as 'running' on this host and process; returns its id."""
    result = await session.execute(
        run_table.insert()
        .values(
            scope=scope,
            started_at=started_at,
            status=RunStatus.RUNNING.value,
            pid=os.getpid(),
            hostname=socket.gethostname(),
            stats={},
        )
        .returning(run_table.c.id)
    )
    return int(result.scalar_one())


async def finish_run(
    session: AsyncSession,
    run_id: int,
    *,
    status: str,
    finished_at: datetime,
    stats: Mapping[str, object],
) -> None:
    """Close a run with its final status ('completed', 'failed' or 'interrupted')."""
    final = RunStatus(status)
    if final is RunStatus.RUNNING:
        raise ValueError(f"run {run_id}: finish_run needs a final status, not {status!r}")
    result = await session.execute(
        update(run_table)
        .where(run_table.c.id == run_id)
        .values(status=final.value, finished_at=finished_at, stats=to_json_value(stats))
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise RunNotFoundError(run_id)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OverflowError:  # not a valid pid at all
        return False
    return True


async def interrupt_abandoned_runs(
    session: AsyncSession, *, now: datetime, exclusive_scope: str | None = None
) -> list[int]:
    """Mark 'running' runs whose process is gone as 'interrupted'; returns their ids.

    A run is abandoned when it ran on this host and its pid is no longer alive, or when
    it started more than 24 hours ago (on any host). Runs on other hosts are otherwise left
    alone: they may be live (several workers share one database).

    ``exclusive_scope``: the caller is a job of a batch that holds the job queue's lock of
    this scope (one site, or the accounts), so no other job's run of that scope can be live:
    a job run of that scope still 'running' was left by a worker that died or stalled (its
    job was retried), on whatever host, and is abandoned too. Runs not made by a job
    (``crawl --site`` by hand) are never taken by this rule.
    """
    hostname = socket.gethostname()
    linked = select(batch_run_table.c.run_id).where(batch_run_table.c.run_id == run_table.c.id)
    rows = (
        await session.execute(
            select(
                run_table.c.id,
                run_table.c.pid,
                run_table.c.hostname,
                run_table.c.started_at,
                run_table.c.scope,
                linked.exists().label("job_run"),
            ).where(run_table.c.status == RunStatus.RUNNING.value)
        )
    ).all()
    abandoned = [
        row.id
        for row in rows
        if row.started_at < now - ABANDONED_AFTER
        or (
            row.hostname == hostname
            and row.pid is not None
            and row.pid != os.getpid()
            and not _process_alive(row.pid)
        )
        or (exclusive_scope is not None and row.scope == exclusive_scope and row.job_run)
    ]
    for chunk in chunks(abandoned):
        await session.execute(
            update(run_table)
            .where(run_table.c.id.in_(chunk), run_table.c.status == RunStatus.RUNNING.value)
            .values(status=RunStatus.INTERRUPTED.value, finished_at=now)
        )
    if abandoned:
        logger.warning("runs %s were left running by a stopped process: interrupted", abandoned)
    return sorted(abandoned)


# --- snapshots and bodies ------------------------------------------------------------------


async def record_fetch(
    session: AsyncSession,
    *,
    run_id: int,
    site_id: str,
    column_id: str | None,
    record: FetchRecord,
) -> int:
    """Store one fetch outcome and its body (once per distinct content); returns the snapshot id."""
    (digest,) = await store_bodies(session, [record])
    row = snapshot_row(
        run_id=run_id,
        site_id=site_id,
        column_id=column_id,
        record=record,
        digest=digest,
        item_count=0,
    )
    result = await session.execute(
        snapshot_table.insert().values(row).returning(snapshot_table.c.id)
    )
    return int(result.scalar_one())


async def load_body(session: AsyncSession, digest: str) -> bytes | None:
    """The stored body with that hash, None when it was never stored or has been pruned."""
    data = await session.scalar(
        select(body_table.c.data).where(body_table.c.content_hash == digest)
    )
    return None if data is None else zlib.decompress(data)


async def prune_bodies(session: AsyncSession, *, keep_days: int, now: datetime) -> int:
    """Delete bodies no snapshot of the last ``keep_days`` days refers to; returns how many.

    The body of each page's newest ``ok`` snapshot is always kept: a page answering 304 for
    longer than the retention still shows it, and it is the evidence of the current verdict.
    Snapshots keep their ``content_hash``; only the stored bytes go.
    """
    if keep_days < 0:
        raise ValueError(f"keep_days={keep_days}: pass 0 or more days")
    cutoff = now - timedelta(days=keep_days)
    still_shown = (
        select(snapshot_table.c.id)
        .where(
            snapshot_table.c.content_hash == body_table.c.content_hash,
            snapshot_table.c.fetched_at >= cutoff,
        )
        .exists()
    )
    newest_ok = (
        select(func.max(snapshot_table.c.id))
        .where(snapshot_table.c.outcome.in_(CONTENT_OUTCOMES))
        .group_by(snapshot_table.c.site_id, snapshot_table.c.column_id)
    )
    current = select(snapshot_table.c.content_hash).where(
        snapshot_table.c.id.in_(newest_ok), snapshot_table.c.content_hash.is_not(None)
    )
    result = await session.execute(
        delete(body_table).where(~still_shown, body_table.c.content_hash.not_in(current))
    )
    pruned = int(result.rowcount)  # type: ignore[attr-defined]
    logger.info("pruned %d stored bodies not seen since %s", pruned, cutoff.isoformat())
    return pruned


# --- items ---------------------------------------------------------------------------------


async def record_items(
    session: AsyncSession,
    *,
    snapshot_id: int,
    site_id: str,
    column_id: str | None,
    items: Sequence[Item],
    seen_at: datetime,
) -> int:
    """Upsert the items a snapshot showed; returns how many were new to that page.

    An item already known keeps its ``first_seen``; its ``last_seen`` and
    ``last_snapshot_id`` move to this snapshot and its title and date follow the page.
    The same URL twice on one page counts once (the first occurrence wins).
    """
    unique = unique_items(items)
    urls = [item.url for item in unique]
    known: set[str] = set()
    for url_chunk in chunks(urls):
        found = await session.scalars(
            select(item_table.c.url).where(
                _same_page(item_table, site_id, column_id), item_table.c.url.in_(url_chunk)
            )
        )
        known.update(found)
    rows = item_rows(
        site_id=site_id, column_id=column_id, items=unique, snapshot_id=snapshot_id, seen_at=seen_at
    )
    await upsert_items(session, rows)
    await session.execute(
        update(snapshot_table)
        .where(snapshot_table.c.id == snapshot_id)
        .values(item_count=len(rows))
    )
    return len(urls) - len(known)


@dataclass(frozen=True, slots=True)
class Carry:
    """A 304's snapshot, whose page's items are those of its previous readable snapshot."""

    snapshot_id: int
    site_id: str
    column_id: str | None
    seen_at: datetime


async def carry_items(
    session: AsyncSession,
    *,
    snapshot_id: int,
    site_id: str,
    column_id: str | None,
    seen_at: datetime,
) -> int:
    """For a 304: the items of the page's previous readable snapshot are on this one too.

    Moves them (``last_seen``, ``last_snapshot_id``) to ``snapshot_id``; returns how many.
    """
    carried = await carry_items_of(session, [Carry(snapshot_id, site_id, column_id, seen_at)])
    return carried[0]


async def carry_items_of(session: AsyncSession, carries: Sequence[Carry]) -> list[int]:
    """``carry_items`` for a batch of 304s in four statements, whatever their number (a
    re-crawl of unchanged pages is mostly 304s); returns how many items each carried.

    The previous snapshot of each page is its newest readable one older than the batch's
    (a page is stored once a run, and its site is leased while it is).
    """
    if not carries:
        return []
    batch_ids = [carry.snapshot_id for carry in carries]
    previous: dict[tuple[str, str | None], int] = {}
    for site_chunk in chunks(sorted({carry.site_id for carry in carries})):
        rows = await session.execute(
            select(
                snapshot_table.c.site_id, snapshot_table.c.column_id, func.max(snapshot_table.c.id)
            )
            .where(
                snapshot_table.c.site_id.in_(site_chunk),
                snapshot_table.c.id < max(batch_ids),
                snapshot_table.c.id.not_in(batch_ids),
                snapshot_table.c.outcome.in_(_READABLE),
            )
            .group_by(snapshot_table.c.site_id, snapshot_table.c.column_id)
        )
        for site, column, newest in rows:
            previous[(site, column)] = newest
    moves: list[tuple[int, int, datetime]] = []  # (previous snapshot, this one, seen at)
    for carry in carries:
        before = previous.get((carry.site_id, carry.column_id))
        if before is None:
            logger.warning(
                "304 for %s/%s but no earlier readable snapshot: no items to carry",
                carry.site_id,
                carry.column_id,
            )
            continue
        moves.append((before, carry.snapshot_id, carry.seen_at))
    counts: dict[int, int] = {}
    for chunk in chunks([before for before, _, _ in moves]):
        counted = await session.execute(
            select(item_table.c.last_snapshot_id, func.count())
            .where(item_table.c.last_snapshot_id.in_(chunk))
            .group_by(item_table.c.last_snapshot_id)
        )
        for snapshot_id, count in counted:
            counts[snapshot_id] = count
    if moves:
        await session.execute(
            update(item_table)
            .where(item_table.c.last_snapshot_id == bindparam("before"))
            .values(last_seen=bindparam("seen"), last_snapshot_id=bindparam("after")),
            [{"before": before, "after": after, "seen": seen} for before, after, seen in moves],
        )
    carried = {after: counts.get(before, 0) for before, after, _ in moves}
    await session.execute(
        update(snapshot_table)
        .where(snapshot_table.c.id == bindparam("snapshot"))
        .values(item_count=bindparam("count")),
        [{"snapshot": i, "count": carried.get(i, 0)} for i in batch_ids],
    )
    return [carried.get(i, 0) for i in batch_ids]


async def validators_by_page(
    session: AsyncSession, *, site_ids: Sequence[str]
) -> dict[tuple[str, str | None], tuple[str | None, str | None]]:
    """``last_validators`` for every page of these sites at once, keyed by (site, column).

    Pages never read are absent. Two grouped queries, whatever the number of pages.
    """

    async def newest(outcomes: Sequence[str]) -> dict[tuple[str, str | None], Any]:
        found: dict[tuple[str, str | None], Any] = {}
        for chunk in chunks(list(site_ids)):
            newest_ids = (
                select(func.max(snapshot_table.c.id))
                .where(
                    snapshot_table.c.site_id.in_(chunk),
                    snapshot_table.c.outcome.in_(outcomes),
                )
                .group_by(snapshot_table.c.site_id, snapshot_table.c.column_id)
            )
            rows = await session.execute(
                select(
                    snapshot_table.c.site_id,
                    snapshot_table.c.column_id,
                    snapshot_table.c.outcome,
                    snapshot_table.c.etag,
                    snapshot_table.c.last_modified,
                ).where(snapshot_table.c.id.in_(newest_ids))
            )
            found.update({(row.site_id, row.column_id): row for row in rows})
        return found

    readable = await newest(_READABLE)
    full = await newest(CONTENT_OUTCOMES)
    validators: dict[tuple[str, str | None], tuple[str | None, str | None]] = {}
    for page, row in readable.items():
        etag, last_modified = row.etag, row.last_modified
        if row.outcome == Outcome.NOT_MODIFIED.value and page in full:
            etag = etag if etag is not None else full[page].etag
            if last_modified is None:
                last_modified = full[page].last_modified
        validators[page] = (etag, last_modified)
    return validators


async def last_validators(
    session: AsyncSession, *, site_id: str, column_id: str | None
) -> tuple[str | None, str | None]:
    """(etag, last_modified) to revalidate the page with, from its newest readable snapshot.

    When that snapshot is a 304 that did not repeat a validator, the one of the newest
    full fetch ('ok') stands.
    """
    found = await validators_by_page(session, site_ids=[site_id])
    return found.get((site_id, column_id), (None, None))


# --- findings ------------------------------------------------------------------------------


async def record_findings(
    session: AsyncSession, *, run_id: int, findings: Sequence[Finding], created_at: datetime
) -> None:
    """Store what the rules concluded in a run (account findings under their account)."""
    rows = [
        {
            "run_id": run_id,
            "code": f.code,
            "severity": f.severity.value,
            "site_id": None if is_account_finding(f) else f.site_id,
            "account_id": f.site_id if is_account_finding(f) else None,
            "site_name": f.site_name,
            "column_id": f.column_id,
            "column_name": f.column_name,
            "message": f.message,
            "evidence": f.evidence.as_dict(),
            "extra": to_json_value(f.extra) if f.extra else None,
            "created_at": created_at,
        }
        for f in findings
    ]
    for chunk in chunks(rows):
        await session.execute(finding_table.insert(), list(chunk))
