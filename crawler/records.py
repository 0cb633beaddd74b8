"""What of a fetch is kept in storage: the ``FetchRecord`` of a page or a feed.

The body is the evidence of what the page showed. A readable body is kept whole (once per
distinct content); of a failed fetch (a challenge page, an error page) its first bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crawler.extract.personal import PersonalMatch
from crawler.fetch import FetchResult
from rules.model import Outcome
from storage.records import FetchRecord

__all__ = ["FAILED_BODY_BYTES", "fetch_record"]

FAILED_BODY_BYTES = 64 * 1024


def fetch_record(
    result: FetchResult,
    *,
    outcome: Outcome | None = None,
    detail: str | None = None,
    page_kind: str | None,
    list_found: bool,
    meta: Mapping[str, str] | None = None,
    personal: Sequence[PersonalMatch] = (),
    content: Mapping[str, Any] | None = None,
) -> FetchRecord:
    """The record of ``result``; ``outcome`` and ``detail`` override the fetch's own (a feed
    that fetched fine but turned out to be a login wall is ``blocked``)."""
    outcome = outcome or result.outcome
    body = result.body
    # A suspect feed is a whole answer: kept whole, its hash is the body's (unchanged feeds).
    if body is not None and not outcome.has_content and outcome is not Outcome.STALE_SUSPECT:
        body = body[:FAILED_BODY_BYTES]
    return FetchRecord(
        url=result.url,
        final_url=result.final_url,
        fetched_at=result.fetched_at,
        outcome=outcome,
        status=result.status,
        elapsed_s=result.elapsed_s,
        attempts=result.attempts,
        bytes_read=result.bytes_read,
        body=body,
        encoding=result.encoding,
        content_type=result.content_type,
        etag=result.etag,
        last_modified=result.last_modified,
        detail=detail if detail is not None else result.detail,
        page_kind=page_kind,
        list_found=list_found,
        meta=dict(meta or {}),
        personal_data=tuple(
            {"kind": m.kind, "masked": m.masked, "snippet": m.snippet} for m in personal
        ),
        content_checks=content or None,
    )
