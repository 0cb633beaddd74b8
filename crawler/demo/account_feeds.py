"""The demo accounts' sources as bytes: RSSHub-style RSS 2.0 feeds and Weibo container JSON.

``RsshubPages`` answers RSSHub routes (``/weibo/user/{uid}``, ``/wechat/mp/{biz}``,
``/douyin/user/{sec_uid}``, ``/toutiao/user/token/{token}``, ``/bilibili/user/dynamic/{uid}``,
``/kuaishou/user/{id}``) with a feed of every post, shaped like RSSHub's output (CDATA titles
and descriptions, ``pubDate`` in RFC 822 with +0800). ``WeiboApiPages`` answers m.weibo.cn's
``/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}`` with every post on
one page (no ``since_id``: there is no next page), reposts carrying ``retweeted_status``; an
unknown uid or a later page gets Weibo's own empty answer (``"ok":0``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from crawler.demo.model import AccountSource, DemoAccount, DemoPost
from crawler.demo.pages import Page
from crawler.demo.platform_pages import (
    platform_json_path,
    platform_path,
    render_platform_json,
    render_platform_page,
)
from rules.facts import Platform
from rules.model import SHANGHAI

__all__ = [
    "WEIBO_API_PATH",
    "RsshubPages",
    "WeiboApiPages",
    "render_rss",
    "render_weibo_container",
    "rsshub_route",
    "source_path",
    "weibo_api_path",
    "weibo_created_at",
]

WEIBO_API_PATH = "/api/container/getIndex"
WEIBO_CONTAINER_PREFIX = "107603"  # a user's posts: containerid = 107603 + uid
RSS_CONTENT_TYPE = "application/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HASHTAG = re.compile(r"#([^#\s]+)#")
_EMPTY_WEIBO = {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}


def rsshub_route(account: DemoAccount) -> str:
    """The RSSHub route of ``account`` on its platform."""
    prefix = {
        Platform.WEIBO: "/weibo/user/",
        Platform.WECHAT: "/wechat/mp/",
        Platform.DOUYIN: "/douyin/user/",
        Platform.TOUTIAO: "/toutiao/user/token/",
        Platform.BILIBILI: "/bilibili/user/dynamic/",
        Platform.KUAISHOU: "/kuaishou/user/",
    }.get(account.platform)
    if prefix is None:
        raise ValueError(f"account {account.id!r}: RSSHub has no route for {account.platform}")
    return prefix + account.handle


def weibo_api_path(uid: str) -> str:
    """The m.weibo.cn container API path (with its query) of a user's posts."""
    return f"{WEIBO_API_PATH}?type=uid&value={uid}&containerid={WEIBO_CONTAINER_PREFIX}{uid}"


def source_path(account: DemoAccount) -> str:
    """Where ``account`` is served, relative to its server's base URL."""
    if account.source is AccountSource.WEIBO_UID:
        return weibo_api_path(account.handle)
    if account.source is AccountSource.PAGE:
        return platform_path(account)
    return rsshub_route(account)


def weibo_created_at(moment: datetime) -> str:
    """Weibo's ``created_at``: ``Sat May 21 10:00:00 +0800 2022`` (English names, any locale)."""
    local = moment.astimezone(SHANGHAI)
    return (
        f"{_DAYS[local.weekday()]} {_MONTHS[local.month - 1]} {local.day:02d} "
        f"{local:%H:%M:%S} +0800 {local.year}"
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _channel(account: DemoAccount) -> tuple[str, str]:
    """The feed's title and link, as RSSHub's route for the platform writes them."""
    name, handle = account.name, account.handle
    match account.platform:
        case Platform.WEIBO:
            return f"{name}的微博", f"https://weibo.com/{handle}/"
        case Platform.WECHAT:
            return name, f"https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz={handle}"
        case Platform.DOUYIN:
            return f"{name}的抖音", f"https://www.douyin.com/user/{handle}"
        case Platform.TOUTIAO:
            return f"{name} - 今日头条", f"https://www.toutiao.com/c/user/token/{handle}/"
        case Platform.BILIBILI:
            return f"{name} 的 bilibili 动态", f"https://space.bilibili.com/{handle}/dynamic"
        case _:
            return f"{name}的快手", f"https://www.kuaishou.com/profile/{handle}"


def _description(account: DemoAccount, post: DemoPost) -> str:
    body = escape(post.text)
    if post.is_repost:
        user = escape(post.repost_of_user or "")
        body += (
            '<div style="border-left: 3px solid gray; padding-left: 1em;">'
            f'转发 <a href="https://weibo.com/n/{quote(post.repost_of_user or "")}">@{user}</a>: '
            f"{escape(post.repost_of_text or '')}</div>"
        )
    if account.platform in (Platform.DOUYIN, Platform.KUAISHOU, Platform.BILIBILI):
        video = f'<video controls preload="metadata"><source src="{escape(post.url)}"></video>'
        body = f"{video}<br>{body}"
    return body


def render_rss(account: DemoAccount, *, self_url: str, built: datetime) -> str:
    """Every post of ``account`` as an RSS 2.0 feed in RSSHub's shape; ``built`` is when it
    was generated (its lastBuildDate, as RSSHub stamps the time it renders a feed)."""
    title, link = _channel(account)
    items = "".join(
        "<item>\n"
        f"<title>{_cdata(post.text)}</title>\n"
        f"<description>{_cdata(_description(account, post))}</description>\n"
        f"<pubDate>{format_datetime(post.published.astimezone(SHANGHAI))}</pubDate>\n"
        f'<guid isPermaLink="false">{escape(post.url)}</guid>\n'
        f"<link>{escape(post.url)}</link>\n"
        f"<author>{_cdata(account.name)}</author>\n"
        "</item>\n"
        for post in account.posts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">\n'
        "<channel>\n"
        f"<title>{_cdata(title)}</title>\n"
        f"<link>{escape(link)}</link>\n"
        f'<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml"/>\n'
        f"<description>{_cdata(f'{account.unit}主办 - Powered by RSSHub')}</description>\n"
        "<generator>RSSHub</generator>\n"
        "<webMaster>contact@rsshub.app (RSSHub)</webMaster>\n"
        "<language>zh-cn</language>\n"
        f"<lastBuildDate>{format_datetime(built.astimezone(SHANGHAI))}</lastBuildDate>\n"
        "<ttl>5</ttl>\n"
        f"{items}"
        "</channel>\n"
        "</rss>\n"
    )


def _weibo_html(text: str) -> str:
    """Weibo's HTML for a post's text: hashtags become search links, as on m.weibo.cn."""

    def link(match: re.Match[str]) -> str:
        query = quote(f"type=1&t=10&q=#{match[1]}#", safe="")
        return (
            f'<a  href="https://m.weibo.cn/search?containerid=231522{query}&isnewpage=1" '
            f'data-hide=""><span class="surl-text">#{escape(match[1])}#</span></a>'
        )

    return _HASHTAG.sub(link, escape(text, quote=False))


def _counts(post: DemoPost) -> dict[str, int]:
    seed = int(post.id) if post.id.isdigit() else len(post.text)
    return {
        "reposts_count": seed % 7,
        "comments_count": seed % 11,
        "attitudes_count": 3 + seed % 40,
    }


def _mblog(account: DemoAccount, post: DemoPost) -> dict[str, Any]:
    bid = post.url.rstrip("/").rsplit("/", 1)[-1]
    mblog: dict[str, Any] = {
        "visible": {"type": 0, "list_id": 0},
        "created_at": weibo_created_at(post.published),
        "id": post.id,
        "mid": post.id,
        "bid": bid,
        "text": _weibo_html(post.text),
        "textLength": len(post.text.encode("gb18030")),
        "source": "微博 weibo.com",
        "favorited": False,
        "isLongText": False,
        "user": {
            "id": int(account.handle),
            "screen_name": account.name,
            "verified": True,
            "verified_type": 1,
            "description": f"{account.unit}官方微博",
        },
        **_counts(post),
        "pic_num": 0,
    }
    if post.is_repost:
        original_mid = str(int(post.id) - 7_919_000)
        mblog["retweeted_status"] = {
            "visible": {"type": 0, "list_id": 0},
            "created_at": weibo_created_at(post.published - timedelta(hours=2, minutes=17)),
            "id": original_mid,
            "mid": original_mid,
            "text": _weibo_html(post.repost_of_text or ""),
            "source": "微博 weibo.com",
            "user": {"screen_name": post.repost_of_user, "verified": True},
        }
    return mblog


def render_weibo_container(account: DemoAccount) -> str:
    """Every post of ``account`` as one page of m.weibo.cn's container API."""
    container = f"{WEIBO_CONTAINER_PREFIX}{account.handle}"
    cards = [
        {
            "card_type": 9,
            "itemid": f"{container}_-_{post.id}",
            "scheme": f"https://m.weibo.cn/status/{post.id}?luicode=10000011&lfid={container}",
            "mblog": _mblog(account, post),
        }
        for post in account.posts
    ]
    payload = {
        "ok": 1,
        "data": {
            "cardlistInfo": {
                "containerid": container,
                "v_p": 42,
                "show_style": 1,
                "total": len(cards),
                "page": None,
            },
            "cards": cards,
            "scheme": f"sinaweibo://cardlist?containerid={container}",
            "showAppTips": 0,
        },
    }
    return json.dumps(payload, ensure_ascii=False)


def _page(text: str, content_type: str, modified: datetime) -> Page:
    body = text.encode("utf-8")
    digest = hashlib.blake2b(body, digest_size=10).hexdigest()
    return Page(
        body=body,
        content_type=content_type,
        etag=f'"{digest}"',
        last_modified=modified.astimezone(UTC).replace(microsecond=0),
    )


def _modified(account: DemoAccount) -> datetime:
    return account.posts[0].published if account.posts else datetime(2000, 1, 1, tzinfo=UTC)


class RsshubPages:
    """The feeds of the RSSHub-served accounts, by route, for a server at ``base_url``; and
    the platform pages (with their JSON) of the ``page:`` accounts."""

    def __init__(
        self, accounts: Iterable[DemoAccount], base_url: str, *, built: datetime | None = None
    ) -> None:
        """``built``: when the feeds were generated (default now, as RSSHub serves them)."""
        origin = base_url.rstrip("/")
        built = built or datetime.now(UTC)
        self._pages: dict[str, Page] = {}
        for account in accounts:
            if account.source is AccountSource.PAGE:
                modified = _modified(account)
                html = render_platform_page(account)
                self._pages[platform_path(account)] = _page(html, HTML_CONTENT_TYPE, modified)
                data = render_platform_json(account)
                self._pages[platform_json_path(account)] = _page(data, JSON_CONTENT_TYPE, modified)
                continue
            if account.source is not AccountSource.RSSHUB:
                continue
            route = rsshub_route(account)
            text = render_rss(account, self_url=origin + route, built=built)
            self._pages[route] = _page(text, RSS_CONTENT_TYPE, _modified(account))

    def get(self, path: str) -> Page | None:
        return self._pages.get(path)

    def paths(self) -> list[str]:
        return list(self._pages)


class WeiboApiPages:
    """The container API pages of the Weibo-API-served accounts, by uid."""

    def __init__(self, accounts: Iterable[DemoAccount]) -> None:
        self._pages: dict[str, Page] = {}
        newest = datetime(2000, 1, 1, tzinfo=UTC)
        for account in accounts:
            if account.source is not AccountSource.WEIBO_UID:
                continue
            modified = _modified(account)
            newest = max(newest, modified)
            self._pages[account.handle] = _page(
                render_weibo_container(account), JSON_CONTENT_TYPE, modified
            )
        self._empty = _page(json.dumps(_EMPTY_WEIBO, ensure_ascii=False), JSON_CONTENT_TYPE, newest)

    def get(self, path: str) -> Page | None:
        """The answer to ``path`` with its query; Weibo's empty answer for an unknown user."""
        parts = urlsplit(path)
        if parts.path != WEIBO_API_PATH:
            return None
        query = parse_qs(parts.query)
        uid = query.get("value", [""])[0]
        container = query.get("containerid", [""])[0]
        later = "since_id" in query or query.get("page", ["1"])[0] != "1"
        page = self._pages.get(uid)
        if page is None or later or container != f"{WEIBO_CONTAINER_PREFIX}{uid}":
            return self._empty
        return page

    def paths(self) -> list[str]:
        return [weibo_api_path(uid) for uid in self._pages]
