"""The scheduler in the distributed mode: the nightly job defers the night instead of
crawling, and the catch-up looks at the last night deferred (a batch), not at full runs."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.operations.scheduler import DeferJob, Nightly, NightlyScheduler, ScheduleSettings
from rules.model import utc_now
from storage import batches


def defer_job(calls: list[tuple[datetime, str]]) -> DeferJob:
    async def defer(now: datetime, reason: str) -> str:
        calls.append((now, reason))
        return "batch 7: 3 site jobs deferred"

    return defer


async def run_until_ready(
    scheduler: NightlyScheduler, calls: list[tuple[datetime, str]], *, catch_up: bool
) -> datetime | None:
    """Start the scheduler, let the catch-up run when one is expected, stop; when the nightly
    job runs next. Without a catch-up there is nothing to wait for: once the scheduler is ready,
    the nightly job is either due now (a catch-up, which the caller sees) or at its next time."""
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await scheduler.ready.wait()
    next_nightly = scheduler.next_nightly
    if catch_up:
        for _ in range(2000):  # a bound on a hang: the catch-up job runs at once
            if calls:
                break
            await asyncio.sleep(0.01)
    stop.set()
    await running
    return next_nightly


async def test_a_missed_night_is_deferred_at_start_up(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="crawler.operations.scheduler")
    calls: list[tuple[datetime, str]] = []
    scheduler = NightlyScheduler(
        settings=ScheduleSettings(), engine=engine, defer_job=defer_job(calls)
    )
    await run_until_ready(scheduler, calls, catch_up=True)
    assert [reason for _, reason in calls] == ["catch-up"]
    assert scheduler.finished_runs == []  # nothing crawled here
    lines = [r.getMessage() for r in caplog.records if r.name == "crawler.operations.scheduler"]
    assert "job nightly (catch-up): batch 7: 3 site jobs deferred" in lines


async def test_a_night_already_deferred_is_not_deferred_again(engine: AsyncEngine) -> None:
    last_scheduled = Nightly().last_before(utc_now())
    assert last_scheduled is not None
    async with async_sessionmaker(engine)() as session, session.begin():
        await batches.create_batch(
            session,
            created_at=last_scheduled + timedelta(minutes=1),
            reason="scheduled",
            sites=3,
            accounts=0,
        )
    calls: list[tuple[datetime, str]] = []
    scheduler = NightlyScheduler(
        settings=ScheduleSettings(), engine=engine, defer_job=defer_job(calls)
    )
    next_nightly = await run_until_ready(scheduler, calls, catch_up=False)
    assert calls == []
    assert next_nightly == Nightly().next_after(utc_now())


def test_the_scheduler_crawls_or_defers_not_both(engine: AsyncEngine) -> None:
    with pytest.raises(ValueError, match="one of crawl_job and defer_job"):
        NightlyScheduler(settings=ScheduleSettings(), engine=engine)
