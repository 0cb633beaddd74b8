"""Publication times: every form feeds and Weibo write, resolved against the fetch time,
and the properties that hold for any text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.platforms.times import EARLIEST_POST, parse_post_time
from rules.model import SHANGHAI

# Tuesday 2022-05-24 10:00 in Asia/Shanghai.
FETCHED_AT = datetime(2022, 5, 24, 2, 0, tzinfo=UTC)


def _shanghai(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RFC 822 / 2822 (RSS pubDate)
        ("Sat, 21 May 2022 10:00:00 +0800", _shanghai(2022, 5, 21, 10, 0)),
        ("Sat, 21 May 2022 02:00:00 GMT", _shanghai(2022, 5, 21, 10, 0)),
        ("Sat, 21 May 2022 02:00:00 UT", _shanghai(2022, 5, 21, 10, 0)),
        ("Sat, 21 May 2022 02:00:00 +0000", _shanghai(2022, 5, 21, 10, 0)),
        ("Fri, 20 May 2022 14:00:00 -0400", _shanghai(2022, 5, 21, 2, 0)),
        ("Fri, 20 May 2022 14:00:00 EDT", _shanghai(2022, 5, 21, 2, 0)),
        ("Sat, 21 May 2022 10:00:00 CST", _shanghai(2022, 5, 21, 10, 0)),  # China Standard Time
        ("Sat, 21 May 2022 10:00:00", _shanghai(2022, 5, 21, 10, 0)),  # no zone: Shanghai
        ("21 May 2022 10:00 +0800", _shanghai(2022, 5, 21, 10, 0)),
        ("21 May 22 02:00 GMT", _shanghai(2022, 5, 21, 10, 0)),
        ("Saturday, 21 May 2022 10:00:00 +08:00", _shanghai(2022, 5, 21, 10, 0)),
        ("sat, 21 may 2022 10:00:00 +0800", _shanghai(2022, 5, 21, 10, 0)),
        # Weibo's absolute form
        ("Sat May 21 10:00:00 +0800 2022", _shanghai(2022, 5, 21, 10, 0)),
        ("Sun Jan 02 23:59:59 +0800 2022", _shanghai(2022, 1, 2, 23, 59, 59)),
        # ISO 8601 / RFC 3339
        ("2022-05-21T10:00:00+08:00", _shanghai(2022, 5, 21, 10, 0)),
        ("2022-05-21T02:00:00Z", _shanghai(2022, 5, 21, 10, 0)),
        ("2022-05-21T02:00:00.000Z", _shanghai(2022, 5, 21, 10, 0)),
        ("2022-05-21T10:00:00", _shanghai(2022, 5, 21, 10, 0)),
        ("2022-05-21T10:00+0800", _shanghai(2022, 5, 21, 10, 0)),
        # Chinese and numeric forms (naive: Shanghai)
        ("2022-05-21 10:00:00", _shanghai(2022, 5, 21, 10, 0)),
        ("2022-05-21 10:00", _shanghai(2022, 5, 21, 10, 0)),
        ("2022-5-21 9:05", _shanghai(2022, 5, 21, 9, 5)),
        ("2022/05/21 10:00", _shanghai(2022, 5, 21, 10, 0)),
        ("2022.05.21", _shanghai(2022, 5, 21)),
        ("2022-05-21", _shanghai(2022, 5, 21)),
        ("2022年5月21日", _shanghai(2022, 5, 21)),
        ("2022年5月21日 10:00", _shanghai(2022, 5, 21, 10, 0)),
        ("2022年05月21日10:00:30", _shanghai(2022, 5, 21, 10, 0, 30)),
        ("2022年5月21日10时05分", _shanghai(2022, 5, 21, 10, 5)),
        ("2022年5月21日 10时05分30秒", _shanghai(2022, 5, 21, 10, 5, 30)),
        ("２０２２年５月２１日　１０：００", _shanghai(2022, 5, 21, 10, 0)),
        ("２０２２－０５－２１", _shanghai(2022, 5, 21)),
        ("  2022-05-21 10:00  ", _shanghai(2022, 5, 21, 10, 0)),
        ("2022-05-21 10:00:00 +0800", _shanghai(2022, 5, 21, 10, 0)),
        ("20220521", _shanghai(2022, 5, 21)),
        # Unix timestamps
        ("1653098400", _shanghai(2022, 5, 21, 10, 0)),
        ("1653098400000", _shanghai(2022, 5, 21, 10, 0)),
    ],
)
def test_absolute_forms(text: str, expected: datetime) -> None:
    assert parse_post_time(text, fetched_at=FETCHED_AT) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚", _shanghai(2022, 5, 24, 10, 0)),
        ("30秒前", _shanghai(2022, 5, 24, 9, 59, 30)),
        ("5分钟前", _shanghai(2022, 5, 24, 9, 55)),
        ("3小时前", _shanghai(2022, 5, 24, 7, 0)),
        ("12小时前", _shanghai(2022, 5, 23, 22, 0)),
        ("2天前", _shanghai(2022, 5, 22, 10, 0)),
        ("今天 08:05", _shanghai(2022, 5, 24, 8, 5)),
        ("今天08:05", _shanghai(2022, 5, 24, 8, 5)),
        ("昨天 10:00", _shanghai(2022, 5, 23, 10, 0)),
        ("昨天 23:59", _shanghai(2022, 5, 23, 23, 59)),
        ("前天 07:30", _shanghai(2022, 5, 22, 7, 30)),
        ("05-21", _shanghai(2022, 5, 21)),
        ("5-21", _shanghai(2022, 5, 21)),
        ("05-24", _shanghai(2022, 5, 24)),
        ("05-21 10:00", _shanghai(2022, 5, 21, 10, 0)),
        ("5月21日", _shanghai(2022, 5, 21)),
        ("05-25", _shanghai(2021, 5, 25)),  # this year's would be in the future
        ("12-31", _shanghai(2021, 12, 31)),
        ("01-01", _shanghai(2022, 1, 1)),
    ],
)
def test_weibo_relative_and_short_forms(text: str, expected: datetime) -> None:
    assert parse_post_time(text, fetched_at=FETCHED_AT) == expected


def test_relative_forms_use_the_shanghai_calendar_day() -> None:
    # 2022-05-24 00:30 in Shanghai is still 2022-05-23 in UTC.
    just_after_midnight = _shanghai(2022, 5, 24, 0, 30)

    assert parse_post_time("今天 00:10", fetched_at=just_after_midnight) == _shanghai(
        2022, 5, 24, 0, 10
    )
    assert parse_post_time("昨天 23:00", fetched_at=just_after_midnight) == _shanghai(
        2022, 5, 23, 23, 0
    )
    assert parse_post_time("05-24", fetched_at=just_after_midnight) == _shanghai(2022, 5, 24)


def test_short_dates_roll_back_over_the_new_year() -> None:
    new_year = _shanghai(2023, 1, 2, 9, 0)

    assert parse_post_time("12-31", fetched_at=new_year) == _shanghai(2022, 12, 31)
    assert parse_post_time("01-02", fetched_at=new_year) == _shanghai(2023, 1, 2)
    assert parse_post_time("01-03", fetched_at=new_year) == _shanghai(2022, 1, 3)


def test_february_29_short_date() -> None:
    assert parse_post_time("02-29", fetched_at=_shanghai(2024, 3, 1)) == _shanghai(2024, 2, 29)
    assert parse_post_time("02-29", fetched_at=_shanghai(2024, 2, 28)) is None  # 2023: no 29th
    assert parse_post_time("02-29", fetched_at=_shanghai(2025, 3, 1)) == _shanghai(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "很久以前",
        "2022-05",  # no day: unknown, not the 1st
        "2022年5月",
        "2022-13-01",
        "2022-02-30",
        "2022-05-21 25:00",
        "Sat, 32 May 2022 10:00:00 +0800",
        "Sat, 21 Foo 2022 10:00:00 +0800",
        "Sat, 21 May 2022 10:00:00 +9999",
        "Sat Foo 21 10:00:00 +0800 2022",
        "今天 24:00",
        "99天后",
        "〔2022〕5号",
        "0371-65901234",
        "2008-12-31 23:59",  # before 2009: implausible
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "0",
        "2022-05-26",  # more than a day after the fetch
        "Thu May 26 10:00:00 +0800 2022",
        "999999天前",
        "x" * 500,
    ],
)
def test_no_time_or_implausible(text: str) -> None:
    assert parse_post_time(text, fetched_at=FETCHED_AT) is None


def test_plausibility_bounds() -> None:
    assert parse_post_time("2009-01-01 00:00", fetched_at=FETCHED_AT) == EARLIEST_POST
    assert parse_post_time("2008-12-31 23:59", fetched_at=FETCHED_AT) is None
    one_day_ahead = FETCHED_AT + timedelta(days=1)
    assert parse_post_time(one_day_ahead.isoformat(), fetched_at=FETCHED_AT) == one_day_ahead
    later = one_day_ahead + timedelta(seconds=1)
    assert parse_post_time(later.isoformat(), fetched_at=FETCHED_AT) is None


def test_naive_fetch_time_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="naive"):
        parse_post_time("刚刚", fetched_at=datetime(2022, 5, 24, 10, 0))


_MOMENTS = st.datetimes(
    min_value=datetime(2009, 1, 2), max_value=datetime(2022, 5, 24), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))


@given(moment=_MOMENTS)
def test_written_forms_read_back(moment: datetime) -> None:
    local = moment.astimezone(SHANGHAI)
    rfc822 = moment.strftime("%a, %d %b %Y %H:%M:%S GMT")  # C locale names in tests
    weibo = local.strftime("%a %b %d %H:%M:%S +0800 %Y")
    chinese = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M:%S}"

    for text in (rfc822, weibo, moment.isoformat(), local.strftime("%Y-%m-%d %H:%M:%S"), chinese):
        assert parse_post_time(text, fetched_at=FETCHED_AT) == moment, text


@settings(max_examples=300)
@given(text=st.text(max_size=60))
def test_any_text_gives_none_or_a_plausible_utc_time(text: str) -> None:
    moment = parse_post_time(text, fetched_at=FETCHED_AT)

    if moment is not None:
        assert moment.tzinfo is UTC
        assert EARLIEST_POST <= moment <= FETCHED_AT + timedelta(days=1)


@settings(max_examples=200)
@given(
    text=st.from_regex(
        r"\A(\d{1,6}(秒|分钟|小时|天)前|(今天|昨天|前天) ?\d{1,2}:\d{2}|\d{1,2}-\d{1,2}"
        r"|\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?( \d{1,2}:\d{2})?)\Z"
    )
)
def test_date_shaped_text_never_raises(text: str) -> None:
    moment = parse_post_time(text, fetched_at=FETCHED_AT)

    assert moment is None or EARLIEST_POST <= moment <= FETCHED_AT + timedelta(days=1)
