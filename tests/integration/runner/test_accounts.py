"""Accounts over a real loopback server and a real database: failures are never inactivity."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from crawler.targets import AccountTarget
from rules.facts import Account, Platform
from rules.period import Period
from rules.profile_files import load_profile
from tests.support.loopsite import Site as LoopSite

NOW = datetime.now(UTC)
PROFILES = {"jiyuan": load_profile("jiyuan")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=2,
    attempt_timeout_s=1,
    connect_timeout_s=1,
    retry_base_wait_s=0,
    retry_max_wait_s=0.1,
)
RSS = "application/rss+xml; charset=utf-8"


def rss(ages_days: list[float]) -> str:
    items = "".join(
        f"<item><title>第{i}条动态</title><link>http://127.0.0.1:9/p/{i}</link>"
        f"<guid>p-{i}</guid><pubDate>{format_datetime(NOW - timedelta(days=age))}</pubDate></item>"
        for i, age in enumerate(ages_days)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )


def target(loop: LoopSite, account_id: str, path: str, kind: str = "feed") -> AccountTarget:
    return AccountTarget(
        account=Account(id=account_id, name=f"账号{account_id}", platform=Platform.WEIBO),
        label="微博",
        source_kind=kind,  # type: ignore[arg-type]
        source_url=loop.url(path),
        profile="jiyuan",
    )


async def run(
    targets: list[AccountTarget],
    engine: AsyncEngine,
    source_headers: dict[str, dict[str, str]] | None = None,
) -> CrawlReport:
    # The last 8 whole days: no complete natural week needs judging in most of them, so the
    # national 2-week rule is what decides here.
    period = Period(start=(NOW - timedelta(days=1)).date(), end=NOW.date())
    plan = CrawlPlan(
        sites=[],
        accounts=targets,
        profiles=PROFILES,
        fetch_settings=SETTINGS,
        now=NOW,
        period=period,
        source_headers=source_headers,
    )
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))


# waits out a fetch timeout, twice
@pytest.mark.slow
async def test_account_outcomes(site: LoopSite, engine: AsyncEngine) -> None:
    site.pages = {
        "/fresh": (200, RSS, rss([0.5, 2, 3, 5, 8, 12])),
        "/quiet": (200, RSS, rss([20, 30, 40])),
        "/slow": (200, RSS, rss([0.5])),
        "/weibo-432": (432, "text/html", "<html><body>Forbidden</body></html>"),
        "/captcha": (
            200,
            "text/html; charset=utf-8",
            "<html><head><title>Sina Visitor System</title></head><body>请输入验证码</body></html>",
        ),
        "/empty": (200, RSS, rss([])),
        "/weibo-login": (
            200,
            "application/json",
            json.dumps({"ok": -100, "url": "https://passport.weibo.cn"}),
        ),
    }
    site.delay_s["/slow"] = 5
    targets = [
        target(site, "fresh", "/fresh"),
        target(site, "quiet", "/quiet"),
        target(site, "slow", "/slow"),
        target(site, "w432", "/weibo-432", "weibo"),
        target(site, "captcha", "/captcha", "rsshub"),
        target(site, "empty", "/empty", "rsshub"),
        target(site, "login", "/weibo-login", "weibo"),
    ]
    report = await run(targets, engine)
    assert report.status == "completed"
    by_id = {a.target.id: a for a in report.accounts}
    outcomes = {i: a.facts.outcome.value if a.facts.outcome else None for i, a in by_id.items()}
    assert outcomes == {
        "fresh": "ok",
        "quiet": "ok",
        "slow": "timeout",
        "w432": "blocked",
        "captcha": "blocked",
        "empty": "blocked",
        "login": "blocked",
    }
    results = {i: a.result.result.value for i, a in by_id.items()}
    assert results["fresh"] == "合格"
    assert results["quiet"] == "不合格"  # newest post 20 days ago: the national 2-week rule
    assert by_id["quiet"].result.vetoes == ("account-not-updated",)
    for failed in ("slow", "w432", "captcha", "empty", "login"):
        assert results[failed] == "无法判定", failed
        codes = {f.code for f in by_id[failed].findings}
        assert "account-not-updated" not in codes

    # Posts are history: a second run adds nothing, and a source that now fails is judged
    # from what is held, never as inactive.
    async with engine.connect() as conn:
        posts = await conn.scalar(text("SELECT count(*) FROM posts"))
    assert posts == 9
    site.pages["/fresh"] = (432, "text/html", "blocked")
    again = await run(targets, engine)
    fresh = next(a for a in again.accounts if a.target.id == "fresh")
    assert fresh.facts.outcome is not None
    assert fresh.facts.outcome.value == "http_error"  # 432 means "blocked" from Weibo only
    assert fresh.result.result.value == "无法判定"
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM posts")) == 9
        stored = await conn.scalar(text("SELECT count(*) FROM findings WHERE account_id = 'quiet'"))
    assert stored == 2  # the veto, both runs


async def test_a_platform_cookie_is_sent_and_never_logged_or_stored(
    site: LoopSite, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "SUB=secret-cookie-value"
    site.pages = {"/weibo": (200, "application/json", json.dumps({"ok": 1, "data": {"cards": []}}))}
    caplog.set_level(logging.DEBUG)
    await run([target(site, "w", "/weibo", "weibo")], engine, {"weibo": {"Cookie": secret}})
    assert [h.get("Cookie") for path, h in site.requests if path == "/weibo"] == [secret]
    assert secret not in caplog.text
    async with engine.connect() as conn:
        for table in ("account_fetches", "snapshots", "findings", "runs"):
            rows = (await conn.execute(text(f"SELECT * FROM {table}"))).all()
            assert secret not in repr(rows), table
