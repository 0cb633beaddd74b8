"""Measures over a 政务新媒体 account: the newest post's age and posts per natural week.

A source whose last fetch failed or was blocked is never "not updated": the account cannot be
judged now. Posts per week are known only for weeks the stored history covers completely;
``posting_weeks`` says, week by week, which weeks the weekly-posting rule judges and why not
the others (the reports draw it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import ConfigDict

from rules.facts import AccountFacts
from rules.measures.base import Context, Insufficient, Measurement, MeasureResult
from rules.model import SHANGHAI, Evidence, Outcome, local_date
from rules.period import Period
from rules.profile import Threshold
from rules.weeks import complete_weeks, period_weeks, week_end

__all__ = [
    "AccountClosedParams",
    "NewestPostParams",
    "PostingWeek",
    "WeekNotJudged",
    "WeeksBelowParams",
    "account_closed",
    "newest_post_age_days",
    "posting_weeks",
    "weeks_below",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class NewestPostParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    # The last readable fetch must be this recent: posts after it are unknown.
    max_fetch_age_days: int = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountClosedParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeksBelowParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    min_posts: int = 2
    weeks: Literal["natural"] = "natural"  # Monday 00:00 - Sunday 24:00, Asia/Shanghai
    allow_partial: bool = False  # judge the covered weeks when the history does not cover all

    def __post_init__(self) -> None:
        if self.min_posts < 1:
            raise ValueError("min_posts must be at least 1")


def _unreadable(facts: AccountFacts) -> Insufficient | None:
    if facts.outcome is None:
        return Insufficient(reason="账号来源未抓取,无法判断更新情况")
    if facts.outcome is Outcome.STALE_SUSPECT:
        return Insufficient(
            reason=f"账号来源疑似已停止更新({_stale_sign(facts.detail)}),无法判断更新情况",
            evidence=Evidence(
                url=facts.url,
                checked_at=facts.checked_at,
                outcome=facts.outcome,
                detail=facts.detail,
            ),
        )
    if not facts.outcome.readable:
        return Insufficient(
            reason=f"账号来源最近一次抓取失败({facts.outcome.label}),无法判断更新情况",
            evidence=Evidence(
                url=facts.url,
                checked_at=facts.checked_at,
                outcome=facts.outcome,
                detail=facts.detail,
            ),
        )
    return None


# The signs the crawl writes into a stale-suspect fetch's detail (crawler.accounts.staleness).
_STALE_SIGNS = {
    "relay error": "中转服务返回错误或登录失效",
    "build time": "中转订阅源长期未重新生成",
    "unchanged": "订阅源内容长期无任何变化,超过该账号通常的发布间隔",
    "second source": "另一来源显示有更新的发布内容",
}
_STALE_SIGN = re.compile(r"stale-suspect \(([^)]+)\)")


def _stale_sign(detail: str | None) -> str:
    match = _STALE_SIGN.search(detail or "")
    return _STALE_SIGNS.get(match.group(1), "来源自身迹象") if match else "来源自身迹象"


def newest_post_age_days(
    context: Context, params: NewestPostParams, threshold: Threshold
) -> list[MeasureResult]:
    """Calendar days (Asia/Shanghai) from the newest post to the check date."""
    facts = context.account
    assert facts is not None
    if (failure := _unreadable(facts)) is not None:
        return [failure]
    if context.now - facts.checked_at > timedelta(days=params.max_fetch_age_days):
        return [
            Insufficient(
                reason=f"账号来源最近一次抓取在{local_date(facts.checked_at).isoformat()},"
                f"距检查时间超过{params.max_fetch_age_days}天,无法判断更新情况"
            )
        ]
    if facts.newest_post is None:
        return [Insufficient(reason="未采集到该账号的任何发布内容,无法判断更新情况")]
    newest = local_date(facts.newest_post)
    age = (local_date(context.now) - newest).days
    return [
        Measurement(
            value=age,
            value_text=f"{age}天",
            occurrences=1,
            evidence=Evidence(
                url=facts.url,
                checked_at=facts.checked_at,
                outcome=facts.outcome,
                newest_date=newest,
                newest_title=facts.newest_post_title,
                newest_url=facts.newest_post_url,
                newest_where=_shown_where(facts),
                threshold=f"{threshold.label}天",
                age_days=age,
                detail=facts.detail,
            ),
            fields={"newest_date": newest.isoformat(), "age_days": age},
        )
    ]


def _shown_where(facts: AccountFacts) -> str | None:
    """Where the newest post's date came from, when the page showed it relative to the fetch."""
    if facts.newest_post_shown is None:
        return None
    return f"平台页面显示“{facts.newest_post_shown}”,发布时间按抓取时间推算,精度以页面所示为限"


def account_closed(
    context: Context, params: AccountClosedParams, threshold: Threshold
) -> list[MeasureResult]:
    """1 when the account's newest fetch found its platform page saying it is closed (已注销,
    已封禁), else 0; not judged when nothing was fetched."""
    facts = context.account
    assert facts is not None
    if facts.outcome is None:
        return [Insufficient(reason="账号来源未抓取,无法判断账号状态")]
    closed = facts.outcome is Outcome.ACCOUNT_CLOSED
    return [
        Measurement(
            value=1 if closed else 0,
            value_text="已注销或被封禁" if closed else "正常",
            occurrences=1,
            evidence=Evidence(
                url=facts.url,
                checked_at=facts.checked_at,
                outcome=facts.outcome,
                threshold=threshold.label,
                detail=facts.detail,
            ),
            fields={"detail": facts.detail or ""},
        )
    ]


class WeekNotJudged(StrEnum):
    """Why the weekly-posting rule did not judge a week of the period (stable codes, exported)."""

    PARTIAL = "partial-week"  # only partly inside the period: belongs to neither side
    NOT_ENDED = "not-ended"  # had not ended at the check time
    UNREADABLE = "unreadable"  # the source's newest fetch failed, or there is none
    NOT_FETCHED_AFTER = "not-fetched-after"  # no fetch after the week ended
    NO_HISTORY = "no-history"  # nothing readable stored: no count is a fact
    BEFORE_HISTORY = "before-history"  # the stored history starts after its Monday
    HISTORY_GAP = "history-gap"  # overlaps a span in which the feed scrolled past posts unseen
    # Its count is known, but the rule judged no week: other complete weeks are not known and
    # the rule does not judge part of a period (allow_partial: false).
    PERIOD_NOT_JUDGED = "period-not-judged"
    NO_RULE = "no-rule"  # the account's profile has no weekly-posting rule


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingWeek:
    """One natural week of the period: its posts, and whether the weekly rule judged it."""

    monday: date
    posts: int  # posts published that week and seen by the check (a lower bound if not judged)
    judged: bool
    reason: WeekNotJudged | None = None  # why not judged; None when judged

    @property
    def complete(self) -> bool:
        """Wholly inside the period and over at the check: one of the weeks the rule counts."""
        return self.reason not in (WeekNotJudged.PARTIAL, WeekNotJudged.NOT_ENDED)


def posting_weeks(
    facts: AccountFacts, *, period: Period, now: datetime, params: WeeksBelowParams | None
) -> tuple[PostingWeek, ...]:
    """Every week overlapping ``period`` (oldest first) with its posts, and whether the
    weekly-posting rule with ``params`` judged it at ``now``: ``weeks_below`` counts exactly
    the judged weeks under ``min_posts``. With ``params`` None (no such rule) none is judged.

    A complete week is judged when the source was read, a fetch happened after the week ended
    and its count is known: the stored history is complete over it (from its Monday 00:00, no
    gap where the feed scrolled past unseen posts), or it already holds ``min_posts`` posts (a
    lower bound that meets the minimum is proof enough). Unless ``allow_partial``, a period with
    any complete week not known has no week judged: counting only part of it would understate
    the deductions in an unknown way.
    """
    complete = set(complete_weeks(period, now))
    unreadable = _unreadable(facts) is not None
    since = facts.history_since

    def reason(week: date, posts: int) -> WeekNotJudged | None:
        start, end = datetime.combine(week, time(), tzinfo=SHANGHAI), week_end(week)
        if week < period.start or week + timedelta(days=6) > period.end:
            return WeekNotJudged.PARTIAL
        if week not in complete:
            return WeekNotJudged.NOT_ENDED
        if params is None:
            return WeekNotJudged.NO_RULE
        if unreadable:
            return WeekNotJudged.UNREADABLE
        if end > facts.checked_at:
            return WeekNotJudged.NOT_FETCHED_AFTER
        if since is None:
            return WeekNotJudged.NO_HISTORY
        if posts >= params.min_posts:
            return None
        if start < since:
            return WeekNotJudged.BEFORE_HISTORY
        if any(gap_start < end and gap_end > start for gap_start, gap_end in facts.history_gaps):
            return WeekNotJudged.HISTORY_GAP
        return None

    weeks = []
    for week in period_weeks(period):
        posts = facts.posts_per_week.get(week, 0)
        why = reason(week, posts)
        weeks.append(PostingWeek(monday=week, posts=posts, judged=why is None, reason=why))
    known = [week for week in weeks if week.judged]
    allow_partial = params is not None and params.allow_partial
    if known and len(known) < len(complete) and not allow_partial:
        weeks = [
            replace(week, judged=False, reason=WeekNotJudged.PERIOD_NOT_JUDGED)
            if week.judged
            else week
            for week in weeks
        ]
    return tuple(weeks)


def weeks_below(
    context: Context, params: WeeksBelowParams, threshold: Threshold
) -> list[MeasureResult]:
    """How many complete natural weeks of the period had fewer than ``min_posts`` posts.

    The weeks counted are those ``posting_weeks`` marks judged (see there); when none is, the
    rule is not judged.
    """
    facts = context.account
    assert facts is not None
    if (failure := _unreadable(facts)) is not None:
        return [failure]
    weeks = posting_weeks(facts, period=context.period, now=context.now, params=params)
    complete = [week for week in weeks if week.complete]
    if not complete:
        return [Insufficient(reason=f"{context.period.label}内尚无已结束的完整自然周,无法判断")]
    judged = [week for week in complete if week.judged]
    if not judged:
        since = facts.history_since
        start = f"自{local_date(since).isoformat()}起" if since is not None else "无"
        known = sum(1 for week in complete if week.reason is WeekNotJudged.PERIOD_NOT_JUDGED)
        return [
            Insufficient(
                reason=f"{context.period.label}共{len(complete)}个完整自然周,"
                f"能确定发布条数的仅{known}周(记录{start}),未判断"
            )
        ]
    below = [week.monday for week in judged if week.posts < params.min_posts]
    counts = ", ".join(f"{week.monday.isoformat()}: {week.posts}" for week in judged)
    return [
        Measurement(
            value=len(below),
            value_text=f"{len(below)}周",
            occurrences=len(below),
            evidence=Evidence(
                url=facts.url,
                checked_at=facts.checked_at,
                outcome=facts.outcome,
                threshold=f"每周少于{params.min_posts}次的周数{threshold.label}",
                detail=f"posts per week (Monday, Asia/Shanghai) {counts}; "
                f"judged {len(judged)} of {len(complete)} complete weeks",
            ),
            fields={
                "weeks": "、".join(week.isoformat() for week in below),
                "weeks_judged": len(judged),
                "weeks_total": len(complete),
                "min_posts": params.min_posts,
            },
        )
    ]
