"""Periods and natural weeks: parsing, week bucketing at Monday 00:00 Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.model import SHANGHAI
from rules.period import Period
from rules.weeks import complete_weeks, week_end, week_start


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2022Q2", date(2022, 4, 1), date(2022, 6, 30), "2022年第二季度"),
        ("2022q4", date(2022, 10, 1), date(2022, 12, 31), "2022年第四季度"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        ("2022-6", date(2022, 6, 1), date(2022, 6, 30), "2022年6月"),
        ("2022", date(2022, 1, 1), date(2022, 12, 31), "2022年"),
    ],
)
def test_parse(text: str, start: date, end: date, label: str) -> None:
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2022Q5", "2022-13", "22", "Q2 2022", "", "2022-06-01"])
def test_parse_rejects_bad_input_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"2022Q2|month"):
        Period.parse(text)


def test_explicit_period_and_reversed_dates() -> None:
    period = Period(start=date(2022, 4, 3), end=date(2022, 4, 16))
    assert period.days == 14
    assert date(2022, 4, 16) in period
    assert period.label == "2022-04-03至2022-04-16"
    with pytest.raises(ValueError, match="before it starts"):
        Period(start=date(2022, 4, 16), end=date(2022, 4, 3))


def test_week_starts_at_monday_midnight_shanghai() -> None:
    sunday_late = datetime(2022, 6, 19, 23, 59, 59, tzinfo=SHANGHAI)
    monday = datetime(2022, 6, 20, 0, 0, tzinfo=SHANGHAI)
    assert week_start(sunday_late) == date(2022, 6, 13)
    assert week_start(monday) == date(2022, 6, 20)
    # Sunday 16:00 UTC is already Monday 00:00 in Shanghai
    assert week_start(datetime(2022, 6, 19, 16, 0, tzinfo=UTC)) == date(2022, 6, 20)
    assert week_start(datetime(2022, 6, 19, 15, 59, tzinfo=UTC)) == date(2022, 6, 13)


def test_week_start_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="naive"):
        week_start(datetime(2022, 6, 20))


def test_week_end_needs_a_monday() -> None:
    assert week_end(date(2022, 6, 13)) == datetime(2022, 6, 20, tzinfo=SHANGHAI)
    with pytest.raises(ValueError, match="not a Monday"):
        week_end(date(2022, 6, 14))


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, SHANGHAI, timezone(timedelta(hours=-5))]),
    )
)
@settings(max_examples=300, deadline=None, derandomize=True)
def test_week_start_holds_the_moment(moment: datetime) -> None:
    monday = week_start(moment)
    assert monday.weekday() == 0
    begin = datetime.combine(monday, datetime.min.time(), tzinfo=SHANGHAI)
    assert begin <= moment < begin + timedelta(days=7)
    assert week_end(monday) == begin + timedelta(days=7)


def test_complete_weeks_of_a_quarter_skip_the_straddling_weeks() -> None:
    # 2022Q2: Fri 2022-04-01 .. Thu 2022-06-30
    weeks = complete_weeks(Period.parse("2022Q2"), datetime(2022, 7, 1, tzinfo=UTC))
    assert weeks[0] == date(2022, 4, 4)
    assert weeks[-1] == date(2022, 6, 20)  # 06-20..06-26; 06-27..07-03 straddles Q3
    assert len(weeks) == 12
    # the straddling week belongs to neither quarter
    q3 = complete_weeks(Period.parse("2022Q3"), datetime(2022, 10, 1, tzinfo=UTC))
    assert q3[0] == date(2022, 7, 4)


def test_complete_weeks_across_the_year_boundary() -> None:
    # 2022-12-26 (Mon) .. 2023-01-01 (Sun) is wholly inside neither year
    y2022 = complete_weeks(Period.parse("2022"), datetime(2023, 2, 1, tzinfo=UTC))
    y2023 = complete_weeks(Period.parse("2023Q1"), datetime(2023, 4, 1, tzinfo=UTC))
    assert y2022[-1] == date(2022, 12, 19)
    assert y2023[0] == date(2023, 1, 2)
    assert len(y2022) == 51
    span = Period(start=date(2022, 12, 1), end=date(2023, 1, 31))
    assert date(2022, 12, 26) in complete_weeks(span, datetime(2023, 2, 1, tzinfo=UTC))


def test_complete_weeks_end_before_now() -> None:
    period = Period.parse("2022Q2")
    sunday_end = datetime(2022, 6, 20, 0, 0, tzinfo=SHANGHAI)  # the week of 06-13 has just ended
    assert complete_weeks(period, sunday_end)[-1] == date(2022, 6, 13)
    assert complete_weeks(period, sunday_end - timedelta(seconds=1))[-1] == date(2022, 6, 6)
    assert complete_weeks(period, datetime(2022, 4, 10, tzinfo=UTC)) == []
    # a period starting on a Monday includes its first week
    assert complete_weeks(
        Period(start=date(2022, 4, 4), end=date(2022, 4, 10)), datetime(2022, 5, 1, tzinfo=UTC)
    ) == [date(2022, 4, 4)]
