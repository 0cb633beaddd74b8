"""The nightly schedule's times by a fixed clock: next and last fire times, crontab weekdays
(0 and 7 are Sunday, unlike APScheduler 3's own numbering), bad expressions, and when a
missed run is caught up at start-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.config import ConfigError
from crawler.operations.scheduler import CronError, Nightly, catch_up_due
from rules.model import SHANGHAI


def at(text: str) -> datetime:
    """A wall-clock time in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def fire_times(nightly: Nightly, start: datetime, days: int) -> list[datetime]:
    times: list[datetime] = []
    moment = start
    while (fire := nightly.next_after(moment)) is not None and fire < start + timedelta(days=days):
        times.append(fire)
        moment = fire + timedelta(seconds=1)
    return times


def test_the_default_is_two_in_the_morning_in_shanghai() -> None:
    nightly = Nightly()
    assert nightly.cron == "0 2 * * *"
    assert nightly.next_after(at("2024-03-10T03:00")) == at("2024-03-11T02:00")
    assert nightly.next_after(at("2024-03-10T01:59")) == at("2024-03-10T02:00")
    # The same moment given in UTC: 2024-03-09 18:30 UTC is 02:30 in Shanghai.
    assert nightly.next_after(datetime(2024, 3, 9, 18, 30, tzinfo=UTC)) == at("2024-03-11T02:00")


def test_the_last_scheduled_time_is_at_or_before_now() -> None:
    nightly = Nightly()
    assert nightly.last_before(at("2024-03-10T01:00")) == at("2024-03-09T02:00")
    assert nightly.last_before(at("2024-03-10T02:00")) == at("2024-03-10T02:00")
    assert nightly.last_before(at("2024-03-10T23:59")) == at("2024-03-10T02:00")
    every_minute = Nightly(cron="* * * * *")
    assert every_minute.last_before(at("2024-03-10T10:17:42")) == at("2024-03-10T10:17")
    monthly = Nightly(cron="0 3 1 * *")
    assert monthly.last_before(at("2024-03-20T00:00")) == at("2024-03-01T03:00")
    leap_day = Nightly(cron="0 0 29 2 *")
    assert leap_day.last_before(at("2027-01-01T00:00")) == at("2024-02-29T00:00")


@pytest.mark.parametrize(
    ("weekdays", "expected"),
    [
        ("0", {6}),  # Sunday (Python's weekday() counts Monday as 0)
        ("7", {6}),
        ("1", {0}),
        ("1-5", {0, 1, 2, 3, 4}),
        ("*/2", {6, 1, 3, 5}),  # Sun, Tue, Thu, Sat
        ("6,0", {5, 6}),
        ("5-7", {4, 5, 6}),
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("sat,sun", {5, 6}),
        ("*", {0, 1, 2, 3, 4, 5, 6}),
    ],
)
def test_weekdays_are_read_as_crontab_reads_them(weekdays: str, expected: set[int]) -> None:
    nightly = Nightly(cron=f"0 2 * * {weekdays}")
    fired = fire_times(nightly, at("2024-03-04T00:00"), days=14)  # a Monday, two weeks
    assert {fire.weekday() for fire in fired} == expected
    assert all((fire.hour, fire.minute) == (2, 0) for fire in fired)


@pytest.mark.parametrize(
    ("cron", "hint"),
    [
        ("0 2 * *", "4 fields, not 5"),
        ("0 2 * * * *", "6 fields, not 5"),
        ("0 25 * * *", "25"),
        ("0 2 * * 8", "weekday '8'"),
        ("0 2 * * 5-1", "weekday '5-1'"),
        ("0 2 32 * *", "32"),
        ("x 2 * * *", "x"),
    ],
)
def test_a_bad_expression_says_what_and_how_to_fix_it(cron: str, hint: str) -> None:
    with pytest.raises(CronError) as caught:
        Nightly(cron=cron)
    assert isinstance(caught.value, ConfigError)  # the CLI's exit status 2
    message = str(caught.value)
    assert repr(cron) in message
    assert hint in message
    assert "'0 2 * * *'" in message
    assert "XUNJIAN_NIGHTLY_CRON" in message


@pytest.mark.parametrize(
    ("last_full", "now", "due"),
    [
        (None, "2024-03-10T12:00", True),  # never: catch up
        ("2024-03-09T02:00:01", "2024-03-10T01:59", False),  # last night's ran
        ("2024-03-09T02:00:01", "2024-03-10T02:30", True),  # tonight's was missed
        ("2024-03-10T02:00:05", "2024-03-10T09:00", False),  # tonight's ran
        ("2024-03-09T23:00", "2024-03-10T08:00", True),  # an evening run is not tonight's
        ("2024-03-01T02:00", "2024-03-10T08:00", True),  # off for a week: one catch-up
    ],
)
def test_a_missed_nightly_run_is_caught_up(last_full: str | None, now: str, due: bool) -> None:
    started = at(last_full) if last_full else None
    assert catch_up_due(last_full_started=started, nightly=Nightly(), now=at(now)) is due


@pytest.mark.parametrize("cron", ["0 2 31 2 *", "0 2 31 4,6 *"])
def test_a_day_that_never_comes_is_refused(cron: str) -> None:
    with pytest.raises(CronError, match="no such day ever comes"):
        Nightly(cron=cron)
