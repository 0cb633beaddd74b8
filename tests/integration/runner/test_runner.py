"""The runner over a real loopback site and a real database: outcomes become findings, never
staleness; re-runs never duplicate; stored evidence is consistent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from rules.model import SHANGHAI, Category, Column, Site, local_date
from rules.profile_files import load_profile
from tests.support.loopsite import CHALLENGE, list_page
from tests.support.loopsite import Site as LoopSite

NOW = datetime.now(UTC)
TODAY = local_date(NOW)
PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=2,
    connect_timeout_s=1,
    retry_base_wait_s=0,
    retry_max_wait_s=0.1,
    max_body_bytes=200_000,
)


async def crawl_at(sites: list[Site], engine: AsyncEngine, *, now: datetime) -> CrawlReport:
    plan = CrawlPlan(sites=sites, profiles=PROFILES, fetch_settings=SETTINGS, now=now)
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def rows(*ages: int) -> list[tuple[str, str]]:
    return [(f"关于开展第{i}次专项检查工作的通知", days_ago(age)) for i, age in enumerate(ages)]


def make_site(loop: LoopSite) -> Site:
    html = "text/html; charset=utf-8"
    loop.pages = {
        "/": (200, html, list_page(rows(0, 1, 2, 3))),
        "/fresh/": (200, html, list_page(rows(1, 3, 5, 8))),
        "/stale/": (200, html, list_page(rows(20, 30, 40, 50))),
        "/gbk/": (200, "text/html; charset=gbk", list_page(rows(2, 4, 6), charset="gbk")),
        "/blocked/": (412, html, CHALLENGE),
        "/gone/": (500, html, "<html><body>Internal error</body></html>"),
        "/empty/": (200, html, "<html><body><div class='main'>暂无信息</div></body></html>"),
        "/undated/": (
            200,
            html,
            "<html><body><ul>"
            + "".join(
                f'<li><a href="/u/{i}.html">关于第{i}项工作的安排意见</a></li>' for i in range(6)
            )
            + "</ul></body></html>",
        ),
    }

    def col(cid: str, name: str, category: Category = Category.NEWS) -> Column:
        return Column(id=cid, name=name, url=loop.url(f"/{cid}/"), category=category)

    return Site(
        id="loop",
        name="环回测试局",
        homepage=loop.url("/"),
        columns=(
            col("fresh", "工作动态"),
            col("stale", "图片新闻"),
            col("gbk", "通知公告", Category.NOTICE),
            col("blocked", "政策文件", Category.NOTICE),
            col("gone", "人事信息", Category.PLAN),
            col("empty", "规划计划", Category.PLAN),
            col("undated", "部门动态"),
        ),
    )


async def test_a_run_end_to_end(site: LoopSite, engine: AsyncEngine) -> None:
    target = make_site(site)
    report = await crawl_at([target], engine, now=NOW)
    assert report.status == "completed"
    (site_report,) = report.sites
    verdicts = {p.facts.column_id: p.verdict.value for p in site_report.pages}
    assert verdicts == {
        None: "reachable",
        "fresh": "fresh",
        "stale": "stale",
        "gbk": "fresh",
        "blocked": "blocked",
        "gone": "unreachable",
        "empty": "empty",
        "undated": "undated",
    }
    # The loopback pages carry no government meta tags: advisories, apart from the problems.
    advisories = [f for f in site_report.findings if f.severity.value == "advisory"]
    assert {f.code for f in advisories} == {"meta-tags-missing"}
    assert all("SiteName" in f.message or "ColumnName" in f.message for f in advisories)
    by_code = {f.code: f for f in site_report.findings if f.severity.value != "advisory"}
    assert set(by_code) == {
        "column-stale",
        "column-blocked",
        "column-unreachable",
        "column-empty",
        "column-undated",
    }
    stale = by_code["column-stale"]
    assert stale.message == "图片新闻2周未更新"
    assert stale.evidence.newest_date == date.fromisoformat(days_ago(20))
    assert stale.evidence.newest_where
    assert stale.evidence.url == site.url("/stale/")
    assert by_code["column-unreachable"].evidence.status == 500
    assert by_code["column-blocked"].evidence.status == 412

    async with engine.connect() as conn:
        items = await conn.scalar(text("SELECT count(*) FROM items"))
        snapshots = await conn.scalar(text("SELECT count(*) FROM snapshots"))
        findings = await conn.scalar(
            text("SELECT count(*) FROM findings WHERE severity != 'advisory'")
        )
        status = await conn.scalar(text("SELECT status FROM runs"))
        titles = (
            (await conn.execute(text("SELECT title FROM items WHERE column_id = 'gbk'")))
            .scalars()
            .all()
        )
    assert snapshots == 8
    assert findings == 5
    assert status == "completed"
    assert "关于开展第0次专项检查工作的通知" in titles  # GBK decoded

    # A second run: nothing duplicated, same verdicts.
    again = await crawl_at([target], engine, now=NOW)
    assert again.new_items == 0
    assert {p.facts.column_id: p.verdict.value for p in again.sites[0].pages} == verdicts
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM items")) == items
        assert await conn.scalar(text("SELECT count(*) FROM snapshots")) == 16


# waits out a fetch timeout
@pytest.mark.slow
async def test_a_column_that_starts_failing_is_not_judged_from_old_items(
    site: LoopSite, engine: AsyncEngine
) -> None:
    target = make_site(site)
    await crawl_at([target], engine, now=NOW)
    # The stale column now times out: its old items must not make it "stale" any more.
    site.delay_s["/stale/"] = 5
    report = await crawl_at([target], engine, now=NOW)
    page = next(p for p in report.sites[0].pages if p.facts.column_id == "stale")
    assert page.verdict.value == "unreachable"
    assert page.findings[0].code == "column-unreachable"
    assert page.facts.outcome is not None
    assert page.facts.outcome.value == "timeout"


async def test_check_time_in_the_past(site: LoopSite, engine: AsyncEngine) -> None:
    target = make_site(site)
    # Judged 19 days ago, the column's newest item (20 days old today) was one day old then.
    as_of = datetime.combine(TODAY - timedelta(days=19), datetime.min.time(), tzinfo=SHANGHAI)
    report = await crawl_at([target], engine, now=as_of)
    page = next(p for p in report.sites[0].pages if p.facts.column_id == "stale")
    assert page.verdict.value == "fresh"


async def test_run_rows_and_counts(site: LoopSite, engine: AsyncEngine) -> None:
    await crawl_at([make_site(site)], engine, now=NOW)
    async with engine.connect() as conn:
        bodies = await conn.scalar(text("SELECT count(*) FROM bodies"))
        hashes = await conn.scalar(
            select(func.count(func.distinct(text("content_hash")))).select_from(text("snapshots"))
        )
    assert bodies == hashes


async def test_stored_probes_decide_the_availability_veto(
    site: LoopSite, engine: AsyncEngine
) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from crawler.sites.probes import ProbeResult
    from rules.model import Outcome
    from storage.probes import record_probes, register_sites

    target = make_site(site)
    probes = [
        ProbeResult(
            site_id=target.id,
            url=target.homepage,
            probed_at=datetime.combine(TODAY - timedelta(days=day), datetime.min.time(), SHANGHAI)
            + timedelta(minutes=30 * n + 5),
            ok=not (day == 3 and n < 8),  # 8 of 140 probes failed: 5.7% ≥ 5%
            outcome=Outcome.OK if not (day == 3 and n < 8) else Outcome.TIMEOUT,
            status=200,
            latency_s=0.2,
            detail=None,
        )
        for day in range(1, 8)
        for n in range(20)
    ]
    async with async_sessionmaker(engine)() as session, session.begin():
        await register_sites(session, [target], now=NOW)
        await record_probes(session, probes)
    report = await crawl_at([target], engine, now=NOW)
    (result,) = (s.result for s in report.sites)
    assert "site-unavailable" in result.vetoes
    assert result.result.value == "不合格"
