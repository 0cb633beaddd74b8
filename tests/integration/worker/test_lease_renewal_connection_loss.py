"""Postgres connection loss while a run renews its site leases: the renewal is retried on a
new connection like every database phase; a renewal that fails for good stops the run, recorded
``failed`` with the reason (a run never goes on crawling behind leases it could not keep)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from rules.model import Category, Column, Site
from rules.profile_files import load_profile
from storage.errors import DatabaseUnavailableError
from storage.models import run_table, site_lease_table
from storage.retry import RetryPolicy, using_retry_policy
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page
from tests.support.terminator import Terminator

pytestmark = pytest.mark.postgres

PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=60,  # a held page waits for its release, not for a timeout
    retry_base_wait_s=0,
)
TTL = timedelta(seconds=6)  # renewed every 2 s while the run waits on its held site


def renewal(statement: str) -> bool:
    return statement.startswith("UPDATE SITE_LEASES SET EXPIRES_AT")


@pytest.fixture
def site(loop_site: LoopSite) -> Site:
    html = "text/html; charset=utf-8"
    today = datetime.now(UTC).date().isoformat()
    rows = [(f"关于第{i}项工作的通知", today) for i in range(3)]
    loop_site.pages = {"/": (200, html, list_page(rows)), "/news/": (200, html, list_page(rows))}
    column = Column(id="news", name="工作动态", url=loop_site.url("/news/"), category=Category.NEWS)
    return Site(id="loop", name="环回测试局", homepage=loop_site.url("/"), columns=(column,))


@pytest.fixture
def terminator(postgres: AsyncEngine) -> Iterator[list[Terminator]]:
    made: list[Terminator] = []
    yield made
    for t in made:
        t.close()


async def run(engine: AsyncEngine, site: Site) -> CrawlReport:
    now = datetime.now(UTC)
    plan = CrawlPlan(sites=[site], profiles=PROFILES, fetch_settings=SETTINGS, now=now)
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC), lease_ttl=TTL)


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


async def expiry(engine: AsyncEngine) -> datetime | None:
    async with engine.connect() as connection:
        found: datetime | None = await connection.scalar(select(site_lease_table.c.expires_at))
        return found


async def leases(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(site_lease_table)) or 0)


async def test_a_renewal_whose_connection_is_lost_is_retried(
    postgres: AsyncEngine,
    site: Site,
    loop_site: LoopSite,
    terminator: list[Terminator],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    cut = Terminator(postgres, renewal, times=1)
    terminator.append(cut)
    loop_site.hold_after(1)  # the homepage, then the column waits: the run renews meanwhile
    with using_retry_policy(RetryPolicy.no_wait(attempts=4)):
        running = asyncio.create_task(run(postgres, site))
        try:
            await until(lambda: expiry(postgres), "the run to lease its site")
            taken = await expiry(postgres)
            assert taken is not None
            await until(lambda: cut.done == 1, "a renewal to lose its connection")

            async def renewed() -> bool:
                later = await expiry(postgres)
                return later is not None and later > taken

            await until(renewed, "the renewal to be retried")  # the one try that was cut
        finally:
            loop_site.release()
        report = await running

    assert report.status == "completed"
    assert report.skipped == {}
    said = [r.getMessage() for r in caplog.records]
    assert any(
        line.startswith(
            f"database connection lost while renewing the site leases of run {report.run_id}"
        )
        for line in said
    )
    assert not any("could not renew" in line for line in said)
    assert await leases(postgres) == 0


async def test_a_renewal_that_fails_for_good_stops_the_run_as_failed(
    postgres: AsyncEngine,
    site: Site,
    loop_site: LoopSite,
    terminator: list[Terminator],
    caplog: pytest.LogCaptureFixture,
) -> None:
    cut = Terminator(postgres, renewal, times=1000)
    terminator.append(cut)
    loop_site.hold_after(1)  # the run would wait on its column forever: only the renewal stops it
    with using_retry_policy(RetryPolicy.no_wait(attempts=3)):
        running = asyncio.create_task(run(postgres, site))
        try:
            await until(running.done, "the run to stop")
        finally:
            loop_site.release()
        with pytest.raises(DatabaseUnavailableError) as raised:
            await running

    assert cut.done == 3  # the first try and two retries
    assert "renewing the site leases of run" in str(raised.value)
    async with postgres.connect() as connection:
        run_id, status, stats = (
            await connection.execute(select(run_table.c.id, run_table.c.status, run_table.c.stats))
        ).one()
    assert status == "failed"
    assert stats["error"].startswith("database unavailable: ")
    assert f"renewing the site leases of run {run_id} failed" in stats["error"]
    assert await leases(postgres) == 0  # released at the end all the same
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(
        line.startswith(f"run {run_id}: could not renew its site leases")
        and "stopping the run" in line
        for line in said
    )
