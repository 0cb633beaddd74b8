"""Answers that are not a usable feed: anti-bot, login, captcha, RSSHub errors, failed statuses."""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.platforms import parse_source
from crawler.platforms.failures import classify_unusable
from rules.model import SHANGHAI, Outcome

FETCHED_AT = datetime(2022, 5, 24, 10, 0, tzinfo=SHANGHAI)

RSSHUB_ERROR_PAGE = """<!DOCTYPE html><html><head><title>Error - RSSHub</title></head><body>
<h1>Looks like something went wrong</h1><p>Error Message:</p>
<pre>Error: Cookie expired, please update WECHAT_COOKIE</pre>
<p>Route: /wechat/mp/:id</p></body></html>"""
OLD_RSSHUB_ERROR_PAGE = """<html><head><meta charset="utf-8"><title>RSSHub</title></head>
<body>Looks like something went wrong in RSSHub!<br>Error message: this route is empty,
please check the original site</body></html>"""


@pytest.mark.parametrize(
    ("kind", "status", "body", "outcome", "detail"),
    [
        (
            "rsshub",
            503,
            RSSHUB_ERROR_PAGE,
            Outcome.BLOCKED,
            "RSSHub error page: Error: Cookie expired, please update WECHAT_COOKIE",
        ),
        (
            "rsshub",
            200,
            RSSHUB_ERROR_PAGE,
            Outcome.BLOCKED,
            "RSSHub error page: Error: Cookie expired, please update WECHAT_COOKIE",
        ),
        (
            "rsshub",
            500,
            OLD_RSSHUB_ERROR_PAGE,
            Outcome.BLOCKED,
            "RSSHub error page: this route is empty,",
        ),
        (
            "rsshub",
            404,
            '{"error": {"message": "Route not found"}}',
            Outcome.BLOCKED,
            "RSSHub error answer: Route not found",
        ),
        (
            "rsshub",
            200,
            '{"error": "Request failed"}',
            Outcome.BLOCKED,
            "RSSHub error answer: Request failed",
        ),
        (
            "feed",
            412,
            "<html><script>$_ts=window['$_ts'];</script></html>",
            Outcome.BLOCKED,
            "412 challenge page (瑞数)",
        ),
        (
            "feed",
            403,
            "<html><body>您的访问被拦截</body></html>",
            Outcome.BLOCKED,
            "403 challenge page (WAF)",
        ),
        (
            "feed",
            200,
            "<html><body>请开启JavaScript并刷新 云锁</body></html>",
            Outcome.BLOCKED,
            "200 challenge page (云锁)",
        ),
        (
            "feed",
            200,
            "<html><body>Cookie 已过期，请重新登录</body></html>",
            Outcome.BLOCKED,
            'HTTP 200: captcha, login or expired-cookie page ("Cookie 已过期")',
        ),
        (
            "rsshub",
            200,
            "<html><body>please solve the CAPTCHA</body></html>",
            Outcome.BLOCKED,
            'HTTP 200: captcha, login or expired-cookie page ("CAPTCHA")',
        ),
        ("weibo", 432, "", Outcome.BLOCKED, "Weibo anti-bot answer (HTTP 432)"),
        ("weibo", 418, "I'm a teapot", Outcome.BLOCKED, "Weibo anti-bot answer (HTTP 418)"),
        ("feed", 432, "", Outcome.HTTP_ERROR, "HTTP 432"),
        ("feed", 404, "<html><title>404 Not Found</title></html>", Outcome.HTTP_ERROR, "HTTP 404"),
        ("feed", 500, "Internal Server Error", Outcome.HTTP_ERROR, "HTTP 500"),
        (
            "feed",
            200,
            "<!DOCTYPE html><html><title>首页</title><body>新闻</body></html>",
            Outcome.BLOCKED,
            "an HTML page where a feed was expected (title '首页')",
        ),
        ("feed", 200, "  \n ", Outcome.BLOCKED, "an empty body where a feed was expected"),
        ("feed", 200, "hello, world", Outcome.BLOCKED, "not a feed: starts 'hello, world'"),
    ],
)
def test_classification(kind: str, status: int, body: str, outcome: Outcome, detail: str) -> None:
    parsed = parse_source(
        kind,  # type: ignore[arg-type]
        body.encode(),
        content_type="text/html",
        status=status,
        fetched_at=FETCHED_AT,
    )

    assert (parsed.outcome, parsed.detail, parsed.posts, parsed.suspect_empty) == (
        outcome,
        detail,
        (),
        False,
    )


def test_a_failed_status_with_a_feed_body_is_not_read() -> None:
    feed = (
        '<rss version="2.0"><channel><item><title>t</title><guid>g</guid>'
        "<pubDate>Mon, 23 May 2022 10:00:00 +0800</pubDate></item></channel></rss>"
    )

    parsed = parse_source(
        "feed", feed.encode(), content_type="application/rss+xml", status=500, fetched_at=FETCHED_AT
    )

    assert (parsed.outcome, parsed.posts) == (Outcome.HTTP_ERROR, ())


def test_not_modified() -> None:
    parsed = parse_source("rsshub", b"", content_type=None, status=304, fetched_at=FETCHED_AT)

    assert (parsed.outcome, parsed.posts, parsed.suspect_empty) == (
        Outcome.NOT_MODIFIED,
        (),
        False,
    )


def test_long_messages_are_clipped() -> None:
    _, detail = classify_unusable(
        "rsshub",
        status=503,
        text=f"<html><title>RSSHub</title><pre>Error: {'x' * 500}</pre></html>",
    )

    assert detail.startswith("RSSHub error page: Error: xxx")
    assert detail.endswith("…")
    assert len(detail) < 200
