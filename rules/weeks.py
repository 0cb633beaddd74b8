"""Natural weeks: Monday 00:00 to Sunday 24:00 in Asia/Shanghai.

Local rules such as "“两微一端”每周更新的内容少于2次" count posts per natural week. A week is
named by its Monday. ``period_weeks`` lists every week that overlaps a period;
``complete_weeks`` the weeks that lie wholly inside it and had ended by the check time: a week
that straddles the period's edge belongs to neither side.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from rules.model import SHANGHAI, local_date
from rules.period import Period

__all__ = ["complete_weeks", "period_weeks", "week_end", "week_start"]

WEEK = timedelta(days=7)


def week_start(moment: datetime) -> date:
    """The Monday (Asia/Shanghai) of the natural week that holds the aware ``moment``."""
    day = local_date(moment)
    return day - timedelta(days=day.weekday())


def week_end(monday: date) -> datetime:
    """The end of the week that starts on ``monday``: the next Monday 00:00 Asia/Shanghai."""
    if monday.weekday() != 0:
        raise ValueError(f"{monday.isoformat()} is not a Monday: name a week by its Monday")
    return datetime.combine(monday + WEEK, time(), tzinfo=SHANGHAI)


def complete_weeks(period: Period, now: datetime) -> list[date]:
    """Mondays of the weeks wholly inside ``period`` that had ended by ``now``."""
    first = period.start + timedelta(days=-period.start.weekday() % 7)
    weeks: list[date] = []
    monday = first
    while monday + timedelta(days=6) <= period.end and week_end(monday) <= now:
        weeks.append(monday)
        monday += WEEK
    return weeks


def period_weeks(period: Period) -> list[date]:
    """Mondays of every week that overlaps ``period``, the partial first and last included."""
    monday = period.start - timedelta(days=period.start.weekday())
    weeks: list[date] = []
    while monday <= period.end:
        weeks.append(monday)
        monday += WEEK
    return weeks
