"""Sources that lie: signs that an account's source stopped while it still answers 200.

A relay (RSSHub, a WeChat-to-RSS service) that stopped reading the platform keeps serving
its last feed, which reads exactly like an account that posted nothing — a false
"每周更新少于2次". Four signs make a source ``stale_suspect`` (the account is then not
judged, with the reason), each written into the fetch's detail as ``stale-suspect (SIGN):
…`` so the rules can name it:

- ``relay error``: a relay answers 200 with an error page, an error entry, an expired-login
  notice or an empty feed instead of the account's posts;
- ``build time``: a relay's feed says (``lastBuildDate``, Atom ``updated``) it was last
  generated more than ``RELAY_STALE_AFTER`` before the fetch;
- ``unchanged``: a relay's feed has answered with the same bytes (or 304) for longer than the
  account's usual gap between posts (``usual_gap``), at least ``UNCHANGED_FLOOR``;
- ``second source``: another source of the same account (``second_source:`` in the targets)
  shows a post newer than anything this source has shown, published more than
  ``SECOND_SOURCE_GRACE`` before the fetch.

A plain feed (not a relay) is the publisher's own output: its build time and unchanged bytes
say nothing about a relay, so only the second-source sign applies to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rules.model import SHANGHAI

__all__ = [
    "RELAY_STALE_AFTER",
    "SECOND_SOURCE_GRACE",
    "UNCHANGED_FLOOR",
    "stale_by_build_time",
    "stale_by_relay_error",
    "stale_by_second_source",
    "stale_by_unchanged",
    "usual_gap",
]

# RSSHub rebuilds a feed within its cache time (minutes to an hour); a relay reading once a
# day is two days behind at most.
RELAY_STALE_AFTER = timedelta(days=2)
# An unchanged feed is suspect only past the account's usual gap, and never sooner than this.
UNCHANGED_FLOOR = timedelta(days=3)
# The usual gap: this quantile of the gaps between the newest posts, known from this many gaps.
_GAP_QUANTILE = 0.8
_MIN_GAPS = 5
# A post the second source shows must be this old before the first is expected to show it.
SECOND_SOURCE_GRACE = timedelta(hours=1)


def stale_by_relay_error() -> str:
    """Why a relay answering 200 without the account's posts is suspect (its detail follows)."""
    return (
        "stale-suspect (relay error): the relay answers, but with an error, a login notice or "
        "no post instead of the account's posts"
    )


def stale_by_build_time(built_at: datetime | None, fetched_at: datetime) -> str | None:
    """Why a relay's feed is suspect by its own build time, or None."""
    if built_at is None:
        return None
    age = fetched_at - built_at
    if age <= RELAY_STALE_AFTER:
        return None
    return (
        f"stale-suspect (build time): the relay last generated this feed at {_local(built_at)} "
        f"({age.days} days before the fetch); it has likely stopped reading the account"
    )


def usual_gap(gaps: Sequence[timedelta]) -> timedelta | None:
    """The gap the account's posts usually stay within (None: too few posts to tell)."""
    if len(gaps) < _MIN_GAPS:
        return None
    ordered = sorted(gaps)
    return ordered[round(_GAP_QUANTILE * (len(ordered) - 1))]


def stale_by_unchanged(
    since: datetime | None, fetched_at: datetime, gaps: Sequence[timedelta]
) -> str | None:
    """Why a relay's feed is suspect by answering the same since ``since``, or None."""
    usual = usual_gap(gaps)
    if since is None or usual is None:
        return None
    span = fetched_at - since
    if span <= max(usual, UNCHANGED_FLOOR):
        return None
    return (
        f"stale-suspect (unchanged): the feed has answered with the same content since "
        f"{_local(since)} ({span.days} days), longer than the account's usual gap between "
        f"posts ({_days(usual)}); the relay has likely stopped reading the account"
    )


def stale_by_second_source(
    newest: datetime | None,
    second_newest: datetime | None,
    *,
    second_url: str,
    fetched_at: datetime,
) -> str | None:
    """Why a source is suspect because ``second_url`` shows a newer post, or None."""
    if second_newest is None or second_newest > fetched_at - SECOND_SOURCE_GRACE:
        return None
    if newest is not None and second_newest <= newest:
        return None
    shown = "no post" if newest is None else f"{_local(newest)} at the newest"
    return (
        f"stale-suspect (second source): {second_url} shows a post of {_local(second_newest)}, "
        f"newer than anything this source shows ({shown})"
    )


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def _days(span: timedelta) -> str:
    days = span.total_seconds() / 86400
    return f"{days:.1f} days"
