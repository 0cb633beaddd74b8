"""Posts read off an account's public platform page, as the browser rendered it (抖音 user
pages, 今日头条 头条号, 快手, 哔哩哔哩 space, 微信视频号 where a public page exists).

No per-platform selectors: a post on such a page is a block with a link and a time the page
shows — absolute (``2026-12-01``, ``12-01``, ``2026年12月1日``) or relative to now (``3天前``,
``5小时前``, ``昨天 10:00``), read by ``crawler.platforms.times`` against the fetch time. The
blocks are grouped by their tag and class, and the largest group of two or more is the page's
post list (a profile header or a "recommended" box shows fewer). A relative time is as precise
as the page says (``3天前`` is a day, ``1周前`` is not read at all): the post keeps the text it
showed (``Post.shown``), and the detail says how many posts were dated relative to the fetch.

The page's JSON is read too — what its scripts carry and what it loaded while it was read
(``crawler.platforms.page_json``): when it lists at least as many posts as the page shows,
its exact times are taken over the shown ones.

A page that shows a login wall or a captcha is ``blocked``; a short page that says the account
is closed or banned (该账号已注销, 账号已被封禁 …) is ``account_closed``, a finding of its own;
a page where no post list is found proves nothing (``suspect_empty``): the account is not
judged from it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from crawler.platforms.failures import login_or_captcha_reason
from crawler.platforms.model import Post, SourceParse
from crawler.platforms.page_json import embedded_json, json_documents, json_posts
from crawler.platforms.posts import largest_list, post_title
from crawler.platforms.times import is_relative_time, parse_post_time
from rules.model import Outcome

__all__ = ["parse_platform_page"]

_TIME_CHARS = 24  # a time the page shows is short
_UP_LEVELS = 5  # from the time to the block that holds the post's link
_TIME_HINT = re.compile(r"\d|刚刚|今天|昨天|前天")
# What platforms show in place of a closed or banned account's posts.
_CLOSED = re.compile(
    r"(?:该|此)?(?:账号|帐号|用户)(?:已|已经)?(?:被)?(?:注销|封禁|封号|冻结|停用)"
    r"|(?:账号|帐号)因违反[^。]{0,40}(?:已被)?(?:封禁|处置)"
)


def parse_platform_page(
    html: str, *, base_url: str, fetched_at: datetime, loaded_json: Sequence[str] = ()
) -> SourceParse:
    """The posts of a rendered platform page (see the module docstring).

    ``loaded_json``: the JSON texts the page loaded while it was read (its post-list calls);
    with the JSON its scripts carry, they are read by ``crawler.platforms.page_json``. When the
    JSON lists at least as many posts as the page shows, its exact times are taken.
    """
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
    shown = _shown_posts(tree, base_url=base_url, fetched_at=fetched_at)
    links = [a.attributes.get("href") or "" for a in tree.css("a[href]")]
    from_json = json_posts(
        [*embedded_json(html), *json_documents(loaded_json)],
        base_url=base_url,
        fetched_at=fetched_at,
        links=links,
    )
    if len(from_json) >= max(len(shown), 2):
        posts, where = from_json, "read from the page's JSON"
    elif len(shown) >= 2:
        posts, where = shown, "read off the rendered page"
    else:
        return SourceParse(
            outcome=Outcome.OK,
            posts=(),
            detail="no post list found on the rendered page",
            suspect_empty=True,
        )
    detail = f"{len(posts)} posts {where}"
    if relative_count := sum(1 for post in posts if post.shown is not None):
        detail += f"; {relative_count} dated relative to the fetch (as precise as the page says)"
    return SourceParse(outcome=Outcome.OK, posts=tuple(posts), detail=detail, suspect_empty=False)


def _shown_posts(tree: HTMLParser, *, base_url: str, fetched_at: datetime) -> list[Post]:
    """The largest group of blocks with a link and a time the page shows, newest first."""
    groups: defaultdict[str, list[Post]] = defaultdict(list)
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
        relative = own if is_relative_time(own) else None
        post = Post(key=url, url=url, title=title, published=published, shown=relative)
        groups[_signature(block)].append(post)
    return largest_list(groups.values())


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
