"""Decoding a fetched document and telling whether it is an anti-bot page.

``Fetcher.fetch`` does both for every successful document, unless told not to
(``decode=False``): a crawl of many pages has them done in its extraction workers instead,
beside the extraction of the same text, so that its event loop only moves bytes.
"""

from __future__ import annotations

from dataclasses import replace

from crawler.fetch.challenge import detect_challenge
from crawler.fetch.decode import decode_html
from crawler.fetch.result import EVIDENCE_BYTES, FetchResult
from rules.model import Outcome

__all__ = ["as_blocked", "classify_document", "decode_and_classify"]


def decode_and_classify(
    status: int, body: bytes, content_type: str | None
) -> tuple[str, str, str | None]:
    """The body's text, the codec, and why it is an anti-bot page (None when it is not)."""
    text, encoding = decode_html(body, content_type)
    return text, encoding, detect_challenge(status, text)


def classify_document(
    body: bytes, status: int | None, content_type: str | None
) -> tuple[str, str, str | None]:
    """What ``Fetcher.fetch`` does with a successful document it was told not to decode."""
    return decode_and_classify(status or 200, body, content_type)


def as_blocked(result: FetchResult, challenge: str) -> FetchResult:
    """An undecoded ``ok`` fetch that ``classify_document`` found to be an anti-bot page:
    ``blocked``, with the evidence ``Fetcher.fetch`` would have kept."""
    body = result.body[:EVIDENCE_BYTES] if result.body is not None else None
    return replace(
        result, outcome=Outcome.BLOCKED, body=body, text=None, encoding=None, detail=challenge
    )
