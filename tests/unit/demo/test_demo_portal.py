"""The demo portal holds section 二's figures: on 2022-05-20, 966 items since 1 April, of which
要闻类468条, 管委会及办公室文件7份, 政策解读9条, 政府公报1期, 政府常务会议3期, 公告公示34条,
意见征集6期, 开设专题3个."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from crawler.demo import demo_fleet
from crawler.demo.assembly import build_site
from crawler.demo.fleet import DEMO_SITES
from crawler.demo.model import DemoSite, Fleet
from crawler.demo.portal import (
    HISTORY_DAYS,
    NOTICE_PORTAL_COUNTS,
    NOTICE_PORTAL_TOTAL,
    PORTAL_ID,
    REPORT_COLUMNS,
)
from crawler.demo.styles import style_for
from crawler.demo.targets import render_targets
from crawler.targets import parse_targets
from rules.model import Category
from rules.period import Period

NOTICE_DAY = date(2022, 5, 20)
NOTICE_WINDOW = Period(start=date(2022, 4, 1), end=NOTICE_DAY)  # 2022Q2 截至5月20日


def counts(fleet: Fleet, window: Period) -> tuple[Counter[str | None], int]:
    """Items dated in ``window`` per report category of the portal's columns, as its targets
    file gives them, and the distinct article URLs among them."""
    site = fleet.site(PORTAL_ID)
    style = style_for(site.style)
    targets = parse_targets(
        render_targets(fleet, {s.id: f"http://{s.id}.test/" for s in fleet.sites})
    )
    categories = {c.id: c.report_category for c in targets.sites[0].columns}
    per_category: Counter[str | None] = Counter()
    urls = set()
    for column in site.columns:
        for item in column.items:
            if window.start <= item.published <= window.end:
                per_category[categories[column.id]] += 1
                urls.add(style.article_path(column, item))
    return per_category, len(urls)


@pytest.mark.parametrize("history_from", [None, date(2022, 3, 25)], ids=["demo", "quarter"])
def test_on_the_notices_day_the_portal_holds_its_figures(history_from: date | None) -> None:
    fleet = demo_fleet(NOTICE_DAY, history_from=history_from)
    per_category, total = counts(fleet, NOTICE_WINDOW)
    assert {k: per_category[k] for k in NOTICE_PORTAL_COUNTS} == dict(NOTICE_PORTAL_COUNTS)
    assert [per_category[k] for k in NOTICE_PORTAL_COUNTS] == [468, 7, 9, 1, 3, 34, 6, 3]
    assert total == NOTICE_PORTAL_TOTAL == 966
    assert sum(per_category.values()) == 966  # 435 of them in columns of no category


def test_the_portals_own_columns_are_as_before() -> None:
    fleet = demo_fleet(NOTICE_DAY)
    portal = fleet.site(PORTAL_ID)
    own = build_site(DEMO_SITES[0], today=NOTICE_DAY, number=1)
    assert portal.columns[: len(own.columns)] == own.columns
    assert [c.id for c in portal.columns[len(own.columns) :]] == [c.id for c in REPORT_COLUMNS]
    assert all(
        site == other
        for site, other in zip(fleet.sites[1:], demo_fleet(NOTICE_DAY).sites[1:], strict=True)
    )


@pytest.mark.parametrize("today", [NOTICE_DAY, date(2024, 2, 29), date(2026, 7, 1)], ids=str)
def test_the_new_columns_are_fresh_paginated_and_reach_back(today: date) -> None:
    portal: DemoSite = demo_fleet(today).site(PORTAL_ID)
    style = style_for(portal.style)
    added = {c.id for c in REPORT_COLUMNS}
    numbers = [item.number for column in portal.columns for item in column.items]
    assert len(set(numbers)) == len(numbers)
    for column in portal.columns:
        if column.id not in added:
            continue
        ages = [(today - item.published).days for item in column.items]
        assert ages == sorted(ages), column.id  # newest first
        assert min(ages) == 1, column.id  # nothing dated today; fresh by a wide margin
        assert max(ages) > HISTORY_DAYS - NOTICE_WINDOW.days, column.id
        assert style.pages(column) >= 2, column.id
        if column.category is Category.NEWS:
            assert max(ages) >= HISTORY_DAYS - 1, column.id
        titles = [item.title for item in column.items]
        assert len(set(titles)) == len(titles), column.id


def test_the_portals_quarter_is_counted_from_its_data() -> None:
    """Any other day the portal publishes at the same rates: the demo's own quarter (the last
    complete one) holds some 1700 items, every category some."""
    today = date(2026, 8, 10)
    quarter = Period.parse("2026Q2")
    per_category, total = counts(demo_fleet(today), quarter)
    assert all(per_category[k] > 0 for k in NOTICE_PORTAL_COUNTS)
    assert 1500 < total < 2000
    assert per_category["news"] > 700
    assert timedelta(days=HISTORY_DAYS) > today - quarter.start
