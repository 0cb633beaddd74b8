"""Postgres connection loss in the middle of a run: the batch being written is written again
on a new connection; when the connection keeps being lost, the run is recorded as failed
with the error, and no batch is half-written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, crawl
from rules.model import Category, Column, Site
from rules.profile_files import load_profile
from storage.errors import DatabaseUnavailableError
from storage.models import run_table
from storage.retry import RetryPolicy, using_retry_policy
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page
from tests.support.terminator import Terminator, snapshot_insert

pytestmark = pytest.mark.postgres

PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, timeout_s=5, retry_base_wait_s=0)
COLUMNS = 6


@pytest.fixture
def site(loop_site: LoopSite) -> Site:
    html = "text/html; charset=utf-8"
    today = datetime.now(UTC).date().isoformat()
    loop_site.pages = {"/": (200, html, list_page([("关于开展安全生产检查的通知", today)]))}
    columns = []
    for n in range(COLUMNS):
        rows = [(f"第{n}栏目关于第{i}项工作的通知", today) for i in range(3)]
        loop_site.pages[f"/c{n}/"] = (200, html, list_page(rows))
        columns.append(
            Column(
                id=f"c{n}", name=f"栏目{n}", url=loop_site.url(f"/c{n}/"), category=Category.NEWS
            )
        )
    return Site(id="loop", name="环回测试局", homepage=loop_site.url("/"), columns=tuple(columns))


@pytest.fixture
def terminator(postgres: AsyncEngine) -> Iterator[list[Terminator]]:
    made: list[Terminator] = []
    yield made
    for t in made:
        t.close()


async def run(engine: AsyncEngine, site: Site) -> Any:
    now = datetime.now(UTC)
    plan = CrawlPlan(sites=[site], profiles=PROFILES, fetch_settings=SETTINGS, now=now)
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_a_lost_connection_is_retried_and_the_run_completes(
    postgres: AsyncEngine, site: Site, terminator: list[Terminator]
) -> None:
    cut = Terminator(postgres, snapshot_insert, times=1)
    terminator.append(cut)
    report = await run(postgres, site)
    assert cut.done == 1  # the connection was lost while a batch was being written
    assert report.status == "completed"
    assert await count(postgres, "snapshots") == COLUMNS + 1  # each page once, none twice
    assert await count(postgres, "items") == 3 * COLUMNS  # every column's, once


# waits out the storage retries
@pytest.mark.slow
async def test_a_connection_lost_for_good_fails_the_run_with_nothing_half_written(
    postgres: AsyncEngine, site: Site, terminator: list[Terminator]
) -> None:
    cut = Terminator(postgres, snapshot_insert, times=1000)
    terminator.append(cut)
    with (
        using_retry_policy(RetryPolicy.no_wait(attempts=4)),
        pytest.raises(DatabaseUnavailableError),
    ):
        await run(postgres, site)
    assert cut.done >= 4  # the first try and the retries
    async with postgres.connect() as connection:
        (status, stats) = (
            await connection.execute(select(run_table.c.status, run_table.c.stats))
        ).one()
    assert status == "failed"
    assert stats["error"].startswith("database unavailable: ")  # what failed, with the run
    assert await count(postgres, "snapshots") == 0
    assert await count(postgres, "items") == 0
