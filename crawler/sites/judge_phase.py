"""The judging phase of a crawl run: its sites' facts read from storage and judged, group by group.

After the last page the runner judges every site of the run from what storage holds. Reading
every page's facts at once kept them all, and the reports built from them, until the run
ended, so the process's memory grew with the fleet. Here the sites are taken in groups of
about ``group_pages`` pages, in the plan's order: a group's facts are read in one transaction
(read again whole when the connection is lost, ``storage.retry``), judged, and let go. What is
kept of a site is what the output, the findings' lifecycle and the screenshots read
(``slim_report``): its verdicts and findings, and per page the facts the tables print.

A site's judgement depends on its own facts only, so the groups change no result. A site the
run leased counts as checked only if its lease was still held after its facts were read (the
group's transaction asks, after reading): otherwise another run may have written its pages
meanwhile, and it is judged as not checked, like a site another run held from the start.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.boards.crawl import LOOKBACK_DAYS
from crawler.sites.judging import SiteReport, judge_sites
from crawler.sites.leasing import lost_sites
from crawler.sites.linkcheck import LinkRun
from rules.content import ContentCheck
from rules.facts import ProbeStats
from rules.ipv6 import Ipv6Check
from rules.letters import BoardFacts
from rules.links import SiteLinkFacts, unjudged_subjects
from rules.model import PageFacts, Site, local_date
from rules.period import Period
from rules.profile import Profile
from storage import facts, lifecycle
from storage.boards import board_facts
from storage.content import content_facts
from storage.ipv6 import latest_ipv6
from storage.leases import held_site_leases
from storage.links import link_facts
from storage.probes import probe_stats
from storage.retry import in_transaction

__all__ = ["JudgedSites", "judge_run_sites", "slim_report"]


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgedSites:
    """The run's sites as judged, in the plan's order."""

    reports: tuple[SiteReport, ...]  # slim (``slim_report``)
    lost: Mapping[str, str]  # sites whose lease was lost while the run worked → why
    keep_open: tuple[str, ...]  # keys of link findings read but not judged (kept open)

    @property
    def pages(self) -> list[PageFacts]:
        """Every page's facts as the reports keep them: the homepage, then the columns."""
        return [page.facts for report in self.reports for page in report.pages]


async def judge_run_sites(
    sessions: async_sessionmaker[AsyncSession],
    *,
    run_id: int,
    sites: Sequence[Site],
    leased: Sequence[Site],
    skipped: Mapping[str, str],
    profiles: Mapping[str, Profile],
    now: datetime,
    period: Period,
    not_checked_at: datetime,
    boards_as_of: datetime,
    link_run: LinkRun | None,
    group_pages: int,
) -> JudgedSites:
    """Judge run ``run_id``'s ``sites`` at ``now``, ``group_pages`` pages' worth at a time.

    ``leased``: the sites the run leased and crawled; ``skipped``: the sites it did not crawl
    (another run held them) → why. A site not checked — skipped, or its lease lost — has its
    pages judged as not checked at ``not_checked_at`` (the run's start). ``boards_as_of``: the
    moment the message boards are read as of. A group is never less than one site.
    """
    reports: list[SiteReport] = []
    lost: dict[str, str] = {}
    keep_open: list[str] = []
    for group in _groups(sites, group_pages):
        ids = {site.id for site in group}
        read = _GroupReading(
            run_id=run_id,
            group=group,
            leased=[site for site in leased if site.id in ids],
            skipped=skipped,
            now=now,
            not_checked_at=not_checked_at,
            boards_as_of=boards_as_of,
        )
        # Read again whole when the connection is lost: nothing of a failed try is kept.
        got = await in_transaction(sessions, read, what=f"reading the facts to judge run {run_id}")
        judged = judge_sites(
            group,
            got.pages,
            profiles,
            now=now,
            period=period,
            probes=got.probes,
            links=got.links,
            ipv6=got.ipv6,
            boards=got.boards,
            content=got.content,
        )
        reports += [slim_report(report) for report in judged]
        lost.update(got.lost)
        keep_open += _links_not_judged(group, got.links, link_run)
    # In the order the run leased its sites, as when all were judged at once.
    lost = {site.id: lost[site.id] for site in leased if site.id in lost}
    return JudgedSites(reports=tuple(reports), lost=lost, keep_open=tuple(keep_open))


def slim_report(report: SiteReport) -> SiteReport:
    """The report with each page's facts reduced to what the output prints and the findings'
    lifecycle reads: the content checks' details (meta tags, personal numbers, wording, hidden
    links, the item with a refused date) are in the findings already."""
    return dataclasses.replace(
        report,
        pages=tuple(
            dataclasses.replace(page, facts=_slim_facts(page.facts)) for page in report.pages
        ),
    )


def _slim_facts(page: PageFacts) -> PageFacts:
    return dataclasses.replace(
        page, later_dated=None, meta={}, personal_data=(), wording=(), hidden_links=()
    )


def _groups(sites: Sequence[Site], group_pages: int) -> list[list[Site]]:
    """Consecutive sites of about ``group_pages`` pages each (the homepage and the columns)."""
    groups: list[list[Site]] = []
    pages = group_pages  # start a new group with the first site
    for site in sites:
        if pages >= group_pages:
            groups.append([])
            pages = 0
        groups[-1].append(site)
        pages += 1 + len(site.columns)
    return groups


@dataclass(frozen=True, slots=True, kw_only=True)
class _GroupFacts:
    lost: dict[str, str]
    pages: list[PageFacts]
    links: dict[str, SiteLinkFacts]
    probes: dict[str, ProbeStats]
    ipv6: dict[str, Ipv6Check]
    boards: dict[str, tuple[BoardFacts, ...]]
    content: dict[str, tuple[ContentCheck, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class _GroupReading:
    """Reads one group's facts in a transaction (called again whole on a retry)."""

    run_id: int
    group: Sequence[Site]
    leased: Sequence[Site]
    skipped: Mapping[str, str]
    now: datetime
    not_checked_at: datetime
    boards_as_of: datetime

    async def __call__(self, session: AsyncSession) -> _GroupFacts:
        run_id, group, now = self.run_id, self.group, self.now
        pages = await facts.page_facts(session, run_id=run_id, sites=group)
        # Asked AFTER the facts were read: a site still leased then had no other run's
        # items written since this run leased it (a lost lease never comes back).
        still_leased = await held_site_leases(session, run_id=run_id)
        lost = lost_sites(run_id, self.leased, still_leased)
        not_checked = {s.id for s in group if s.id in self.skipped or s.id in lost}
        checked = [s.id for s in group if s.id not in not_checked]
        at = self.not_checked_at
        pages = [_not_checked(p, at) if p.site_id in not_checked else p for p in pages]
        links = await link_facts(session, run_id=run_id, sites=group)
        probed = await probe_stats(session, site_ids=checked, now=now)
        ipv6 = await latest_ipv6(session, checked, now)
        content = await content_facts(session, run_id=run_id, sites=group)
        content = {site_id: c for site_id, c in content.items() if site_id not in not_checked}
        boards = await board_facts(
            session,
            [s for s in group if s.id in checked],
            as_of=self.boards_as_of,
            since=local_date(now) - timedelta(days=LOOKBACK_DAYS),
        )
        links = {site_id: f for site_id, f in links.items() if site_id not in not_checked}
        return _GroupFacts(
            lost=lost,
            pages=pages,
            links=links,
            probes=probed,
            ipv6=ipv6,
            boards=boards,
            content=content,
        )


def _not_checked(page: PageFacts, at: datetime) -> PageFacts:
    """The page as this run knows it when it did not crawl its site: not checked."""
    return PageFacts(
        site_id=page.site_id,
        site_name=page.site_name,
        column_id=page.column_id,
        column_name=page.column_name,
        category=page.category,
        max_age_days=page.max_age_days,
        url=page.url,
        checked_at=at,
        outcome=None,
    )


def _links_not_judged(
    sites: Sequence[Site], links: Mapping[str, SiteLinkFacts], link_run: LinkRun | None
) -> list[str]:
    """Keys of link findings this run read the page of but could not judge: kept open."""
    return [
        lifecycle.finding_key(code, site.id, column_id)
        for site in sites
        for code, column_id in unjudged_subjects(
            site, links.get(site.id), link_run.judged(site.id) if link_run else set()
        )
    ]
