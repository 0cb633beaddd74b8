"""The scheduler over a real loopback site and a real database: the catch-up at start-up, the
drain on stop (finish, or cancel and record the run as interrupted), probes by interval, and
the job lines and metrics that come out of it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from prometheus_client import generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.fetch import FetchSettings
from crawler.operations.scheduler import (
    CrawlJob,
    Metrics,
    Nightly,
    NightlyScheduler,
    ScheduleSettings,
)
from crawler.sites.runner import CrawlPlan, crawl
from rules.model import Category, Column, Site, utc_now
from rules.profile_files import load_profile
from storage import repository
from storage.models import snapshot_table
from storage.records import RunStatus
from tests.integration.schedule.pages import serve_columns
from tests.support.loopsite import Site as LoopSite

PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    max_concurrency=1,
    timeout_s=5,
    connect_timeout_s=1,
    retry_base_wait_s=0,
    retry_max_wait_s=0.1,
)


def loop_site(loop: LoopSite, columns: int) -> Site:
    return Site(
        id="loop",
        name="环回测试局",
        homepage=loop.url("/"),
        columns=tuple(
            Column(id=f"c{i}", name=f"栏目{i}", url=loop.url(f"/c{i}/"), category=Category.NEWS)
            for i in range(columns)
        ),
    )


def crawl_job(engine: AsyncEngine, sites: list[Site], calls: list[datetime]) -> CrawlJob:
    async def job(now: datetime) -> int:
        calls.append(now)
        plan = CrawlPlan(sites=sites, profiles=PROFILES, fetch_settings=SETTINGS, now=now)
        report = await crawl(plan, engine=engine, clock=utc_now)
        return report.run_id

    return job


async def wait_for(condition: Callable[[], object], what: str) -> None:
    """Wait until ``condition()`` holds: a bound on a hang, not a timing assertion."""
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"gave up waiting for {what}")


async def record_run(engine: AsyncEngine, *, scope: str, started_at: datetime) -> int:
    async with async_sessionmaker(engine)() as session, session.begin():
        run_id = await repository.start_run(session, scope=scope, started_at=started_at)
        await repository.finish_run(
            session, run_id, status="completed", finished_at=started_at, stats={}
        )
    return run_id


async def snapshot_count(engine: AsyncEngine) -> int:
    async with async_sessionmaker(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(snapshot_table)) or 0)


async def wait_for_snapshots(engine: AsyncEngine, count: int) -> None:
    """Until ``count`` pages are stored: a bound on a hang, not a timing assertion."""
    for _ in range(2000):
        if await snapshot_count(engine) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"gave up waiting for {count} stored pages")


async def test_a_database_without_a_full_run_is_caught_up_at_start_up(
    engine: AsyncEngine, site: LoopSite, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="crawler.operations.scheduler")
    serve_columns(site, 3)
    calls: list[datetime] = []
    metrics = Metrics()
    scheduler = NightlyScheduler(
        settings=ScheduleSettings(),
        engine=engine,
        crawl_job=crawl_job(engine, [loop_site(site, 3)], calls),
        metrics=metrics,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await wait_for(lambda: scheduler.finished_runs, "the catch-up run")
    # After the catch-up the job waits for the cron again (02:00 Asia/Shanghai).
    assert scheduler.next_nightly == Nightly().next_after(utc_now())
    stop.set()
    await running

    (run,) = scheduler.finished_runs
    assert len(calls) == 1
    assert run.status is RunStatus.COMPLETED
    assert run.full
    assert run.pages_by_outcome == {"ok": 4}
    lines = [r.getMessage() for r in caplog.records if r.name == "crawler.operations.scheduler"]
    assert "job nightly (catch-up): full crawl starting" in lines
    assert any(line.startswith(f"job nightly: run {run.id} completed in ") for line in lines)
    sample = metrics.registry.get_sample_value
    assert sample("xunjian_fetches_total", {"outcome": "ok"}) == 4
    assert sample("xunjian_pages_total") == 4
    assert sample("xunjian_runs_total", {"status": "completed"}) == 1
    assert sample("xunjian_run_duration_seconds_count", {"status": "completed"}) == 1
    last_full = sample("xunjian_last_completed_full_run_timestamp_seconds")
    assert last_full == run.started_at.timestamp()
    assert "xunjian_open_findings" in generate_latest(metrics.registry).decode()


async def test_a_full_run_older_than_the_last_scheduled_time_is_caught_up(
    engine: AsyncEngine, site: LoopSite
) -> None:
    serve_columns(site, 1)
    now = utc_now()
    await record_run(engine, scope="all", started_at=now - timedelta(days=3))
    await record_run(engine, scope="loop", started_at=now)  # one site only: not a full run
    calls: list[datetime] = []
    scheduler = NightlyScheduler(
        settings=ScheduleSettings(),
        engine=engine,
        crawl_job=crawl_job(engine, [loop_site(site, 1)], calls),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await wait_for(lambda: scheduler.finished_runs, "the catch-up run")
    stop.set()
    await running
    assert len(calls) == 1
    assert scheduler.finished_runs[0].status is RunStatus.COMPLETED


@pytest.mark.parametrize("run_now", [False, True])
async def test_a_recent_full_run_is_not_repeated_unless_asked(
    engine: AsyncEngine, site: LoopSite, run_now: bool
) -> None:
    serve_columns(site, 1)
    await record_run(engine, scope="all", started_at=utc_now())
    calls: list[datetime] = []
    scheduler = NightlyScheduler(
        settings=ScheduleSettings(run_now=run_now),
        engine=engine,
        crawl_job=crawl_job(engine, [loop_site(site, 1)], calls),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await scheduler.ready.wait()
    if run_now:
        await wait_for(lambda: scheduler.finished_runs, "the requested run")
        assert len(calls) == 1
    else:
        # Nothing is due before the next 02:00: the job waits for the cron.
        assert scheduler.next_nightly == Nightly().next_after(utc_now())
        assert calls == []
    stop.set()
    await running


async def test_stop_lets_a_running_crawl_finish(
    engine: AsyncEngine, site: LoopSite, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="crawler.operations.scheduler")
    serve_columns(site, 6)
    site.hold_after(2)  # then the site holds each request until released: the crawl waits
    calls: list[datetime] = []
    scheduler = NightlyScheduler(
        settings=ScheduleSettings(stop_timeout_s=120),
        engine=engine,
        crawl_job=crawl_job(engine, [loop_site(site, 6)], calls),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await wait_for(lambda: calls, "the catch-up run to start")
    await wait_for_snapshots(engine, 1)
    assert not scheduler.finished_runs
    stop.set()  # mid-crawl: the triggers stop, the crawl goes on
    await wait_for(lambda: "stopping: no new jobs" in caplog.text, "the scheduler to stop")
    site.release()
    await running
    (run,) = scheduler.finished_runs
    assert run.status is RunStatus.COMPLETED
    assert run.pages == 7


@pytest.mark.parametrize("how", ["timeout", "second signal"])
async def test_a_crawl_cancelled_at_stop_is_recorded_as_interrupted(
    engine: AsyncEngine, site: LoopSite, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    caplog.set_level(logging.INFO, logger="crawler.operations.scheduler")
    serve_columns(site, 30)
    site.hold_after(3)  # then the site holds each request: the crawl is running at the stop
    calls: list[datetime] = []
    scheduler = NightlyScheduler(
        settings=ScheduleSettings(stop_timeout_s=0 if how == "timeout" else 3600),
        engine=engine,
        crawl_job=crawl_job(engine, [loop_site(site, 30)], calls),
    )
    stop, force = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop, force))
    await wait_for(lambda: calls, "the catch-up run to start")
    await wait_for_snapshots(engine, 2)
    stop.set()
    if how == "second signal":
        await asyncio.sleep(0)
        force.set()
    await running
    (run,) = scheduler.finished_runs
    assert run.status is RunStatus.INTERRUPTED
    assert 2 <= run.pages < 31
    lines = [r.getMessage() for r in caplog.records if r.name == "crawler.operations.scheduler"]
    assert any(
        line.startswith(f"job nightly: run {run.id} interrupted")
        and line.endswith("cancelled by shutdown")
        for line in lines
    )


async def test_a_failing_job_is_logged_and_the_schedule_goes_on(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="crawler.operations.scheduler")

    async def broken(now: datetime) -> int:
        raise OSError("targets.yaml vanished")

    scheduler = NightlyScheduler(settings=ScheduleSettings(), engine=engine, crawl_job=broken)
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))

    def failed() -> bool:
        return any("failed before a run was recorded" in r.getMessage() for r in caplog.records)

    await wait_for(failed, "the failed job's line")
    assert scheduler.next_nightly == Nightly().next_after(utc_now())
    stop.set()
    await running
    assert scheduler.finished_runs == []


async def test_probes_run_every_interval(engine: AsyncEngine) -> None:
    await record_run(engine, scope="all", started_at=utc_now())
    probes: list[datetime] = []

    async def probe(now: datetime) -> int:
        probes.append(now)
        return len(probes)

    async def never(now: datetime) -> int:
        raise AssertionError("no crawl is due")

    scheduler = NightlyScheduler(
        settings=ScheduleSettings(probe_every=timedelta(seconds=0.02)),
        engine=engine,
        crawl_job=never,
        probe_job=probe,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await wait_for(lambda: len(probes) >= 3, "three probes")
    stop.set()
    await running
    assert probes == sorted(probes)


async def test_ipv6_checks_run_after_start_up_and_every_interval(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await record_run(engine, scope="all", started_at=utc_now())
    rounds: list[datetime] = []

    async def check(now: datetime) -> dict[str, int]:
        rounds.append(now)
        if len(rounds) == 2:
            raise RuntimeError("resolver exploded")
        return {"ok": 20}

    async def never(now: datetime) -> int:
        raise AssertionError("no crawl is due")

    scheduler = NightlyScheduler(
        settings=ScheduleSettings(
            ipv6_every=timedelta(seconds=0.05), ipv6_first_delay=timedelta(seconds=0.01)
        ),
        engine=engine,
        crawl_job=never,
        ipv6_job=check,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(scheduler.run(stop))
    await wait_for(lambda: len(rounds) >= 3, "three IPv6 rounds")
    stop.set()
    await running
    messages = [r.getMessage() for r in caplog.records]
    assert "job ipv6: done (ok 20)" in messages
    # a failed round is logged and the next one still runs
    assert "job ipv6 failed: RuntimeError: resolver exploded" in messages
