"""Crawled text is untrusted: a stored-XSS probe — a column whose newest title is markup
(``<img src=x onerror=…>``, ``<script>``) — is crawled for real, and the dashboard's finding
page, opened in Chromium, shows it as text: no image element, no script run, no dialog."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from aiohttp import web

from crawler.config import open_database
from crawler.fetch import FetchSettings
from crawler.operations.jobs import crawl_targets
from crawler.targets import parse_targets
from crawler.web.app import build_app
from rules.model import local_date
from tests.support.chromium import require_chromium
from tests.support.loopsite import serve_loop_site
from tests.support.serving import serve_app

IMG = "<img src=x onerror=\"document.title='pwned'\">"
SCRIPT = "<script>alert('pwned')</script>"
SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, timeout_s=5, retry_base_wait_s=0)


def probe_page(old: str) -> str:
    # The titles are text on the site (escaped in its HTML): the crawl stores them as text.
    items = "".join(
        f'<li><a href="/a/{i}.html">{escape(title)}</a><span class="date">{old}</span></li>'
        for i, title in enumerate([IMG, SCRIPT, "普通标题一", "普通标题二"])
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>列表</title></head><body>'
        f'<ul class="list">{items}</ul></body></html>'
    )


async def test_a_crawled_title_with_markup_is_shown_as_text(tmp_path: Path) -> None:
    executable = require_chromium()
    from playwright.async_api import async_playwright

    old = (local_date(datetime.now(UTC)) - timedelta(days=40)).isoformat()
    html = "text/html; charset=utf-8"
    async with serve_loop_site() as loop:
        loop.pages = {"/": (200, html, probe_page(old)), "/news/": (200, html, probe_page(old))}
        targets = parse_targets(f"""
sites:
  - id: xss
    name: 探针网站
    homepage: {loop.url("/")}
    columns:
      - {{id: news, name: 工作动态, url: "{loop.url("/news/")}", category: news}}
""")
        db = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
        await crawl_targets(
            targets=targets, wanted=(), db=db, now=datetime.now(UTC), settings=SETTINGS,
            show_progress=False, keep_bodies_days=400, link_checks=None, browser=None,
        )  # fmt: skip
    engine = await open_database(db)
    dialogs: list[str] = []
    try:
        app: web.Application = build_app(targets, db=db, engine=engine)
        async with serve_app(app) as base, async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            page = await browser.new_page()
            page.on("dialog", lambda d: dialogs.append(d.message))
            await page.goto(base + "/sites/xss")
            link = page.locator("main a[href^='/findings/column-stale']")
            await link.first.click()
            text = await page.inner_text("main")
            assert "栏目" in text or "更新" in text
            assert IMG in text  # the evidence's newest title, shown as it was crawled
            assert await page.locator("img[src='x']").count() == 0
            assert await page.title() != "pwned"
            assert SCRIPT in text
            await browser.close()
    finally:
        await engine.dispose()
    assert dialogs == []
