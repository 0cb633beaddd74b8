"""Sources that lie: a relay's feed that keeps answering 200 after the relay stopped reading
the account is stale-suspect, never "not updated" nor "fewer than 2 posts a week"."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.targets.accounts import SourceRef
from storage.models import account_fetch_table
from tests.integration.runner.test_accounts import NOW, RSS, rss, run, target
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
    assert detail.startswith("stale-suspect (build time): the relay last generated this feed at ")
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


def plain_rss(post_ages_days: list[float], *, prefix: str = "u") -> str:
    """A feed without a build time: only its bytes say whether it changed."""
    items = "".join(
        f"<item><title>第{i}条</title><link>http://127.0.0.1:9/{prefix}/{i}</link>"
        f"<guid>{prefix}-{i}</guid><pubDate>{format_datetime(NOW - timedelta(days=age))}</pubDate>"
        "</item>"
        for i, age in enumerate(post_ages_days)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )


async def test_a_relay_feed_unchanged_past_the_usual_gap_is_stale_suspect(
    site: LoopSite, engine: AsyncEngine
) -> None:
    daily = [15.0 + i for i in range(10)]  # posted every day until 15 days ago
    site.pages = {
        "/frozen": (200, RSS, plain_rss(daily, prefix="f")),
        "/moving": (200, RSS, plain_rss(daily, prefix="m")),
        "/own": (200, RSS, plain_rss(daily, prefix="o")),  # the publisher's own feed
    }
    relays = [replace(target(site, name, f"/{name}"), relay=True) for name in ("frozen", "moving")]
    targets = [*relays, target(site, "own", "/own")]
    first = await run(targets, engine)
    assert {a.target.id: a.facts.outcome.value for a in first.accounts if a.facts.outcome} == {
        "frozen": "ok", "moving": "ok", "own": "ok"
    }  # fmt: skip
    # Those answers were six days ago; since then only /moving's relay produced a new post.
    f = account_fetch_table
    async with engine.begin() as conn:
        await conn.execute(f.update().values(fetched_at=NOW - timedelta(days=6)))
    site.pages["/moving"] = (200, RSS, plain_rss([0.5, *daily], prefix="m"))
    second = await run(targets, engine)
    by_id = {a.target.id: a for a in second.accounts}
    frozen = by_id["frozen"]
    assert frozen.facts.outcome is not None
    assert frozen.facts.outcome.value == "stale_suspect"
    assert (frozen.facts.detail or "").startswith(
        "stale-suspect (unchanged): the feed has answered"
    )
    assert frozen.result.result.value == "无法判定"
    reasons = [item.reason for item in frozen.result.not_judged]
    assert any("订阅源内容长期无任何变化" in reason for reason in reasons), reasons
    assert not {f.code for f in frozen.findings} & {"account-not-updated", "account-weekly-posts"}
    for name in ("moving", "own"):  # changed; or not a relay: the account is judged
        outcome = by_id[name].facts.outcome
        assert outcome is not None, name
        assert outcome.value == "ok", name
    # the publisher's own feed, quiet for 15 days: a finding
    assert by_id["own"].result.vetoes == ("account-not-updated",)


async def test_a_second_source_showing_newer_posts_makes_the_first_stale_suspect(
    site: LoopSite, engine: AsyncEngine
) -> None:
    site.pages = {
        "/behind": (200, RSS, plain_rss([16, 17, 19], prefix="b")),
        "/platform": (200, RSS, rss([1, 3, 16])),
        "/fresh": (200, RSS, plain_rss([1, 3], prefix="c")),
    }
    second = SourceRef(kind="feed", url=site.url("/platform"))
    missing = SourceRef(kind="feed", url=site.url("/gone"))
    targets = [
        replace(target(site, "behind", "/behind"), second=second),
        replace(target(site, "agrees", "/fresh"), second=second),
        replace(target(site, "unread", "/fresh"), second=missing),
    ]
    report = await run(targets, engine)
    by_id = {a.target.id: a for a in report.accounts}
    behind = by_id["behind"]
    assert behind.facts.outcome is not None
    assert behind.facts.outcome.value == "stale_suspect"
    assert (behind.facts.detail or "").startswith(
        f"stale-suspect (second source): {second.url} shows a post of "
    )
    reasons = [item.reason for item in behind.result.not_judged]
    assert any("另一来源显示有更新的发布内容" in reason for reason in reasons), reasons
    assert not {f.code for f in behind.findings} & {"account-not-updated", "account-weekly-posts"}
    agrees, unread = by_id["agrees"], by_id["unread"]
    assert agrees.facts.outcome is not None
    assert agrees.facts.outcome.value == "ok"
    assert f"second source {second.url} agrees" in (agrees.facts.detail or "")
    assert unread.facts.outcome is not None
    assert unread.facts.outcome.value == "ok"
    assert f"second source {missing.url} not read" in (unread.facts.detail or "")


RSSHUB_ERROR = (
    "<!DOCTYPE html><html><head><title>Error | RSSHub</title></head><body>"
    "<h1>Looks like something went wrong</h1><p>Error Message:</p>"
    "<pre>Cookie expired: please log in again</pre><p>RSSHub</p></body></html>"
)


async def test_a_relay_answering_an_error_in_a_200_is_stale_suspect(
    site: LoopSite, engine: AsyncEngine
) -> None:
    html = "text/html; charset=utf-8"
    site.pages = {
        "/relay-error": (200, html, RSSHUB_ERROR),
        "/relay-down": (503, html, RSSHUB_ERROR),
        "/plain-error": (200, html, RSSHUB_ERROR),
    }
    targets = [
        replace(target(site, "relay-error", "/relay-error"), relay=True),
        replace(target(site, "relay-down", "/relay-down"), relay=True),
        target(site, "plain-error", "/plain-error"),
    ]
    report = await run(targets, engine)
    by_id = {a.target.id: a for a in report.accounts}
    outcomes = {key: a.facts.outcome.value for key, a in by_id.items() if a.facts.outcome}
    # The relay answered, not with the account's posts: it has stopped reading the account.
    # A relay that fails outright, and a plain feed, keep their own outcomes.
    assert outcomes == {
        "relay-error": "stale_suspect", "relay-down": "blocked", "plain-error": "blocked"
    }  # fmt: skip
    relay = by_id["relay-error"]
    assert (relay.facts.detail or "").startswith("stale-suspect (relay error): ")
    assert "Cookie expired" in (relay.facts.detail or "")
    reasons = [item.reason for item in relay.result.not_judged]
    assert any("中转服务返回错误或登录失效" in reason for reason in reasons), reasons
    for account in by_id.values():
        assert not account.findings, account.target.id
