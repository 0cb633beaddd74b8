"""Weibo's public m.weibo.cn container API: an account's timeline as JSON.

``{api}/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}`` answers
``{"ok": 1, "data": {"cards": [{"card_type": 9, "mblog": {...}}, ...]}}``; a card may also hold
a ``card_group`` of such cards. Each ``mblog`` has ``id``, ``created_at`` (any of the
forms ``crawler.platforms.times`` reads), ``text`` (HTML) and, for a repost,
``retweeted_status``.

``{"ok": 0, "msg": …}`` (refused, rate-limited, or "这里还没有内容") and ``{"ok": -100, "url":
"https://passport.weibo.cn/…"}`` (login required) say nothing about the account's activity:
they are ``blocked``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from crawler.platforms.model import SourceParse
from crawler.platforms.posts import Candidate, collect_posts, entry_key, post_title
from crawler.platforms.times import parse_post_time
from rules.model import Outcome

__all__ = ["POST_URL", "parse_weibo"]

POST_URL = "https://m.weibo.cn/detail/{id}"
_LOGIN_REQUIRED = -100
_MAX_GROUP_DEPTH = 3


def parse_weibo(text: str, *, fetched_at: datetime) -> SourceParse | None:
    """The posts of a container API answer; None when ``text`` is not a JSON object at all."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    ok = document.get("ok")
    if ok != 1:
        return SourceParse(
            outcome=Outcome.BLOCKED, posts=(), detail=_refusal(document), suspect_empty=False
        )
    data = document.get("data")
    cards = data.get("cards") if isinstance(data, dict) else None
    mblogs = list(_mblogs(cards if isinstance(cards, list) else [], depth=0))
    return collect_posts(_candidate(mblog, fetched_at=fetched_at) for mblog in mblogs)


def _refusal(document: Mapping[str, Any]) -> str:
    ok = document.get("ok")
    message = document.get("msg")
    said = f": {str(message)[:120]}" if message else ""
    if ok == _LOGIN_REQUIRED:
        return f"Weibo API requires login (ok=-100){said}"
    if ok == 0:
        return f"Weibo API refused the request (ok=0){said}"
    return f"Weibo API answered without ok=1 (ok={str(ok)[:20]}){said}"


def _mblogs(cards: list[Any], *, depth: int) -> Iterator[Mapping[str, Any]]:
    for card in cards:
        if not isinstance(card, dict):
            continue
        mblog = card.get("mblog")
        if isinstance(mblog, dict):
            yield mblog
        group = card.get("card_group")
        if isinstance(group, list) and depth < _MAX_GROUP_DEPTH:
            yield from _mblogs(group, depth=depth + 1)


def _candidate(mblog: Mapping[str, Any], *, fetched_at: datetime) -> Candidate:
    ident = _ident(mblog)
    created = mblog.get("created_at")
    published = (
        parse_post_time(created, fetched_at=fetched_at) if isinstance(created, str) else None
    )
    title = post_title(_string(mblog.get("text")), _string(mblog.get("raw_text")))
    retweeted = mblog.get("retweeted_status")
    return Candidate(
        key=entry_key(ident=ident, link=None, title=title, published=published),
        url=POST_URL.format(id=ident) if ident else None,
        title=title,
        published=published,
        is_repost=retweeted is not None,
    )


def _ident(mblog: Mapping[str, Any]) -> str | None:
    for name in ("id", "idstr", "mid"):
        value = mblog.get(name)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None
