"""Item dates for demo columns, as ages in days before the fleet's ``today``.

Every profile keeps a wide margin from its category's window, so a crawl a day later (or a
test whose ``today`` differs from the crawler's by a day, across midnight or time zones)
judges every column the same way. No item is dated ``today`` or later: a clock a day behind
must never see a date in the future.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from crawler.demo.model import Freshness
from rules.model import Category

__all__ = ["AgeProfile", "age_profile", "earlier_dates", "list_dates"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AgeProfile:
    """Newest item ``newest_days`` old (a range), each older one ``step_days`` further back."""

    newest_days: tuple[int, int]
    step_days: tuple[int, int]


def age_profile(
    category: Category, freshness: Freshness, max_age_days: int | None = None
) -> AgeProfile:
    """The age profile of a list column; raises ``ValueError`` for a combination never built."""
    match category, freshness:
        case Category.NEWS, Freshness.FRESH:  # window 14 days
            return AgeProfile(newest_days=(1, 3), step_days=(0, 3))
        case Category.NEWS, Freshness.STALE:
            return AgeProfile(newest_days=(24, 30), step_days=(1, 6))
        case Category.NOTICE, Freshness.FRESH:  # window 6 months
            return AgeProfile(newest_days=(3, 30), step_days=(3, 15))
        case Category.PLAN, Freshness.FRESH:  # window 1 year
            return AgeProfile(newest_days=(10, 60), step_days=(10, 40))
        case Category.UPDATE, Freshness.FRESH if max_age_days is not None:
            newest = max(3, max_age_days // 8)
            return AgeProfile(
                newest_days=(2, newest),
                step_days=(max(1, max_age_days // 20), max(2, max_age_days // 6)),
            )
        case Category.UPDATE, Freshness.OVERDUE if max_age_days is not None:
            # about two years for a yearly column; always a year past its own window
            oldest_allowed = max_age_days + 365
            return AgeProfile(
                newest_days=(oldest_allowed, oldest_allowed + 60),
                step_days=(max(7, max_age_days // 8), max(14, max_age_days // 3)),
            )
    raise ValueError(
        f"no age profile for a {category.value!r} column that is {freshness.value!r}"
        " (update columns need max_age_days; only news can be stale, only update overdue)"
    )


def list_dates(today: date, profile: AgeProfile, count: int, rng: random.Random) -> list[date]:
    """``count`` dates, newest first, following ``profile`` back from ``today``."""
    age = rng.randint(*profile.newest_days)
    dates = [today - timedelta(days=age)]
    for _ in range(count - 1):
        age += rng.randint(*profile.step_days)
        dates.append(today - timedelta(days=age))
    return dates


def earlier_dates(
    last: date, profile: AgeProfile, start: date, count: int, rng: random.Random
) -> list[date]:
    """Dates older than ``last``, newest first, each ``step_days`` before the one after it,
    until ``count`` of them lie before ``start``: a column's history, so that on any day from
    ``start`` on its list is as full as it is at the end."""
    dates: list[date] = []
    day = last
    before = 0
    while before < count:
        day -= timedelta(days=max(1, rng.randint(*profile.step_days)))
        dates.append(day)
        before += day < start
    return dates
