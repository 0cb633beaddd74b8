"""The signs that make a source stale-suspect (crawler.accounts.staleness)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.accounts.staleness import (
    stale_by_build_time,
    stale_by_second_source,
    stale_by_unchanged,
    usual_gap,
)

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_build_time() -> None:
    assert stale_by_build_time(None, NOW) is None
    assert stale_by_build_time(NOW - 2 * DAY, NOW) is None
    why = stale_by_build_time(NOW - 5 * DAY, NOW)
    assert why is not None
    assert why.startswith("stale-suspect (build time): the relay last generated this feed at ")


def test_usual_gap_needs_enough_posts_and_ignores_a_rare_long_break() -> None:
    assert usual_gap([DAY] * 4) is None
    gaps = [DAY] * 6 + [2 * DAY] * 3 + [30 * DAY]
    assert usual_gap(gaps) == 2 * DAY


def test_unchanged_past_the_usual_gap_and_the_floor() -> None:
    daily = [DAY] * 10
    assert stale_by_unchanged(None, NOW, daily) is None  # the feed changed since last time
    assert stale_by_unchanged(NOW - 2.5 * DAY, NOW, daily) is None  # under the 3-day floor
    why = stale_by_unchanged(NOW - 4 * DAY, NOW, daily)
    assert why is not None
    assert why.startswith("stale-suspect (unchanged): ")
    weekly = [7 * DAY] * 10
    assert stale_by_unchanged(NOW - 6 * DAY, NOW, weekly) is None  # within its usual gap
    assert stale_by_unchanged(NOW - 30 * DAY, NOW, [DAY] * 3) is None  # gap unknown


def test_second_source() -> None:
    url = "https://relay.example/feed"
    newest = NOW - 10 * DAY
    assert stale_by_second_source(newest, None, second_url=url, fetched_at=NOW) is None
    assert stale_by_second_source(newest, newest, second_url=url, fetched_at=NOW) is None
    # newer, but so new that the first source may not have read it yet
    fresh = NOW - timedelta(minutes=20)
    assert stale_by_second_source(newest, fresh, second_url=url, fetched_at=NOW) is None
    why = stale_by_second_source(newest, NOW - 2 * DAY, second_url=url, fetched_at=NOW)
    assert why is not None
    assert why.startswith(f"stale-suspect (second source): {url} shows a post")
    unseen = stale_by_second_source(None, NOW - DAY, second_url=url, fetched_at=NOW)
    assert "no post" in (unseen or "")
