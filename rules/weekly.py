"""An account's posts per natural week of a period, as its profile's weekly-posting rule saw them.

``weekly_posting`` finds the profile's enabled ``weeks_below`` rule (in jiyuan.yaml:
“两微一端”每周更新的内容少于2次) and lists every week of the period with its posts and
whether that rule judged it, from ``posting_weeks``: the very code the rule counts with, so a
report that draws the weeks agrees with the findings week for week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rules.facts import AccountFacts
from rules.measures.account import PostingWeek, WeeksBelowParams, posting_weeks
from rules.period import Period
from rules.profile import ObjectKind, Profile

__all__ = ["WeeklyPosting", "weekly_posting"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyPosting:
    rule: str | None  # the profile's weekly-posting rule; None: the profile has none
    min_posts: int | None  # its minimum posts per week
    weeks: tuple[PostingWeek, ...]  # every week overlapping the period, oldest first


def weekly_posting(
    facts: AccountFacts, profile: Profile, *, now: datetime, period: Period
) -> WeeklyPosting:
    """The weeks of ``period`` for one account, judged as ``profile``'s rule judges them at
    ``now`` (with no such rule, every week is listed and none is judged)."""
    rule = next(
        (
            rule
            for rule in profile.enabled_rules
            if rule.object is ObjectKind.ACCOUNT and rule.measure == "weeks_below"
        ),
        None,
    )
    params = rule.params if rule is not None else None
    assert params is None or isinstance(params, WeeksBelowParams)  # the measure's params
    return WeeklyPosting(
        rule=rule.code if rule is not None else None,
        min_posts=params.min_posts if params is not None else None,
        weeks=posting_weeks(facts, period=period, now=now, params=params),
    )
