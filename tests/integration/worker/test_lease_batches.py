"""A distributed night's job whose site an ad-hoc ``crawl --site b`` is crawling: the job waits
for the site and crawls it once it is let go; a site held for all of the job's wait is
reported skipped — never counted as the site's run of the batch. A real procrastinate worker
on Postgres, a real loopback site."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.fetch import FetchSettings
from crawler.operations.distributed import (
    WorkerSettings,
    apply_schema,
    defer_night,
    run_worker,
)
from crawler.operations.jobs import crawl_targets
from crawler.sites.leasing import HeldSiteWait
from crawler.sites.runner import CrawlReport
from crawler.targets import Targets, parse_targets
from storage import batches
from storage.batches import BatchProgress
from storage.models import run_table
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page

pytestmark = pytest.mark.postgres

SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=60,  # a held site waits for its release, not for a timeout
    connect_timeout_s=1,
    retry_base_wait_s=0,
    retry_max_wait_s=0.1,
)
HTML = "text/html; charset=utf-8"
LONG_WAIT = HeldSiteWait(total_s=120.0, first_pause_s=0.05, max_pause_s=0.2)  # let go long before
SHORT_WAIT = HeldSiteWait(total_s=0.2, first_pause_s=0.05, max_pause_s=0.1)  # held throughout


@pytest.fixture
def postgres(engine: AsyncEngine) -> AsyncEngine:
    if engine.dialect.name != "postgresql":
        pytest.skip("the distributed mode needs Postgres")
    return engine


@pytest.fixture
def fleet(loop_site: LoopSite) -> Targets:
    today = datetime.now(UTC).date().isoformat()
    rows = [(f"关于开展第{i}次专项检查工作的通知", today) for i in range(3)]
    loop_site.pages = {
        "/": (200, HTML, list_page(rows)),
        "/news/": (200, HTML, list_page(rows)),
    }
    return parse_targets(
        f"""
version: 1
sites:
  - id: b
    name: 环回测试局
    homepage: {loop_site.url("/")}
    columns:
      - {{id: news, name: 工作动态, url: "{loop_site.url("/news/")}", category: news}}
"""
    )


def url_of(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def until(condition: Any, what: str) -> None:
    """Poll ``condition`` (sync or async) until true: a bound on a hang, not a timing."""
    for _ in range(3000):
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"waited in vain for {what}")


def asked(loop: LoopSite) -> bool:
    return any(path != "/robots.txt" for path, _ in loop.requests)


async def progress(engine: AsyncEngine, batch_id: int) -> BatchProgress:
    async with async_sessionmaker(engine)() as session:
        found = await batches.batch_progress(session, batch_id)
    assert found is not None
    return found


async def job_run(engine: AsyncEngine, holder: int) -> tuple[int, str, dict[str, Any]]:
    """The batch's run of site b (any run but the holder's)."""
    r = run_table
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(r.c.id, r.c.status, r.c.stats).where(r.c.scope == "b", r.c.id != holder)
            )
        ).one()
    return row.id, row.status, dict(row.stats or {})


async def ad_hoc(engine: AsyncEngine, fleet: Targets) -> CrawlReport:
    return await crawl_targets(
        targets=fleet,
        wanted=("b",),
        db=url_of(engine),
        now=datetime.now(UTC),
        settings=SETTINGS,
        show_progress=False,
        keep_bodies_days=400,
        link_checks=None,
    )


@pytest.fixture
async def holder(
    postgres: AsyncEngine, fleet: Targets, loop_site: LoopSite
) -> AsyncIterator[asyncio.Task[CrawlReport]]:
    """`crawl --site b`, holding the site (the site answers nothing until released)."""
    loop_site.hold_after(0)
    task = asyncio.create_task(ad_hoc(postgres, fleet))
    await until(lambda: asked(loop_site), "the ad-hoc run to reach the site")
    loop_site.requests.clear()
    try:
        yield task
    finally:
        loop_site.release()
        await task


@asynccontextmanager
async def night(
    engine: AsyncEngine, fleet: Targets, wait: HeldSiteWait, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[int]:
    """Run a worker and defer a night of the one site; the batch id once the job's run has
    found its site held. The worker stops at the end of the block."""
    url = url_of(engine)
    await apply_schema(url)
    stop = asyncio.Event()
    settings = WorkerSettings(
        concurrency=2, poll_s=0.1, heartbeat_s=1.0, fetch=SETTINGS, held_wait=wait
    )
    worker = asyncio.create_task(run_worker(db=url, targets=fleet, settings=settings, stop=stop))
    try:
        deferred = await defer_night(
            db=url, targets=fleet, now=datetime.now(UTC), reason="requested"
        )
        assert deferred.sites == 1
        await until(
            lambda: any("held by other runs: b;" in r.getMessage() for r in caplog.records),
            "the job's run to find its site held",
        )
        yield deferred.batch_id
    finally:
        stop.set()
        await worker


async def test_a_job_waits_for_its_held_site_and_crawls_it(
    postgres: AsyncEngine,
    fleet: Targets,
    loop_site: LoopSite,
    holder: asyncio.Task[CrawlReport],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="crawler")
    async with night(postgres, fleet, LONG_WAIT, caplog) as batch_id:
        assert not asked(loop_site)  # the job waits; it does not crawl the site meanwhile
        loop_site.release()
        holding = await holder

        async def done() -> bool:
            return (await progress(postgres, batch_id)).done

        await until(done, "the batch to be done")
        run_id, status, stats = await job_run(postgres, holding.run_id)
        assert status == "completed"
        assert stats["skipped_sites"] == {}  # the job's run checked the site itself
        assert stats["pages"] == 2
        found = await progress(postgres, batch_id)
        assert (found.scopes_completed, found.scopes_skipped) == (1, 0)
        async with async_sessionmaker(postgres)() as session:
            assert await batches.completed_run(session, batch_id=batch_id, scope="b") == run_id


async def test_a_site_held_for_all_of_the_wait_is_skipped_not_done(
    postgres: AsyncEngine,
    fleet: Targets,
    loop_site: LoopSite,
    holder: asyncio.Task[CrawlReport],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="crawler")
    async with night(postgres, fleet, SHORT_WAIT, caplog) as batch_id:

        async def ended() -> bool:
            return (await progress(postgres, batch_id)).runs_by_status.get("completed") == 1

        await until(ended, "the job's run to end")
        found = await progress(postgres, batch_id)
        assert (found.scopes_completed, found.scopes_skipped, found.done) == (0, 1, False)
        async with async_sessionmaker(postgres)() as session:
            assert await batches.completed_run(session, batch_id=batch_id, scope="b") is None
    loop_site.release()
    holding = await holder
    run_id, status, stats = await job_run(postgres, holding.run_id)
    assert status == "completed"
    reason = stats["skipped_sites"]["b"]
    assert reason.startswith(f"held by run {holding.run_id}: still being crawled after a wait")
    said = [r.getMessage() for r in caplog.records]
    assert f"site b not checked in batch {batch_id} (run {run_id}): {reason}" in said
