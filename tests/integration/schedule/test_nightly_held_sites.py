"""The nightly run and a site an ad-hoc ``crawl --site b`` is crawling at the same time.

The nightly job does not skip the held site at once: it crawls its other sites first, then
takes the site's lease once the ad-hoc run lets it go and crawls it, finding what a run
alone finds. Only a site held for all of the wait is judged not checked, named with the run
that holds it. An ad-hoc run keeps skipping a held site at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.operations.jobs import crawl_targets
from crawler.operations.nightly import SchedulePlan, _crawl_job
from crawler.operations.scheduler import ScheduleSettings
from crawler.sites.leasing import DEFAULT_HELD_SITE_WAIT, HeldSiteWait
from crawler.sites.runner import CrawlReport
from crawler.targets import Targets, parse_targets
from rules.model import local_date
from storage.models import finding_table, run_table, site_lease_table, snapshot_table
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page, serve_loop_site

NOW = datetime.now(UTC)
TODAY = local_date(NOW)
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=60,  # a held site waits for its release, not for a timeout
    connect_timeout_s=1,
    retry_base_wait_s=0,
    retry_max_wait_s=0.1,
)
HTML = "text/html; charset=utf-8"
# Generous: the holder is let go long before (a bound on a hang, not a timing).
LONG_WAIT = HeldSiteWait(total_s=120.0, first_pause_s=0.05, max_pause_s=0.2)
# Shorter than the holder holds the site in any case: the holder is let go only afterwards.
SHORT_WAIT = HeldSiteWait(total_s=0.2, first_pause_s=0.05, max_pause_s=0.1)

Key = tuple[str, str | None, str]


def rows(*ages: int) -> list[tuple[str, str]]:
    return [
        (f"关于开展第{i}次专项检查工作的通知", (TODAY - timedelta(days=age)).isoformat())
        for i, age in enumerate(ages)
    ]


def serve(loop: LoopSite) -> None:
    loop.pages = {
        "/": (200, HTML, list_page(rows(0, 1, 2))),
        "/fresh/": (200, HTML, list_page(rows(1, 3, 5))),
        "/stale/": (200, HTML, list_page(rows(20, 30, 40))),
    }


def targets(a: LoopSite, b: LoopSite) -> Targets:
    def site(site_id: str, loop: LoopSite) -> str:
        return f"""
  - id: {site_id}
    name: 环回测试局{site_id}
    homepage: {loop.url("/")}
    columns:
      - {{id: fresh, name: 工作动态, url: "{loop.url("/fresh/")}", category: news}}
      - {{id: stale, name: 图片新闻, url: "{loop.url("/stale/")}", category: news}}
"""

    return parse_targets("version: 1\nsites:" + site("a", a) + site("b", b))


@pytest.fixture
async def loops() -> AsyncIterator[tuple[LoopSite, LoopSite]]:
    async with serve_loop_site() as first, serve_loop_site() as second:
        serve(first)
        serve(second)
        yield first, second


def url_of(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


def nightly(engine: AsyncEngine, fleet: Targets, wait: HeldSiteWait) -> Any:
    plan = SchedulePlan(
        targets=fleet,
        db=url_of(engine),
        fetch_settings=SETTINGS,
        keep_bodies_days=400,
        schedule=ScheduleSettings(),
        metrics_port=None,
        link_checks=None,
        held_wait=wait,
    )
    return _crawl_job(plan, engine)(NOW)


async def ad_hoc(engine: AsyncEngine, fleet: Targets, site_id: str) -> CrawlReport:
    """``crawl --site SITE_ID``: what the command runs."""
    return await crawl_targets(
        targets=fleet,
        wanted=(site_id,),
        db=url_of(engine),
        now=NOW,
        settings=SETTINGS,
        show_progress=False,
        keep_bodies_days=400,
        link_checks=None,
    )


async def until(condition: Any, what: str) -> None:
    """Poll ``condition`` until true: a bound on a hang, not a timing."""
    for _ in range(3000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"waited in vain for {what}")


def asked(loop: LoopSite) -> bool:
    return any(path != "/robots.txt" for path, _ in loop.requests)


async def findings(engine: AsyncEngine, run_id: int) -> set[Key]:
    f = finding_table
    async with engine.connect() as connection:
        found = await connection.execute(
            select(f.c.site_id, f.c.column_id, f.c.code).where(f.c.run_id == run_id)
        )
        return {(row.site_id, row.column_id, row.code) for row in found}


async def skipped_sites(engine: AsyncEngine, run_id: int) -> dict[str, str]:
    async with engine.connect() as connection:
        stats = await connection.scalar(select(run_table.c.stats).where(run_table.c.id == run_id))
    return dict((stats or {})["skipped_sites"])


async def pages_stored(engine: AsyncEngine, run_id: int, site_id: str) -> int:
    s = snapshot_table
    async with engine.connect() as connection:
        found = await connection.execute(
            select(s.c.id).where(s.c.run_id == run_id, s.c.site_id == site_id)
        )
        return len(found.all())


async def leases(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return len((await connection.execute(select(site_lease_table.c.site_id))).all())


def test_the_nightly_run_waits_ten_minutes_by_default() -> None:
    assert DEFAULT_HELD_SITE_WAIT.total_s == 600.0
    fleet = parse_targets("version: 1\nsites: []\n")
    plan = SchedulePlan(
        targets=fleet,
        db=None,
        fetch_settings=SETTINGS,
        keep_bodies_days=400,
        schedule=ScheduleSettings(),
        metrics_port=None,
    )
    assert plan.held_wait == DEFAULT_HELD_SITE_WAIT


async def test_the_nightly_run_crawls_a_held_site_once_it_is_let_go(
    engine: AsyncEngine,
    loops: tuple[LoopSite, LoopSite],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="crawler.sites.leasing")
    loop_a, loop_b = loops
    fleet = targets(loop_a, loop_b)
    alone = await findings(engine, await nightly(engine, fleet, LONG_WAIT))
    assert ("b", "stale", "column-stale") in alone
    loop_a.requests.clear()
    loop_b.requests.clear()

    # `crawl --site b` holds site b (b answers nothing until let go) when the night starts.
    loop_b.hold_after(0)
    holder = asyncio.create_task(ad_hoc(engine, fleet, "b"))
    await until(lambda: asked(loop_b), "the ad-hoc run to reach site b")
    night = asyncio.create_task(nightly(engine, fleet, LONG_WAIT))
    # The nightly run leases before it fetches: once it asks site a, it has found b held.
    await until(lambda: asked(loop_a), "the nightly run to start crawling site a")
    loop_b.release()
    holding = await holder
    run_id = await night

    assert holding.status == "completed"
    assert holding.skipped == {}
    assert await skipped_sites(engine, run_id) == {}
    assert await pages_stored(engine, run_id, "b") == 3  # crawled by the nightly run itself
    assert await findings(engine, run_id) == alone  # nothing more, nothing less
    assert await leases(engine) == 0
    said = [r.getMessage() for r in caplog.records if r.name == "crawler.sites.leasing"]
    assert any(
        f"run {run_id}: held by other runs: b; crawling the others first" in line for line in said
    )
    assert any(line.startswith(f"run {run_id}: site b let go after") for line in said)


async def test_a_site_held_for_all_of_the_wait_is_not_checked_and_says_by_whom(
    engine: AsyncEngine,
    loops: tuple[LoopSite, LoopSite],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="crawler.sites.leasing")
    loop_a, loop_b = loops
    fleet = targets(loop_a, loop_b)
    loop_b.hold_after(0)
    holder = asyncio.create_task(ad_hoc(engine, fleet, "b"))
    await until(lambda: asked(loop_b), "the ad-hoc run to reach site b")
    try:
        # An ad-hoc run does not wait: it skips the held site at once and says who holds it.
        second = await ad_hoc(engine, fleet, "b")
        assert set(second.skipped) == {"b"}
        assert "being crawled by run" in second.skipped["b"]
        # The nightly run waits for it, in vain: the holder goes on past the wait.
        run_id = await nightly(engine, fleet, SHORT_WAIT)
    finally:
        loop_b.release()
    holding = await holder

    reason = (await skipped_sites(engine, run_id))["b"]
    assert reason.startswith(f"held by run {holding.run_id}: still being crawled after a wait of")
    assert await pages_stored(engine, run_id, "b") == 0
    assert {key for key in await findings(engine, run_id) if key[0] == "b"} == set()
    assert ("a", "stale", "column-stale") in await findings(engine, run_id)
    said = [r.getMessage() for r in caplog.records if r.name == "crawler.sites.leasing"]
    assert f"run {run_id}: site b not checked in this run: {reason}" in said
    assert await leases(engine) == 0
