"""What one fetch produced: the outcome value every caller stores and judges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rules.model import Outcome

EVIDENCE_BYTES = 64 * 1024  # body kept as evidence for blocked pages and HTTP errors


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    outcome: Outcome
    status: int | None
    fetched_at: datetime  # aware UTC, when the last attempt started
    elapsed_s: float  # from the first request start to the end of the fetch
    attempts: int  # 0 when no request was made (robots.txt disallowed the URL)
    bytes_read: int  # body bytes received (after content decoding) in the last attempt
    body: bytes | None  # raw bytes when ok; the first ≤64 KiB for blocked and http_error
    text: str | None  # decoded document when ok
    encoding: str | None  # codec used for text, e.g. "utf-8", "gb18030 (with replacement)"
    content_type: str | None
    etag: str | None
    last_modified: str | None
    detail: str | None  # why it failed, e.g. "read timeout after 30.0 s"
    declared_length: int | None = None  # the Content-Length header, when the server sent one
    complete: bool = True  # False: the body was read only up to a cap (``Fetcher.check``)
