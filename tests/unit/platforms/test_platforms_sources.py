"""Where a source is (``source_url``) and the promise of ``parse_source``: any bytes, any
status, any kind give a ``SourceParse`` whose posts are usable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.platforms import DEFAULT_WEIBO_API, SourceParse, parse_source, source_url
from crawler.platforms.times import EARLIEST_POST
from rules.model import SHANGHAI, Outcome

FETCHED_AT = datetime(2022, 5, 24, 10, 0, tzinfo=SHANGHAI)
SAMPLES = Path(__file__).parent / "samples"


def test_a_feed_url_is_used_as_is() -> None:
    url = "http://www.jiyuan.gov.cn/rss/news.xml?col=1"

    assert source_url("feed", f" {url} ", rsshub_base=None, weibo_api=None) == url


@pytest.mark.parametrize(
    ("base", "route", "expected"),
    [
        (
            "http://127.0.0.1:1200",
            "/weibo/user/5551234",
            "http://127.0.0.1:1200/weibo/user/5551234",
        ),
        ("http://127.0.0.1:1200/", "/douyin/user/MS4w", "http://127.0.0.1:1200/douyin/user/MS4w"),
        (
            "https://hub.example.cn/rsshub/",
            "/wechat/mp/x?limit=50",
            "https://hub.example.cn/rsshub/wechat/mp/x?limit=50",
        ),
    ],
)
def test_an_rsshub_route_is_joined_to_the_base(base: str, route: str, expected: str) -> None:
    assert source_url("rsshub", route, rsshub_base=base, weibo_api=None) == expected


def test_a_weibo_uid_is_the_container_api_url() -> None:
    assert source_url("weibo", "5551234", rsshub_base=None, weibo_api="http://127.0.0.1:8081/") == (
        "http://127.0.0.1:8081/api/container/getIndex"
        "?type=uid&value=5551234&containerid=1076035551234"
    )
    assert source_url("weibo", "5551234", rsshub_base=None, weibo_api=None).startswith(
        f"{DEFAULT_WEIBO_API}/api/container/getIndex?type=uid&value=5551234"
    )


@pytest.mark.parametrize(
    ("kind", "value", "rsshub_base", "weibo_api", "message"),
    [
        ("feed", "www.jiyuan.gov.cn/rss.xml", None, None, "not an http\\(s\\) URL"),
        ("feed", "ftp://example.cn/feed", None, None, "give the feed's full URL"),
        ("feed", "http://[::1/feed", None, None, "is not a URL"),
        ("rsshub", "/weibo/user/1", None, None, "set the top-level 'rsshub: http://…'"),
        ("rsshub", "/weibo/user/1", "127.0.0.1:1200", None, "RSSHub base URL"),
        ("rsshub", "weibo/user/1", "http://127.0.0.1:1200", None, "is not a route"),
        (
            "rsshub",
            "http://127.0.0.1:1200/weibo/user/1",
            "http://127.0.0.1:1200",
            None,
            "use 'feed:'",
        ),
        ("rsshub", "/weibo/user/1 2", "http://127.0.0.1:1200", None, "is not a route"),
        ("weibo", "济源应急管理", None, None, "is not a Weibo uid"),
        ("weibo", "", None, None, "is not a Weibo uid"),
        ("weibo", "١٢٣", None, None, "is not a Weibo uid"),  # non-ASCII digits
        ("weibo", "5551234", None, "m.weibo.cn", "Weibo API base URL"),
        ("wechat", "x", None, None, "unknown source kind 'wechat'"),
    ],
)
def test_bad_sources_say_what_to_fix(
    kind: str, value: str, rsshub_base: str | None, weibo_api: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        source_url(kind, value, rsshub_base=rsshub_base, weibo_api=weibo_api)  # type: ignore[arg-type]


def test_a_naive_fetch_time_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="naive"):
        parse_source("feed", b"", content_type=None, status=200, fetched_at=datetime(2022, 5, 24))


def _check_promises(parsed: SourceParse) -> None:
    assert isinstance(parsed, SourceParse)
    assert isinstance(parsed.outcome, Outcome)
    if parsed.outcome is not Outcome.OK:
        assert parsed.posts == ()
        assert parsed.detail
    assert parsed.suspect_empty == (parsed.outcome is Outcome.OK and not parsed.posts)
    keys = [post.key for post in parsed.posts]
    assert len(keys) == len(set(keys))
    times = [post.published for post in parsed.posts]
    assert times == sorted(times, reverse=True)
    for post in parsed.posts:
        assert post.published.tzinfo is UTC
        assert EARLIEST_POST <= post.published <= FETCHED_AT + timedelta(days=1)
        assert len(post.title) <= 200


_KINDS = st.sampled_from(["feed", "rsshub", "weibo"])
_STATUSES = st.sampled_from([200, 200, 200, 203, 304, 403, 404, 412, 418, 432, 500, 503])
_CONTENT_TYPES = st.sampled_from(
    [None, "application/rss+xml", "text/xml; charset=gbk", "application/json", "text/html"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(kind=_KINDS, body=st.binary(max_size=2048), status=_STATUSES, content_type=_CONTENT_TYPES)
def test_any_bytes_give_a_source_parse(
    kind: str, body: bytes, status: int, content_type: str | None
) -> None:
    parsed = parse_source(
        kind,  # type: ignore[arg-type]
        body,
        content_type=content_type,
        status=status,
        fetched_at=FETCHED_AT,
    )

    _check_promises(parsed)
    if 200 <= status < 300:
        assert parsed.outcome in (Outcome.OK, Outcome.BLOCKED)  # a 2xx is a feed or blocked
    elif status == 304:
        assert parsed.outcome is Outcome.NOT_MODIFIED
    else:
        assert parsed.outcome in (Outcome.BLOCKED, Outcome.HTTP_ERROR)


_SAMPLE_BODIES = sorted(
    path.read_bytes() for path in SAMPLES.iterdir() if path.name != "manifest.json"
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=_KINDS,
    body=st.sampled_from(_SAMPLE_BODIES),
    cut=st.integers(min_value=0, max_value=10_000),
    noise=st.binary(max_size=16),
    at=st.integers(min_value=0, max_value=10_000),
)
def test_damaged_samples_give_a_source_parse(
    kind: str, body: bytes, cut: int, noise: bytes, at: int
) -> None:
    damaged = body[:at] + noise + body[at:cut] if cut > at else body[:cut] + noise

    parsed = parse_source(
        kind,  # type: ignore[arg-type]
        damaged,
        content_type="application/xml",
        status=200,
        fetched_at=FETCHED_AT,
    )

    _check_promises(parsed)
    assert parsed.outcome in (Outcome.OK, Outcome.BLOCKED)


@settings(max_examples=100)
@given(
    created_at=st.text(max_size=40),
    text=st.text(max_size=300),
    ident=st.one_of(st.none(), st.integers(), st.text(max_size=20), st.booleans()),
)
def test_any_mblog_values_give_a_source_parse(created_at: str, text: str, ident: object) -> None:
    body = json.dumps(
        {
            "ok": 1,
            "data": {
                "cards": [
                    {"card_type": 9, "mblog": {"id": ident, "created_at": created_at, "text": text}}
                ]
            },
        }
    ).encode()

    parsed = parse_source("weibo", body, content_type=None, status=200, fetched_at=FETCHED_AT)

    _check_promises(parsed)
