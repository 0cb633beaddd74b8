"""Reading one response: what an attempt has learnt so far, and the capped body stream."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from crawler.fetch.media import SNIFF_BYTES
from crawler.fetch.result import FetchResult
from rules.model import Outcome


@dataclass(slots=True, kw_only=True)
class Progress:
    """What one attempt has learnt so far, to build its result at any point."""

    url: str
    final_url: str
    fetched_at: datetime
    deadline_s: float = math.inf  # this attempt's time limit once its first request starts
    status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    bytes_read: int = 0
    declared_length: int | None = None

    def seen(self, response: httpx.Response) -> None:
        self.final_url = str(response.url)
        self.status = response.status_code
        self.content_type = response.headers.get("content-type")
        self.etag = response.headers.get("etag")
        self.last_modified = response.headers.get("last-modified")
        self.bytes_read = 0
        self.declared_length = content_length(response)

    def result(
        self,
        outcome: Outcome,
        *,
        detail: str | None = None,
        body: bytes | None = None,
        text: str | None = None,
        encoding: str | None = None,
        complete: bool = True,
    ) -> FetchResult:
        return FetchResult(
            url=self.url,
            final_url=self.final_url,
            outcome=outcome,
            status=self.status,
            fetched_at=self.fetched_at,
            elapsed_s=0.0,
            attempts=1,
            bytes_read=self.bytes_read,
            body=body,
            text=text,
            encoding=encoding,
            content_type=self.content_type,
            etag=self.etag,
            last_modified=self.last_modified,
            detail=detail,
            declared_length=self.declared_length,
            complete=complete,
        )


@dataclass(slots=True)
class Body:
    data: bytes
    over_limit: bool = False
    not_document: str | None = None


async def read_capped(
    response: httpx.Response,
    limit: int,
    progress: Progress,
    *,
    sniff: Callable[[bytes], str | None] | None = None,
) -> Body:
    """Read at most ``limit`` bytes of the (content-decoded) body; stop at the cap."""
    buffer = bytearray()
    sniffed = sniff is None
    async for chunk in response.aiter_bytes():
        progress.bytes_read += len(chunk)
        room = limit - len(buffer)
        buffer += chunk[: max(room, 0)]
        if not sniffed and len(buffer) >= SNIFF_BYTES:
            sniffed = True
            assert sniff is not None
            reason = sniff(bytes(buffer[:SNIFF_BYTES]))
            if reason is not None:
                return Body(data=b"", not_document=reason)
        if len(chunk) > room:
            return Body(data=bytes(buffer), over_limit=True)
    if not sniffed:
        assert sniff is not None
        reason = sniff(bytes(buffer))
        if reason is not None:
            return Body(data=b"", not_document=reason)
    return Body(data=bytes(buffer))


def content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)
