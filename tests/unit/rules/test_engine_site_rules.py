"""Site rules of national-2019 on both sides of each threshold, and insufficient data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from engine_builders import NOW, TODAY, home, page, probes, site

from rules.engine import evaluate
from rules.evaluation import ObjectResult, Result
from rules.facts import SiteFacts
from rules.model import Category, Outcome, PageFacts
from rules.period import Period
from rules.profile_files import load_profile

NATIONAL = load_profile("national-2019")
Q2 = Period.parse("2022Q2")


def judge(facts: SiteFacts) -> ObjectResult:
    return evaluate([facts], [], NATIONAL, now=NOW, period=Q2).sites[0]


def not_judged(result: ObjectResult, rule: str) -> list[str]:
    return [item.reason for item in result.not_judged if item.rule == rule]


def test_a_healthy_site_passes_with_100() -> None:
    result = judge(site([page("xw"), page("tz", category=Category.NOTICE)]))
    assert result.result is Result.PASSED
    assert (result.score, result.vetoes, result.findings, result.not_judged) == (100, (), (), ())


# --- site-unavailable: failed probes >= 5% over 7 days of >= 20 probes ----------------------


@pytest.mark.parametrize(("failed", "vetoed"), [(0, False), (6, False), (7, True), (30, True)])
def test_probe_failure_ratio(failed: int, vetoed: bool) -> None:
    """140 probes over 7 days: 6 failed is 4.3%, 7 failed is exactly 5%."""
    per_day = {
        TODAY - timedelta(days=back): (20, failed // 7 + (1 if back <= failed % 7 else 0))
        for back in range(1, 8)
    }
    result = judge(site(probe_stats=probes(per_day)))
    assert sum(f for _, f in per_day.values()) == failed
    assert ("site-unavailable" in result.vetoes) is vetoed
    assert (result.result is Result.FAILED) is vetoed


def test_exactly_five_percent_is_a_veto() -> None:
    stats = probes({TODAY - timedelta(days=1): (20, 1)}, probes=20, failed=1)  # 7/140
    result = judge(site(probe_stats=stats))
    assert result.vetoes == ("site-unavailable",)
    finding = result.findings[0]
    assert finding.value_text == "5.00%"
    assert finding.finding.evidence.url == "http://x/"
    assert "7 of 140 probes failed" in (finding.finding.evidence.detail or "")
    assert finding.finding.evidence.threshold == "≥ 5%"
    assert "首页无法打开的次数占比5.00%" in finding.finding.message


def test_no_probe_data_is_not_judged() -> None:
    facts = site()
    facts = SiteFacts(site=facts.site, pages=facts.pages, probes=None)
    result = judge(facts)
    assert result.result is Result.PASSED
    assert not_judged(result, "site-unavailable") == ["无首页可用性监测数据,无法判断"]


def test_a_day_with_19_probes_is_not_judged_even_when_all_failed() -> None:
    day = TODAY - timedelta(days=3)
    result = judge(site(probe_stats=probes({day: (19, 19)})))
    assert result.vetoes == ()
    assert not_judged(result, "site-unavailable") == [
        f"{day.isoformat()}仅有19次可用性监测(每天至少需要20次),无法判断"
    ]


def test_the_check_day_is_not_part_of_the_probe_window() -> None:
    result = judge(site(probe_stats=probes({TODAY: (3, 3)})))
    assert result.vetoes == ()
    assert not_judged(result, "site-unavailable") == []


# --- homepage-not-updated: newest dated homepage item older than 14 days -------------------


@pytest.mark.parametrize(("age", "vetoed"), [(14, False), (15, True), (0, False)])
def test_homepage_age(age: int, vetoed: bool) -> None:
    result = judge(site(homepage=home(newest=TODAY - timedelta(days=age))))
    assert ("homepage-not-updated" in result.vetoes) is vetoed
    if vetoed:
        finding = next(f for f in result.findings if f.rule == "homepage-not-updated")
        assert finding.finding.evidence.age_days == age
        assert finding.finding.evidence.threshold == "> 14天"
        assert "最新信息日期2022-06-05" in finding.finding.message


def test_an_undated_homepage_counts_as_not_updated() -> None:
    result = judge(site(homepage=home(newest=None)))
    assert result.vetoes == ("homepage-not-updated",)
    finding = result.findings[0]
    assert finding.value_text == "无标注日期的信息"
    assert finding.as_dict()["value"] is None  # JSON has no infinity


@pytest.mark.parametrize(
    ("newest", "judged"),
    [(None, False), (TODAY - timedelta(days=40), False), (TODAY - timedelta(days=2), True)],
)
def test_a_homepage_with_items_dated_after_the_check_is_never_not_updated(
    newest: date | None, judged: bool
) -> None:
    homepage = replace(home(newest=newest), later_dated_count=3)
    result = judge(site(homepage=homepage))
    assert result.vetoes == ()
    reasons = not_judged(result, "homepage-not-updated")
    misdated = "网站首页信息发布日期晚于检查日期,日期有误,无法判断更新情况"
    assert reasons == ([] if judged else [misdated])


@pytest.mark.parametrize(
    ("homepage", "reason"),
    [
        (home(outcome=Outcome.BLOCKED, newest=None), "网站首页被反爬虫拦截,无法判断更新情况"),
        (home(outcome=Outcome.TIMEOUT, newest=None), "网站首页访问超时,无法判断更新情况"),
        (home(outcome=None, newest=None), "网站首页未检查,无法判断"),
        (home(list_found=False, newest=None), "网站首页未识别到信息列表,无法判断更新情况"),
    ],
)
def test_an_unreadable_homepage_is_not_judged(homepage: PageFacts, reason: str) -> None:
    result = judge(site(homepage=homepage))
    # A homepage that could not be loaded has not passed an inspection: 无法判定, never 合格.
    readable = homepage.outcome is not None and homepage.outcome.readable
    assert result.result is (Result.PASSED if readable else Result.UNKNOWN)
    assert result.vetoes == ()
    assert not_judged(result, "homepage-not-updated") == [reason]


def test_a_blocked_homepage_is_listed_as_a_note() -> None:
    result = judge(site(homepage=home(outcome=Outcome.BLOCKED, newest=None)))
    assert [(f.finding.code, f.effect.value, f.points) for f in result.findings] == [
        ("site-blocked", "note", 0)
    ]


# --- columns-not-updated / -overdue / -empty ------------------------------------------------


def stale_news(count: int, start: int = 0) -> list[PageFacts]:
    return [page(f"n{i}", newest=TODAY - timedelta(days=15)) for i in range(start, start + count)]


def test_four_stale_columns_pass_five_fail() -> None:
    four = judge(site(stale_news(4)))
    assert four.vetoes == ()
    assert [f.finding.code for f in four.findings] == ["column-stale"] * 4
    assert {f.effect.value for f in four.findings} == {"note"}
    tz = page("tz", category=Category.NOTICE, newest=None)
    five = judge(site([*stale_news(3), tz, *stale_news(1, start=7)]))
    assert five.vetoes == ("columns-not-updated",)
    veto = five.findings[0]
    assert veto.value == 5
    assert veto.finding.message.startswith(
        "栏目不更新:动态要闻类、通知公告政策文件类栏目累计5个未更新("
    )
    assert "tz" in veto.finding.message  # the undated notice column counts as not updated


def test_plan_and_static_columns_do_not_count_as_not_updated() -> None:
    old = TODAY - timedelta(days=400)
    columns = [
        *stale_news(4),
        page("rs", category=Category.PLAN, newest=old),
        page("gk", category=Category.STATIC, newest=old),
    ]
    assert judge(site(columns)).vetoes == ()


def test_unreachable_columns_never_count_and_can_make_it_undecidable() -> None:
    failed = [page(f"u{i}", outcome=Outcome.TIMEOUT, newest=None) for i in range(3)]
    undecided = judge(site(stale_news(3) + failed))
    assert undecided.vetoes == ()
    assert undecided.result is Result.PASSED
    [reason] = not_judged(undecided, "columns-not-updated")
    assert reason.startswith("3个栏目无法检查(u0、u1、u2),已发现3个")
    # with one unreachable column, 3 + 1 < 5: decided, no veto
    decided = judge(site(stale_news(3) + failed[:1]))
    assert not_judged(decided, "columns-not-updated") == []
    assert decided.vetoes == ()
    # five stale columns already: the unreachable ones cannot change that
    vetoed = judge(site(stale_news(5) + failed))
    assert vetoed.vetoes == ("columns-not-updated",)
    assert "3 could not be judged" in (vetoed.findings[0].finding.evidence.detail or "")
    notes = [f.finding.code for f in vetoed.findings if f.effect.value == "note"]
    assert notes.count("column-unreachable") == 3


def test_blocked_columns_are_not_stale() -> None:
    blocked = [page(f"b{i}", outcome=Outcome.BLOCKED, newest=None) for i in range(6)]
    result = judge(site(blocked))
    assert result.vetoes == ()
    assert not_judged(result, "columns-not-updated")
    assert not_judged(result, "columns-empty")


def overdue(i: int, age: int) -> PageFacts:
    return page(f"o{i}", category=Category.UPDATE, max_age_days=90, newest=TODAY - timedelta(age))


@pytest.mark.parametrize(("count", "vetoed"), [(9, False), (10, True)])
def test_columns_overdue(count: int, vetoed: bool) -> None:
    columns = [overdue(i, 91) for i in range(count)] + [overdue(99, 90)]
    result = judge(site(columns))
    assert ("columns-overdue" in result.vetoes) is vetoed


@pytest.mark.parametrize(("count", "vetoed"), [(4, False), (5, True)])
def test_columns_empty(count: int, vetoed: bool) -> None:
    columns = [page(f"e{i}", items=0, newest=None) for i in range(count)]
    result = judge(site(columns))
    assert ("columns-empty" in result.vetoes) is vetoed
    assert ("columns-not-updated" in result.vetoes) is False


def test_profile_windows_reach_judge_page(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "w.yaml"
    path.write_text(
        "id: w\nname: w\nextends: national-2019\nwindows:\n  news: {days: 7, label: 1周}\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    columns = [page(f"n{i}", newest=TODAY - timedelta(days=8)) for i in range(5)]
    result = evaluate([site(columns)], [], profile, now=NOW, period=Q2).sites[0]
    assert result.vetoes == ("columns-not-updated",)
    assert any(f.finding.message == "n01周未更新" for f in result.findings)
    assert judge(site(columns)).vetoes == ()


# --- policy-column-not-updated: a column deduction with a cap --------------------------------


def policy(name: str, newest: date | None) -> PageFacts:
    return page(name, name=name, category=Category.NOTICE, newest=newest)


def test_policy_column_deduction_is_capped_and_replaces_the_note() -> None:
    old = date(2021, 12, 19)  # before the 6-month cutoff 2021-12-20
    columns = [policy("政策文件", old), policy("规范性文件", old), policy("通知公告", old)]
    result = judge(site(columns))
    assert result.score == 95  # 2 × 5 capped at 5
    assert result.result is Result.PASSED
    deductions = [f for f in result.findings if f.rule == "policy-column-not-updated"]
    assert [f.points for f in deductions] == [5, 0]
    assert deductions[0].finding.message.startswith("政策文件6个月未更新(")
    assert deductions[0].finding.message.endswith("扣5分)")
    notes = [f.finding.column_name for f in result.findings if f.rule is None]
    assert notes == ["通知公告"]  # the policy columns are reported by the rule instead


def test_policy_column_on_both_sides_of_six_months() -> None:
    fresh = judge(site([policy("政策文件", date(2021, 12, 20))]))
    assert (fresh.score, fresh.findings) == (100, ())
    stale = judge(site([policy("政策文件", date(2021, 12, 19))]))
    assert stale.score == 95


def test_an_unreachable_policy_column_is_not_judged_and_not_deducted() -> None:
    column = page("政策文件", name="政策文件", category=Category.NOTICE, outcome=Outcome.HTTP_ERROR)
    result = judge(site([column]))
    assert result.score == 100
    [item] = [i for i in result.not_judged if i.rule == "policy-column-not-updated"]
    assert (item.column_name, item.reason) == ("政策文件", "政策文件栏目无法访问,无法判断")
