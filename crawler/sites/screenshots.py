"""The run's browser, and the screenshots it takes of the pages that carry findings.

With ``CrawlPlan.screenshots``, once the pages are judged every page that carries a finding
and answered this run is opened in the browser and photographed: the evidence an official
who disputes a finding is shown (stored by ``storage.screenshots``, written out by
``crawl findings --evidence DIR``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from crawler.browser import Renderer
from crawler.sites.plan import CrawlPlan
from rules.model import Finding, Outcome, PageFacts
from storage.screenshots import Screenshot

__all__ = ["run_renderer", "take_screenshots"]

logger = logging.getLogger(__name__)


async def take_screenshots(
    renderer: Renderer,
    findings: Sequence[Finding],
    pages: Sequence[PageFacts],
    clock: Callable[[], datetime],
) -> list[Screenshot]:
    """A screenshot of every page that carries a finding and answered this run (read, or a
    challenge the browser may pass), taken now in the browser: the evidence an official who
    disputes the finding is shown."""
    by_page = {(p.site_id, p.column_id): p for p in pages}
    wanted: dict[tuple[str, str | None], PageFacts] = {}
    for finding in findings:
        page = by_page.get((finding.site_id, finding.column_id))
        if page is None or page.outcome is None:
            continue
        if page.outcome.readable or page.outcome is Outcome.BLOCKED:
            wanted.setdefault((page.site_id, page.column_id), page)
    if not wanted:
        return []

    async def shoot(page: PageFacts) -> Screenshot | None:
        rendered = await renderer.render(page.url, screenshot=True)
        if rendered.image is None or rendered.image_size is None:
            logger.info("no screenshot of %s: %s", page.url, rendered.detail)
            return None
        width, height = rendered.image_size
        return Screenshot(
            site_id=page.site_id,
            column_id=page.column_id,
            url=rendered.final_url,
            taken_at=clock(),
            image=rendered.image,
            width=width,
            height=height,
        )

    taken = await asyncio.gather(*(shoot(page) for page in wanted.values()))
    shots = [shot for shot in taken if shot is not None]
    logger.info("screenshots: %d of %d pages with findings", len(shots), len(wanted))
    return shots


def run_renderer(plan: CrawlPlan) -> Renderer | None:
    """The run's browser, started only when a page needs it (None: the plan has none)."""
    if plan.browser is None:
        return None
    settings = plan.fetch_settings
    return Renderer(plan.browser, addresses=settings.addresses, verify_tls=settings.verify_tls)
