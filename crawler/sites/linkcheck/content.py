"""The content checks of what the link phase reads: the sampled articles' text, and the
attachments (PDF, DOCX, XLSX; DOC and XLS said "not checked") linked from the homepage, the
column pages and those articles.

An article's checks are its extraction's (personal numbers, the wording list, hidden links).
An attachment is fetched whole up to ``ATTACHMENT_MAX_BYTES``, read by
``crawler.extract.attachments`` within its page, character and unzip caps and a time budget
(off the event loop), and its personal numbers kept masked with the page or row they are on.
At most ``attachments_per_site`` attachments a site and run, those of the homepage first; an
attachment whose bytes were read before (the same URL and content hash) is not read again:
its earlier checks are copied. Nothing here raises for a bad file: it is "not checked",
saying why.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.extract import PageExtraction
from crawler.extract.attachments import attachment_kind, personal_data_in, read_attachment
from crawler.extract.links import PageLink
from crawler.fetch import Fetcher, FetchResult
from crawler.sites.dispatch import for_each_by_host, request_started
from rules.model import Outcome, Site, local_date
from storage.content import ContentWrite

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "AttachmentLink",
    "article_row",
    "attachment_links",
    "extraction_content",
    "read_attachments",
]

logger = logging.getLogger(__name__)

ATTACHMENT_MAX_BYTES = 20 * 2**20
_ATTACHMENT = re.compile(r"\.(pdf|docx?|xlsx?|wps|et)$", re.IGNORECASE)
_ATTACHMENT_WORDS = re.compile(r"附件|下载|名单|公示表|\.(pdf|docx?|xlsx?)", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentLink:
    site: Site
    column_id: str | None
    url: str
    parent_url: str
    name: str


def extraction_content(extraction: PageExtraction) -> dict[str, Any] | None:
    """What a page's text showed, for storage: personal numbers (masked), wording errors,
    hidden links; None when it showed none."""
    found: dict[str, Any] = {}
    if extraction.personal:
        found["personal"] = [
            {"kind": m.kind, "masked": m.masked, "snippet": m.snippet} for m in extraction.personal
        ]
    if extraction.content:
        found.update(extraction.content)
    return found or None


def article_row(
    site: Site, column_id: str | None, url: str, parent_url: str | None,
    extraction: PageExtraction, checked_at: datetime, body: bytes | None,
) -> ContentWrite:  # fmt: skip
    return ContentWrite(
        site_id=site.id,
        column_id=column_id,
        url=url,
        source="article",
        parent_url=parent_url,
        name=None,
        kind="html",
        content_hash=hashlib.sha256(body).hexdigest() if body else None,
        checked=extraction.refused is None,
        reason=extraction.refused,
        found=extraction_content(extraction),
        checked_at=checked_at,
    )


def _is_attachment(link: PageLink) -> bool:
    path = urlsplit(link.url).path
    return bool(_ATTACHMENT.search(path))


def attachment_links(
    pages: Sequence[tuple[Site, str | None, str, Sequence[PageLink]]], per_site: int
) -> list[AttachmentLink]:
    """The attachments linked from ``pages`` (site, column, page URL, links), each URL once,
    at most ``per_site`` a site, in the order the pages are given."""
    chosen: list[AttachmentLink] = []
    seen: set[str] = set()
    per: dict[str, int] = {}
    for site, column_id, page_url, links in pages:
        for link in links:
            if not _is_attachment(link) or link.url in seen:
                continue
            if per.get(site.id, 0) >= per_site:
                break
            seen.add(link.url)
            per[site.id] = per.get(site.id, 0) + 1
            name = link.label.strip() or urlsplit(link.url).path.rsplit("/", 1)[-1]
            chosen.append(
                AttachmentLink(
                    site=site, column_id=column_id, url=link.url, parent_url=page_url,
                    name=name[:120],
                )
            )  # fmt: skip
    return chosen


async def read_attachments(
    links: Sequence[AttachmentLink],
    *,
    fetcher: Fetcher,
    known: Mapping[tuple[str, str], ContentWrite],
) -> list[ContentWrite]:
    """Fetch and read each attachment (through ``fetcher``, host by host); ``known``: earlier
    checks by (URL, content hash)."""
    rows: list[ContentWrite] = []
    today = local_date(fetcher.now())

    async def read(link: AttachmentLink) -> float | None:
        result = await fetcher.check(
            link.url,
            method="GET",
            max_body_bytes=ATTACHMENT_MAX_BYTES,
            respect_robots=link.site.respect_robots,
        )
        rows.append(await _read_one(link, result, known=known, today=today))
        return request_started(result)

    await for_each_by_host(links, read, url_of=lambda link: link.url, settings=fetcher.settings)
    order = {link.url: index for index, link in enumerate(links)}
    rows.sort(key=lambda row: order.get(row.url, len(order)))
    return rows


async def _read_one(
    link: AttachmentLink,
    result: FetchResult,
    *,
    known: Mapping[tuple[str, str], ContentWrite],
    today: date,
) -> ContentWrite:
    """The check of one attachment from what its download (``result``) brought."""

    def row(**fields: Any) -> ContentWrite:
        base: dict[str, Any] = {
            "site_id": link.site.id,
            "column_id": link.column_id,
            "url": link.url,
            "source": "attachment",
            "parent_url": link.parent_url,
            "name": link.name,
            "kind": None,
            "content_hash": None,
            "checked": False,
            "reason": None,
            "found": None,
            "checked_at": result.fetched_at,
        }
        return ContentWrite(**{**base, **fields})

    if result.outcome is not Outcome.OK or result.body is None:
        return row(reason=f"附件未能下载({result.outcome.label}),未检查")
    if not result.complete:
        return row(reason=f"附件超过{ATTACHMENT_MAX_BYTES // 2**20}MB,未检查")
    body = result.body
    digest = hashlib.sha256(body).hexdigest()
    if (earlier := known.get((link.url, digest))) is not None:
        return row(kind=earlier.kind, content_hash=digest, checked=earlier.checked,
                   reason=earlier.reason, found=earlier.found)  # fmt: skip
    kind = attachment_kind(link.url, result.content_type, body[:16])
    text = await asyncio.to_thread(read_attachment, body, kind)
    found: dict[str, Any] | None = None
    if text.checked:
        personal = personal_data_in(text, today=today)
        if personal:
            found = {"personal": [asdict(finding) for finding in personal]}
    return row(kind=kind, content_hash=digest, checked=text.checked, reason=text.reason,
               found=found)  # fmt: skip
