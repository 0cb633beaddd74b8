"""Findings across runs: first seen, last seen, resolved only where the run could see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rules.model import Category, Evidence, Finding, Outcome, PageFacts, Severity, Site
from storage import repository
from storage.lifecycle import finding_key, finding_states, track_findings

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


def stale(
    column: str = "news", severity: Severity = Severity.PROBLEM, code: str = "column-stale"
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=f"{column}2周未更新",
        site_id="gov-a",
        site_name="gov-a 人民政府",
        column_id=column,
        column_name=column,
        evidence=Evidence(url=f"http://127.0.0.1:9/gov-a/{column}/", checked_at=T0),
    )


def page(column: str | None, outcome: Outcome | None) -> PageFacts:
    return PageFacts(
        site_id="gov-a",
        site_name="gov-a 人民政府",
        column_id=column,
        column_name=column,
        category=Category.NEWS if column else None,
        max_age_days=None,
        url="http://127.0.0.1:9/",
        checked_at=T0,
        outcome=outcome,
    )


async def _run(sessions: Sessions, site: Site, at: datetime) -> int:
    async with sessions() as session, session.begin():
        await repository.sync_targets(session, [site], now=at)
        return await repository.start_run(session, scope="all", started_at=at)


async def _track(
    sessions: Sessions, run_id: int, findings: list[Finding], pages: list[PageFacts], at: datetime
) -> int:
    async with sessions() as session, session.begin():
        return await track_findings(session, run_id=run_id, findings=findings, pages=pages, now=at)


async def _states(sessions: Sessions) -> dict[str, tuple[datetime, datetime, datetime | None]]:
    async with sessions() as session:
        return {
            s.key: (s.first_seen, s.last_seen, s.resolved_at) for s in await finding_states(session)
        }


async def test_a_problem_keeps_its_identity_until_fixed(sessions: Sessions, site: Site) -> None:
    key = finding_key("column-stale", "gov-a", "news")
    t1, t2, t3, t4 = (T0 + timedelta(days=d) for d in range(4))
    ok, failed = Outcome.OK, Outcome.TIMEOUT

    run1 = await _run(sessions, site, t1)
    await _track(sessions, run1, [stale()], [page("news", ok)], t1)
    assert (await _states(sessions))[key] == (t1, t1, None)

    # Seen again: the same finding, last_seen moves.
    run2 = await _run(sessions, site, t2)
    await _track(sessions, run2, [stale()], [page("news", ok)], t2)
    assert (await _states(sessions))[key] == (t1, t2, None)

    # The column fails to load: that proves nothing, the problem stays open.
    run3 = await _run(sessions, site, t3)
    unreachable = stale(severity=Severity.UNKNOWN, code="column-unreachable")
    assert await _track(sessions, run3, [unreachable], [page("news", failed)], t3) == 0
    states = await _states(sessions)
    assert states[key] == (t1, t2, None)
    assert states[finding_key("column-unreachable", "gov-a", "news")] == (t3, t3, None)

    # Read again and updated: both resolved (rectified), at this run's time.
    run4 = await _run(sessions, site, t4)
    assert await _track(sessions, run4, [], [page("news", ok)], t4) == 2
    states = await _states(sessions)
    assert states[key] == (t1, t2, t4)

    # It comes back: the same row reopens, first_seen kept.
    t5 = t4 + timedelta(days=1)
    run5 = await _run(sessions, site, t5)
    await _track(sessions, run5, [stale()], [page("news", ok)], t5)
    assert (await _states(sessions))[key] == (t1, t5, None)


async def test_subjects_not_looked_at_keep_their_state(sessions: Sessions, site: Site) -> None:
    t1, t2 = T0, T0 + timedelta(days=1)
    run1 = await _run(sessions, site, t1)
    await _track(
        sessions,
        run1,
        [stale("news"), stale("notice")],
        [page("news", Outcome.OK), page("notice", Outcome.OK)],
        t1,
    )
    run2 = await _run(sessions, site, t2)
    # Only "news" was crawled this time (crawl --site of a subset, or a page never fetched).
    assert (
        await _track(sessions, run2, [], [page("news", Outcome.OK), page("notice", None)], t2) == 1
    )
    states = await _states(sessions)
    assert states[finding_key("column-stale", "gov-a", "news")][2] == t2
    assert states[finding_key("column-stale", "gov-a", "notice")][2] is None
    async with sessions() as session:
        open_only = await finding_states(session, include_resolved=False)
    assert [s.column_id for s in open_only] == ["notice"]
