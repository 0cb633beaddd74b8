"""storage.runs over both databases: recent runs with what they fetched and found, the last run
of a kind, and what is failing now (each page's newest fetch, active targets only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from rules.facts import Account, Platform
from rules.model import Category, Column, Outcome, Site, utc_now
from rules.profile_files import load_profile
from storage import repository, runs
from storage.accounts import record_account_fetch, sync_accounts
from storage.errors import RunNotFoundError
from storage.records import FetchRecord, RunStatus
from tests.integration.schedule.pages import HTML, serve_columns
from tests.support.loopsite import CHALLENGE
from tests.support.loopsite import Site as LoopSite

PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=5,
    connect_timeout_s=1,
    retry_attempts=1,
    retry_base_wait_s=0,
)


def loop_site(loop: LoopSite, column_ids: list[str]) -> Site:
    return Site(
        id="loop",
        name="环回测试局",
        homepage=loop.url("/"),
        columns=tuple(
            Column(id=cid, name=f"栏目{cid}", url=loop.url(f"/{cid}/"), category=Category.NEWS)
            for cid in column_ids
        ),
    )


async def crawl_once(engine: AsyncEngine, sites: list[Site]) -> CrawlReport:
    plan = CrawlPlan(sites=sites, profiles=PROFILES, fetch_settings=SETTINGS, now=utc_now())
    return await crawl(plan, engine=engine, clock=utc_now)


async def test_runs_and_failing_pages(engine: AsyncEngine, site: LoopSite) -> None:
    serve_columns(site, 2)
    site.pages["/blocked/"] = (412, HTML, CHALLENGE)
    site.pages["/gone/"] = (500, HTML, "<html><body>Internal error</body></html>")
    everything = loop_site(site, ["c0", "c1", "blocked", "gone"])
    first = await crawl_once(engine, [everything])

    sessions = async_sessionmaker(engine)
    async with sessions() as session:
        (run,) = await runs.recent_runs(session)
        failing = await runs.failing_pages(session)
        open_codes = await runs.open_findings_by_code(session)
    assert run.id == first.run_id
    assert run.status is RunStatus.COMPLETED
    assert run.full
    assert run.pages_by_outcome == {"blocked": 1, "http_error": 1, "ok": 3}
    assert run.pages == 5
    assert run.accounts == 0
    assert run.findings == len(first.findings) > 0
    assert run.duration_s is not None
    assert run.duration_s >= 0
    assert [(p.column_id, p.outcome, p.status) for p in failing] == [
        ("blocked", Outcome.BLOCKED, 412),
        ("gone", Outcome.HTTP_ERROR, 500),
    ]
    assert {p.site_name for p in failing} == {"环回测试局"}
    assert sum(open_codes.values()) >= 2

    # The broken column is mended: only the blocked one still fails. A page's newest fetch
    # counts, whichever run made it (here a run over one site of two: not a full run).
    site.pages["/gone/"] = site.pages["/c0/"]
    other = Site(id="other", name="另一站", homepage=site.url("/c1/"), columns=())
    await crawl_once(engine, [everything, other])
    plan = CrawlPlan(
        sites=[everything],
        all_sites=[everything, other],
        profiles=PROFILES,
        fetch_settings=SETTINGS,
        now=utc_now(),
    )
    partial = await crawl(plan, engine=engine, clock=utc_now)
    async with sessions() as session:
        recent = await runs.recent_runs(session, limit=2)
        last_full = await runs.last_run(session, scope=runs.FULL_SCOPE)
        last_any = await runs.last_run(session)
        failing = await runs.failing_pages(session)
        assert await runs.last_run(session, status=RunStatus.FAILED) is None
        since = await runs.runs_started_since(session, first.started_at + timedelta(microseconds=1))
    assert [r.id for r in recent] == [partial.run_id, partial.run_id - 1]
    assert last_any is not None
    assert last_any.id == partial.run_id
    assert not last_any.full
    assert last_full is not None
    assert last_full.id == partial.run_id - 1
    assert [r.id for r in since] == [partial.run_id, partial.run_id - 1]
    assert [p.column_id for p in failing] == ["blocked"]

    # A column that leaves the targets is no longer "failing now".
    async with sessions() as session, session.begin():
        await repository.sync_targets(
            session, [loop_site(site, ["c0", "c1", "gone"]), other], now=utc_now()
        )
    async with sessions() as session:
        assert await runs.failing_pages(session) == []
        with pytest.raises(RunNotFoundError):
            await runs.run_summary(session, 10_000)


async def test_failing_accounts_and_an_interrupted_run(engine: AsyncEngine) -> None:
    now = utc_now()
    accounts = [
        Account(id="wb", name="某市发布", platform=Platform.WEIBO),
        Account(id="wx", name="某市微信", platform=Platform.WECHAT),
    ]

    def fetched(outcome: Outcome, status: int | None) -> FetchRecord:
        return FetchRecord(
            url="http://127.0.0.1:9/feed",
            final_url=None,
            fetched_at=now,
            outcome=outcome,
            status=status,
            elapsed_s=0.1,
            attempts=1,
            bytes_read=0,
            body=None,
        )

    sessions = async_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await sync_accounts(session, [(a, "http://127.0.0.1:9/feed") for a in accounts], now=now)
        run_id = await repository.start_run(session, scope="wb,wx", started_at=now)
        await record_account_fetch(
            session, run_id=run_id, account_id="wb", record=fetched(Outcome.TIMEOUT, None), posts=()
        )
        await record_account_fetch(
            session, run_id=run_id, account_id="wx", record=fetched(Outcome.OK, 200), posts=()
        )
        await repository.finish_run(
            session,
            run_id,
            status="interrupted",
            finished_at=now + timedelta(seconds=90),
            stats={"error": "CancelledError: "},
        )
    async with sessions() as session:
        (failing,) = await runs.failing_accounts(session)
        summary = await runs.run_summary(session, run_id)
    assert (failing.account_id, failing.name, failing.outcome) == (
        "wb",
        "某市发布",
        Outcome.TIMEOUT,
    )
    assert summary.status is RunStatus.INTERRUPTED
    assert summary.accounts_by_outcome == {"ok": 1, "timeout": 1}
    assert summary.pages == 0
    assert summary.duration_s == 90
    assert summary.error == "CancelledError: "
