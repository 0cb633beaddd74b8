"""Posts read off an account's public platform page, as the browser rendered it (抖音 user
pages, 今日头条 头条号, 快手, 哔哩哔哩 space, 微信视频号 where a public page exists).

No per-platform selectors: a post on such a page is a block with a link and a time the page
shows — absolute (``2026-12-01``, ``12-01``, ``2026年12月1日``) or relative to now (``3天前``,
``5小时前``, ``昨天 10:00``), read by ``crawler.platforms.times`` against the fetch time. The
blocks are grouped by their tag and class, and the largest group of two or more is the page's
post list (a profile header or a "recommended" box shows fewer). A relative time is as precise
as the page says (``3天前`` is a day, ``1周前`` is not read at all): the detail says how many
posts were dated relative to the fetch.

A page that shows a login wall or a captcha is ``blocked``; a short page that says the account
is closed or banned (该账号已注销, 账号已被封禁 …) is ``account_closed``, a finding of its own;
a page where no post list is found proves nothing (``suspect_empty``): the account is not
judged from it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from crawler.platforms.failures import login_or_captcha_reason
from crawler.platforms.model import Post, SourceParse
from crawler.platforms.posts import post_title
from crawler.platforms.times import parse_post_time
from rules.model import Outcome

__all__ = ["parse_platform_page"]

_TIME_CHARS = 24  # a time the page shows is short
_UP_LEVELS = 5  # from the time to the block that holds the post's link
_RELATIVE = re.compile(r"刚刚|秒前|分钟前|小时前|天前|今天|昨天|前天")
_TIME_HINT = re.compile(r"\d|刚刚|今天|昨天|前天")
# What platforms show in place of a closed or banned account's posts.
_CLOSED = re.compile(
    r"(?:该|此)?(?:账号|帐号|用户)(?:已|已经)?(?:被)?(?:注销|封禁|封号|冻结|停用)"
    r"|(?:账号|帐号)因违反[^。]{0,40}(?:已被)?(?:封禁|处置)"
)


def parse_platform_page(html: str, *, base_url: str, fetched_at: datetime) -> SourceParse:
    """The posts of a rendered platform page (see the module docstring)."""
    tree = HTMLParser(html)
    body = tree.body
    text = body.text(separator=" ") if body is not None else ""
    if (reason := login_or_captcha_reason(text)) is not None and len(text) < 2000:
        return SourceParse(outcome=Outcome.BLOCKED, posts=(), detail=reason, suspect_empty=False)
    if (closed := _CLOSED.search(text)) is not None and len(text) < 2000:
        return SourceParse(
            outcome=Outcome.ACCOUNT_CLOSED,
            posts=(),
            detail=f"the platform page says: {closed.group(0)}",
            suspect_empty=False,
        )
    groups: defaultdict[str, list[tuple[Post, bool]]] = defaultdict(list)
    seen: set[int] = set()
    for node in tree.css("time, span, div, p, em, i, small, a"):
        own = _own_text(node)
        if not own or len(own) > _TIME_CHARS or not _TIME_HINT.search(own):
            continue
        published = parse_post_time(own, fetched_at=fetched_at)
        if published is None:
            continue
        block, link = _block_with_link(node)
        if block is None or link is None or block.mem_id in seen:
            continue
        seen.add(block.mem_id)
        href = link.attributes.get("href") or ""
        url = urljoin(base_url, href)
        title = post_title(_link_text(link, own), None) or own
        post = Post(key=url, url=url, title=title, published=published)
        groups[_signature(block)].append((post, bool(_RELATIVE.search(own))))
    best = max(groups.values(), key=len, default=[])
    if len(best) < 2:
        return SourceParse(
            outcome=Outcome.OK,
            posts=(),
            detail="no post list found on the rendered page",
            suspect_empty=True,
        )
    unique: dict[str, tuple[Post, bool]] = {}
    for post, relative in best:
        unique.setdefault(post.key, (post, relative))
    posts = sorted((p for p, _ in unique.values()), key=lambda p: p.published, reverse=True)
    relative_count = sum(1 for _, relative in unique.values() if relative)
    detail = f"{len(posts)} posts read off the rendered page"
    if relative_count:
        detail += f"; {relative_count} dated relative to the fetch (as precise as the page says)"
    return SourceParse(outcome=Outcome.OK, posts=tuple(posts), detail=detail, suspect_empty=False)


def _own_text(node: Node) -> str:
    """The node's text when it has no element children (a leaf), collapsed; else ''."""
    child = node.child
    while child is not None:
        if child.tag != "-text":
            return ""
        child = child.next
    return " ".join((node.text() or "").split())


def _block_with_link(node: Node) -> tuple[Node | None, Node | None]:
    current: Node | None = node
    for _ in range(_UP_LEVELS):
        if current is None:
            return None, None
        if current.tag == "a" and current.attributes.get("href"):
            return current.parent, current
        link = current.css_first("a[href]")
        if link is not None:
            return current, link
        current = current.parent
    return None, None


def _link_text(link: Node, time_text: str) -> str:
    text = " ".join((link.text(separator=" ") or "").split())
    return text.replace(time_text, "").strip() or (link.attributes.get("title") or "")


def _signature(block: Node) -> str:
    parent = block.parent
    parent_id = parent.mem_id if parent is not None else 0
    return f"{parent_id}/{block.tag}.{block.attributes.get('class') or ''}"
