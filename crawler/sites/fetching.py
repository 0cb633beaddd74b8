"""Fetch and extract a run's pages: bounded workers, jobs handed out host by host.

Up to ``max_concurrency`` workers share one ``Fetcher``. Each takes the next page whose host
can be requested now (``crawler.sites.dispatch``), so a host waiting out its politeness delay
never holds a worker another host could use; it fetches the page (conditionally, with the
validators of the previous snapshot), has it decoded, checked for an anti-bot page and
extracted in an extraction worker (``crawler.sites.reading``: the event loop only moves bytes
and results) and queues it for the run's one writer task. A page plain HTTP could not
read (a challenge, a list built by script) goes to the run's browser when it has one
(``crawler.browser``); what the browser reads is recorded ``rendered``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

import httpx

from crawler.browser import Renderer, needs_browser, not_rendered, rendered_result
from crawler.extract import PageExtraction
from crawler.extract.pool import ExtractionPool
from crawler.fetch import Fetcher, FetchResult, FetchSettings
from crawler.sites.dispatch import HostDispatcher, politeness_host, request_started
from crawler.sites.reading import read_fetched
from rules.model import Column, Site

__all__ = ["Page", "fetch_all", "first_error"]


class Page(Protocol):
    """A page to fetch: the site's homepage (``column`` None) or a column's list page."""

    @property
    def site(self) -> Site: ...
    @property
    def column(self) -> Column | None: ...
    @property
    def url(self) -> str: ...
    @property
    def column_id(self) -> str | None: ...


P = TypeVar("P", bound=Page)


async def fetch_all(
    jobs: Sequence[P],
    validators: dict[tuple[str, str | None], tuple[str | None, str | None]],
    settings: FetchSettings,
    pool: ExtractionPool,
    today: date,
    queue: asyncio.Queue[tuple[P, FetchResult, PageExtraction | None] | None],
    write_pages: Callable[[], Coroutine[Any, Any, None]],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    renderer: Renderer | None = None,
) -> None:
    """Fetch and extract every page with bounded workers; the writer drains the queue.

    ``transport`` replaces the Fetcher's own (tests, benchmarks); ``renderer`` reads in a
    browser what plain HTTP could not (None: no browser).
    """
    dispatcher = HostDispatcher(
        jobs,
        host_of=lambda job: politeness_host(job.url),
        per_host_concurrency=settings.per_host_concurrency,
        per_host_delay_s=settings.per_host_delay_s,
    )
    async with Fetcher(settings, transport=transport) as fetcher:

        async def fetch_pages() -> None:
            while (turn := await dispatcher.take()) is not None:
                job = turn.job
                etag, last_modified = validators.get((job.site.id, job.column_id), (None, None))
                result = None
                try:
                    result = await fetcher.fetch(
                        job.url,
                        etag=etag,
                        last_modified=last_modified,
                        respect_robots=job.site.respect_robots,
                        decode=False,  # decoded and checked in the worker (read_fetched)
                    )
                finally:  # the host is free before the page is parsed
                    dispatcher.give_back(
                        turn, started_at=request_started(result) if result is not None else None
                    )
                result, extraction = await read(job, result)
                if renderer is not None and needs_browser(result, extraction):
                    rendered = await renderer.render(job.url)
                    if rendered.ok:
                        fetcher.add_cookies(rendered.cookies)
                        result = rendered_result(result, rendered)
                        result, extraction = await read(job, result)
                    else:
                        result = not_rendered(result, rendered)
                await queue.put((job, result, extraction))

        async def read(job: P, result: FetchResult) -> tuple[FetchResult, PageExtraction | None]:
            return await read_fetched(
                pool,
                result,
                today=today,
                selector=job.column.selector if job.column else None,
                homepage=job.column is None,
            )

        try:
            async with asyncio.TaskGroup() as tasks:
                writer = tasks.create_task(write_pages())
                async with asyncio.TaskGroup() as workers:
                    for _ in range(min(len(jobs), settings.max_concurrency)):
                        workers.create_task(fetch_pages())
                await queue.put(None)
                await writer
        except BaseExceptionGroup as group:
            # The run records (and the caller sees) what failed, not "errors in a TaskGroup".
            raise first_error(group) from group


def first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first error of a task group's, however deeply nested."""
    first = group.exceptions[0]
    return first_error(first) if isinstance(first, BaseExceptionGroup) else first
