"""``posting_weeks``: every week of the period, and whether the weekly-posting rule judged it.

The rule (``weeks_below``) counts exactly the weeks this function marks judged; reports draw
them, so each reason a week is not judged is checked here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from engine_builders import account

from rules.engine import evaluate
from rules.facts import AccountFacts
from rules.measures.account import (
    PostingWeek,
    WeekNotJudged,
    WeeksBelowParams,
    posting_weeks,
)
from rules.model import SHANGHAI, Outcome
from rules.period import Period
from rules.profile_files import load_profile
from rules.weekly import weekly_posting
from rules.weeks import complete_weeks, period_weeks

Q2 = Period.parse("2022Q2")  # Friday 2022-04-01 .. Thursday 2022-06-30
AFTER_Q2 = datetime(2022, 7, 5, 2, 0, tzinfo=UTC)
INNER = complete_weeks(Q2, AFTER_Q2)  # 2022-04-04 .. 2022-06-20
PARAMS = WeeksBelowParams()
JIYUAN = load_profile("jiyuan")


def weekly(counts: dict[date, int] | None = None, **options: object) -> AccountFacts:
    full = {week: 3 for week in INNER} | (counts or {})
    settings: dict[str, object] = {"checked_at": AFTER_Q2, "newest_post": AFTER_Q2, **options}
    return account(posts_per_week=full, **settings)  # type: ignore[arg-type]


def reasons(weeks: tuple[PostingWeek, ...]) -> dict[date, WeekNotJudged | None]:
    return {week.monday: week.reason for week in weeks}


def test_every_week_of_the_period_is_listed_with_zero_weeks() -> None:
    weeks = posting_weeks(weekly({INNER[3]: 0}), period=Q2, now=AFTER_Q2, params=PARAMS)
    assert [w.monday for w in weeks] == period_weeks(Q2)
    assert (weeks[0].monday, weeks[-1].monday) == (date(2022, 3, 28), date(2022, 6, 27))
    assert weeks[4] == PostingWeek(monday=INNER[3], posts=0, judged=True)
    assert [w.reason for w in weeks if not w.judged] == [WeekNotJudged.PARTIAL] * 2
    assert [w.complete for w in weeks] == [False] + [True] * 12 + [False]


@pytest.mark.parametrize(
    ("facts", "now", "params", "expected"),
    [
        # mid-June: the weeks not over are not-ended
        (
            weekly(checked_at=datetime(2022, 6, 15, tzinfo=SHANGHAI)),
            datetime(2022, 6, 15, 12, tzinfo=SHANGHAI),
            PARAMS,
            {date(2022, 6, 13): WeekNotJudged.NOT_ENDED, date(2022, 4, 4): None},
        ),
        # the last fetch before the week ended
        (
            weekly(checked_at=datetime(2022, 6, 25, tzinfo=SHANGHAI)),
            AFTER_Q2,
            WeeksBelowParams(allow_partial=True),
            {date(2022, 6, 20): WeekNotJudged.NOT_FETCHED_AFTER, date(2022, 6, 13): None},
        ),
        (
            weekly(outcome=Outcome.TIMEOUT),
            AFTER_Q2,
            PARAMS,
            {week: WeekNotJudged.UNREADABLE for week in INNER},
        ),
        (weekly(history_since=None), AFTER_Q2, PARAMS, {INNER[0]: WeekNotJudged.NO_HISTORY}),
        # history from 2022-05-02: a short week before it is only a lower bound; a full one
        # before it is known
        (
            weekly({INNER[0]: 1}, history_since=datetime(2022, 5, 2, tzinfo=SHANGHAI)),
            AFTER_Q2,
            WeeksBelowParams(allow_partial=True),
            {INNER[0]: WeekNotJudged.BEFORE_HISTORY, INNER[1]: None, INNER[6]: None},
        ),
        (
            weekly(
                {INNER[5]: 1},
                history_gaps=(
                    (datetime(2022, 5, 10, tzinfo=UTC), datetime(2022, 5, 11, tzinfo=UTC)),
                ),
            ),
            AFTER_Q2,
            WeeksBelowParams(allow_partial=True),
            {INNER[5]: WeekNotJudged.HISTORY_GAP, INNER[4]: None},
        ),
        # the same gap, the period judged whole or not at all: the known weeks are not judged
        (
            weekly(
                {INNER[5]: 1},
                history_gaps=(
                    (datetime(2022, 5, 10, tzinfo=UTC), datetime(2022, 5, 11, tzinfo=UTC)),
                ),
            ),
            AFTER_Q2,
            PARAMS,
            {INNER[5]: WeekNotJudged.HISTORY_GAP, INNER[4]: WeekNotJudged.PERIOD_NOT_JUDGED},
        ),
        (weekly(), AFTER_Q2, None, {week: WeekNotJudged.NO_RULE for week in INNER}),
    ],
)
def test_why_a_week_is_not_judged(
    facts: AccountFacts,
    now: datetime,
    params: WeeksBelowParams | None,
    expected: dict[date, WeekNotJudged | None],
) -> None:
    weeks = posting_weeks(facts, period=Q2, now=now, params=params)
    found = reasons(weeks)
    assert {week: found[week] for week in expected} == expected
    assert all(week.judged is (week.reason is None) for week in weeks)


@pytest.mark.parametrize(
    "facts",
    [
        weekly({INNER[2]: 0, INNER[7]: 1}),
        weekly({INNER[2]: 0}, history_since=datetime(2022, 5, 2, tzinfo=SHANGHAI)),
        weekly({INNER[0]: 1}, checked_at=AFTER_Q2 - timedelta(days=10)),
        weekly({INNER[4]: 0}),
    ],
)
def test_the_rule_counts_the_judged_weeks_under_the_minimum(facts: AccountFacts) -> None:
    result = evaluate([], [facts], JIYUAN, now=AFTER_Q2, period=Q2).accounts[0]
    weekly_rule = weekly_posting(facts, JIYUAN, now=AFTER_Q2, period=Q2)
    assert (weekly_rule.rule, weekly_rule.min_posts) == ("account-weekly-posts", 2)
    below = [w for w in weekly_rule.weeks if w.judged and w.posts < 2]
    hits = [f for f in result.findings if f.rule == "account-weekly-posts"]
    assert sum(f.occurrences for f in hits) == len(below)
    judged = any(w.judged for w in weekly_rule.weeks)
    unjudged = [n for n in result.not_judged if n.rule == "account-weekly-posts"]
    assert bool(unjudged) is not judged


def test_a_profile_without_the_rule_judges_no_week() -> None:
    national = weekly_posting(weekly(), load_profile("national-2019"), now=AFTER_Q2, period=Q2)
    assert (national.rule, national.min_posts) == (None, None)
    assert len(national.weeks) == 14
    assert not any(week.judged for week in national.weeks)
