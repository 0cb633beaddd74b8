"""Each platform's public account page, imitated on loopback the way the real one is built
(tests/support/platform_sites.py), read through the real CLI in the browser: every post,
with its time from the page's JSON where the page has one, the page's own shown time where
not, and never the profile header, the 推荐 box or an author's own dates."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from crawler.browser import BrowserSettings, Renderer
from crawler.fetch.addresses import AddressPolicy
from tests.support.cli import run_crawl
from tests.support.platform_sites import POSTS_AGES_DAYS, serve_platforms

PAGES = {
    "douyin": ("抖音", "/douyin/user/MS4wLjABAAAA"),
    "toutiao": ("头条号", "/toutiao/c/user/token/MS4wLjAB"),
    "kuaishou": ("快手", "/kuaishou/profile/3x999"),
    "bilibili": ("哔哩哔哩", "/bilibili/space/1001"),
    "channels": ("其他", "/channels/sphabc"),
}
# Where each page's times come from: its JSON (exact) or what the page shows.
FROM_JSON = {"douyin", "toutiao", "kuaishou", "bilibili"}


async def test_every_platform_page_is_read_whole(tmp_path: Path) -> None:
    async with serve_platforms() as base:
        targets = tmp_path / "targets.yaml"
        targets.write_text(
            "accounts:\n"
            + "".join(
                f"  - id: {key}\n    name: 济源发布{key}\n    platform: {platform}\n"
                f"    source: {{page: '{base}{path}'}}\n"
                for key, (platform, path) in PAGES.items()
            ),
            encoding="utf-8",
        )
        db = tmp_path / "x.sqlite3"
        before = datetime.now(UTC)
        result = await asyncio.to_thread(
            run_crawl, "--targets", str(targets), "--db", str(db), "--json", "--timeout", "20",
        )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    with sqlite3.connect(db) as conn:
        fetches = {
            account: (outcome, detail)
            for account, outcome, detail in conn.execute(
                "SELECT account_id, outcome, detail FROM account_fetches"
            )
        }
        rows = conn.execute("SELECT account_id, url, title, published, shown FROM posts").fetchall()
    posts: dict[str, list[tuple[str, str, datetime, str | None]]] = {}
    for account, url, title, published, shown in rows:
        moment = datetime.fromisoformat(published).replace(tzinfo=UTC)
        posts.setdefault(account, []).append((url, title, moment, shown))
    for key in PAGES:
        outcome, detail = fetches[key]
        assert outcome == "rendered", (key, detail)
        mine = posts.get(key, [])
        assert len(mine) == len(POSTS_AGES_DAYS), (key, detail, mine)
        assert not any("推荐" in title or "感兴趣" in title for _, title, _, _ in mine), key
        ages = sorted((before - moment).total_seconds() / 86400 for _, _, moment, _ in mine)
        if key in FROM_JSON:
            assert "read from the page's JSON" in detail, (key, detail)
            # exact times: each within a minute of the served age
            for age, served in zip(ages, POSTS_AGES_DAYS, strict=True):
                assert abs(age - served) < 1 / 1440 + 0.01, (key, age, served)
            assert all(shown is None for *_, shown in mine), key
        else:
            assert "read off the rendered page" in detail, (key, detail)
            for age, served in zip(ages, POSTS_AGES_DAYS, strict=True):
                assert -1 <= age - served <= 1, (key, age, served)  # a day's precision
        assert all(url and url.startswith(base) for url, *_ in mine), (key, mine)
    run = json.loads(result.stdout)
    by_id = {a["id"]: a for a in run["accounts"]}
    for key in PAGES:
        codes = {f["code"] for f in by_id[key]["findings"]}
        assert "account-not-updated" not in codes, (key, codes)


async def test_a_page_that_loads_more_on_scroll_is_scrolled() -> None:
    async with serve_platforms() as base:
        url = base + PAGES["toutiao"][1]
        policy = AddressPolicy.for_hosts(["127.0.0.1"])
        settings = BrowserSettings(page_timeout_s=20, settle_s=2)
        async with Renderer(settings, addresses=policy) as renderer:
            still = await renderer.render(url, capture_json=True)
            scrolled = await renderer.render(url, scrolls=4, capture_json=True)
    assert still.ok, still.detail
    assert scrolled.ok, scrolled.detail
    assert (still.html or "").count('class="card"') == 5
    assert (scrolled.html or "").count('class="card"') == len(POSTS_AGES_DAYS)
    assert len(scrolled.loaded_json) == 2  # both feed calls, as the page loaded them
