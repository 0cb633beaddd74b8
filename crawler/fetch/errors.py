"""Errors of the fetch package.

Network and HTTP failures are not errors here: they are outcomes inside a ``FetchResult``.
Exceptions are raised only for bugs and bad configuration::

    FetchError
    ├── FetchConfigError     a setting or a URL that cannot work (fix the configuration)
    └── FetcherClosedError   fetch() called outside ``async with Fetcher(...)`` (fix the caller)
"""

from __future__ import annotations


class FetchError(Exception):
    """Base class of every exception raised by ``crawler.fetch``."""


class FetchConfigError(FetchError):
    """A fetch setting or a URL that can never be fetched."""

    def __init__(self, *, what: str, value: object, problem: str, hint: str) -> None:
        self.what = what
        self.value = value
        self.problem = problem
        super().__init__(f"{what}: {value!r} {problem} — {hint}")


class FetcherClosedError(FetchError):
    """``Fetcher.fetch`` was called while the fetcher was not open."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"cannot fetch {url!r}: the Fetcher is not open — use "
            "'async with Fetcher(settings) as fetcher:' and fetch inside the block"
        )
