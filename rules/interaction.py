"""互动交流 counts: 受理, 办结, 办结率, 按期办结率 and the median reply time of a period.

Pure: letters in, counts out. A letter is *received* (受理) in a period when it was asked on
a day of the period; *answered* (办结) when, at the check, its board shows a reply day or an
answered status; *answered in time* (按期办结) when its reply day is at most the board's
promised number of working days after the day it was asked. Working days are Monday to
Friday: the public holidays and their swapped working weekends are not known here, so a
promise over a holiday is counted short (a reply can only look late, never early — which is
why the 按期 figures are reported, never judged). Letters gone from the board still count
when they were asked in the period: the office received them.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from rules.boards import LetterState
from rules.letters import LetterFact
from rules.period import Period

__all__ = ["LetterCounts", "add_working_days", "count_letters", "percent_text"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LetterCounts:
    received: int = 0  # 受理: asked in the period
    answered: int = 0  # 办结: of those, answered at the check
    pending: int = 0  # of those, shown as still being handled
    unknown: int = 0  # of those, in a state the board does not show
    timed: int = 0  # answered with a known reply day
    on_time: int | None = None  # 按期办结 (of the timed); None: no promised reply time
    median_days: float | None = None  # from asked to replied, over the timed

    @property
    def rate(self) -> float | None:
        """办结率: answered / received (None: nothing received)."""
        return self.answered / self.received if self.received else None

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率: answered in time / received (None: no promise, or nothing received)."""
        if self.on_time is None or not self.received:
            return None
        return self.on_time / self.received

    def __add__(self, other: LetterCounts) -> LetterCounts:
        on_time = (
            None
            if self.on_time is None and other.on_time is None
            else (self.on_time or 0) + (other.on_time or 0)
        )
        return LetterCounts(
            received=self.received + other.received,
            answered=self.answered + other.answered,
            pending=self.pending + other.pending,
            unknown=self.unknown + other.unknown,
            timed=self.timed + other.timed,
            on_time=on_time,
            median_days=None,  # a median does not add up: recount from the letters
        )


def add_working_days(start: date, days: int) -> date:
    """The day ``days`` working days (Monday to Friday) after ``start``."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def count_letters(
    letters: Iterable[LetterFact], *, period: Period, reply_days: int | None
) -> LetterCounts:
    """The counts of the letters asked in ``period``; ``reply_days``: the promised reply time
    in working days (None: no promise, so no 按期 count)."""
    received = answered = pending = unknown = on_time = 0
    waits: list[int] = []
    for letter in letters:
        if letter.asked is None or not period.start <= letter.asked <= period.end:
            continue
        received += 1
        if letter.replied is not None or letter.state is LetterState.ANSWERED:
            answered += 1
            if letter.replied is not None:
                waits.append((letter.replied - letter.asked).days)
                if reply_days is not None and letter.replied <= add_working_days(
                    letter.asked, reply_days
                ):
                    on_time += 1
        elif letter.state is LetterState.PENDING:
            pending += 1
        else:
            unknown += 1
    return LetterCounts(
        received=received,
        answered=answered,
        pending=pending,
        unknown=unknown,
        timed=len(waits),
        on_time=on_time if reply_days is not None else None,
        median_days=float(statistics.median(waits)) if waits else None,
    )


def percent_text(value: float | None) -> str:
    """A rate as the notices write it: 96% (rounded half up), "—" when there is none."""
    if value is None:
        return "—"
    return f"{int(value * 100 + 0.5)}%"
