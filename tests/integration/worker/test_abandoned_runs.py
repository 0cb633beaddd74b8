"""Which 'running' runs a new run marks interrupted when several workers share a database:
never another host's live run; a job run of the same site once the caller holds the site's
lock (its worker died and the job was retried); never a run made by hand."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from rules.model import utc_now
from storage import batches, repository
from storage.models import run_table
from storage.records import RunStatus

NOW = utc_now()


def dead_pid() -> int:
    """A pid that is certainly not running: a child that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def add_run(
    engine: AsyncEngine,
    *,
    scope: str,
    hostname: str,
    pid: int,
    batch_id: int | None = None,
    started: timedelta = timedelta(minutes=5),
) -> int:
    sessions = async_sessionmaker(engine)
    async with sessions() as session, session.begin():
        result = await session.execute(
            run_table.insert()
            .values(
                scope=scope,
                started_at=NOW - started,
                status=RunStatus.RUNNING.value,
                pid=pid,
                hostname=hostname,
                stats={},
            )
            .returning(run_table.c.id)
        )
        run_id = int(result.scalar_one())
        if batch_id is not None:
            await batches.link_run(session, batch_id=batch_id, run_id=run_id)
    return run_id


async def statuses(engine: AsyncEngine) -> dict[int, str]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(run_table.c.id, run_table.c.status))
        return {row.id: row.status for row in rows}


async def interrupt(engine: AsyncEngine, scope: str | None = None) -> list[int]:
    sessions = async_sessionmaker(engine)
    async with sessions() as session, session.begin():
        return await repository.interrupt_abandoned_runs(session, now=NOW, exclusive_scope=scope)


async def new_batch(engine: AsyncEngine) -> int:
    sessions = async_sessionmaker(engine)
    async with sessions() as session, session.begin():
        return await batches.create_batch(
            session, created_at=NOW, reason="manual", sites=2, accounts=0
        )


async def test_other_hosts_live_runs_are_left_alone(engine: AsyncEngine) -> None:
    batch = await new_batch(engine)
    here = socket.gethostname()
    elsewhere = await add_run(engine, scope="a", hostname="other-host", pid=os.getpid())
    job_elsewhere = await add_run(
        engine, scope="b", hostname="other-host", pid=dead_pid(), batch_id=batch
    )
    dead_here = await add_run(engine, scope="c", hostname=here, pid=dead_pid())
    live_here = await add_run(engine, scope="d", hostname=here, pid=os.getppid())
    stale = await add_run(
        engine, scope="e", hostname="other-host", pid=1, started=timedelta(hours=25)
    )

    assert await interrupt(engine) == sorted([dead_here, stale])
    found = await statuses(engine)
    assert found[elsewhere] == found[job_elsewhere] == found[live_here] == "running"
    assert found[dead_here] == found[stale] == "interrupted"


async def test_a_job_takes_over_its_sites_job_run_left_by_a_dead_worker(
    engine: AsyncEngine,
) -> None:
    batch = await new_batch(engine)
    dead_job = await add_run(
        engine, scope="a", hostname="other-host", pid=os.getpid(), batch_id=batch
    )
    other_site = await add_run(
        engine, scope="b", hostname="other-host", pid=os.getpid(), batch_id=batch
    )
    by_hand = await add_run(engine, scope="a", hostname="other-host", pid=os.getpid())

    assert await interrupt(engine, scope="a") == [dead_job]
    found = await statuses(engine)
    assert found[dead_job] == "interrupted"
    assert found[other_site] == "running"  # another site's job: its own lock, alive
    assert found[by_hand] == "running"  # `crawl --site a` by hand is not a job's run
