"""Batches of the distributed mode: a night's per-site jobs and the runs they made.

A batch is recorded when a night is deferred to the workers (``crawl schedule
--distributed`` or ``crawl enqueue``); every run a job of it makes is linked to it, so the
progress of a distributed night can be read from the runs: which scopes (sites, and
``accounts``) have a completed run, which are running, which failed or were interrupted.

A site's run that completed without checking its site — another run (``crawl --site X``)
held the site's lease for all of the job's wait, so the run judged it not checked and named
it in ``stats.skipped_sites`` — is not the site's run of the batch: the site counts as
skipped, not completed, and a job of it that runs again crawls it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import batch_run_table, batch_table, run_table
from storage.records import RunStatus

__all__ = [
    "BatchProgress",
    "batch_progress",
    "completed_run",
    "create_batch",
    "last_batch",
    "link_run",
    "set_jobs",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchProgress:
    """A batch as recorded, and where its jobs stand."""

    id: int
    created_at: datetime
    reason: str
    sites: int
    accounts: int
    jobs: int
    runs_by_status: dict[str, int] = field(default_factory=dict)  # every run of the batch
    scopes_completed: int = 0  # scopes (sites, "accounts") with a completed run that checked it
    scopes_running: int = 0
    # sites whose every completed run skipped them (held by another run): not done
    scopes_skipped: int = 0
    last_finished_at: datetime | None = None

    @property
    def expected(self) -> int:
        """How many scopes the batch covers: its sites, plus one for the accounts."""
        return self.sites + (1 if self.accounts else 0)

    @property
    def done(self) -> bool:
        return self.scopes_completed >= self.expected


async def create_batch(
    session: AsyncSession, *, created_at: datetime, reason: str, sites: int, accounts: int
) -> int:
    """Record a new batch; returns its id (``jobs`` is set by ``set_jobs`` once deferred)."""
    result = await session.execute(
        batch_table.insert()
        .values(created_at=created_at, reason=reason, sites=sites, accounts=accounts, jobs=0)
        .returning(batch_table.c.id)
    )
    return int(result.scalar_one())


async def set_jobs(session: AsyncSession, batch_id: int, jobs: int) -> None:
    await session.execute(
        batch_table.update().where(batch_table.c.id == batch_id).values(jobs=jobs)
    )


async def link_run(session: AsyncSession, *, batch_id: int, run_id: int) -> None:
    """Record that a job of ``batch_id`` made the run ``run_id``."""
    await session.execute(batch_run_table.insert().values(run_id=run_id, batch_id=batch_id))


async def completed_run(session: AsyncSession, *, batch_id: int, scope: str) -> int | None:
    """The run of that scope a job of the batch already completed, if any (one that skipped
    its site, held by another run, does not count).

    A job runs at least once: a worker that completed a site's run and died before the queue
    heard of it has its job run again. The job then finds the completed run and stops.
    """
    r, br = run_table, batch_run_table
    rows = await session.execute(
        select(r.c.id, r.c.stats)
        .join(br, br.c.run_id == r.c.id)
        .where(
            br.c.batch_id == batch_id,
            r.c.scope == scope,
            r.c.status == RunStatus.COMPLETED.value,
        )
        .order_by(r.c.id)
    )
    for row in rows:
        if not _skipped(scope, row.stats):
            return int(row.id)
    return None


def _skipped(scope: str, stats: Mapping[str, Any] | None) -> bool:
    """Whether a run of ``scope`` did not check it: another run held the site throughout."""
    skipped = (stats or {}).get("skipped_sites") or {}
    return isinstance(skipped, Mapping) and scope in skipped


async def last_batch(session: AsyncSession) -> BatchProgress | None:
    """The most recent batch with its progress; None when there has been none."""
    batch_id = await session.scalar(select(func.max(batch_table.c.id)))
    return None if batch_id is None else await batch_progress(session, int(batch_id))


async def batch_progress(session: AsyncSession, batch_id: int) -> BatchProgress | None:
    """A batch with where its jobs stand; None when there is no such batch."""
    batch = (await session.execute(select(batch_table).where(batch_table.c.id == batch_id))).first()
    if batch is None:
        return None
    r, br = run_table, batch_run_table
    rows = (
        await session.execute(
            select(r.c.scope, r.c.status, r.c.finished_at, r.c.stats)
            .join(br, br.c.run_id == r.c.id)
            .where(br.c.batch_id == batch_id)
        )
    ).all()
    statuses = Counter(row.status for row in rows)
    ended = [row for row in rows if row.status == RunStatus.COMPLETED.value]
    completed = {row.scope for row in ended if not _skipped(row.scope, row.stats)}
    skipped = {row.scope for row in ended} - completed
    running = {row.scope for row in rows if row.status == RunStatus.RUNNING.value} - completed
    finished = [row.finished_at for row in rows if row.finished_at is not None]
    return BatchProgress(
        id=batch.id,
        created_at=batch.created_at,
        reason=batch.reason,
        sites=batch.sites,
        accounts=batch.accounts,
        jobs=batch.jobs,
        runs_by_status=dict(sorted(statuses.items())),
        scopes_completed=len(completed),
        scopes_running=len(running),
        scopes_skipped=len(skipped - running),
        last_finished_at=max(finished) if finished else None,
    )
