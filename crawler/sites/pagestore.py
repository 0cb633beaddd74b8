"""Storing a batch of a run's fetched pages: their snapshots, bodies and items, for the sites
the run still leases (``crawler.sites.runner``'s writer task)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from crawler.extract import PageExtraction
from crawler.fetch import FetchResult
from crawler.records import fetch_record
from crawler.sites.plan import PageJob
from rules.model import Outcome
from storage import repository
from storage.leases import lock_site_leases
from storage.pages import PageWrite, count_new_items, record_pages

__all__ = ["Fetched", "store_pages"]

logger = logging.getLogger(__name__)

Fetched = tuple[PageJob, FetchResult, PageExtraction | None]
_EMPTY_NOTICE = re.compile(
    r"暂无(相关)?(信息|内容|数据|记录|文章)|没有(找到)?(相关)?(信息|记录|数据)|无相关(信息|记录)"
)


def _is_empty_notice(extraction: PageExtraction, text: str | None) -> bool:
    """A page that says it has nothing ("暂无信息") is an empty column, not an unreadable one."""
    if extraction.list_found or extraction.refused is not None or text is None:
        return False  # a page extraction refused is unreadable, whatever its text says
    return bool(_EMPTY_NOTICE.search(text))


def _page_write(job: PageJob, result: FetchResult, extraction: PageExtraction | None) -> PageWrite:
    empty = (
        extraction is not None
        and job.column is not None
        and _is_empty_notice(extraction, result.text)
    )
    record = fetch_record(
        result,
        # Why the page was not read (too deeply nested, out of time) is the evidence of its
        # column-unreadable finding.
        detail=extraction.refused if extraction else None,
        page_kind=extraction.kind if extraction else None,
        list_found=(extraction.list_found or empty) if extraction else False,
        meta=extraction.meta if extraction else None,
        personal=extraction.personal if extraction else (),
        content=extraction.content if extraction else None,
    )
    items = extraction.items if extraction is not None else ()
    return PageWrite(site_id=job.site.id, column_id=job.column_id, record=record, items=items)


async def store_pages(session: AsyncSession, *, run_id: int, pages: Sequence[Fetched]) -> int:
    """Store a batch of fetched pages; returns how many items were new.

    Only the pages of sites the run still leases are written (the leases stay locked until
    the batch commits); a site whose lease was lost is judged as not checked.
    """
    leased = await lock_site_leases(
        session, run_id=run_id, site_ids={job.site.id for job, _, _ in pages}
    )
    if lost := sorted({job.site.id for job, _, _ in pages} - leased):
        logger.warning("run %d: pages of %s not stored: lease lost", run_id, ", ".join(lost))
    writes = [
        _page_write(job, result, extraction)
        for job, result, extraction in pages
        if job.site.id in leased
    ]
    snapshot_ids = await record_pages(session, run_id=run_id, pages=writes)
    await repository.carry_items_of(
        session,
        [
            repository.Carry(snapshot_id, write.site_id, write.column_id, write.record.fetched_at)
            for write, snapshot_id in zip(writes, snapshot_ids, strict=True)
            if write.record.outcome is Outcome.NOT_MODIFIED
        ],
    )
    fetched = [
        snapshot_id
        for write, snapshot_id in zip(writes, snapshot_ids, strict=True)
        if write.record.outcome.has_content and write.items
    ]
    return await count_new_items(session, fetched)
