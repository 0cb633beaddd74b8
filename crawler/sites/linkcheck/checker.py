"""Checking the links and images a run's pages showed: each distinct URL once per run.

What is checked: the images of the homepage and of every column page, and the links of the
homepage (own and external apart). Per site at most ``max_images`` images and ``max_links``
links are checked (page order: homepage first); what is left over is counted in the run's
stats. Requests go through one ``Fetcher``, so the per-host limits and spacing of the crawl
apply to them too.

- a link to the site's own pages: ``HEAD``; when the answer is an HTTP error, ``GET``
  confirms it (servers that refuse or mishandle HEAD — 403, 405, 501, even 404 — are
  common), reading no body;
- a link to another site: ``GET``, reading at most ``landing_read_bytes``: a web page is
  classified (``crawler.extract.landing``) — an expired domain re-registered for gambling or
  parked for sale is ``hijacked``;
- an image: ``GET`` with the page as ``Referer`` (anti-hotlinking), reading at most
  ``image_read_bytes``: the magic bytes tell the format, and a file read whole must also
  end as its format requires.

A host whose checks time out or fail to connect ``HOST_FAILURES_BEFORE_SKIP`` times in a row
gets no more requests in the run: its remaining URLs are ``not_checked`` (a dead image server
must not hold the run for minutes; and a failure of ours is never a finding anyway).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from crawler.extract.links import PageImage, PageLink
from crawler.fetch import Fetcher, FetchResult
from crawler.sites.dispatch import for_each_by_host, request_started
from crawler.sites.linkcheck.domains import is_external
from crawler.sites.linkcheck.verdicts import image_verdict, landing_verdict, link_verdict
from rules.links import LinkCheck, LinkKind, LinkVerdict
from rules.model import Site

__all__ = [
    "CheckStats",
    "CheckedUrl",
    "LinkCheckSettings",
    "PageReferences",
    "check_pages",
    "references_from_checks",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkCheckSettings:
    max_links: int = 200  # homepage links checked per site and run
    max_images: int = 100  # images checked per site and run (homepage and column pages)
    image_read_bytes: int = 512 * 1024  # bytes of an image read; smaller files are read whole
    landing_read_bytes: int = 256 * 1024  # bytes of an external link's page read
    articles_per_site: int = 3  # article pages read per site for their images (0: none)
    attachments_per_site: int = 10  # attachments read per site for personal data (0: none)

    def __post_init__(self) -> None:
        for name in ("max_links", "max_images", "articles_per_site", "attachments_per_site"):
            if getattr(self, name) < 0:
                raise ValueError(f"link check setting {name} is negative: use 0 or more")
        if self.image_read_bytes < 64:
            raise ValueError("link check setting image_read_bytes is below 64 bytes")
        if self.landing_read_bytes < 1024:
            raise ValueError("link check setting landing_read_bytes is below 1024 bytes")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageReferences:
    """The links and images one page of a site showed in this run."""

    site: Site
    column_id: str | None  # None: the homepage
    page_url: str
    links: tuple[PageLink, ...] = ()
    images: tuple[PageImage, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedUrl:
    verdict: LinkVerdict
    status: int | None
    content_type: str | None
    detail: str | None


@dataclass(slots=True, kw_only=True)
class CheckStats:
    requested: int = 0
    from_pages: int = 0  # link URLs the run had fetched as pages: not requested again
    verdicts: Counter[str] = field(default_factory=Counter)
    left_unchecked: dict[str, dict[str, int]] = field(default_factory=dict)  # site → kind → n
    # pages whose every link (homepage) or image was checked: (site, column, kind)
    complete: set[tuple[str, str | None, LinkKind]] = field(default_factory=set)

    def as_dict(self) -> dict[str, object]:
        return {
            "urls": self.requested,
            "from_pages": self.from_pages,
            "verdicts": dict(self.verdicts),
            "left_unchecked": self.left_unchecked,
        }


_Key = tuple[LinkKind, str]
HOST_FAILURES_BEFORE_SKIP = 3  # a host that timed out or refused this often in a row is skipped
THREAD_CLASSIFY_BYTES = 64 * 1024  # a bigger linked page is decoded and read off the event loop


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def check_pages(
    pages: Sequence[PageReferences],
    *,
    fetcher: Fetcher,
    settings: LinkCheckSettings,
    known: Mapping[str, tuple[CheckedUrl, datetime]] | None = None,
) -> tuple[list[LinkCheck], CheckStats]:
    """Check every distinct URL the pages show (within the per-site bounds), once each.

    ``known``: what this run already found at some URLs (its own page fetches): a link (not
    an image, nor an external link, which is read for what it shows) to one of them takes
    that instead of a request of its own.
    Returns one ``LinkCheck`` per URL and page it was seen on, and the run's counts.
    """
    stats = CheckStats()
    fetched = known or {}
    chosen: list[tuple[PageReferences, LinkKind, str, str]] = []  # page, kind, url, label
    per_site: dict[str, Counter[LinkKind]] = {}
    seen_per_site: dict[str, set[_Key]] = {}
    for page in pages:
        counts = per_site.setdefault(page.site.id, Counter())
        seen = seen_per_site.setdefault(page.site.id, set())
        wanted: list[tuple[LinkKind, str, str]] = [
            (LinkKind.IMAGE, image.url, image.label) for image in page.images
        ]
        kinds = [LinkKind.IMAGE]
        if page.column_id is None:
            wanted += [(LinkKind.LINK, link.url, link.label) for link in page.links]
            kinds.append(LinkKind.LINK)
        cut: set[LinkKind] = set()
        for kind, url, label in wanted:
            if (kind, url) not in seen:
                bound = settings.max_images if kind is LinkKind.IMAGE else settings.max_links
                if counts[kind] >= bound:
                    left = stats.left_unchecked.setdefault(page.site.id, {})
                    left[kind.value] = left.get(kind.value, 0) + 1
                    cut.add(kind)
                    continue
                counts[kind] += 1
                seen.add((kind, url))
            chosen.append((page, kind, url, label))
        stats.complete.update((page.site.id, page.column_id, k) for k in kinds if k not in cut)
    for site_id, left in stats.left_unchecked.items():
        logger.warning(
            "site %s: link check bound reached, left unchecked: %s",
            site_id,
            ", ".join(f"{count} {kind}s" for kind, count in left.items()),
        )

    distinct: dict[_Key, tuple[PageReferences, bool]] = {}
    external: set[str] = set()  # links that lead to another site than a page showing them
    for page, kind, url, _ in chosen:
        distinct.setdefault((kind, url), (page, page.site.respect_robots))
        if kind is LinkKind.LINK and is_external(url, page.site.homepage):
            external.add(url)
    results: dict[_Key, tuple[CheckedUrl, datetime]] = {}
    failures: Counter[str] = Counter()  # consecutive timeouts / unreachable per host

    async def check(entry: tuple[_Key, tuple[PageReferences, bool]]) -> float | None:
        (kind, url), (page, robots) = entry
        host = _host(url)
        started = None
        if kind is LinkKind.LINK and url not in external and (seen := fetched.get(url)):
            results[(kind, url)] = seen
            stats.from_pages += 1
            return None
        if failures[host] >= HOST_FAILURES_BEFORE_SKIP:
            checked = CheckedUrl(
                verdict=LinkVerdict.NOT_CHECKED,
                status=None,
                content_type=None,
                detail=f"not requested: the last {failures[host]} checks on {host} "
                "timed out or could not connect",
            )
        else:
            checked, started = await _check_one(
                fetcher, kind, url, page.page_url, robots, settings, read=url in external
            )
            if checked.verdict in (LinkVerdict.TIMEOUT, LinkVerdict.UNREACHABLE):
                failures[host] += 1
            else:
                failures[host] = 0
        results[(kind, url)] = (checked, fetcher.now())
        return started

    # Host by host (crawler.sites.dispatch): a worker never waits out one host's spacing while
    # another host's URLs could be checked.
    await for_each_by_host(
        list(distinct.items()), check, url_of=lambda entry: entry[0][1], settings=fetcher.settings
    )
    stats.requested = len(distinct) - stats.from_pages
    stats.verdicts.update(checked.verdict.value for checked, _ in results.values())

    checks: list[LinkCheck] = []
    for page, kind, url, label in chosen:
        checked, at = results[(kind, url)]
        checks.append(
            LinkCheck(
                site_id=page.site.id,
                column_id=page.column_id,
                page_url=page.page_url,
                url=url,
                kind=kind,
                external=is_external(url, page.site.homepage),
                verdict=checked.verdict,
                checked_at=at,
                status=checked.status,
                content_type=checked.content_type,
                detail=checked.detail,
                label=label or None,
            )
        )
    return checks, stats


async def _check_one(
    fetcher: Fetcher,
    kind: LinkKind,
    url: str,
    page_url: str,
    respect_robots: bool,
    settings: LinkCheckSettings,
    *,
    read: bool = False,
) -> tuple[CheckedUrl, float | None]:
    """The verdict on one URL, and when its first request started (event-loop time)."""
    if kind is LinkKind.IMAGE:
        result = await fetcher.check(
            url,
            method="GET",
            max_body_bytes=settings.image_read_bytes,
            respect_robots=respect_robots,
            headers={"Referer": page_url, "Accept": "image/avif,image/webp,image/*,*/*;q=0.8"},
        )
        verdict, detail = image_verdict(result)
        return _checked(result, verdict, detail), request_started(result)
    if read:
        result = await fetcher.check(
            url,
            method="GET",
            max_body_bytes=settings.landing_read_bytes,
            respect_robots=respect_robots,
        )
        if len(result.body or b"") > THREAD_CLASSIFY_BYTES:
            verdict, detail = await asyncio.to_thread(landing_verdict, result)
        else:
            verdict, detail = landing_verdict(result)
        return _checked(result, verdict, detail), request_started(result)
    result = await fetcher.check(url, method="HEAD", respect_robots=respect_robots)
    started = request_started(result)
    verdict, detail = link_verdict(result)
    if verdict is LinkVerdict.HTTP_ERROR:
        head_status = result.status
        result = await fetcher.check(url, method="GET", respect_robots=respect_robots)
        verdict, detail = link_verdict(result)
        if verdict is not LinkVerdict.OK:
            detail = f"{detail or verdict.value} (GET, after HEAD answered {head_status})"
    return _checked(result, verdict, detail), started


def _checked(result: FetchResult, verdict: LinkVerdict, detail: str | None) -> CheckedUrl:
    return CheckedUrl(
        verdict=verdict,
        status=result.status,
        content_type=result.content_type,
        detail=detail,
    )


def references_from_checks(site: Site, checks: Sequence[LinkCheck]) -> list[PageReferences]:
    """The pages' links and images as an earlier run recorded them (the page answered 304):
    the list page's own, and those of the articles sampled from it."""
    by_page: dict[str, list[LinkCheck]] = {}
    for check in checks:
        by_page.setdefault(check.page_url, []).append(check)
    return [
        PageReferences(
            site=site,
            column_id=page[0].column_id,
            page_url=page_url,
            links=tuple(
                PageLink(url=c.url, label=c.label or "") for c in page if c.kind is LinkKind.LINK
            ),
            images=tuple(
                PageImage(url=c.url, label=c.label or "") for c in page if c.kind is LinkKind.IMAGE
            ),
        )
        for page_url, page in by_page.items()
    ]
