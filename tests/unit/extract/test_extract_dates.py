"""The date parser: every form government pages use, the strings that only look like dates,
and the properties that hold for any text."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import parse_date
from crawler.extract.dates import EARLIEST, find_dates, later_dates

TODAY = date(2022, 5, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-05-20", date(2022, 5, 20)),
        ("2022-5-20", date(2022, 5, 20)),
        ("2022/5/20", date(2022, 5, 20)),
        ("2022/05/20", date(2022, 5, 20)),
        ("2022.05.20", date(2022, 5, 20)),
        ("2022年5月20日", date(2022, 5, 20)),
        ("2022年05月20日", date(2022, 5, 20)),
        ("2022 年 5 月 20 日", date(2022, 5, 20)),
        ("2022年5月20号", date(2022, 5, 20)),
        ("２０２２－０５－２０", date(2022, 5, 20)),
        ("２０２２年５月２０日", date(2022, 5, 20)),
        ("２０２２／０５／２０", date(2022, 5, 20)),
        ("发布时间：2022-05-20", date(2022, 5, 20)),
        ("发布日期: 2022年05月20日", date(2022, 5, 20)),
        ("日期：2022/5/20", date(2022, 5, 20)),
        ("2022-05-20 14:30", date(2022, 5, 20)),
        ("2022-05-20 14:30:00", date(2022, 5, 20)),
        ("发布时间：2022-05-20 14:30:00 来源：市政府办", date(2022, 5, 20)),
        ("[2022-05-20]", date(2022, 5, 20)),
        ("(2022-05-20)", date(2022, 5, 20)),
        ("【2022-05-20】", date(2022, 5, 20)),
        ("（2022-05-20）", date(2022, 5, 20)),
        ("2022-05-19T20:00:00Z", date(2022, 5, 19)),  # the day the page states, not Shanghai's
        ("2022-05-19T20:00:00+08:00", date(2022, 5, 19)),
        ("2022-05-19T14:00:00+0800", date(2022, 5, 19)),
        ("20220520", date(2022, 5, 20)),
        ("今天是2022年5月20日 星期五", date(2022, 5, 20)),  # a date; the list finder ignores it
        # short dates: the year is today's, or the previous one when that lies in the future
        ("05-20", date(2022, 5, 20)),
        ("5-20", date(2022, 5, 20)),
        ("5/20", date(2022, 5, 20)),
        ("05.20", date(2022, 5, 20)),
        ("5月20日", date(2022, 5, 20)),
        ("05月20日", date(2022, 5, 20)),
        ("[05-20]", date(2022, 5, 20)),
        ("05-25", date(2022, 5, 25)),  # one day ahead is allowed (time zones, late clocks)
        ("05-26", date(2021, 5, 26)),
        ("12-30", date(2021, 12, 30)),
        # year-month only: the day is unknown, and a guess is worse than no date
        ("2022-05", None),
        ("2022年5月", None),
        ("2022.05", None),
        # not dates
        ("〔2022〕5号", None),
        ("某政〔2022〕5号", None),
        ("[2022]5号", None),
        ("（2022）12号", None),
        ("2022年第3号", None),
        ("公告2022年第3号", None),
        ("豫ICP备12345678号", None),
        ("豫ICP备12345678号-1", None),
        ("网站标识码4190000001", None),
        ("4190000001", None),
        ("© 2004-2022", None),
        ("Copyright 2004-2022", None),
        ("电话：0371-65901234", None),
        ("010-12345678", None),
        ("v1.2.3", None),
        ("3.5", None),
        ("", None),
        ("无日期", None),
        # implausible
        ("2022-05-26", None),
        ("2030-01-01", None),
        ("1989-12-31", None),
        ("1990-01-01", date(1990, 1, 1)),
        ("2022-02-30", None),
        ("2022-13-01", None),
    ],
)
def test_parse_date_forms(text: str, expected: date | None) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "context_year", "expected"),
    [
        ("04-20", 2021, date(2021, 4, 20)),
        ("04月20日", 2021, date(2021, 4, 20)),
        ("12-30", 2022, date(2021, 12, 30)),  # the context year would put it in the future
        ("2020-01-02", 2021, date(2020, 1, 2)),  # a full date keeps its own year
    ],
)
def test_parse_date_context_year(text: str, context_year: int, expected: date) -> None:
    assert parse_date(text, today=TODAY, context_year=context_year) == expected


def test_short_dates_across_new_year() -> None:
    today = date(2023, 1, 5)
    assert parse_date("01-04", today=today) == date(2023, 1, 4)
    assert parse_date("12-28", today=today) == date(2022, 12, 28)


def test_find_dates_reports_positions_and_text() -> None:
    text = "发布时间：２０２２－０５－２０ 浏览次数：35"
    found = find_dates(text, today=TODAY)
    assert len(found) == 1
    assert found[0].value == date(2022, 5, 20)
    assert found[0].text == "２０２２－０５－２０"
    assert text[found[0].start : found[0].end] == "２０２２－０５－２０"
    assert found[0].has_year


def test_find_dates_short_only_when_allowed() -> None:
    assert find_dates("05-20", today=TODAY) == []
    assert [m.value for m in find_dates("05-20", today=TODAY, allow_short=True)] == [
        date(2022, 5, 20)
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parse_date_never_raises_and_stays_plausible(text: str) -> None:
    value = parse_date(text, today=TODAY)
    assert value is None or EARLIEST <= value <= TODAY + timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="0123456789-/.年月日号 :T+Z〔〕[]()（）２０１５－", max_size=60),
    st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31)),
    st.one_of(st.none(), st.integers(min_value=1900, max_value=2100)),
)
def test_parse_date_date_like_noise(text: str, today: date, context_year: int | None) -> None:
    value = parse_date(text, today=today, context_year=context_year)
    assert value is None or EARLIEST <= value <= today + timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=EARLIEST, max_value=TODAY))
def test_parse_date_round_trips_written_forms(value: date) -> None:
    forms = [
        value.isoformat(),
        f"{value.year}/{value.month}/{value.day}",
        f"{value.year}年{value.month}月{value.day}日",
        f"[{value.year}.{value.month:02d}.{value.day:02d}]",
    ]
    for form in forms:
        assert parse_date(form, today=TODAY) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English pages of development zones
        ("May 19, 2022", date(2022, 5, 19)),
        ("Apr 6, 2022", date(2022, 4, 6)),
        ("Sept. 3, 2021", date(2021, 9, 3)),
        ("19 May 2022", date(2022, 5, 19)),
        ("Updated: December 30, 2021", date(2021, 12, 30)),
        ("May 30, 2022", None),  # in the future
        ("Mayor 5, 2022", None),
        ("May 2022", None),  # month and year: no day
        # two-digit years, only as a whole date cell (ASP.NET's yy-MM-dd)
        ("22-05-18", date(2022, 5, 18)),
        ("[22-05-18]", date(2022, 5, 18)),
        ("22/05/18 10:30", date(2022, 5, 18)),
        ("22-05-28", None),  # in the future
        ("22-13-01", None),
        ("第22-05-18号", None),
        ("编号 22-05-18", None),
        ("22-05", None),  # no month 22, and not a two-digit-year date
        # dots and slashes may put the year last: the newest plausible reading
        ("04.05.20", date(2020, 5, 4)),  # not 2004-05-20
        ("22.05.18", date(2022, 5, 18)),  # 2018-05-22 is older
        ("28.04.20", date(2020, 4, 28)),  # 2028-04-20 is after the check
        ("05/04/20", date(2020, 5, 4)),  # M/D/Y; D/M/Y is 2020-04-05, Y/M/D 2005-04-20
        ("04-05-20", date(2004, 5, 20)),  # a hyphen: year first
    ],
)
def test_parse_date_english_and_two_digit_years(text: str, expected: date | None) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二二年五月二十日", date(2022, 5, 20)),
        ("二零二一年十二月卅一日", date(2021, 12, 31)),
        ("二○二一年十一月廿一日", date(2021, 11, 21)),
        ("印发日期：二〇二一年十月一日", date(2021, 10, 1)),
        ("二〇二二年二月三十日", None),  # no such day
        ("二〇二二年五月", None),  # year-month: the day is unknown
        ("二〇二二年十十月一日", None),  # not a number
        ("二〇三九年一月一日", None),  # implausible: after today
    ],
)
def test_dates_in_chinese_numerals(text: str, expected: date | None) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2062-11-03", [date(2062, 11, 3)]),
        ("发布时间：2031年5月6日", [date(2031, 5, 6)]),
        ("2022-05-20", []),  # plausible: find_dates reads it
        ("2022-05-25", []),  # today + 1 day is still plausible (time zones)
        ("2022-05-26", [date(2022, 5, 26)]),
        ("11-03", []),  # a year-less date is never later: its year is settled before today
        ("2021-2035年规划", []),
    ],
)
def test_later_dates_are_full_dates_after_the_check(text: str, expected: list[date]) -> None:
    assert [m.value for m in later_dates(text, today=TODAY)] == expected
    if expected:
        assert parse_date(text, today=TODAY) is None  # never read as a publish date


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 3, 1), date(2024, 2, 29)),
        (date(2026, 12, 7), date(2024, 2, 29)),  # no 02-29 in 2026 or 2025: the latest one
        (date(2024, 2, 27), date(2020, 2, 29)),  # 2024-02-29 is after the check (+1 day)
    ],
)
def test_a_year_less_february_29_is_its_latest_occurrence(today: date, expected: date) -> None:
    assert parse_date("02-29", today=today) == expected
    assert parse_date("2月29日", today=today) == expected
