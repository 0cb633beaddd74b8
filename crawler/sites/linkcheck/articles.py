"""A sample of article pages per site, read for their images.

The notices' "图片不显示" is as often about the pictures inside 图片新闻 articles as about the
list's thumbnails. Per site, up to ``LinkCheckSettings.articles_per_site`` articles are read:
the newest item of each column page in the targets' order, then the second newest of each, and
so on. An article's images count for the column that lists it. An article that cannot be read
is skipped: it adds no checks (and takes nothing away from the column's list page).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest

from crawler.extract import extract_page
from crawler.extract.links import PageLink
from crawler.fetch import Fetcher
from crawler.sites.dispatch import for_each_by_host, request_started
from crawler.sites.linkcheck.checker import PageReferences
from crawler.sites.linkcheck.content import article_row
from rules.model import Item, Outcome, Site, local_date
from storage.content import ContentWrite

__all__ = [
    "ARTICLES_KEPT",
    "ArticlesRead",
    "Listed",
    "newest_articles",
    "read_articles",
    "sample_articles",
]

logger = logging.getLogger(__name__)

ARTICLES_KEPT = 3  # newest article URLs a column page keeps for the sample


Listed = tuple[Site, str, str]  # site, column id, article URL


def newest_articles(items: Sequence[Item], count: int = ARTICLES_KEPT) -> tuple[str, ...]:
    """The URLs of a list's ``count`` newest dated items (undated ones last), newest first."""
    dated = sorted(
        (item for item in items if item.published is not None),
        key=lambda item: item.published or 0,
        reverse=True,
    )
    undated = [item for item in items if item.published is None]
    return tuple(dict.fromkeys(item.url for item in [*dated, *undated]))[:count]


def sample_articles(
    columns: Sequence[tuple[Site, str, tuple[str, ...]]], per_site: int
) -> list[Listed]:
    """Round-robin over each site's column pages: newest of each column first."""
    if per_site <= 0:
        return []
    by_site: dict[str, list[tuple[Site, str, tuple[str, ...]]]] = {}
    for entry in columns:
        by_site.setdefault(entry[0].id, []).append(entry)
    chosen: list[Listed] = []
    for entries in by_site.values():
        site = entries[0][0]
        order = {column.id: index for index, column in enumerate(site.columns)}
        entries.sort(key=lambda entry: order.get(entry[1], len(order)))
        taken: set[str] = set()
        lists = [[(site, column, url) for url in urls] for site, column, urls in entries]
        for row in zip_longest(*lists):
            for listed in row:
                if listed is not None and listed[2] not in taken and len(taken) < per_site:
                    taken.add(listed[2])
                    chosen.append(listed)
    return chosen


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticlesRead:
    """What the sampled articles showed: their images (to check), their content checks, and
    their links (attachments among them are read too)."""

    pages: list[PageReferences]
    rows: list[ContentWrite]
    links: list[tuple[Site, str | None, str, tuple[PageLink, ...]]]


async def read_articles(listed: Sequence[Listed], *, fetcher: Fetcher) -> ArticlesRead:
    """Fetch each sampled article (politely, through ``fetcher``, host by host): collect its
    images, its content checks and its links."""
    today = local_date(fetcher.now())
    pages: list[PageReferences] = []
    rows: list[ContentWrite] = []
    links: list[tuple[Site, str | None, str, tuple[PageLink, ...]]] = []

    async def read(entry: Listed) -> float | None:
        site, column_id, url = entry
        result = await fetcher.fetch(url, respect_robots=site.respect_robots)
        started = request_started(result)
        if result.outcome is not Outcome.OK or result.text is None:
            logger.info("article %s not read for its images: %s", url, result.outcome.value)
            return started
        extraction = await asyncio.to_thread(
            extract_page, result.text, base_url=result.final_url, today=today
        )
        pages.append(
            PageReferences(
                site=site,
                column_id=column_id,
                page_url=result.final_url,
                images=extraction.images,
            )
        )
        rows.append(
            article_row(
                site, column_id, result.final_url, None, extraction, result.fetched_at,
                result.body,
            )
        )  # fmt: skip
        links.append((site, column_id, result.final_url, extraction.links))
        return started

    await for_each_by_host(listed, read, url_of=lambda entry: entry[2], settings=fetcher.settings)
    order = {url: index for index, (_, _, url) in enumerate(listed)}
    pages.sort(key=lambda page: order.get(page.page_url, len(order)))
    return ArticlesRead(pages=pages, rows=rows, links=links)
