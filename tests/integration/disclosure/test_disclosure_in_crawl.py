"""A whole crawl reads the 政务公开 units' columns too; a crawl of chosen sites does not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from crawler.config import open_database
from crawler.fetch import FetchSettings
from crawler.operations.jobs import crawl_targets, units_period
from crawler.targets import parse_targets
from rules.model import SHANGHAI
from rules.period import Period
from storage.models import disclosure_read_table
from tests.integration.disclosure.conftest import ListSite

NOW = datetime(2026, 5, 20, 4, 0, tzinfo=UTC)


def _page(title: str, day: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
        f'<ul class="list"><li><a href="/a/{day}.html">{title}</a><span>{day}</span></li>'
        f'<li><a href="/a/{day}-2.html">{title}二</a><span>{day}</span></li>'
        f'<li><a href="/a/{day}-3.html">{title}三</a><span>{day}</span></li></ul></body></html>'
    )


async def _crawl(site: ListSite, db: Path, wanted: tuple[str, ...]) -> list[str]:
    targets = parse_targets(
        f"""
version: 1
sites:
  - id: portal
    name: 某某市人民政府
    homepage: {site.url("/")}
    columns: []
units:
  - id: zrzy
    name: 自然资源和规划局
    level: department
    columns:
      - {{name: 通知公告, url: "{site.url("/zrzy/tzgg.html")}", category: notice}}
"""
    )
    await crawl_targets(
        targets=targets,
        wanted=wanted,
        db=str(db),
        now=NOW,
        settings=FetchSettings(per_host_delay_s=0, jitter_s=0),
        show_progress=False,
        keep_bodies_days=400,
        link_checks=None,
    )
    engine = await open_database(str(db))
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(disclosure_read_table.c.column_id))
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


async def test_a_whole_crawl_reads_the_units(list_site: ListSite, tmp_path: Path) -> None:
    list_site.pages["/"] = (200, _page("首页要闻", "2026-05-19"))
    list_site.pages["/zrzy/tzgg.html"] = (200, _page("关于国土空间规划的公示", "2026-05-18"))
    assert await _crawl(list_site, tmp_path / "site.sqlite3", ("portal",)) == []
    assert "/zrzy/tzgg.html" not in list_site.requests
    assert len(await _crawl(list_site, tmp_path / "all.sqlite3", ())) == 1
    assert "/zrzy/tzgg.html" in list_site.requests


def test_units_are_read_back_into_the_previous_quarter_while_its_report_is_made() -> None:
    def at(day: str) -> Period:
        return units_period(datetime.fromisoformat(day).replace(hour=12, tzinfo=SHANGHAI))

    assert at("2026-05-20") == Period.parse("2026Q2")
    assert at("2026-07-10") == Period(
        start=Period.parse("2026Q2").start, end=Period.parse("2026Q3").end
    )
    assert at("2026-01-05").start == Period.parse("2025Q4").start
    assert at("2026-08-15") == Period.parse("2026Q3")  # 45 days into the quarter
    assert at("2026-08-14").start == Period.parse("2026Q2").start
