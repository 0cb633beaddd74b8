"""Reading a fetched page in an extraction worker: decoding, the anti-bot check, extraction.

The page's fetch leaves its body undecoded (``Fetcher.fetch(decode=False)``); the worker that
extracts the page also decodes it and checks it for an anti-bot page, so the crawl's event
loop only moves bytes and results. The fetch's outcome comes out as ``Fetcher.fetch`` would
have given it: a challenge page is ``blocked`` (never extracted, never judged for freshness).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from crawler.extract import PageExtraction
from crawler.extract.pool import ExtractFunction, ExtractionPool
from crawler.fetch import FetchResult
from crawler.fetch.classify import as_blocked, classify_document
from rules.model import Outcome

__all__ = ["read_fetched"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageRead:
    """What a worker answers for a page's body."""

    encoding: str | None  # the codec the text was decoded with (None: not read in time)
    challenge: str | None  # why the page is an anti-bot page (then there is no extraction)
    # the text, only when no list was found: what the crawl still reads in it then (an
    # "暂无信息" notice, scripts that may build the list in a browser) — not sent otherwise
    text: str | None
    extraction: PageExtraction | None


def read_page(
    extract: ExtractFunction,
    body: bytes,
    status: int | None,
    content_type: str | None,
    base_url: str,
    today: date,
    selector: str | None,
    homepage: bool,
) -> PageRead:
    """Decode, check and extract one page (in a worker)."""
    text, encoding, challenge = classify_document(body, status, content_type)
    if challenge is not None:
        return PageRead(encoding=encoding, challenge=challenge, text=None, extraction=None)
    extraction = extract(text, base_url, today, selector, homepage)
    unlisted = not extraction.list_found and extraction.refused is None
    return PageRead(
        encoding=encoding, challenge=None, text=text if unlisted else None, extraction=extraction
    )


def _not_read(extraction: PageExtraction) -> PageRead:
    return PageRead(encoding=None, challenge=None, text=None, extraction=extraction)


async def read_fetched(
    pool: ExtractionPool,
    result: FetchResult,
    *,
    today: date,
    selector: str | None,
    homepage: bool,
) -> tuple[FetchResult, PageExtraction | None]:
    """The fetch as read and its extraction: ``blocked`` for an anti-bot page, else ``ok``
    with its codec (and its text when no list was found). A fetch that is not an undecoded
    ``ok`` is returned as it is, extracted when it has text."""
    if result.outcome is not Outcome.OK or result.text is not None or result.body is None:
        if not result.outcome.has_content or result.text is None:
            return result, None
        extraction = await pool.extract(
            result.text,
            base_url=result.final_url,
            today=today,
            selector=selector,
            homepage=homepage,
        )
        return result, extraction
    page = await pool.call(
        read_page,
        (
            pool.function,
            result.body,
            result.status,
            result.content_type,
            result.final_url,
            today,
            selector,
            homepage,
        ),
        size=len(result.body),
        base_url=result.final_url,
        out_of_time=_not_read,
    )
    if page.challenge is not None:
        logger.info("fetch %s outcome=blocked detail=%r", result.url, page.challenge)
        return as_blocked(result, page.challenge), None
    return replace(result, text=page.text, encoding=page.encoding), page.extraction
