"""Items dated years after the check (a site's slip: 2062 for 2026), crawled from a loopback
site into a real database: never "信息未标注发布时间" (they show dates), never "not updated" (they
may be the newest), but `column-misdated`, unknown, with the dates seen as evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, crawl
from rules.model import SHANGHAI, Category, Column, Severity, Site, local_date
from rules.profile_files import load_profile
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page

CHECK_DATE = local_date(datetime.now(UTC)) - timedelta(days=1)
NOW = datetime.combine(CHECK_DATE, time(10, 0), tzinfo=SHANGHAI)
SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, timeout_s=2, retry_base_wait_s=0)
HTML = "text/html; charset=utf-8"
AHEAD = CHECK_DATE.year + 36  # 2062 for 2026


def _days_ago(days: int) -> str:
    return (CHECK_DATE - timedelta(days=days)).isoformat()


def _site(loop: LoopSite) -> Site:
    ahead = [(f"关于开展第{n}批安全生产专项检查的通知", f"{AHEAD}-0{n}-1{n}") for n in range(1, 6)]
    old = [(f"关于公布第{n}批示范单位名单的公示", _days_ago(200 + n)) for n in range(1, 5)]
    fresh = [(f"关于做好第{n}季度防汛准备工作的通知", _days_ago(n)) for n in range(1, 5)]
    loop.pages = {
        "/": (200, HTML, list_page(fresh)),
        "/ahead/": (200, HTML, list_page(ahead)),
        "/mixed/": (200, HTML, list_page(ahead[:2] + old)),
        "/fresh/": (200, HTML, list_page(ahead[:1] + fresh)),
    }

    def column(cid: str) -> Column:
        return Column(id=cid, name=f"栏目{cid}", url=loop.url(f"/{cid}/"), category=Category.NEWS)

    return Site(
        id="ahead",
        name="环回日期测试局",
        homepage=loop.url("/"),
        columns=(column("ahead"), column("mixed"), column("fresh")),
    )


async def test_items_dated_after_the_check_are_unknown_never_undated_or_stale(
    site: LoopSite, engine: AsyncEngine
) -> None:
    plan = CrawlPlan(
        sites=[_site(site)],
        profiles={"national-2019": load_profile("national-2019")},
        fetch_settings=SETTINGS,
        now=NOW,
    )
    report = await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))
    assert report.status == "completed"
    (site_report,) = report.sites
    pages = {p.facts.column_id: p for p in site_report.pages if p.facts.column_id}
    assert {cid: p.verdict.value for cid, p in pages.items()} == {
        "ahead": "misdated",
        "mixed": "misdated",
        "fresh": "fresh",
    }
    assert (pages["ahead"].facts.item_count, pages["ahead"].facts.later_dated_count) == (5, 5)
    assert (pages["mixed"].facts.dated_count, pages["mixed"].facts.later_dated_count) == (4, 2)
    codes = {
        (f.column_id, f.code, f.severity)
        for f in site_report.findings
        if f.severity is not Severity.ADVISORY  # the meta tags the loopback pages lack
    }
    assert codes == {
        ("ahead", "column-misdated", Severity.UNKNOWN),
        ("mixed", "column-misdated", Severity.UNKNOWN),
    }
    finding = next(f for f in site_report.findings if f.column_id == "ahead")
    assert finding.message == "栏目ahead信息发布日期晚于检查日期,日期有误,无法判断更新情况"
    assert f"'{AHEAD}-01-11'" in (finding.evidence.detail or "")

    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                text(
                    "SELECT published, date_text, date_where FROM items "
                    "WHERE column_id = 'ahead' ORDER BY url"
                )
            )
        ).all()
    assert [row.published for row in stored] == [None] * 5
    assert [row.date_text for row in stored] == [f"{AHEAD}-0{n}-1{n}" for n in range(1, 6)]
    assert all("later than the check date" in row.date_where for row in stored)
    assert date(AHEAD, 1, 11) > CHECK_DATE
