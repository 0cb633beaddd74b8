"""Sources that lie: a relay's feed that keeps answering 200 after the relay stopped reading
the account is stale-suspect, never "not updated" nor "fewer than 2 posts a week"."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.runner.test_accounts import NOW, RSS, run, target
from tests.support.loopsite import Site as LoopSite


def relay_rss(built_days_ago: float, post_ages_days: list[float]) -> str:
    items = "".join(
        f"<item><title>第{i}条动态</title><link>http://127.0.0.1:9/r/{i}</link>"
        f"<guid>r-{i}</guid><pubDate>{format_datetime(NOW - timedelta(days=age))}</pubDate></item>"
        for i, age in enumerate(post_ages_days)
    )
    built = format_datetime(NOW - timedelta(days=built_days_ago))
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<generator>RSSHub</generator><lastBuildDate>{built}</lastBuildDate>{items}"
        "</channel></rss>"
    )


async def test_a_relay_that_stopped_is_stale_suspect_not_inactive(
    site: LoopSite, engine: AsyncEngine
) -> None:
    site.pages = {
        # The relay last built this feed 20 days ago: its newest post is that old too.
        "/stopped": (200, RSS, relay_rss(20, [20, 22, 25])),
        "/working": (200, RSS, relay_rss(0.02, [0.5, 3, 9])),
        # A plain feed whose build date is its newest post's (WordPress does this): the
        # account is quiet, and that is a finding.
        "/plain": (200, RSS, relay_rss(20, [20, 22, 25])),
    }
    stopped = target(site, "stopped", "/stopped", "rsshub")
    working = target(site, "working", "/working", "rsshub")
    targets = [replace(stopped, relay=True), replace(working, relay=True)]
    targets.append(target(site, "plain", "/plain"))
    report = await run(targets, engine)
    by_id = {a.target.id: a for a in report.accounts}
    outcome = by_id["stopped"].facts.outcome
    assert outcome is not None
    assert outcome.value == "stale_suspect"
    detail = by_id["stopped"].facts.detail or ""
    assert detail.startswith("stale-suspect: the relay last generated this feed at ")
    assert by_id["stopped"].result.result.value == "无法判定"
    codes = {f.code for f in by_id["stopped"].findings}
    assert not codes & {"account-not-updated", "account-weekly-posts", "account-dormant"}, codes
    reasons = [item.reason for item in by_id["stopped"].result.not_judged]
    assert any("疑似已停止更新" in reason for reason in reasons), reasons

    working_outcome = by_id["working"].facts.outcome
    assert working_outcome is not None
    assert working_outcome.value == "ok"
    plain = by_id["plain"]
    assert plain.facts.outcome is not None
    assert plain.facts.outcome.value == "ok"
    assert plain.result.vetoes == ("account-not-updated",)
