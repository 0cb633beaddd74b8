"""Running the 政务公开 read of the units: what ``crawl disclosure`` and ``crawl demo`` share.

``run_disclosure`` opens the database, reads the units' columns (``crawler.disclosure.crawl``)
and builds the ``disclosure`` section from what is stored (``crawler.output.disclosure``). It
lives here, above both, because the section is built by the output layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from crawler.config import open_database
from crawler.disclosure.crawl import DEFAULT_PAGE_LIMIT, crawl_units
from crawler.fetch import FetchSettings
from crawler.output.disclosure import disclosure_section
from rules.disclosure import DisclosureUnit
from rules.model import utc_now
from rules.period import Period

__all__ = ["run_disclosure"]


async def run_disclosure(
    units: Sequence[DisclosureUnit],
    *,
    db: str | None,
    period: Period,
    now: datetime,
    settings: FetchSettings | None,
    page_limit: int = DEFAULT_PAGE_LIMIT,
    default_db: Path | None = None,
) -> dict[str, Any]:
    """Read the units' columns (unless ``settings`` is None: stored reads only) and return the
    ``disclosure`` section for ``period`` judged at ``now`` (after a read, from the reads
    just made, whatever the check time)."""
    engine = await open_database(db, default_path=default_db)
    try:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        if settings is not None:
            await crawl_units(
                units,
                sessions=sessions,
                settings=settings,
                period=period,
                now=now,
                page_limit=page_limit,
            )
        async with sessions() as session:
            return await disclosure_section(
                session,
                units=units,
                period=period,
                as_of=now,
                reads_until=max(now, utc_now()) if settings is not None else None,
            )
    finally:
        await engine.dispose()
