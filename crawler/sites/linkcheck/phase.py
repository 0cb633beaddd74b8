"""The link and image phase of a crawl run: after the pages are fetched, before judging.

The runner hands over what each page showed (``page_seen``); a page that answered 304 shows
what the newest earlier run recorded for it. A sample of each site's articles is read for
their images (``articles``). Every distinct URL is checked once
(``checker.check_pages``) and the checks are stored with the run in one transaction. Like
every database phase of a run, the reads and that write are done again whole on a new
connection when the connection is lost (``storage.retry.in_transaction``), for a bounded time.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.extract import PageExtraction
from crawler.extract.links import PageImage, PageLink
from crawler.extract.page import page_references
from crawler.fetch import Fetcher, FetchResult, FetchSettings, decode_html
from crawler.fetch.shared import own_or_shared
from crawler.sites.linkcheck.articles import (
    ArticlesRead,
    newest_articles,
    read_articles,
    sample_articles,
)
from crawler.sites.linkcheck.checker import (
    CheckedUrl,
    LinkCheckSettings,
    PageReferences,
    check_pages,
    references_from_checks,
)
from crawler.sites.linkcheck.content import attachment_links, read_attachments
from rules.links import LinkCheck, LinkKind, LinkVerdict
from rules.model import Outcome, Site
from storage.content import earlier_content, record_content_checks
from storage.links import previous_bodies, previous_references, record_link_checks
from storage.retry import in_transaction

__all__ = ["LinkRun", "PageSeen", "check_links", "page_seen"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class PageSeen:
    site: Site
    column_id: str | None
    page_url: str  # after redirects
    outcome: Outcome
    links: tuple[PageLink, ...] = ()
    images: tuple[PageImage, ...] = ()
    articles: tuple[str, ...] = ()  # a column page's newest article URLs, for the sample
    url: str | None = None  # as requested (None: as page_url)
    status: int | None = None
    content_type: str | None = None
    fetched_at: datetime | None = None

    def as_link(self) -> tuple[CheckedUrl, datetime] | None:
        """What a check of a link to this page would find, from the run's own fetch of it:
        it answered (2xx, or 304 to the run's validators), so a link to it works. None when
        the fetch did not succeed (a link check then asks for itself)."""
        if self.outcome not in (Outcome.OK, Outcome.NOT_MODIFIED) or self.fetched_at is None:
            return None
        checked = CheckedUrl(
            verdict=LinkVerdict.OK,
            status=self.status,
            content_type=self.content_type,
            detail="read as a page of this run",
        )
        return checked, self.fetched_at


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkRun:
    """What the phase did: the run's counts (for the run's stats) and the pages whose links
    (homepage) or images were all checked: (site id, column id, kind)."""

    stats: dict[str, object]
    complete: frozenset[tuple[str, str | None, LinkKind]]

    def judged(self, site_id: str) -> set[tuple[str | None, LinkKind]]:
        return {(column, kind) for site, column, kind in self.complete if site == site_id}


def page_seen(
    site: Site, column_id: str | None, result: FetchResult, extraction: PageExtraction | None
) -> PageSeen:
    return PageSeen(
        site=site,
        column_id=column_id,
        page_url=result.final_url,
        outcome=result.outcome,
        links=extraction.links if extraction else (),
        images=extraction.images if extraction else (),
        articles=newest_articles(extraction.items) if extraction and column_id else (),
        url=result.url,
        status=result.status,
        content_type=result.content_type,
        fetched_at=result.fetched_at,
    )


async def check_links(
    seen: Sequence[PageSeen],
    *,
    run_id: int,
    sessions: async_sessionmaker[AsyncSession],
    fetch_settings: FetchSettings,
    settings: LinkCheckSettings,
    fetcher: Fetcher | None = None,
) -> LinkRun:
    """Check the links and images of the pages seen; store the checks; say what was done.

    ``fetcher``: a client shared with the run's other phases (one per-host spacing, one
    robots.txt read); by default one of its own."""
    unchanged = [(p.site.id, p.column_id) for p in seen if p.outcome is Outcome.NOT_MODIFIED]
    earlier: _Earlier = {}
    bodies: _Bodies = {}
    if unchanged:
        earlier, bodies = await in_transaction(
            sessions,
            functools.partial(_read_unchanged, run_id=run_id, pages=unchanged),
            what=f"reading what the unchanged pages of run {run_id} showed",
        )
    pages: list[PageReferences] = []
    for page in seen:
        if page.outcome.has_content:
            pages.append(
                PageReferences(
                    site=page.site,
                    column_id=page.column_id,
                    page_url=page.page_url,
                    links=page.links,
                    images=page.images,
                )
            )
        elif page.outcome is Outcome.NOT_MODIFIED:
            key = (page.site.id, page.column_id)
            if key in bodies:
                pages.append(_references_in_body(page, *bodies[key]))
            else:
                pages += references_from_checks(page.site, earlier.get(key, []))
    # homepages first, so that a site's bounds keep the homepage's links and images
    pages.sort(key=lambda p: p.column_id is not None)
    listed = sample_articles(
        [(p.site, p.column_id, p.articles) for p in seen if p.column_id and p.articles],
        settings.articles_per_site,
    )
    read = ArticlesRead(pages=[], rows=[], links=[])
    # the attachments of the homepage, then of the column pages, then of the articles
    linking = [(p.site, p.column_id, p.page_url, p.links) for p in seen if p.outcome.has_content]
    linking.sort(key=lambda entry: entry[1] is not None)
    async with own_or_shared(fetcher, fetch_settings) as fetcher:
        if listed:
            read = await read_articles(listed, fetcher=fetcher)
            pages += read.pages
        checks, stats = await check_pages(
            pages, fetcher=fetcher, settings=settings, known=pages_as_links(seen)
        )
        attachments = attachment_links(linking + read.links, settings.attachments_per_site)
        rows = list(read.rows)
        if attachments:
            known = await in_transaction(
                sessions,
                functools.partial(earlier_content, urls=[link.url for link in attachments]),
                what=f"reading the earlier attachment checks of run {run_id}",
            )
            rows += await read_attachments(
                attachments,
                fetcher=fetcher,
                known=known,
            )

    async def store(session: AsyncSession) -> None:
        await record_link_checks(session, run_id=run_id, checks=checks)
        await record_content_checks(session, run_id=run_id, checks=rows)

    # One transaction, written again whole if the connection drops.
    await in_transaction(
        sessions, store, what=f"storing the link, image and content checks of run {run_id}"
    )
    logger.info("run %d: %d link and image URLs checked", run_id, stats.requested)
    return LinkRun(stats=stats.as_dict(), complete=frozenset(stats.complete))


def pages_as_links(seen: Sequence[PageSeen]) -> dict[str, tuple[CheckedUrl, datetime]]:
    """The run's successful page fetches as link checks, by the URL asked for and the URL
    answered: a homepage link to a column page is not requested a second time."""
    known: dict[str, tuple[CheckedUrl, datetime]] = {}
    for page in seen:
        if (as_link := page.as_link()) is not None:
            known.setdefault(page.url or page.page_url, as_link)
            known.setdefault(page.page_url, as_link)
    return known


_PageKey = tuple[str, str | None]
_Earlier = dict[_PageKey, list[LinkCheck]]
_Bodies = dict[_PageKey, tuple[str, str | None, bytes]]


async def _read_unchanged(
    session: AsyncSession, *, run_id: int, pages: Sequence[_PageKey]
) -> tuple[_Earlier, _Bodies]:
    """What the pages that answered 304 showed before: the checks of the newest earlier run
    that checked each; for a page no earlier run checked (link checks were off, or it shows
    no link or image), the stored body the 304 stands for."""
    earlier = await previous_references(session, before_run=run_id, pages=pages)
    unread = [page for page in pages if page not in earlier]
    bodies = await previous_bodies(session, before_run=run_id, pages=unread) if unread else {}
    return earlier, bodies


def _references_in_body(
    page: PageSeen, url: str, content_type: str | None, body: bytes
) -> PageReferences:
    """The links and images of a stored body (what an unchanged page still shows)."""
    text, _ = decode_html(body, content_type)
    links, images = page_references(text, url)
    return PageReferences(
        site=page.site, column_id=page.column_id, page_url=url, links=links, images=images
    )
