"""Measures over a 政务新媒体 account: the newest post's age and posts per natural week.

A source whose last fetch failed or was blocked is never "not updated": the account cannot be
judged now. Posts per week are known only for weeks the stored history covers completely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import ClassVar, Literal

from pydantic import ConfigDict

from rules.facts import AccountFacts
from rules.measures.base import Context, Insufficient, Measurement, MeasureResult
from rules.model import SHANGHAI, Evidence, local_date
from rules.profile import Threshold
from rules.weeks import complete_weeks, week_end

__all__ = ["NewestPostParams", "WeeksBelowParams", "newest_post_age_days", "weeks_below"]


@dataclass(frozen=True, slots=True, kw_only=True)
class NewestPostParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    # The last readable fetch must be this recent: posts after it are unknown.
    max_fetch_age_days: int = 3


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
                threshold=f"{threshold.label}天",
                age_days=age,
                detail=facts.detail,
            ),
            fields={"newest_date": newest.isoformat(), "age_days": age},
        )
    ]


def weeks_below(
    context: Context, params: WeeksBelowParams, threshold: Threshold
) -> list[MeasureResult]:
    """How many complete natural weeks of the period had fewer than ``min_posts`` posts.

    A week is judged when a readable fetch happened after it ended and its count is known: the
    stored history is complete over it (from its Monday 00:00, no gap where the feed scrolled
    past unseen posts), or it already holds ``min_posts`` posts (a lower bound that meets the
    minimum is proof enough). By default a period with any uncovered week is not judged
    at all: counting only part of it would understate the deductions in an unknown way.
    """
    facts = context.account
    assert facts is not None
    if (failure := _unreadable(facts)) is not None:
        return [failure]
    weeks = complete_weeks(context.period, context.now)
    if not weeks:
        return [Insufficient(reason=f"{context.period.label}内尚无已结束的完整自然周,无法判断")]
    since = facts.history_since

    def known(week: date) -> bool:
        """The week's count is a fact: history complete over it, or already enough posts
        (a count that is only a lower bound still proves the minimum was met)."""
        start, end = datetime.combine(week, time(), tzinfo=SHANGHAI), week_end(week)
        if since is None:  # nothing readable yet: no count is a fact
            return False
        if facts.posts_per_week.get(week, 0) >= params.min_posts:
            return True
        gapped = any(
            gap_start < end and gap_end > start for gap_start, gap_end in facts.history_gaps
        )
        return start >= since and not gapped

    judged = [week for week in weeks if known(week) and week_end(week) <= facts.checked_at]
    if not judged or (len(judged) < len(weeks) and not params.allow_partial):
        start = f"自{local_date(since).isoformat()}起" if since is not None else "无"
        return [
            Insufficient(
                reason=f"{context.period.label}共{len(weeks)}个完整自然周,"
                f"能确定发布条数的仅{len(judged)}周(记录{start}),未判断"
            )
        ]
    below = [week for week in judged if facts.posts_per_week.get(week, 0) < params.min_posts]
    counts = ", ".join(
        f"{week.isoformat()}: {facts.posts_per_week.get(week, 0)}" for week in judged
    )
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
                f"judged {len(judged)} of {len(weeks)} complete weeks",
            ),
            fields={
                "weeks": "、".join(week.isoformat() for week in below),
                "weeks_judged": len(judged),
                "weeks_total": len(weeks),
                "min_posts": params.min_posts,
            },
        )
    ]
