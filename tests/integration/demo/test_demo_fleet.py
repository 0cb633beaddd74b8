"""The demo fleet's data: 附件1's sites and problems, with margins that survive a day's skew."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from crawler.demo import (
    EXPECTED_PROBLEM_KINDS,
    EXPECTED_PROBLEMS,
    Fleet,
    Freshness,
    ProblemKind,
    demo_fleet,
    generated_fleet,
)
from crawler.demo.portal import REPORT_COLUMNS
from crawler.demo.styles import STYLES, style_for
from rules.model import Category

ATTACHMENT_1 = (
    "济源市人民政府",
    "济源产城融合示范区发展改革和统计局门户网站",
    "济源产城融合示范区教育体育局",
    "济源产城融合示范区工业和科技创新委员会",
    "济源产城融合示范区公安局",
    "济源产城融合示范区财政金融局",
    "济源产城融合示范区自然资源和规划局",
    "济源产城融合示范区生态环境局",
    "济源产城融合示范区住房和城乡建设局",
    "济源产城融合示范区交通运输局",
    "济源产城融合示范区农业农村局",
    "济源产城融合示范区审计局",
    "济源产城融合示范区民政局",
    "济源产城融合示范区人力资源和社会保障局网站",
    "济源产城融合示范区水利局",
    "济源产城融合示范区林业局",
    "济源产城融合示范区文化广电和旅游局",
    "济源产城融合示范区卫生健康委员会",
    "济源产城融合示范区应急管理局",
    "济源市公共资源交易中心",
)

# 附件1's 存在问题 column, by site name, and the kind of finding each must produce.
ATTACHMENT_1_PROBLEMS = {
    "济源产城融合示范区教育体育局": {"图片新闻": "stale"},
    "济源产城融合示范区工业和科技创新委员会": {"部门预算": "overdue"},
    "济源产城融合示范区生态环境局": {"12369投诉查处": "overdue"},
    "济源产城融合示范区住房和城乡建设局": {"工程招标": "overdue", "标准定额": "overdue"},
    "济源产城融合示范区审计局": {"图片新闻": "stale"},
    "济源产城融合示范区水利局": {"工程建设": "overdue", "招投标信息": "overdue"},
    "济源产城融合示范区应急管理局": {
        "安全生产": "overdue",
        "宣传教育": "overdue",
        "防火防汛抗旱": "overdue",
    },
    "济源市公共资源交易中心": {"行业动态": "stale", "新闻时事": "stale"},
}

# Awkward calendar days: year ends, leap days, month ends, and an ordinary day.
TODAYS = (
    date(2022, 5, 20),
    date(2022, 6, 30),
    date(2024, 1, 1),
    date(2024, 2, 29),
    date(2024, 3, 1),
    date(2025, 12, 31),
    date(2026, 8, 31),
)
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REPORT_COLUMN_IDS = frozenset(column.id for column in REPORT_COLUMNS)


@pytest.fixture(params=TODAYS, ids=str)
def fleet(request: pytest.FixtureRequest) -> Fleet:
    return demo_fleet(request.param)


def test_the_sites_are_attachment_1s() -> None:
    fleet = demo_fleet(date(2022, 5, 20))
    assert tuple(site.name for site in fleet.sites) == ATTACHMENT_1
    ids = [site.id for site in fleet.sites]
    assert len(set(ids)) == 20
    assert all(ID.match(site_id) for site_id in ids)
    assert len({site.site_code for site in fleet.sites}) == 20
    assert all(re.fullmatch(r"\d{10}", site.site_code) for site in fleet.sites)


def test_expected_problems_are_attachment_1s() -> None:
    fleet = demo_fleet(date(2022, 5, 20))
    by_name = {
        fleet.site(site_id).name: {name: kind.value for name, kind in kinds.items()}
        for site_id, kinds in EXPECTED_PROBLEM_KINDS.items()
    }
    assert by_name == ATTACHMENT_1_PROBLEMS
    assert {k: set(v) for k, v in EXPECTED_PROBLEMS.items()} == {
        k: set(v) for k, v in EXPECTED_PROBLEM_KINDS.items()
    }


def test_sites_have_realistic_columns(fleet: Fleet) -> None:
    styles = {site.style for site in fleet.sites}
    assert len(styles) >= 5
    assert styles <= set(STYLES)
    for site in fleet.sites:
        assert len({column.id for column in site.columns}) == len(site.columns)
        assert all(ID.match(column.id) for column in site.columns)
        # the portal's section 二 columns (crawler.demo.portal) are checked on their own
        own = [column for column in site.columns if column.id not in REPORT_COLUMN_IDS]
        assert 4 <= len(own) <= 8, site.id
        for column in own:
            if column.category is Category.STATIC:
                assert column.text, (site.id, column.name)
                continue
            assert 15 <= len(column.items) <= 25, (site.id, column.name)
            dates = [item.published for item in column.items]
            assert dates == sorted(dates, reverse=True), "items are newest first"
            assert style_for(site.style).pages(column) >= 2, "every list has a page 2"
            numbers = [item.number for item in column.items]
            assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("skew_days", [-1, 0, 1])
def test_columns_are_judged_alike_a_day_either_side(fleet: Fleet, skew_days: int) -> None:
    """Fresh columns stay fresh and problem columns stay problems if the judge's today is off
    by a day; no item is ever in the judge's future."""
    judged_today = fleet.today + timedelta(days=skew_days)
    for site in fleet.sites:
        expected = EXPECTED_PROBLEM_KINDS.get(site.id, {})
        for column in site.columns:
            window = column.category.window(column.max_age_days)
            if window is None:
                assert column.name not in expected
                continue
            newest = column.items[0].published
            assert all(item.published <= judged_today for item in column.items)
            cutoff = window.cutoff(judged_today)
            kind = expected.get(column.name)
            where = (site.id, column.name, fleet.today)
            if kind is None:
                assert column.freshness is Freshness.FRESH, where
                assert newest >= cutoff + timedelta(days=7), where
            elif kind is ProblemKind.STALE:
                assert column.category is Category.NEWS, where
                assert cutoff - timedelta(days=7) > newest, where
            else:
                assert column.category is Category.UPDATE, where
                assert cutoff - timedelta(days=300) > newest, where


def test_fresh_news_is_days_old(fleet: Fleet) -> None:
    for site in fleet.sites:
        for column in site.columns:
            if column.category is Category.NEWS and column.freshness is Freshness.FRESH:
                age = (fleet.today - column.items[0].published).days
                assert 1 <= age <= 5, (site.id, column.name)


def test_the_fleet_is_deterministic() -> None:
    assert demo_fleet(date(2023, 3, 15)) == demo_fleet(date(2023, 3, 15))


def test_the_same_problems_on_any_day() -> None:
    one, other = demo_fleet(date(2022, 5, 20)), demo_fleet(date(2030, 1, 7))
    for a, b in zip(one.sites, other.sites, strict=True):
        ages_a = [(one.today - i.published).days for c in a.columns for i in c.items]
        ages_b = [(other.today - i.published).days for c in b.columns for i in c.items]
        assert ages_a == ages_b


def test_generated_fleet_is_fresh_and_deterministic() -> None:
    today = date(2024, 2, 29)
    fleet = generated_fleet(sites=12, columns=10, items=7, today=today, seed=3)
    assert len(fleet.sites) == 12
    assert {site.style for site in fleet.sites} == set(STYLES)
    assert len({site.id for site in fleet.sites}) == 12
    for site in fleet.sites:
        assert len(site.columns) == 10
        assert len({column.id for column in site.columns}) == 10
        for column in site.columns:
            assert column.freshness is Freshness.FRESH
            assert len(column.items) == 7
            window = column.category.window(column.max_age_days)
            assert window is not None
            assert column.items[0].published >= window.cutoff(today) + timedelta(days=7)
    assert fleet == generated_fleet(sites=12, columns=10, items=7, today=today, seed=3)
    assert fleet != generated_fleet(sites=12, columns=10, items=7, today=today, seed=4)


def test_generated_fleet_rejects_empty_sizes() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generated_fleet(sites=0, columns=5, today=date(2024, 1, 1))
