"""The first-cut rules: each verdict on both sides of its threshold, and failures never stale."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from rules.freshness import Verdict, judge_page
from rules.model import Category, Item, Outcome, PageFacts, Severity, Window

# 2022-06-20 10:00 in Asia/Shanghai
NOW = datetime(2022, 6, 20, 2, 0, tzinfo=UTC)


def page(
    *,
    category: Category = Category.NEWS,
    newest: date | None = date(2022, 6, 19),
    outcome: Outcome | None = Outcome.OK,
    items: int = 10,
    dated: int | None = None,
    list_found: bool = True,
    max_age_days: int | None = None,
    column: str | None = "图片新闻",
    status: int | None = 200,
) -> PageFacts:
    item = (
        Item(title="标题", url="http://x/1.html", published=newest, date_where="li[1] > span")
        if newest
        else None
    )
    return PageFacts(
        site_id="s",
        site_name="某局",
        column_id="tpxw" if column else None,
        column_name=column,
        category=category if column else None,
        max_age_days=max_age_days,
        url="http://x/tpxw/",
        checked_at=NOW,
        outcome=outcome,
        status=status,
        list_found=list_found,
        item_count=items,
        dated_count=items if dated is None else dated,
        newest=item,
    )


@pytest.mark.parametrize(
    ("newest", "verdict"),
    [
        (date(2022, 6, 6), Verdict.FRESH),  # exactly 14 days: still within 2 weeks
        (date(2022, 6, 5), Verdict.STALE),  # 15 days
        (date(2022, 6, 20), Verdict.FRESH),
    ],
)
def test_news_window_is_two_weeks(newest: date, verdict: Verdict) -> None:
    result = judge_page(page(newest=newest), now=NOW)
    assert result.verdict is verdict
    if verdict is Verdict.STALE:
        (finding,) = result.findings
        assert finding.code == "column-stale"
        assert finding.message == "图片新闻2周未更新"
        assert finding.evidence.newest_date == newest
        assert finding.evidence.newest_where == "li[1] > span"
        assert finding.evidence.url == "http://x/tpxw/"
        assert finding.evidence.checked_at == NOW
        assert finding.evidence.age_days == 15
        assert finding.evidence.threshold is not None
        assert "2周" in finding.evidence.threshold
    else:
        assert result.findings == ()


@pytest.mark.parametrize(
    ("newest", "stale"),
    [(date(2021, 12, 20), False), (date(2021, 12, 19), True)],
)
def test_notice_window_is_six_calendar_months(newest: date, stale: bool) -> None:
    result = judge_page(page(category=Category.NOTICE, newest=newest, column="通知公告"), now=NOW)
    assert (result.verdict is Verdict.STALE) is stale
    if stale:
        assert result.findings[0].message == "通知公告6个月未更新"


def test_plan_window_is_one_year() -> None:
    fresh = judge_page(page(category=Category.PLAN, newest=date(2021, 6, 20)), now=NOW)
    stale = judge_page(page(category=Category.PLAN, newest=date(2021, 6, 19)), now=NOW)
    assert fresh.verdict is Verdict.FRESH
    assert stale.verdict is Verdict.STALE


@pytest.mark.parametrize(
    ("newest", "overdue"), [(date(2021, 6, 20), False), (date(2021, 6, 19), True)]
)
def test_update_column_uses_its_own_max_age(newest: date, overdue: bool) -> None:
    result = judge_page(
        page(category=Category.UPDATE, max_age_days=365, newest=newest, column="部门预算"), now=NOW
    )
    assert (result.verdict is Verdict.OVERDUE) is overdue
    if overdue:
        (finding,) = result.findings
        assert finding.code == "column-overdue"
        assert finding.message == "部门预算应更新但长期未更新"
        assert finding.severity is Severity.PROBLEM


@pytest.mark.parametrize(
    "outcome",
    [o for o in Outcome if not o.readable],
)
def test_a_failed_fetch_is_never_stale(outcome: Outcome) -> None:
    result = judge_page(page(outcome=outcome, newest=date(2020, 1, 1)), now=NOW)
    assert result.verdict in (Verdict.UNREACHABLE, Verdict.BLOCKED)
    (finding,) = result.findings
    assert finding.severity is Severity.UNKNOWN
    assert finding.code in ("column-unreachable", "column-blocked")
    assert "未更新" not in finding.message


def test_blocked_has_its_own_code_and_message() -> None:
    (finding,) = judge_page(page(outcome=Outcome.BLOCKED, status=412), now=NOW).findings
    assert finding.code == "column-blocked"
    assert "拦截" in finding.message


def test_http_error_names_the_status() -> None:
    (finding,) = judge_page(page(outcome=Outcome.HTTP_ERROR, status=503), now=NOW).findings
    assert finding.code == "column-unreachable"
    assert "HTTP 503" in finding.message


def test_not_modified_is_judged_from_stored_items() -> None:
    result = judge_page(page(outcome=Outcome.NOT_MODIFIED, newest=date(2022, 5, 1)), now=NOW)
    assert result.verdict is Verdict.STALE


def test_no_list_is_unreadable_not_empty() -> None:
    result = judge_page(page(list_found=False, items=0, newest=None), now=NOW)
    assert result.verdict is Verdict.UNREADABLE
    assert result.findings[0].severity is Severity.UNKNOWN


def test_empty_column() -> None:
    result = judge_page(page(items=0, newest=None), now=NOW)
    assert result.verdict is Verdict.EMPTY
    assert result.findings[0].message == "图片新闻为空白栏目"


def test_undated_items_count_as_not_updated() -> None:
    result = judge_page(page(items=5, dated=0, newest=None), now=NOW)
    assert result.verdict is Verdict.UNDATED
    (finding,) = result.findings
    assert finding.code == "column-undated"
    assert finding.severity is Severity.PROBLEM
    assert finding.evidence.detail is not None


def test_static_columns_have_no_window() -> None:
    result = judge_page(page(category=Category.STATIC, newest=date(2010, 1, 1)), now=NOW)
    assert result.verdict is Verdict.STATIC
    assert result.findings == ()


def test_homepage_failures_are_site_findings() -> None:
    result = judge_page(page(column=None, outcome=Outcome.TIMEOUT, status=None), now=NOW)
    (finding,) = result.findings
    assert finding.code == "site-unreachable"
    assert finding.message == "网站首页无法访问(访问超时)"
    ok = judge_page(page(column=None), now=NOW)
    assert ok.verdict is Verdict.REACHABLE
    assert ok.findings == ()


def test_never_fetched_is_not_checked() -> None:
    result = judge_page(page(outcome=None), now=NOW)
    assert result.verdict is Verdict.NOT_CHECKED
    assert result.findings == ()


@pytest.mark.parametrize(
    ("today", "months", "days", "expected"),
    [
        (date(2022, 8, 31), 6, 0, date(2022, 2, 28)),
        (date(2024, 8, 31), 6, 0, date(2024, 2, 29)),
        (date(2022, 1, 15), 1, 0, date(2021, 12, 15)),
        (date(2022, 6, 20), 0, 14, date(2022, 6, 6)),
        (date(2022, 6, 20), 12, 0, date(2021, 6, 20)),
    ],
)
def test_window_cutoff(today: date, months: int, days: int, expected: date) -> None:
    assert Window(months=months, days=days, label="x").cutoff(today) == expected


def test_check_time_is_read_in_shanghai() -> None:
    # 2022-06-20 17:00 UTC is already 2022-06-21 01:00 in Asia/Shanghai: 15 days after 06-06.
    late = datetime(2022, 6, 20, 17, 0, tzinfo=UTC)
    assert judge_page(page(newest=date(2022, 6, 6)), now=late).verdict is Verdict.STALE


def _later_dated(result_page: PageFacts, count: int) -> PageFacts:
    example = Item(
        title="关于做好冬季供暖保障工作的通知",
        url="http://x/tpxw/9.html",
        published=None,
        date_where="ul.list > li[1] > span, date later than the check date, not counted",
        date_text="2062-11-03",
    )
    return replace(result_page, later_dated_count=count, later_dated=example)


def test_items_dated_after_the_check_are_not_undated_but_unjudged() -> None:
    facts = _later_dated(page(items=5, dated=0, newest=None), 5)
    result = judge_page(facts, now=NOW)
    assert result.verdict is Verdict.MISDATED
    (finding,) = result.findings
    assert finding.code == "column-misdated"
    assert finding.severity is Severity.UNKNOWN  # never a problem: the dates are the site's slip
    assert finding.message == "图片新闻信息发布日期晚于检查日期,日期有误,无法判断更新情况"
    assert "未标注" not in finding.message
    detail = finding.evidence.detail or ""
    assert "5 of 5 listed items" in detail
    assert "'2062-11-03'" in detail
    assert "http://x/tpxw/9.html" in detail
    assert finding.evidence.threshold is not None


def test_an_old_newest_beside_items_dated_after_the_check_is_not_stale() -> None:
    # The correctly dated items are old, but the ones dated 2062 may be last week's: unknown.
    facts = _later_dated(page(items=5, dated=3, newest=date(2022, 1, 5)), 2)
    result = judge_page(facts, now=NOW)
    assert result.verdict is Verdict.MISDATED
    assert [f.code for f in result.findings] == ["column-misdated"]


def test_a_fresh_newest_stays_fresh_beside_items_dated_after_the_check() -> None:
    facts = _later_dated(page(items=5, dated=3, newest=date(2022, 6, 19)), 2)
    assert judge_page(facts, now=NOW).verdict is Verdict.FRESH
