"""Sites judged a group at a time find what judging them all at once finds.

The same pages are crawled twice into two databases of one kind: once judged site by site (or
two sites a group), once all at once. Over two runs — problems found, then some fixed — both
give the same run output (JSON), the same stored findings, the same findings' lifecycle (what
is resolved, what stays open) and the same site not checked (another run holds its lease).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.fetch import FetchSettings
from crawler.output.run import report_to_dict
from crawler.sites.judge_phase import _groups
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from rules.model import Category, Column, Site, local_date
from rules.profile_files import load_profile
from storage import repository
from storage.leases import take_site_leases
from storage.models import finding_state_table, finding_table, run_table
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page

NOW = datetime.now(UTC)
TODAY = local_date(NOW)
PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=5,
    connect_timeout_s=1,
    retry_base_wait_s=0,
    retry_max_wait_s=0.1,
)
HTML = "text/html; charset=utf-8"
ALL_AT_ONCE = 10_000
ID_NUMBER = "410102199001011234"  # a 身份证号 with a valid check digit


def rows(*ages: int) -> list[tuple[str, str]]:
    return [
        (f"关于开展第{i}次专项检查工作的通知", (TODAY - timedelta(days=age)).isoformat())
        for i, age in enumerate(ages)
    ]


FRESH = (200, HTML, list_page(rows(1, 3, 5)))
STALE = (200, HTML, list_page(rows(20, 30, 40)))
EMPTY = (200, HTML, "<html><body><div class='main'>暂无信息</div></body></html>")
GONE = (500, HTML, "<html><body>Internal error</body></html>")
WITH_ID = (200, HTML, FRESH[2].replace("</body>", f"<p>张三 {ID_NUMBER}</p></body>"))

# Site → its homepage, news column and notice column, at the first run and the second.
FIRST = {
    "s1": (WITH_ID, FRESH, FRESH),  # a personal number: an advisory
    "s2": (FRESH, STALE, FRESH),  # stale, then fixed (resolved)
    "s3": (FRESH, FRESH, GONE),  # unreachable, then answering (resolved)
    "s4": (FRESH, EMPTY, FRESH),  # empty both times (stays open)
    "s5": (GONE, FRESH, FRESH),  # the site unreachable, then back
    "s6": (FRESH, STALE, FRESH),  # held by another run: not checked
}
SECOND = {
    "s1": (FRESH, FRESH, FRESH),
    "s2": (FRESH, FRESH, FRESH),
    "s3": (FRESH, FRESH, FRESH),
    "s4": (FRESH, EMPTY, FRESH),
    "s5": (FRESH, FRESH, FRESH),
    "s6": (FRESH, STALE, FRESH),
}


def serve(loop: LoopSite, pages: dict[str, tuple[Any, Any, Any]]) -> None:
    loop.pages = {}
    for site_id, (home, news, notice) in pages.items():
        loop.pages |= {f"/{site_id}/": home, f"/{site_id}/news/": news}
        loop.pages[f"/{site_id}/notice/"] = notice


def targets(loop: LoopSite) -> list[Site]:
    def column(site_id: str, column_id: str, name: str, category: Category) -> Column:
        return Column(
            id=column_id, name=name, url=loop.url(f"/{site_id}/{column_id}/"), category=category
        )

    return [
        Site(
            id=site_id,
            name=f"环回测试局{site_id}",
            homepage=loop.url(f"/{site_id}/"),
            columns=(
                column(site_id, "news", "图片新闻", Category.NEWS),
                column(site_id, "notice", "通知公告", Category.NOTICE),
            ),
        )
        for site_id in FIRST
    ]


async def hold_s6(engine: AsyncEngine, sites: list[Site]) -> None:
    """A run on another machine leases site s6 and dies: its run stays 'running' here."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, sites, now=NOW)
        dead = await repository.start_run(session, scope="s6", started_at=NOW)
        await session.execute(
            run_table.update().where(run_table.c.id == dead).values(hostname="elsewhere")
        )
        await take_site_leases(
            session, run_id=dead, site_ids=["s6"], now=datetime.now(UTC), ttl=timedelta(hours=1)
        )


async def run(sites: list[Site], engine: AsyncEngine, group_pages: int) -> CrawlReport:
    plan = CrawlPlan(
        sites=sites,
        profiles=PROFILES,
        fetch_settings=SETTINGS,
        now=NOW,
        judging_group_pages=group_pages,
    )
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))


def output(report: CrawlReport) -> Any:
    """The run's JSON output, its clock times (which differ between the two crawls) blanked."""

    def blank(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: blank(item) for key, item in value.items()}
        if isinstance(value, list):
            return [blank(item) for item in value]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", value):
            return "<time>"
        return value

    return blank(report_to_dict(report))


async def stored(engine: AsyncEngine) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every finding stored, and every finding's lifecycle state."""
    f, s = finding_table, finding_state_table
    async with engine.connect() as connection:
        findings = await connection.execute(
            select(f.c.run_id, f.c.code, f.c.severity, f.c.site_id, f.c.column_id, f.c.message)
            .order_by(f.c.id)
        )  # fmt: skip
        states = await connection.execute(
            select(
                s.c.key, s.c.severity, s.c.message, s.c.first_run_id, s.c.last_run_id,
                s.c.resolved_at.is_not(None),
            ).order_by(s.c.key)
        )  # fmt: skip
        return [tuple(row) for row in findings], [tuple(row) for row in states]


@pytest.mark.parametrize("group_pages", [1, 4], ids=["site by site", "two sites a group"])
async def test_groups_judge_as_all_at_once(
    site: LoopSite, engine: AsyncEngine, twin_engine: AsyncEngine, group_pages: int
) -> None:
    sites = targets(site)
    assert len(_groups(sites, group_pages)) == (6 if group_pages == 1 else 3)
    for database in (engine, twin_engine):
        await hold_s6(database, sites)
    reports: dict[str, list[CrawlReport]] = {"grouped": [], "whole": []}
    for pages in (FIRST, SECOND):
        serve(site, pages)
        reports["grouped"].append(await run(sites, engine, group_pages))
        reports["whole"].append(await run(sites, twin_engine, ALL_AT_ONCE))

    for grouped, whole in zip(reports["grouped"], reports["whole"], strict=True):
        assert grouped.status == whole.status == "completed"
        assert output(grouped) == output(whole)
        assert grouped.skipped == whole.skipped
        assert [s.key for s in grouped.resolved] == [s.key for s in whole.resolved]
    assert await stored(engine) == await stored(twin_engine)

    # What the runs found, so the comparison above compares something.
    first, second = reports["grouped"]
    found = {(f.code, f.site_id, f.column_id) for f in first.findings}
    assert {
        ("personal-data-exposed", "s1", None),
        ("column-stale", "s2", "news"),
        ("column-unreachable", "s3", "notice"),
        ("column-empty", "s4", "news"),
        ("site-unreachable", "s5", None),
    } <= found
    assert not any(f.site_id == "s6" for f in first.findings)
    assert set(first.skipped) == set(second.skipped) == {"s6"}
    resolved = {(s.code, s.site_id, s.column_id) for s in second.resolved}
    assert {
        ("personal-data-exposed", "s1", None),
        ("column-stale", "s2", "news"),
        ("column-unreachable", "s3", "notice"),
        ("site-unreachable", "s5", None),
    } <= resolved
    assert ("column-empty", "s4", "news") in {
        (f.code, f.site_id, f.column_id) for f in second.findings
    }
