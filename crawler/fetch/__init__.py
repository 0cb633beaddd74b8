"""Fetching: a URL in, an outcome value out (DESIGN.md decisions 1–4).

``Fetcher`` owns one httpx client on the aiohttp transport, bounds concurrency globally and
per host, retries transient failures, honours robots.txt, and turns every network or HTTP
failure into a ``FetchResult`` outcome. ``decode_html`` turns fetched bytes into text.
"""

from __future__ import annotations

from crawler.fetch.challenge import detect_challenge
from crawler.fetch.client import Fetcher
from crawler.fetch.decode import decode_html
from crawler.fetch.errors import FetchConfigError, FetcherClosedError, FetchError
from crawler.fetch.result import FetchResult
from crawler.fetch.settings import FetchSettings

__all__ = [
    "FetchConfigError",
    "FetchError",
    "FetchResult",
    "FetchSettings",
    "Fetcher",
    "FetcherClosedError",
    "decode_html",
    "detect_challenge",
]
