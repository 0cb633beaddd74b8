"""A column page extraction refuses to read (nesting past the limit), crawled from a loopback
site into a real database: unknown, never empty, and why it was not read is stored with the
fetch and shown in the finding's evidence, not only logged."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.extract.limits import MAX_NESTING
from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, crawl
from rules.model import Category, Column, Severity, Site
from rules.profile_files import load_profile
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page

SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, timeout_s=5, retry_base_wait_s=0)
HTML = "text/html; charset=utf-8"


async def test_why_a_page_was_not_read_is_stored_and_is_the_evidence(
    site: LoopSite, engine: AsyncEngine
) -> None:
    now = datetime.now(UTC)
    nested = "<div>" * (MAX_NESTING + 10) + "暂无信息" + "</div>" * (MAX_NESTING + 10)
    site.pages = {
        "/": (200, HTML, list_page([("关于做好防汛准备工作的通知", now.date().isoformat())] * 3)),
        "/deep/": (200, HTML, f"<html><body>{nested}</body></html>"),
    }
    target = Site(
        id="deep",
        name="环回嵌套测试局",
        homepage=site.url("/"),
        columns=(
            Column(id="deep", name="通知公告", url=site.url("/deep/"), category=Category.NEWS),
        ),
    )
    plan = CrawlPlan(
        sites=[target],
        profiles={"national-2019": load_profile("national-2019")},
        fetch_settings=SETTINGS,
        now=now,
    )
    report = await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))
    assert report.status == "completed"
    findings = report.sites[0].findings
    (finding,) = [f for f in findings if f.column_id == "deep" and f.code != "meta-tags-missing"]
    assert (finding.code, finding.severity) == ("column-unreadable", Severity.UNKNOWN)
    depth = MAX_NESTING + 10
    assert finding.evidence.detail == f"page too deeply nested (depth {depth}) — not read"
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                text("SELECT outcome, detail FROM snapshots WHERE column_id = 'deep'")
            )
        ).one()
    assert stored.outcome == "ok"
    assert stored.detail == finding.evidence.detail
