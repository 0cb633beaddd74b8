"""Column discovery over loopback: the demo fleet's own columns, the page bound, robots.txt,
and a snippet that loads as targets once reviewed."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml
from discover_site import ColumnSite

from crawler.demo import demo_fleet, start_fleet
from crawler.fetch import Fetcher, FetchSettings
from crawler.sites.discover import Discovery, discover_columns, guess_category, render_snippet
from crawler.targets import TargetsError, parse_targets
from rules.model import Category

TODAY = date(2026, 11, 25)
FAST = FetchSettings(per_host_delay_s=0, jitter_s=0, retry_attempts=1)


async def discover(url: str, **options: int) -> Discovery:
    async with Fetcher(FAST) as fetcher:
        return await discover_columns(url, fetcher=fetcher, today=TODAY, **options)


async def test_discovery_finds_each_demo_site_style_columns() -> None:
    fleet = demo_fleet(TODAY)
    one_per_style = list({site.style: site for site in fleet.sites}.values())
    assert len(one_per_style) >= 5
    running = await start_fleet(fleet, first_port=0)
    try:
        for site in one_per_style:
            found = await discover(running.base_urls[site.id])
            by_url = {column.url: column for column in found.columns}
            for column in site.columns:
                url = running.column_url(site.id, column.id)
                assert url in by_url, f"{site.id} ({site.style}): {column.name} not found"
                proposed = by_url[url]
                assert proposed.name == column.name
                guessed, _ = guess_category(column.name, proposed.column_type)
                assert proposed.category is guessed
                if guessed is not None and column.category is not Category.UPDATE:
                    assert guessed is column.category, column.name
            assert found.site_name == site.name
    finally:
        await running.aclose()


async def test_demo_categories_by_name() -> None:
    fleet = demo_fleet(TODAY)
    site = fleet.site("jiyuan-gov")
    running = await start_fleet(fleet, first_port=0)
    try:
        found = await discover(running.base_urls[site.id])
    finally:
        await running.aclose()
    categories = {column.name: column.category for column in found.columns}
    assert categories == {
        "政务要闻": Category.NEWS,
        "部门动态": Category.NEWS,
        "通知公告": Category.NOTICE,
        "政策文件": Category.NOTICE,
        "人事信息": Category.PLAN,
        "规划计划": Category.PLAN,
        "政府概况": Category.STATIC,
        # the columns section 二 counts (crawler.demo.portal)
        "济源要闻": Category.NEWS,
        "镇街动态": Category.NEWS,
        "管委会文件": Category.NOTICE,
        "管委会办公室文件": Category.NOTICE,
        "政策解读": Category.NOTICE,
        "政府公报": Category.NOTICE,
        "政府常务会议": Category.NOTICE,
        "公示公告": Category.NOTICE,
        "意见征集": Category.NOTICE,
        "专题专栏": Category.NOTICE,
        "媒体聚焦": Category.NEWS,
        "热点关注": Category.NEWS,
    }


async def test_the_page_bound_is_respected(column_site: ColumnSite) -> None:
    found = await discover(column_site.base + "/", max_pages=5)
    assert len(column_site.page_hits) == 5
    assert len(found.fetched) == 5
    assert found.candidates == 30  # the PDF and the other host are not candidates
    assert [c.name for c in found.columns] == [
        "工作动态",
        "通知公告",
        "人事信息",
        "机构概况",
        "部门预算",
    ]


async def test_robots_disallow_is_honoured(column_site: ColumnSite) -> None:
    column_site.robots = "User-agent: *\nDisallow: /c0/\nDisallow: /c1/\n"
    found = await discover(column_site.base + "/", max_pages=4)
    assert "/c0/" not in column_site.hits
    assert "/c1/" not in column_site.hits
    assert set(found.robots_skipped) == {column_site.base + "/c0/", column_site.base + "/c1/"}
    # refused links do not use up the bound: four pages were still fetched
    assert sorted(column_site.page_hits) == ["/c2/", "/c3/", "/c4/", "/c5/"]


async def test_a_disallowed_homepage_is_not_fetched(column_site: ColumnSite) -> None:
    column_site.robots = "User-agent: *\nDisallow: /\n"
    found = await discover(column_site.base + "/")
    assert found.outcome.value == "robots_disallowed"
    assert column_site.hits == ["/robots.txt"]
    assert found.columns == []


async def test_the_snippet_is_yaml_and_loads_once_reviewed(column_site: ColumnSite) -> None:
    found = await discover(column_site.base + "/", max_pages=5)
    snippet = render_snippet(found, checked_on=TODAY)
    document = yaml.safe_load(snippet)
    [site] = document["sites"]
    assert site["name"] == "某某县人民政府"
    assert site["site_code"] == "4100000001"
    assert [c.get("category") for c in site["columns"]] == [
        "news",
        "notice",
        "plan",
        "static",
        None,
    ]
    assert "REVIEW" in snippet
    assert "newest item 2026-11-20" in snippet
    with pytest.raises(TargetsError, match="category"):
        parse_targets(snippet)  # an unreviewed snippet does not load as targets
    reviewed = re.sub(r"# category: \?.*", "category: update\n        max_age_days: 400", snippet)
    targets = parse_targets(reviewed)
    [parsed] = targets.sites
    assert [column.category for column in parsed.columns] == [
        Category.NEWS,
        Category.NOTICE,
        Category.PLAN,
        Category.STATIC,
        Category.UPDATE,
    ]
    assert parsed.columns[0].url == column_site.base + "/c0/"
