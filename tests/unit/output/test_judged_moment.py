"""Which moment and period a report or export judges by default: last quarter, as of now."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.output.judged import last_complete_quarter, resolve_moment


@pytest.mark.parametrize(
    ("moment", "start", "end"),
    [
        (datetime(2022, 7, 12, 2, 0, tzinfo=UTC), date(2022, 4, 1), date(2022, 6, 30)),
        (datetime(2022, 1, 3, 2, 0, tzinfo=UTC), date(2021, 10, 1), date(2021, 12, 31)),
        # 30 June 20:00 UTC is 1 July 04:00 in Shanghai: the third quarter has begun there
        (datetime(2022, 6, 30, 20, 0, tzinfo=UTC), date(2022, 4, 1), date(2022, 6, 30)),
        (datetime(2022, 6, 30, 15, 0, tzinfo=UTC), date(2022, 1, 1), date(2022, 3, 31)),
    ],
)
def test_the_last_complete_quarter_in_shanghai(moment: datetime, start: date, end: date) -> None:
    period = last_complete_quarter(moment)
    assert (period.start, period.end) == (start, end)


def test_no_period_is_last_quarter_as_of_now() -> None:
    now = datetime(2022, 7, 12, 2, 0, tzinfo=UTC)
    moment, period = resolve_moment(as_of=None, period=None, start=None, end=None, now=now)
    assert moment == now
    assert period.label == "2022年第二季度"


def test_a_period_alone_is_judged_at_its_end() -> None:
    now = datetime(2022, 7, 12, 2, 0, tzinfo=UTC)
    moment, period = resolve_moment(as_of=None, period="2022Q2", start=None, end=None, now=now)
    assert period.label == "2022年第二季度"
    assert moment.astimezone(UTC) == datetime(2022, 6, 30, 15, 59, 59, tzinfo=UTC)
