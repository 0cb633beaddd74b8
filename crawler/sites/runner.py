"""One crawl run: fetch every page of the chosen sites, extract, store, judge.

The runner is where the layers meet. Fetches run concurrently (bounded by the
``Fetcher``'s global and per-host limits); extraction of a page runs in a worker thread;
every page's snapshot and items are written by ONE writer task, each page in its own
transaction, so a run that is killed midway keeps every page it finished and is marked
``interrupted``. After the last page the facts are read back from storage, a group of sites
at a time (``crawler.sites.judge_phase``), judged by ``rules`` and the findings stored with
the run.

Runs at the same time: a run leases each of its sites before fetching (``storage.leases``) and
keeps the leases, renewed, until its findings are stored. A site another live run holds is
skipped: not fetched, judged as not checked in this run (never stale or empty), and named with
the reason in the report, the log and the run's stats. A site whose lease was lost while the
run worked (taken over after the run stopped renewing it) is judged as not checked too. A run
with a wait (``CrawlPlan.held_wait``: the nightly run) crawls a held site after the others once
it is let go; a renewal that fails for good stops the run (``crawler.sites.leasing``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crawler.accounts.crawl import crawl_accounts
from crawler.accounts.judging import AccountReport, judge_accounts
from crawler.boards.crawl import read_boards
from crawler.extract import PageExtraction
from crawler.extract.pool import ExtractionPool
from crawler.fetch import Fetcher, FetchResult
from crawler.sites.fetching import fetch_all as _fetch_all
from crawler.sites.fetching import first_error
from crawler.sites.judge_phase import judge_run_sites
from crawler.sites.judging import SiteReport
from crawler.sites.leasing import (
    HeldSites,
    LeaseRenewal,
    lease_sites,
    release_leases,
)
from crawler.sites.linkcheck import LinkRun, PageSeen, check_links, page_seen
from crawler.sites.pagestore import store_pages
from crawler.sites.plan import CrawlPlan, JobRun, PageJob
from crawler.sites.screenshots import run_renderer, take_screenshots
from rules.facts import AccountFacts
from rules.model import Finding, local_date
from rules.period import Period, quarter_of
from storage import batches, lifecycle, repository
from storage.account_facts import account_facts
from storage.accounts import sync_accounts
from storage.errors import DatabaseUnavailableError
from storage.leases import LEASE_TTL
from storage.links import prune_link_checks
from storage.records import FindingState
from storage.retry import in_transaction
from storage.screenshots import prune_screenshots, record_screenshots

__all__ = ["CrawlPlan", "CrawlReport", "JobRun", "PageJob", "SiteReport", "crawl"]

logger = logging.getLogger(__name__)

_WRITE_BATCH = 64
_FINISH_WAIT_S = 10.0  # recording a failed run waits out a lost connection this long at most


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlReport:
    run_id: int
    status: str
    scope: str
    as_of: datetime
    started_at: datetime
    finished_at: datetime
    sites: tuple[SiteReport, ...]
    period: Period
    accounts: tuple[AccountReport, ...] = ()
    outcomes: dict[str, int] = field(default_factory=dict)
    new_items: int = 0
    resolved: tuple[FindingState, ...] = ()  # problems this run found fixed (rectified)
    first_seen: Mapping[str, datetime] = field(default_factory=dict)  # finding key → first seen
    # Sites of the plan this run did not crawl (another run was crawling them) → why; each is
    # in ``sites`` judged as not checked.
    skipped: Mapping[str, str] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        site_findings = [f for site in self.sites for f in site.findings]
        return site_findings + [f for account in self.accounts for f in account.findings]

    @property
    def passed(self) -> int:
        return sum(site.result.passed for site in self.sites)


ProgressCallback = Callable[[PageJob, FetchResult], None]
_Fetched = tuple[PageJob, FetchResult, PageExtraction | None]


async def crawl(
    plan: CrawlPlan,
    *,
    engine: AsyncEngine,
    clock: Callable[[], datetime],
    progress: ProgressCallback | None = None,
    lease_ttl: timedelta = LEASE_TTL,
) -> CrawlReport:
    """Carry out ``plan``: crawl its sites and accounts, judge them at ``plan.now``, store all.

    ``clock`` stamps the run's own start and end and its site leases (``lease_ttl`` long,
    renewed every third of it); ``progress`` is told of every page stored.
    """
    sites, accounts, now, job = plan.sites, plan.accounts, plan.now, plan.job
    profiles, fetch_settings, link_checks = plan.profiles, plan.fetch_settings, plan.link_checks
    all_sites, all_accounts = plan.all_sites, plan.all_accounts
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    started_at = clock()
    period = plan.period or quarter_of(now)
    whole = (all_sites is None or len(sites) == len(all_sites)) and (
        all_accounts is None or len(accounts) == len(all_accounts)
    )
    scope = "all" if whole else ",".join([*(s.id for s in sites), *(a.id for a in accounts)])
    scope = job.scope if job is not None else scope

    async def start(session: AsyncSession) -> tuple[list[int], int]:
        abandoned = await repository.interrupt_abandoned_runs(
            session, now=started_at, exclusive_scope=job.scope if job else None
        )
        if job is None:
            await repository.sync_targets(session, list(all_sites or sites), now=started_at)
            await sync_accounts(
                session,
                [(t.account, t.source_url) for t in (all_accounts or accounts)],
                now=started_at,
            )
        run_id = await repository.start_run(session, scope=scope, started_at=started_at)
        if job is not None:
            await batches.link_run(session, batch_id=job.batch_id, run_id=run_id)
        return abandoned, run_id

    # Every database phase of the run is retried when the connection is lost (storage.retry),
    # for a bounded time; past it the run is recorded as failed, with what failed.
    abandoned, run_id = await in_transaction(sessions, start, what="starting the run")
    if abandoned:
        logger.warning(
            "marked %d earlier runs as interrupted: %s%s",
            len(abandoned),
            ", ".join(map(str, abandoned[:10])),
            " …" if len(abandoned) > 10 else "",
        )
    logger.info("run %d started: %d sites", run_id, len(sites))

    outcomes: Counter[str] = Counter()
    seen_pages: list[PageSeen] = []  # what each page showed, for the link and image checks
    new_items = 0
    status = "interrupted"
    jobs: list[PageJob] = []
    renewal: LeaseRenewal | None = None
    renderer = run_renderer(plan)
    try:
        skipped = await lease_sites(sessions, run_id, sites, clock(), lease_ttl)
        renewal = LeaseRenewal(sessions, run_id, clock, lease_ttl)
        waiting = HeldSites(sessions, run_id, sites, skipped, clock, lease_ttl, plan.held_wait)
        leased = [s for s in sites if s.id not in skipped]
        jobs = [PageJob(site=s, column=None) for s in leased] + [
            PageJob(site=s, column=c) for s in leased for c in s.columns
        ]
        validators = await in_transaction(
            sessions,
            functools.partial(repository.validators_by_page, site_ids=[s.id for s in leased]),
            what=f"reading the pages' validators of run {run_id}",
        )
        queue: asyncio.Queue[_Fetched | None]
        queue = asyncio.Queue(maxsize=fetch_settings.max_concurrency * 2)

        async def write_pages() -> None:
            # Whatever has queued up is written in one transaction (at most _WRITE_BATCH pages):
            # per-statement round trips, not bytes, bound the writes.
            nonlocal new_items
            finished = False
            while not finished:
                batch = [await queue.get()]
                while len(batch) < _WRITE_BATCH and not queue.empty():
                    batch.append(queue.get_nowait())
                pages = [entry for entry in batch if entry is not None]
                finished = len(pages) < len(batch)  # None closes the queue
                if not pages:
                    continue
                # One transaction per batch, written again whole if the connection drops.
                new_items += await in_transaction(
                    sessions,
                    functools.partial(store_pages, run_id=run_id, pages=pages),
                    what=f"storing pages of run {run_id}",
                )
                for job, result, extraction in pages:
                    if link_checks is not None:
                        seen_pages.append(page_seen(job.site, job.column_id, result, extraction))
                    outcomes[result.outcome.value] += 1
                    if progress is not None:
                        progress(job, result)

        today = local_date(now)
        with ExtractionPool(pages=len(jobs)) as pool:
            await _fetch_all(
                jobs, validators, fetch_settings, pool, today, queue, write_pages, renderer=renderer
            )
        # The sites another run held at the start, once it lets them go: crawled after the
        # others, as long as the plan's wait allows (none for an ad-hoc run; crawler.sites.leasing).
        while later := await waiting.released():
            leased += later
            more = [PageJob(site=s, column=None) for s in later]
            more += [PageJob(site=s, column=c) for s in later for c in s.columns]
            jobs += more
            validators = await in_transaction(
                sessions,
                functools.partial(repository.validators_by_page, site_ids=[s.id for s in later]),
                what=f"reading the pages' validators of run {run_id}",
            )
            queue = asyncio.Queue(maxsize=fetch_settings.max_concurrency * 2)
            with ExtractionPool(pages=len(more)) as pool:
                await _fetch_all(
                    more,
                    validators,
                    fetch_settings,
                    pool,
                    today,
                    queue,
                    write_pages,
                    renderer=renderer,
                )
        # The link checks and the message boards of the sites crawled (crawler.boards), side
        # by side through one client: each host keeps one spacing for both, so a host's board
        # pages never wait for every other host's checks to end.
        checking: asyncio.Task[LinkRun] | None = None
        try:
            async with Fetcher(fetch_settings) as shared, asyncio.TaskGroup() as phases:
                if link_checks is not None:
                    checking = phases.create_task(
                        check_links(
                            seen_pages,
                            run_id=run_id,
                            sessions=sessions,
                            fetch_settings=fetch_settings,
                            settings=link_checks,
                            fetcher=shared,
                        )
                    )
                phases.create_task(
                    read_boards(
                        leased, sessions=sessions, settings=fetch_settings, now=now, fetcher=shared
                    )
                )
        except BaseExceptionGroup as group:
            raise first_error(group) from group
        link_run = checking.result() if checking is not None else None

        account_outcomes, new_posts = await crawl_accounts(
            accounts,
            run_id=run_id,
            sessions=sessions,
            settings=fetch_settings,
            source_headers=plan.source_headers,
            renderer=renderer,
        )
        outcomes.update(account_outcomes)

        # The sites judged a group at a time, each group's facts read in one transaction and
        # let go once judged (crawler.sites.judge_phase); the accounts, few, all at once.
        judged = await judge_run_sites(
            sessions,
            run_id=run_id,
            sites=sites,
            leased=leased,
            skipped=skipped,
            profiles=profiles,
            now=now,
            period=period,
            not_checked_at=started_at,
            boards_as_of=clock(),
            link_run=link_run,
            group_pages=plan.judging_group_pages,
        )
        skipped.update(judged.lost)
        reports, pages = judged.reports, judged.pages

        async def read_accounts(session: AsyncSession) -> list[AccountFacts]:
            # What this run fetched is what is judged, whatever the check time: the
            # accounts' facts are as of now, like the pages' (a run's own snapshots).
            return await account_facts(
                session, accounts=[t.account for t in accounts], as_of=clock(), period=period
            )

        held = await in_transaction(
            sessions, read_accounts, what=f"reading the accounts' facts to judge run {run_id}"
        )
        account_reports = judge_accounts(accounts, held, profiles, now=now, period=period)
        site_findings = [f for r in reports for f in r.findings]
        shots = []
        if plan.screenshots and renderer is not None:
            shots = await take_screenshots(renderer, site_findings, pages, clock)
        if renderer is not None:
            await renderer.close()
        finished_at = clock()
        findings = site_findings + [f for a in account_reports for f in a.findings]

        async def store_findings(session: AsyncSession) -> list[FindingState]:
            await repository.record_findings(
                session, run_id=run_id, findings=findings, created_at=finished_at
            )
            resolved = await lifecycle.track_findings(
                session,
                run_id=run_id,
                findings=findings,
                pages=pages,
                now=finished_at,
                accounts_read=[a.target.id for a in account_reports if _read(a)],
                accounts_fetched=[a.id for a in accounts],
                keep_open=judged.keep_open,
            )
            states = await lifecycle.finding_states(
                session, site_ids=[s.id for s in sites], account_ids=[a.id for a in accounts]
            )
            await record_screenshots(session, run_id=run_id, shots=shots)
            if (keep_days := plan.keep_bodies_days) is not None:
                await repository.prune_bodies(session, keep_days=keep_days, now=finished_at)
                await prune_screenshots(session, keep_days=keep_days, now=finished_at)
                await prune_link_checks(session, keep_days=keep_days, now=finished_at)
            await repository.finish_run(
                session,
                run_id,
                status="completed",
                finished_at=finished_at,
                stats={
                    "outcomes": dict(outcomes),
                    "new_items": new_items,
                    "new_posts": new_posts,
                    "pages": len(jobs),
                    "accounts": len(accounts),
                    "findings": len(findings),
                    "resolved": resolved,
                    "skipped_sites": dict(skipped),
                    "links": link_run.stats if link_run is not None else None,
                },
            )
            return states

        states = await in_transaction(
            sessions, store_findings, what=f"storing the findings of run {run_id}"
        )
        status = "completed"
        logger.info("run %d completed: %d pages, %d new items", run_id, len(jobs), new_items)
        return CrawlReport(
            run_id=run_id,
            status=status,
            scope=scope,
            as_of=now,
            started_at=started_at,
            finished_at=finished_at,
            sites=reports,
            accounts=account_reports,
            period=period,
            outcomes=dict(outcomes),
            new_items=new_items,
            resolved=tuple(s for s in states if s.resolved_at == finished_at),
            first_seen={s.key: s.first_seen for s in states},
            skipped=dict(skipped),
        )
    except BaseException as exc:
        # First, before any await: a lease renewal that failed for good cancelled the run.
        error = renewal.stopped(exc) if renewal is not None else exc
        status = (
            "interrupted"
            if isinstance(error, asyncio.CancelledError | KeyboardInterrupt)
            else ("failed")
        )
        await _finish_abnormally(sessions, run_id, status, clock(), outcomes, error)
        if error is not exc:
            raise error from error.__cause__  # the renewal's error, as it was raised
        raise
    finally:
        if renderer is not None:
            await renderer.close()
        await release_leases(sessions, run_id, renewal)


async def _finish_abnormally(
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    status: str,
    finished_at: datetime,
    outcomes: Counter[str],
    exc: BaseException,
) -> None:
    logger.error("run %d %s: %s", run_id, status, exc.__class__.__name__)
    error = str(exc) if isinstance(exc, DatabaseUnavailableError) else None
    try:
        # A short wait only: after an outage the retries already waited theirs.
        await in_transaction(
            sessions,
            functools.partial(
                repository.finish_run,
                run_id=run_id,
                status=status,
                finished_at=finished_at,
                stats={
                    "outcomes": dict(outcomes),
                    "error": error or f"{exc.__class__.__name__}: {exc}",
                },
            ),
            what=f"recording run {run_id} as {status}",
            total_s=_FINISH_WAIT_S,
        )
    except Exception:
        # The next run marks it interrupted; never hide the original error behind this one.
        logger.exception(
            "could not record run %d as %s; the next run's start marks it interrupted",
            run_id,
            status,
        )


def _read(report: AccountReport) -> bool:
    """Whether the account's source was read at the check (its findings can be resolved)."""
    return report.facts.outcome is not None and report.facts.outcome.readable
