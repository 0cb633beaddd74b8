"""Account rules: the newest post's age, and posts per natural week over the period."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from engine_builders import NOW, account

from rules.engine import evaluate
from rules.evaluation import ObjectResult, Result
from rules.facts import AccountFacts
from rules.model import SHANGHAI, Outcome
from rules.period import Period
from rules.profile import Profile
from rules.profile_files import load_profile
from rules.weeks import complete_weeks

NATIONAL = load_profile("national-2019")
JIYUAN = load_profile("jiyuan")
Q2 = Period.parse("2022Q2")
AFTER_Q2 = datetime(2022, 7, 5, 2, 0, tzinfo=UTC)  # a quarterly check in early July
Q2_WEEKS = complete_weeks(Q2, AFTER_Q2)  # 12 weeks, 2022-04-04 .. 2022-06-20


def judge(facts: AccountFacts, *, now: datetime = NOW, profile: Profile = NATIONAL) -> ObjectResult:
    return evaluate([], [facts], profile, now=now, period=Q2).accounts[0]


def reasons(result: ObjectResult, rule: str) -> list[str]:
    return [item.reason for item in result.not_judged if item.rule == rule]


# --- account-not-updated (veto > 14 days) and account-dormant (note > 365 days) -------------


@pytest.mark.parametrize(
    ("days", "codes", "passed"),
    [
        (14, [], True),
        (15, ["account-not-updated"], False),
        (365, ["account-not-updated"], False),
        (366, ["account-not-updated", "account-dormant"], False),
    ],
)
def test_newest_post_age(days: int, codes: list[str], passed: bool) -> None:
    result = judge(account(newest_post=NOW - timedelta(days=days)))
    assert [f.rule for f in result.findings] == codes
    assert result.passed is passed
    if codes:
        finding = result.findings[0].finding
        assert finding.message.startswith("监测时间点前2周内无更新(最新发布日期")
        assert finding.evidence.url == "http://feeds.local/weibo/a1"
        assert finding.evidence.age_days == days
        assert finding.extra["platform"] == "weibo"
        assert (finding.site_id, finding.site_name) == ("a1", "济源应急管理")


def test_the_age_counts_shanghai_calendar_days() -> None:
    # 2022-06-05 23:30 Shanghai is 15 days before 2022-06-20; 06-06 00:30 is 14 days.
    late = datetime(2022, 6, 5, 23, 30, tzinfo=SHANGHAI)
    assert judge(account(newest_post=late)).vetoes == ("account-not-updated",)
    assert judge(account(newest_post=late + timedelta(hours=1))).vetoes == ()


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        (
            account(outcome=Outcome.BLOCKED, newest_post=NOW - timedelta(days=100)),
            "账号来源最近一次抓取失败(被反爬虫拦截),无法判断更新情况",
        ),
        (account(outcome=Outcome.TIMEOUT), "账号来源最近一次抓取失败(访问超时),无法判断更新情况"),
        (account(outcome=None), "账号来源未抓取,无法判断更新情况"),
        (account(newest_post=None), "未采集到该账号的任何发布内容,无法判断更新情况"),
        (
            account(checked_at=NOW - timedelta(days=4), newest_post=NOW - timedelta(days=30)),
            "账号来源最近一次抓取在2022-06-16,距检查时间超过3天,无法判断更新情况",
        ),
    ],
)
def test_an_account_that_cannot_be_read_is_never_not_updated(
    facts: AccountFacts, reason: str
) -> None:
    result = judge(facts)
    assert result.result is Result.UNKNOWN  # never 合格 on a source that could not be read
    assert result.findings == ()
    assert reasons(result, "account-not-updated") == [reason]
    assert reasons(result, "account-dormant") == [reason]


def test_a_newest_post_dated_relative_to_the_fetch_says_so_in_the_evidence() -> None:
    facts = replace(
        account(newest_post=NOW - timedelta(days=20)),
        newest_post_title="冬季安全提示",
        newest_post_url="https://www.douyin.com/video/1",
        newest_post_shown="20天前",
    )
    (finding,) = [f.finding for f in judge(facts).findings if f.rule == "account-not-updated"]
    assert finding.evidence.newest_title == "冬季安全提示"
    assert finding.evidence.newest_url == "https://www.douyin.com/video/1"
    assert finding.evidence.newest_where is not None
    assert finding.evidence.newest_where.startswith("平台页面显示“20天前”,发布时间按抓取时间推算")
    exact = judge(account(newest_post=NOW - timedelta(days=20))).findings[0].finding
    assert exact.evidence.newest_where is None


@pytest.mark.parametrize(
    ("detail", "sign"),
    [
        ("stale-suspect (build time): the relay last generated …", "中转订阅源长期未重新生成"),
        ("stale-suspect (unchanged): the feed has answered …", "订阅源内容长期无任何变化"),
        ("stale-suspect (second source): http://x shows a post …", "另一来源显示有更新的发布内容"),
        ("something else", "来源自身迹象"),
    ],
)
def test_a_stale_suspect_source_is_not_judged_naming_its_sign(detail: str, sign: str) -> None:
    facts = replace(
        account(outcome=Outcome.STALE_SUSPECT, newest_post=NOW - timedelta(days=40)),
        detail=detail,
    )
    result = judge(facts)
    assert result.result is Result.UNKNOWN
    assert result.findings == ()
    (reason,) = reasons(result, "account-not-updated")
    assert reason.startswith("账号来源疑似已停止更新(")
    assert sign in reason


# --- account-weekly-posts (jiyuan): fewer than 2 posts in a natural week, −5 each ------------


def weekly(counts: dict[date, int], **kwargs: object) -> AccountFacts:
    options: dict[str, object] = {"checked_at": AFTER_Q2, "newest_post": AFTER_Q2, **kwargs}
    full = {week: 3 for week in Q2_WEEKS} | counts
    return account(posts_per_week=full, **options)  # type: ignore[arg-type]


def test_two_weeks_below_is_found_twice_and_scores_90() -> None:
    result = judge(weekly({Q2_WEEKS[2]: 1, Q2_WEEKS[7]: 0}), now=AFTER_Q2, profile=JIYUAN)
    assert result.result is Result.PASSED
    assert result.score == 90
    [finding] = result.findings
    assert finding.finding.message == "“两微一端”每周更新的内容少于2次,发现2次(扣10分)"
    assert (finding.occurrences, finding.points, finding.value) == (2, 10, 2)
    assert "judged 12 of 12 complete weeks" in (finding.finding.evidence.detail or "")


@pytest.mark.parametrize(("posts", "score"), [(2, 100), (1, 95), (0, 95)])
def test_one_week_on_both_sides_of_two_posts(posts: int, score: int) -> None:
    result = judge(weekly({Q2_WEEKS[0]: posts}), now=AFTER_Q2, profile=JIYUAN)
    assert result.score == score
    if score == 95:
        assert result.findings[0].finding.message.endswith("发现1次(扣5分)")


def test_a_week_missing_from_the_counts_had_no_posts() -> None:
    facts = account(
        posts_per_week={week: 2 for week in Q2_WEEKS[1:]},
        checked_at=AFTER_Q2,
        newest_post=AFTER_Q2,
    )
    assert judge(facts, now=AFTER_Q2, profile=JIYUAN).score == 95


def test_history_starting_mid_period_judges_nothing() -> None:
    since = datetime(2022, 5, 2, tzinfo=SHANGHAI)  # Monday of the fifth week
    result = judge(
        weekly({Q2_WEEKS[0]: 0, Q2_WEEKS[6]: 0}, history_since=since), now=AFTER_Q2, profile=JIYUAN
    )
    assert result.score == 100
    assert result.findings == ()
    assert reasons(result, "account-weekly-posts") == [
        # weeks 2-4 hold 3 posts each before the history starts: a lower bound that meets the
        # minimum is known; week 1 (no post seen) is not
        "2022年第二季度共12个完整自然周,能确定发布条数的仅11周(记录自2022-05-02起),未判断"
    ]


def test_history_starting_mid_period_with_allow_partial(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "partial.yaml"
    path.write_text(
        "id: partial\nname: p\nextends: jiyuan\nrules:\n"
        "  - code: account-weekly-posts\n    params: {allow_partial: true}\n",
        encoding="utf-8",
    )
    since = datetime(2022, 5, 2, 0, 0, 1, tzinfo=SHANGHAI)  # one second late: week 5 uncovered
    facts = weekly({Q2_WEEKS[0]: 0, Q2_WEEKS[6]: 0}, history_since=since)
    result = judge(facts, now=AFTER_Q2, profile=load_profile(path))
    # week 7 (0 posts, covered) counts; week 1 (0 posts, before the history) is unknown; the
    # other weeks before the history show 3 posts, enough whatever was missed
    assert result.score == 95
    assert "judged 11 of 12" in (result.findings[0].finding.evidence.detail or "")


def test_a_gap_in_the_history_leaves_its_weeks_unknown() -> None:
    # The feed scrolled past posts between fetches on 05-03 and the oldest post of 05-20: the
    # weeks of 05-02, 05-09 and 05-16 may have had posts that were never seen.
    gap = (datetime(2022, 5, 3, 2, tzinfo=UTC), datetime(2022, 5, 16, 9, tzinfo=UTC))
    since = datetime(2022, 3, 1, tzinfo=UTC)
    low = {week: 0 for week in Q2_WEEKS[4:7]}
    unknown = judge(
        weekly(low, history_since=since, history_gaps=(gap,)), now=AFTER_Q2, profile=JIYUAN
    )
    assert unknown.findings == ()
    assert "能确定发布条数的仅9周" in reasons(unknown, "account-weekly-posts")[0]
    # The same gap over weeks that already show enough posts hides nothing that matters.
    known = judge(
        weekly({}, history_since=since, history_gaps=(gap,)), now=AFTER_Q2, profile=JIYUAN
    )
    assert (known.score, known.not_judged) == (100, ())
    # A week wholly outside the gap stays judged.
    outside = judge(
        weekly({Q2_WEEKS[8]: 1}, history_since=since, history_gaps=(gap,)),
        now=AFTER_Q2,
        profile=JIYUAN,
    )
    assert outside.score == 95


def test_no_history_at_all_and_a_blocked_source() -> None:
    none = judge(weekly({}, history_since=None), now=AFTER_Q2, profile=JIYUAN)
    assert reasons(none, "account-weekly-posts")[0].endswith("能确定发布条数的仅0周(记录无),未判断")
    blocked = judge(weekly({Q2_WEEKS[0]: 0}, outcome=Outcome.BLOCKED), now=AFTER_Q2, profile=JIYUAN)
    assert blocked.score == 100
    assert reasons(blocked, "account-weekly-posts") == [
        "账号来源最近一次抓取失败(被反爬虫拦截),无法判断更新情况"
    ]


def test_weeks_after_the_last_fetch_are_not_covered() -> None:
    # fetched last on Friday 2022-06-24: the week of 06-20 had not ended when it was read
    facts = weekly({}, checked_at=datetime(2022, 6, 24, tzinfo=UTC))
    result = judge(facts, now=AFTER_Q2, profile=JIYUAN)
    assert "能确定发布条数的仅11周" in reasons(result, "account-weekly-posts")[0]


def test_no_complete_week_yet() -> None:
    early = datetime(2022, 4, 8, tzinfo=UTC)
    result = judge(account(checked_at=early, newest_post=early), now=early, profile=JIYUAN)
    assert reasons(result, "account-weekly-posts") == [
        "2022年第二季度内尚无已结束的完整自然周,无法判断"
    ]


def test_weekly_deductions_floor_at_zero_and_fail_below_60() -> None:
    result = judge(weekly({week: 0 for week in Q2_WEEKS}), now=AFTER_Q2, profile=JIYUAN)
    assert result.deducted == 60
    assert result.score == 40
    assert result.result is Result.FAILED
    assert result.vetoes == ()
