"""What one crawl run covers and how: the plan ``crawler.sites.runner.crawl`` carries out.

A plan is pure data; the engine, the clock and the progress callback stay with the call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from crawler.browser import BrowserSettings
from crawler.fetch import FetchSettings
from crawler.sites.leasing import HeldSiteWait
from crawler.sites.linkcheck import LinkCheckSettings
from crawler.targets import AccountTarget
from rules.model import Column, Site
from rules.period import Period
from rules.profile import Profile

__all__ = ["CrawlPlan", "JobRun", "PageJob"]


@dataclass(frozen=True, slots=True, kw_only=True)
class JobRun:
    """A run made by a job of a distributed batch (``crawler.operations.distributed``).

    ``scope`` names what the job covers (a site id, or ``accounts``); the job holds the
    queue's lock of that scope, so a run of it left 'running' by a dead worker is taken as
    interrupted. The targets were synchronised when the batch was deferred: a job does not
    synchronise them again (thousands of jobs would each rewrite every site's row).
    """

    batch_id: int
    scope: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlPlan:
    """Crawl ``sites`` (a subset of ``all_sites``, the whole targets file); judge at ``now``.

    ``accounts`` (of ``all_accounts``) are the new-media accounts to check; ``period`` is what
    period rules (weekly posts) judge, by default the quarter of ``now``. ``all_sites`` and
    ``all_accounts`` default to ``sites`` and ``accounts``: a run over all of them.
    ``now`` is the check time the rules judge against (``--as-of``).
    ``keep_bodies_days``: after the run, drop stored bodies older than this (None keeps all).
    ``link_checks``: check the homepage's links and the pages' images once the pages are
    fetched (``crawler.sites.linkcheck``), within these bounds; None: no link checks.
    ``source_headers``: extra request headers by account source kind (e.g. Weibo's cookie).
    ``job``: the job of a distributed batch that makes this run (None: an ordinary run, which
    synchronises the targets first).
    ``held_wait``: how long to wait for the sites another live run holds, crawled after the
    others once it lets them go (the nightly run, a distributed job); None: skip them at once
    (an ad-hoc run). Either way a site still held is judged not checked, with the reason.
    ``browser``: read in a real browser what plain HTTP cannot (``crawler.browser``); None:
    no browser, such pages stay as plain HTTP left them. ``screenshots``: with a browser,
    take a screenshot of every page that carries a finding (``storage.screenshots``).
    ``judging_group_pages``: after the crawl, the sites are judged in groups of about this
    many pages, each group's facts read and let go before the next
    (``crawler.sites.judge_phase``): the memory the judging takes does not grow with the fleet.
    """

    sites: Sequence[Site]
    profiles: Mapping[str, Profile]
    fetch_settings: FetchSettings
    now: datetime
    all_sites: Sequence[Site] | None = None
    accounts: Sequence[AccountTarget] = ()
    all_accounts: Sequence[AccountTarget] | None = None
    period: Period | None = None
    keep_bodies_days: int | None = None
    link_checks: LinkCheckSettings | None = None
    source_headers: Mapping[str, Mapping[str, str]] | None = None
    job: JobRun | None = None
    held_wait: HeldSiteWait | None = None
    browser: BrowserSettings | None = None
    screenshots: bool = False
    judging_group_pages: int = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class PageJob:
    """One page of the plan to fetch: a site's homepage or one of its columns."""

    site: Site
    column: Column | None  # None: the homepage

    @property
    def url(self) -> str:
        return self.column.url if self.column else self.site.homepage

    @property
    def column_id(self) -> str | None:
        return self.column.id if self.column else None
