"""Load a document for ``crawl extract``: a saved file (decoded like a fetched page) or a URL.

A saved file is taken as a browser showed it: status 200, no Content-Type, and its relative
links resolve against the file's own ``file://`` URL unless a base URL is given. A URL is
fetched once (no robots.txt: a person asked for it); an anti-bot answer is loaded with its
status and first bytes so that the caller can say what blocked it, any other failure is an
``OSError``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from crawler.fetch.client import Fetcher
from crawler.fetch.decode import decode_html
from crawler.fetch.settings import FetchSettings
from rules.model import Outcome

__all__ = ["LoadedSource", "load_source"]

SAVED_PAGE_STATUS = 200  # a saved page is what the browser showed


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedSource:
    body: bytes  # the bytes read (of a blocked URL: its first 64 KiB)
    text: str  # decoded
    encoding: str  # the codec used, e.g. "gb18030"
    base_url: str  # what links resolve against: --base-url, the final URL, or file://…
    status: int  # the HTTP status; SAVED_PAGE_STATUS for a file
    content_type: str | None  # the response's Content-Type; None for a file
    blocked: str | None = None  # the fetcher's detail when it classified the answer blocked


async def load_source(source: str, *, base_url: str | None) -> LoadedSource:
    """Load a path or an http(s) URL.

    Raises OSError with a readable message when the file is missing or the URL cannot be
    fetched (an anti-bot answer is not an error: it is loaded, with ``blocked`` set).
    """
    if source.startswith(("http://", "https://")):
        return await _fetch(source, base_url=base_url)
    body, uri = await asyncio.to_thread(_read_file, Path(source))
    text, encoding = decode_html(body, None)
    return LoadedSource(
        body=body,
        text=text,
        encoding=encoding,
        base_url=base_url or uri,
        status=SAVED_PAGE_STATUS,
        content_type=None,
    )


async def _fetch(url: str, *, base_url: str | None) -> LoadedSource:
    async with Fetcher(FetchSettings(per_host_delay_s=0, jitter_s=0)) as fetcher:
        result = await fetcher.fetch(url, respect_robots=False)
    if result.outcome is Outcome.BLOCKED and result.body is not None:
        text, encoding = decode_html(result.body, result.content_type)
        return LoadedSource(
            body=result.body,
            text=text,
            encoding=encoding,
            base_url=base_url or result.final_url,
            status=result.status or SAVED_PAGE_STATUS,
            content_type=result.content_type,
            blocked=result.detail or "blocked",
        )
    if result.text is None or result.body is None:
        status = f" {result.status}" if result.status else ""
        raise OSError(f"fetch failed: {result.outcome}{status} ({result.detail or 'no detail'})")
    return LoadedSource(
        body=result.body,
        text=result.text,
        encoding=result.encoding or "?",
        base_url=base_url or result.final_url,
        status=result.status or SAVED_PAGE_STATUS,
        content_type=result.content_type,
    )


def _read_file(path: Path) -> tuple[bytes, str]:
    return path.read_bytes(), path.absolute().as_uri()
