"""Weibo's container API: mblogs in cards and card groups, reposts, ids, refusals."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from crawler.platforms import SourceParse, parse_source
from rules.model import SHANGHAI, Outcome

FETCHED_AT = datetime(2022, 5, 24, 10, 0, tzinfo=SHANGHAI)


def _answer(document: object, *, status: int = 200, content_type: str | None = None) -> SourceParse:
    return parse_source(
        "weibo",
        json.dumps(document, ensure_ascii=False).encode(),
        content_type=content_type or "application/json; charset=utf-8",
        status=status,
        fetched_at=FETCHED_AT,
    )


def _card(mblog: dict[str, object]) -> dict[str, object]:
    return {"card_type": 9, "mblog": mblog}


def _mblog(
    ident: object, created_at: str = "Mon May 23 10:00:00 +0800 2022", **extra: object
) -> dict[str, object]:
    return {"id": ident, "created_at": created_at, "text": f"微博 {ident}", **extra}


def test_reposts_are_mblogs_with_a_retweeted_status() -> None:
    parsed = _answer(
        {
            "ok": 1,
            "data": {
                "cards": [
                    _card(_mblog("3", retweeted_status={"id": "1", "text": "原文"})),
                    _card(_mblog("2", "Sun May 22 10:00:00 +0800 2022", retweeted_status=None)),
                    _card(_mblog("1", "Sat May 21 10:00:00 +0800 2022")),
                ]
            },
        }
    )

    assert [(post.key, post.is_repost) for post in parsed.posts] == [
        ("3", True),
        ("2", False),
        ("1", False),
    ]


def test_ids_may_be_numbers_or_strings_or_absent() -> None:
    parsed = _answer(
        {
            "ok": 1,
            "data": {
                "cards": [
                    _card(_mblog(4771000000000001)),
                    _card({"idstr": "4771000000000002", "created_at": "刚刚", "text": "idstr"}),
                    _card({"created_at": "昨天 10:00", "text": "no id"}),
                    _card(
                        {"id": True, "mid": "4771000000000004", "created_at": "05-20", "text": "t"}
                    ),
                ]
            },
        }
    )

    assert [post.key for post in parsed.posts] == [
        "4771000000000002",
        "4771000000000001",
        "no id|2022-05-23T02:00:00+00:00",
        "4771000000000004",
    ]
    assert parsed.posts[2].url is None


def test_nested_card_groups_and_odd_cards_are_tolerated() -> None:
    parsed = _answer(
        {
            "ok": 1,
            "data": {
                "cards": [
                    "not a card",
                    {
                        "card_type": 11,
                        "card_group": [{"card_type": 11, "card_group": [_card(_mblog("9"))]}],
                    },
                    {"card_type": 9, "mblog": "not an mblog"},
                    {"card_type": 9, "mblog": {"id": "8", "created_at": 5, "text": None}},
                ]
            },
        }
    )

    assert [post.key for post in parsed.posts] == ["9"]
    assert parsed.detail == "1 of 2 entries dropped: no plausible date"


@pytest.mark.parametrize("data", [None, {}, {"cards": None}, {"cards": {}}, [], "x"])
def test_an_ok_answer_without_cards_is_suspect(data: object) -> None:
    parsed = _answer({"ok": 1, "data": data})

    assert (parsed.outcome, parsed.posts, parsed.suspect_empty) == (Outcome.OK, (), True)


@pytest.mark.parametrize(
    ("document", "detail"),
    [
        (
            {"ok": 0, "msg": "这里还没有内容"},
            "Weibo API refused the request (ok=0): 这里还没有内容",
        ),
        ({"ok": 0}, "Weibo API refused the request (ok=0)"),
        (
            {"ok": -100, "url": "https://passport.weibo.cn/signin/welcome"},
            "Weibo API requires login (ok=-100)",
        ),
        ({"ok": 2, "data": {"cards": []}}, "Weibo API answered without ok=1 (ok=2)"),
        ({"data": {"cards": [_card(_mblog("1"))]}}, "Weibo API answered without ok=1 (ok=None)"),
    ],
)
def test_refusals_are_blocked(document: object, detail: str) -> None:
    parsed = _answer(document)

    assert (parsed.outcome, parsed.posts, parsed.detail) == (Outcome.BLOCKED, (), detail)


@pytest.mark.parametrize("status", [418, 432])
def test_weibo_anti_bot_statuses_are_blocked_whatever_the_body(status: int) -> None:
    parsed = _answer({"ok": 1, "data": {"cards": [_card(_mblog("1"))]}}, status=status)

    assert parsed.outcome is Outcome.BLOCKED
    assert parsed.detail == f"Weibo anti-bot answer (HTTP {status})"
    assert parsed.posts == ()


@pytest.mark.parametrize(
    "body",
    [
        "<html><head><title>Sina Visitor System</title></head><body><script>x</script></body>",
        '<html><body>请登录 <a href="https://passport.weibo.cn/signin">登录</a></body></html>',
        "<html><body>访问频繁，请输入验证码</body></html>",
    ],
)
def test_visitor_login_and_captcha_pages_are_blocked(body: str) -> None:
    parsed = parse_source(
        "weibo", body.encode(), content_type="text/html", status=200, fetched_at=FETCHED_AT
    )

    assert parsed.outcome is Outcome.BLOCKED
    assert parsed.detail is not None
    assert "captcha, login or expired-cookie page" in parsed.detail


def test_an_ordinary_page_where_json_was_expected_is_blocked() -> None:
    parsed = parse_source(
        "weibo",
        b"<!DOCTYPE html><html><head><title>m.weibo.cn</title></head><body>hello</body></html>",
        content_type="text/html",
        status=200,
        fetched_at=FETCHED_AT,
    )

    assert parsed.outcome is Outcome.BLOCKED
    assert parsed.detail == "an HTML page where Weibo API JSON was expected (title 'm.weibo.cn')"
