"""A page that outruns its budget is "unknown"; its worker is replaced and the run goes on."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from dataclasses import replace
from datetime import date

import pytest

from crawler.extract import PageExtraction, extract_page
from crawler.extract.pool import THREAD_MAX_CHARS, ExtractionPool

pytestmark = pytest.mark.slow

FOREVER = "<p>never ends</p>"
LIST = (
    "<ul>"
    + "".join(
        f'<li><a href="/a/{n}.html">第{n}条通知公告</a> 2024-05-{n:02d}</li>' for n in range(1, 9)
    )
    + "</ul>"
)


def _endless_or_real(
    text: str, base_url: str, today: date, selector: str | None, homepage: bool
) -> PageExtraction:
    """Runs in a spawned worker: never returns on FOREVER, extracts any other page."""
    while text.startswith(FOREVER):
        time.sleep(3600)
    extraction = extract_page(
        text, base_url=base_url, today=today, selector=selector, homepage=homepage
    )
    return replace(extraction, meta=dict(extraction.meta))


async def _extract(pool: ExtractionPool, text: str) -> PageExtraction:
    return await pool.extract(
        text, base_url="http://x.test/", today=date(2024, 6, 1), selector=None, homepage=False
    )


def _worker_pids() -> set[int]:
    return {child.pid for child in multiprocessing.active_children() if child.pid is not None}


async def test_an_endless_page_is_unknown_and_its_worker_replaced() -> None:
    with ExtractionPool(pages=100, workers=1, budget_s=1.0, function=_endless_or_real) as pool:
        first = await _extract(pool, LIST)
        assert first.kind == "list"
        before = _worker_pids()
        assert before

        stuck = await _extract(pool, FOREVER)
        assert stuck.kind == "unknown"
        assert not stuck.list_found
        assert stuck.refused == "extraction took longer than 1s — not read (worker replaced)"
        assert not (_worker_pids() & before), "the stuck worker is still running"

        after = await _extract(pool, LIST)
        assert after.kind == "list"
        assert len(after.items) == 8
        assert _worker_pids() - before


async def test_a_big_page_of_a_small_run_is_bounded_too() -> None:
    """A small run parses small pages in a thread, but a big page in a worker it can stop."""
    endless_big = FOREVER + " " * THREAD_MAX_CHARS
    with ExtractionPool(pages=3, budget_s=1.0, function=_endless_or_real) as pool:
        results = await asyncio.gather(_extract(pool, endless_big), _extract(pool, LIST))
    assert [result.kind for result in results] == ["unknown", "list"]
