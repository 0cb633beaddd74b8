"""Load a page for ``crawl extract``: a saved file (decoded like a fetched page) or a URL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from crawler.fetch import Fetcher, FetchSettings, decode_html

__all__ = ["load_source"]


async def load_source(source: str, *, base_url: str | None) -> tuple[str, str, str]:
    """Return (text, encoding, base URL) for a path or an http(s) URL.

    Raises OSError with a readable message when the file is missing or the URL cannot be
    fetched as HTML.
    """
    if source.startswith(("http://", "https://")):
        async with Fetcher(FetchSettings(per_host_delay_s=0, jitter_s=0)) as fetcher:
            result = await fetcher.fetch(source, respect_robots=False)
        if result.text is None:
            status = f" {result.status}" if result.status else ""
            raise OSError(
                f"fetch failed: {result.outcome}{status} ({result.detail or 'no detail'})"
            )
        return result.text, result.encoding or "?", base_url or result.final_url
    body, uri = await asyncio.to_thread(_read_file, Path(source))
    text, encoding = decode_html(body, None)
    return text, encoding, base_url or uri


def _read_file(path: Path) -> tuple[bytes, str]:
    return path.read_bytes(), path.absolute().as_uri()
