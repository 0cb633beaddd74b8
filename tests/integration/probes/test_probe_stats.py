"""Stored probes counted per Asia/Shanghai day in SQL, and judged by the national profile."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.sites.probes import ProbeResult
from rules.engine import evaluate
from rules.evaluation import ObjectResult
from rules.facts import ProbeStats, SiteFacts
from rules.model import SHANGHAI, Outcome, Site
from rules.period import Period
from rules.profile_files import load_profile
from storage.probes import probe_stats, record_probes, register_sites

SITE = Site(id="gov-a", name="某某市人民政府", homepage="http://127.0.0.1:9/")
OTHER = Site(id="gov-b", name="某某县人民政府", homepage="http://127.0.0.1:9/b/")
NOW = datetime(2024, 6, 10, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)  # a Monday morning
TODAY = date(2024, 6, 10)
NATIONAL = load_profile("national-2019")


def probe(at: datetime, ok: bool | None = True, site: Site = SITE) -> ProbeResult:
    outcome = {True: Outcome.OK, False: Outcome.TIMEOUT, None: Outcome.ROBOTS_DISALLOWED}[ok]
    return ProbeResult(
        site_id=site.id,
        url=site.homepage,
        probed_at=at.astimezone(UTC),
        ok=ok,
        outcome=outcome,
        status=200 if ok else None,
        latency_s=0.2 if ok is not None else None,
        detail=None if ok else "no complete response within 15 s",
    )


def local(day: date, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=SHANGHAI)


async def store(engine: AsyncEngine, probes: Sequence[ProbeResult]) -> None:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        await register_sites(session, [SITE, OTHER], now=NOW)
        await record_probes(session, probes)


async def stats_at(
    engine: AsyncEngine, now: datetime = NOW, site_ids: Sequence[str] = (SITE.id,)
) -> dict[str, ProbeStats]:
    async with async_sessionmaker(engine)() as session:
        return await probe_stats(session, site_ids=site_ids, now=now)


async def test_days_split_at_midnight_in_shanghai(engine: AsyncEngine) -> None:
    day = date(2024, 6, 5)
    await store(
        engine,
        [
            probe(local(day), ok=False),  # 00:00:00 local is 16:00 UTC the day before
            probe(local(day, 23, 59, 59, 999_999), ok=False),  # the last instant of the day
            probe(local(day + timedelta(days=1))),  # the first instant of the next day
            probe(local(day, 7, 59, 59)),  # 23:59:59 UTC the day before: still this day
        ],
    )
    stats = (await stats_at(engine))[SITE.id]
    assert dict(stats.per_day) == {day: (3, 2), day + timedelta(days=1): (1, 0)}


async def test_the_window_is_the_whole_days_before_the_check_date_and_today_so_far(
    engine: AsyncEngine,
) -> None:
    first = TODAY - timedelta(days=7)
    await store(
        engine,
        [
            probe(local(first) - timedelta(microseconds=1)),  # before the window
            probe(local(first)),  # its first instant
            probe(NOW - timedelta(minutes=1)),
            probe(NOW),  # the check time itself counts
            probe(NOW + timedelta(seconds=1)),  # after the check time: not yet known
        ],
    )
    stats = (await stats_at(engine))[SITE.id]
    assert stats.window_start == local(first).astimezone(UTC)
    assert stats.window_end == NOW
    assert dict(stats.per_day) == {first: (1, 0), TODAY: (2, 0)}


async def test_probes_that_could_not_tell_count_in_neither_number(engine: AsyncEngine) -> None:
    day = TODAY - timedelta(days=1)
    await store(engine, [probe(local(day, 9)), probe(local(day, 10), ok=None)])
    assert dict((await stats_at(engine))[SITE.id].per_day) == {day: (1, 0)}


async def test_each_site_counts_its_own_and_a_site_without_probes_is_absent(
    engine: AsyncEngine,
) -> None:
    day = TODAY - timedelta(days=2)
    await store(engine, [probe(local(day, 9)), probe(local(day, 9), ok=False, site=OTHER)])
    stats = await stats_at(engine, site_ids=[SITE.id, OTHER.id, "gov-none"])
    assert {site_id: dict(s.per_day) for site_id, s in stats.items()} == {
        SITE.id: {day: (1, 0)},
        OTHER.id: {day: (1, 1)},
    }


# --- the national line: 7 days x >= 20 probes, veto at >= 5% failed -------------------------


def a_week_of_probes(*, failed: int, per_day: int = 20) -> list[ProbeResult]:
    """``per_day`` probes on each of the 7 days before TODAY, every 72 minutes from local
    midnight; the first ``failed`` of them (a day's first probes, day by day) failed."""
    probes: list[ProbeResult] = []
    for back in range(7, 0, -1):
        day = TODAY - timedelta(days=back)
        for index in range(per_day):
            at = local(day) + timedelta(minutes=72 * index * 20 // per_day)
            probes.append(probe(at, ok=len(probes) >= failed))
    return probes


async def judge(engine: AsyncEngine, probes: Sequence[ProbeResult]) -> ObjectResult:
    await store(engine, probes)
    stats = (await stats_at(engine)).get(SITE.id)
    facts = SiteFacts(site=SITE, pages=(), probes=stats)
    return evaluate([facts], [], NATIONAL, now=NOW, period=Period.parse("2024Q2")).sites[0]


@pytest.mark.parametrize(("failed", "vetoed"), [(7, True), (6, False)])
async def test_seven_days_of_twenty_probes_cross_the_five_percent_line(
    engine: AsyncEngine, failed: int, vetoed: bool
) -> None:
    """7 of 140 probes failed is exactly 5%: a veto; 6 of 140 (4.3%) is not."""
    result = await judge(engine, a_week_of_probes(failed=failed))
    assert ("site-unavailable" in result.vetoes) is vetoed
    assert not [item for item in result.not_judged if item.rule == "site-unavailable"]
    if vetoed:
        finding = next(f for f in result.findings if f.rule == "site-unavailable")
        assert finding.value_text == "5.00%"
        assert "7 of 140 probes failed" in (finding.finding.evidence.detail or "")


async def test_a_day_with_19_probes_is_not_judged(engine: AsyncEngine) -> None:
    probes = a_week_of_probes(failed=30)
    short_day = TODAY - timedelta(days=4)
    dropped = next(p for p in probes if p.probed_at.astimezone(SHANGHAI).date() == short_day)
    result = await judge(engine, [p for p in probes if p is not dropped])
    assert result.vetoes == ()
    assert [item.reason for item in result.not_judged if item.rule == "site-unavailable"] == [
        f"{short_day.isoformat()}仅有19次可用性监测(每天至少需要20次),无法判断"
    ]


async def test_no_probes_at_all_is_no_probe_data(engine: AsyncEngine) -> None:
    result = await judge(engine, [])
    assert [item.reason for item in result.not_judged if item.rule == "site-unavailable"] == [
        "无首页可用性监测数据,无法判断"
    ]
