"""The evaluation period: a span of Asia/Shanghai calendar dates, both ends included.

Inspection notices judge a quarter ("2022年第二季度"), a month or a year; ``Period.parse``
reads "2022Q2", "2022-06" and "2022".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["Period", "quarter_of"]

_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
_QUARTER_NAMES = "一二三四"


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    start: date  # first day, Asia/Shanghai
    end: date  # last day, included

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"period ends {self.end.isoformat()} before it starts {self.start.isoformat()}: "
                "give the earlier date as start"
            )

    @classmethod
    def parse(cls, text: str) -> Period:
        """A quarter "2022Q2", a month "2022-06" or a year "2022"."""
        value = text.strip()
        if match := _QUARTER.fullmatch(value):
            year, quarter = int(match[1]), int(match[2])
            first = 3 * quarter - 2
            return cls(start=date(year, first, 1), end=_month_end(year, first + 2))
        if match := _MONTH.fullmatch(value):
            year, month = int(match[1]), int(match[2])
            if not 1 <= month <= 12:
                raise ValueError(f"period {text!r}: month {month} is not 1-12")
            return cls(start=date(year, month, 1), end=_month_end(year, month))
        if match := _YEAR.fullmatch(value):
            year = int(match[1])
            return cls(start=date(year, 1, 1), end=date(year, 12, 31))
        raise ValueError(
            f"period {text!r} is not a quarter, month or year: write 2022Q2, 2022-06 or 2022"
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        """The notices' wording: 2022年第二季度, 2022年6月, 2022年, or a date range."""
        start, end = self.start, self.end
        if start.day == 1 and end == _month_end(end.year, end.month) and start.year == end.year:
            if start.month == 1 and end.month == 12:
                return f"{start.year}年"
            if start.month == end.month:
                return f"{start.year}年{start.month}月"
            if start.month % 3 == 1 and end.month == start.month + 2:
                return f"{start.year}年第{_QUARTER_NAMES[start.month // 3]}季度"
        return f"{start.isoformat()}至{end.isoformat()}"

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_of(moment: datetime) -> Period:
    """The calendar quarter (Asia/Shanghai) a check time falls in: the default period."""
    day = moment.astimezone(ZoneInfo("Asia/Shanghai")).date()
    return Period.parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")
