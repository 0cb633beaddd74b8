"""Postgres connection loss while a run stores its link and image checks: the write is done
again whole on a new connection, like every database phase; the run completes with the same
checks as an undisturbed run, none stored twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.sites.linkcheck import LinkCheckSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from rules.model import Category, Column, Site
from rules.profile_files import load_profile
from storage.models import link_check_table
from storage.retry import RetryPolicy, using_retry_policy
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page
from tests.support.terminator import Terminator

pytestmark = pytest.mark.postgres

PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, timeout_s=5, retry_base_wait_s=0)


def link_checks_insert(statement: str) -> bool:
    return statement.startswith("INSERT INTO LINK_CHECKS")


@pytest.fixture
def site(loop_site: LoopSite) -> Site:
    html = "text/html; charset=utf-8"
    today = datetime.now(UTC).date().isoformat()
    rows = [(f"关于第{i}项工作的通知", today) for i in range(4)]
    loop_site.pages = {"/": (200, html, list_page(rows)), "/news/": (200, html, list_page(rows))}
    loop_site.pages.update({f"/a/{i}.html": (200, html, list_page([])) for i in range(2)})
    column = Column(id="news", name="工作动态", url=loop_site.url("/news/"), category=Category.NEWS)
    return Site(id="loop", name="环回测试局", homepage=loop_site.url("/"), columns=(column,))


@pytest.fixture
def terminator(postgres: AsyncEngine) -> Iterator[list[Terminator]]:
    made: list[Terminator] = []
    yield made
    for t in made:
        t.close()


async def run(engine: AsyncEngine, site: Site) -> CrawlReport:
    plan = CrawlPlan(
        sites=[site],
        profiles=PROFILES,
        fetch_settings=SETTINGS,
        now=datetime.now(UTC),
        link_checks=LinkCheckSettings(),
    )
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))


async def checks(engine: AsyncEngine, run_id: int) -> list[tuple[str, str, str]]:
    t = link_check_table
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(t.c.page_url, t.c.url, t.c.verdict).where(t.c.run_id == run_id)
        )
        return sorted((row.page_url, row.url, row.verdict) for row in rows)


async def test_a_lost_connection_while_storing_link_checks_is_retried(
    postgres: AsyncEngine, site: Site, terminator: list[Terminator]
) -> None:
    undisturbed = await run(postgres, site)
    expected = await checks(postgres, undisturbed.run_id)
    assert expected  # the homepage's links were checked

    cut = Terminator(postgres, link_checks_insert, times=1)
    terminator.append(cut)
    with using_retry_policy(RetryPolicy.no_wait(attempts=4)):
        report = await run(postgres, site)
    assert cut.done == 1  # the connection was lost while the checks were being written
    assert report.status == "completed"
    assert await checks(postgres, report.run_id) == expected  # each once, none lost
    async with postgres.connect() as connection:
        total = await connection.scalar(select(func.count()).select_from(link_check_table))
    assert total == 2 * len(expected)
    assert {f.code for f in report.findings} == {f.code for f in undisturbed.findings}
