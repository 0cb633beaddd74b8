"""Two runs at the same time on one database: the nightly run and an ad-hoc ``--site`` run.

Each run leases its sites; a site another live run is crawling is skipped, reported and judged
as not checked — never stale or empty. Both runs find only what sequential runs of the same
pages find, no lease outlives its run, and a crashed run's lease expires.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from rules.model import Category, Column, Site, local_date
from rules.profile_files import load_profile
from storage import repository
from storage.leases import take_site_leases
from storage.models import run_table, site_lease_table
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page, serve_loop_site

NOW = datetime.now(UTC)
TODAY = local_date(NOW)
PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=60,  # a held site waits for its release, not for a timeout
    connect_timeout_s=1,
    retry_base_wait_s=0,
    retry_max_wait_s=0.1,
    max_body_bytes=200_000,
)
HTML = "text/html; charset=utf-8"


def rows(*ages: int) -> list[tuple[str, str]]:
    return [
        (f"关于开展第{i}次专项检查工作的通知", (TODAY - timedelta(days=age)).isoformat())
        for i, age in enumerate(ages)
    ]


def make_site(site_id: str, loop: LoopSite) -> Site:
    loop.pages = {
        "/": (200, HTML, list_page(rows(0, 1, 2))),
        "/fresh/": (200, HTML, list_page(rows(1, 3, 5))),
        "/stale/": (200, HTML, list_page(rows(20, 30, 40))),
        "/notice/": (200, HTML, list_page(rows(2, 9, 12))),
    }

    def col(cid: str, name: str, category: Category = Category.NEWS) -> Column:
        return Column(id=cid, name=name, url=loop.url(f"/{cid}/"), category=category)

    return Site(
        id=site_id,
        name=f"环回测试局{site_id}",
        homepage=loop.url("/"),
        columns=(
            col("fresh", "工作动态"),
            col("stale", "图片新闻"),
            col("notice", "通知公告", Category.NOTICE),
        ),
    )


@pytest.fixture
async def loops() -> AsyncIterator[tuple[LoopSite, LoopSite]]:
    async with serve_loop_site() as first, serve_loop_site() as second:
        yield first, second


async def run(
    sites: list[Site], all_sites: list[Site], engine: AsyncEngine, **options: object
) -> CrawlReport:
    plan = CrawlPlan(
        sites=sites, all_sites=all_sites, profiles=PROFILES, fetch_settings=SETTINGS, now=NOW
    )
    clock = options.pop("clock", lambda: datetime.now(UTC))
    return await crawl(plan, engine=engine, clock=clock)  # type: ignore[arg-type]


def finding_keys(report: CrawlReport, site_id: str | None = None) -> set[tuple[str, str, str]]:
    return {
        (f.code, f.site_id, f.column_id or "")
        for f in report.findings
        if site_id is None or f.site_id == site_id
    }


async def until(condition: object, what: str) -> None:
    """Poll ``condition`` (a callable) until true: a bound on a hang, not a timing."""
    for _ in range(3000):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"waited in vain for {what}")


def asked(loop: LoopSite) -> bool:
    return any(path != "/robots.txt" for path, _ in loop.requests)


async def leases(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(site_lease_table)))


async def stored_stats(engine: AsyncEngine, run_id: int) -> dict[str, object]:
    async with engine.connect() as connection:
        stats = await connection.scalar(select(run_table.c.stats).where(run_table.c.id == run_id))
    return dict(stats or {})


def assert_not_checked(report: CrawlReport, site_id: str, holder: int) -> None:
    assert site_id in report.skipped
    assert f"run {holder}" in report.skipped[site_id]
    (site_report,) = [r for r in report.sites if r.site.id == site_id]
    assert {p.verdict.value for p in site_report.pages} == {"not_checked"}
    assert site_report.findings == []


@pytest.mark.parametrize("first", ["nightly", "ad-hoc"])
async def test_a_whole_run_and_a_one_site_run_at_once(
    loops: tuple[LoopSite, LoopSite], engine: AsyncEngine, first: str
) -> None:
    loop_a, loop_b = loops
    a, b = make_site("a", loop_a), make_site("b", loop_b)
    everything = [a, b]

    # Sequential runs of the same pages: what each run may find.
    sequential_nightly = await run(everything, everything, engine)
    sequential_adhoc = await run([b], everything, engine)
    assert finding_keys(sequential_adhoc) == finding_keys(sequential_nightly, "b")
    assert ("column-stale", "b", "stale") in finding_keys(sequential_adhoc)
    loop_a.requests.clear()
    loop_b.requests.clear()

    # The first run holds site b midway (b answers nothing until released); the second runs
    # whole while it is held.
    loop_b.hold_after(0)
    if first == "nightly":
        held = asyncio.create_task(run(everything, everything, engine))
        await until(lambda: asked(loop_b), "the nightly run to reach site b")
        second = await run([b], everything, engine)
    else:
        held = asyncio.create_task(run([b], everything, engine))
        await until(lambda: asked(loop_b), "the ad-hoc run to reach site b")
        second = await run(everything, everything, engine)
    loop_b.release()
    holder = await held

    assert holder.status == second.status == "completed"
    assert holder.skipped == {}
    assert_not_checked(second, "b", holder.run_id)
    assert (await stored_stats(engine, second.run_id))["skipped_sites"] == dict(second.skipped)
    # No finding either run would not give run alone.
    assert finding_keys(holder) == finding_keys(
        sequential_nightly if first == "nightly" else sequential_adhoc
    )
    if first == "ad-hoc":
        assert finding_keys(second) == finding_keys(sequential_nightly, "a")
    assert await leases(engine) == 0

    # The next sequential run finds the same and resolves nothing: nothing was false.
    after = await run(everything, everything, engine)
    assert finding_keys(after) == finding_keys(sequential_nightly)
    assert after.resolved == ()
    assert await leases(engine) == 0


async def test_a_crashed_runs_lease_expires(
    loops: tuple[LoopSite, LoopSite], engine: AsyncEngine
) -> None:
    loop_a, loop_b = loops
    a, b = make_site("a", loop_a), make_site("b", loop_b)
    everything = [a, b]
    await run(everything, everything, engine)  # the sites exist in storage
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    # A run on another machine leases site b, then dies: its run stays 'running' here.
    crashed_at = datetime.now(UTC)
    async with sessions() as session, session.begin():
        crashed = await repository.start_run(session, scope="b", started_at=crashed_at)
        await session.execute(
            run_table.update().where(run_table.c.id == crashed).values(hostname="elsewhere")
        )
        taken = await take_site_leases(
            session, run_id=crashed, site_ids=["b"], now=crashed_at, ttl=timedelta(minutes=10)
        )
    assert taken.taken == {"b"}

    # Before its expiry the lease is the dead run's: the site is skipped, not fetched, not judged.
    loop_b.requests.clear()
    report = await run([b], everything, engine)
    assert_not_checked(report, "b", crashed)
    assert not asked(loop_b)

    # After it, the next run takes it over and crawls the site.
    later = datetime.now(UTC) + timedelta(minutes=11)
    report = await run([b], everything, engine, clock=lambda: later)
    assert report.skipped == {}
    assert ("column-stale", "b", "stale") in finding_keys(report)
    assert await leases(engine) == 0
