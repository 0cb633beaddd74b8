"""What one probe shows, the probe settings and offsets, and the availability summary."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from crawler.fetch import FetchSettings
from crawler.sites.availability import availability, probe_params
from crawler.sites.probes import PROBE_LIMIT_S, probe_offset_s, probe_settings, probe_verdict
from rules.facts import ProbeStats
from rules.measures.site import ProbeFailureParams
from rules.model import Outcome
from rules.profile_files import load_profile

FAILED = {
    Outcome.HTTP_ERROR,
    Outcome.TIMEOUT,
    Outcome.DNS_ERROR,
    Outcome.CONNECT_ERROR,
    Outcome.TLS_ERROR,
    Outcome.NETWORK_ERROR,
    Outcome.REDIRECT_LOOP,
}
ANSWERED = {Outcome.BLOCKED}  # a challenge page: the server answered, the site is up
CANNOT_TELL = {
    Outcome.STALE_SUSPECT,
    Outcome.ACCOUNT_CLOSED,
    Outcome.ROBOTS_DISALLOWED,
    Outcome.ADDRESS_REFUSED,
    Outcome.TOO_LARGE,
    Outcome.NOT_HTML,
}
LOADED = {Outcome.OK, Outcome.RENDERED, Outcome.NOT_MODIFIED}


def test_every_outcome_has_a_verdict() -> None:
    """A new outcome must be placed on purpose: this fails until it is listed here."""
    assert FAILED | CANNOT_TELL | LOADED | ANSWERED == set(Outcome)
    sizes = len(FAILED) + len(CANNOT_TELL) + len(LOADED) + len(ANSWERED)
    assert sizes == len(Outcome)  # each in one set


@pytest.mark.parametrize("outcome", sorted(FAILED))
def test_a_page_that_did_not_open_is_a_failed_probe(outcome: Outcome) -> None:
    assert probe_verdict(outcome, 0.3, PROBE_LIMIT_S) is False


@pytest.mark.parametrize("outcome", sorted(CANNOT_TELL))
def test_a_probe_that_could_not_see_the_page_cannot_tell(outcome: Outcome) -> None:
    assert probe_verdict(outcome, 0.3, PROBE_LIMIT_S) is None
    assert probe_verdict(outcome, None, PROBE_LIMIT_S) is None


@pytest.mark.parametrize(
    ("latency_s", "ok"), [(0.1, True), (14.999, True), (15.0, False), (15.2, False)]
)
def test_a_loaded_page_counts_only_under_the_limit(latency_s: float, ok: bool) -> None:
    """超过（含）15秒网站仍打不开: 15 s itself is a failure."""
    for outcome in LOADED | ANSWERED:
        assert probe_verdict(outcome, latency_s, PROBE_LIMIT_S) is ok


def test_probe_settings_never_retry_and_bound_the_whole_load() -> None:
    base = FetchSettings(user_agent="inspector/1.0", connect_timeout_s=30.0, retry_attempts=3)
    settings = probe_settings(base)
    assert settings == replace(
        base, timeout_s=15.0, attempt_timeout_s=15.0, connect_timeout_s=15.0, retry_attempts=1
    )
    small = probe_settings(limit_s=0.5)
    assert (small.timeout_s, small.attempt_timeout_s, small.connect_timeout_s) == (0.5, 0.5, 0.5)
    assert small.retry_attempts == 1


def test_offsets_are_stable_per_site_and_within_the_spread() -> None:
    offsets = [probe_offset_s(f"gov-{n}", 60.0) for n in range(200)]
    assert offsets == [probe_offset_s(f"gov-{n}", 60.0) for n in range(200)]
    assert all(0.0 <= offset < 60.0 for offset in offsets)
    assert len(set(offsets)) == 200
    assert min(offsets) < 10.0  # spread, not bunched
    assert max(offsets) > 50.0
    assert probe_offset_s("gov-1", 0.0) == 0.0


# --- the availability summary ----------------------------------------------------------------

TODAY = date(2024, 6, 10)
PARAMS = ProbeFailureParams()


def stats(per_day: dict[date, tuple[int, int]]) -> ProbeStats:
    moment = datetime(2024, 6, 10, 2, tzinfo=UTC)
    return ProbeStats(window_start=moment - timedelta(days=7), window_end=moment, per_day=per_day)


def test_availability_over_the_judged_days_with_today_apart() -> None:
    per_day = {TODAY - timedelta(days=back): (48, 0) for back in range(1, 8)}
    per_day[TODAY - timedelta(days=2)] = (48, 3)
    per_day[TODAY - timedelta(days=8)] = (48, 48)  # before the window: not counted
    per_day[TODAY] = (10, 1)
    summary = availability(stats(per_day), today=TODAY, params=PARAMS)
    assert (summary.probes, summary.failed, summary.short_days) == (336, 3, 0)
    assert (summary.first_day, summary.last_day) == (date(2024, 6, 3), date(2024, 6, 9))
    assert (summary.today_probes, summary.today_failed) == (10, 1)
    assert not summary.insufficient
    assert summary.text == (
        "7日可用率 99.11%, 333/336 次, 不足20次/日的天数 0; 今日 10 次, 失败 1 次"
    )


def test_days_short_of_probes_make_the_data_insufficient() -> None:
    per_day = {TODAY - timedelta(days=back): (20, 0) for back in range(1, 8)}
    per_day[TODAY - timedelta(days=3)] = (19, 0)
    del per_day[TODAY - timedelta(days=5)]
    summary = availability(stats(per_day), today=TODAY, params=PARAMS)
    assert (summary.probes, summary.short_days, summary.insufficient) == (119, 2, True)
    assert summary.text.startswith("7日可用率 100.00%, 119/119 次, 不足20次/日的天数 2 → 数据不足")


def test_no_probe_data() -> None:
    summary = availability(None, today=TODAY, params=PARAMS)
    assert (summary.probes, summary.ratio, summary.short_days) == (0, None, 7)
    assert summary.as_dict()["availability"] is None


def test_the_rule_parameters_come_from_the_profile() -> None:
    assert probe_params(load_profile("national-2019")) == ProbeFailureParams(
        window_days=7, min_probes_per_day=20
    )
    national = load_profile("national-2019")
    without = replace(
        national, rules=tuple(r for r in national.rules if r.code != "site-unavailable")
    )
    assert probe_params(without) == ProbeFailureParams()
    custom = replace(
        national,
        rules=tuple(
            replace(r, params=ProbeFailureParams(window_days=3, min_probes_per_day=40))
            if r.code == "site-unavailable"
            else r
            for r in national.rules
        ),
    )
    summary = availability(None, today=TODAY, params=probe_params(custom))
    assert summary.text.startswith("3日可用率 —, 0/0 次, 不足40次/日的天数 3 → 数据不足")
