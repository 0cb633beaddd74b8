"""Links as list entries: an anchor's title and absolute URL, and which anchors are not entries.

Pagination (``下一页``, ``1 2 3``, ``尾页``), "more" links, page tools (打印, 关闭) and links that
lead nowhere are not entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from selectolax.lexbor import LexborNode

from crawler.extract.text import collapse
from crawler.extract.urls import join_url

_NOT_TITLES = frozenset(
    """首页 上一页 下一页 上页 下页 前页 后页 前一页 后一页 尾页 末页 最后一页 第一页 跳转 转到 确定
    更多 更多>> 更多> 更多» 查看更多 more more>> more> 返回 返回顶部 返回首页
    打印 打印本页 关闭 关闭窗口
    登录 注册 收藏 设为首页 加入收藏 无障碍 无障碍浏览 长者模式 关怀版 繁體 繁体 简体 english go
    top 顶部 分享 微信 微博 rss 网站地图 联系我们 站点地图""".split()
)
_SYMBOLS_ONLY = re.compile(r"^[\d\s.…·•»«<>\[\]()（）【】|/\\-]*$")
_BULLET = re.compile(r"^[·•●○■□▪▫◆◇►▶>\-*\s]+")
_TRUNCATED = ("...", "…", "。。。", "..")
_JS_URL = re.compile(r"""['"]([^'"\s]+?\.(?:s?html?|jsp|aspx?|php|do)(?:\?[^'"\s]*)?)['"]""")
_DEAD_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "vbscript:")


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """An anchor read as a possible list entry."""

    title: str
    url: str


class ReadAnchor(NamedTuple):
    """One ``<a>`` of a page as read from the tree: what both the page's link collection and
    its candidate lists need of it, read once."""

    node: LexborNode
    attributes: dict[str, str | None]
    text: str  # its text, whitespace-collapsed


def read_anchors(root: LexborNode) -> list[ReadAnchor]:
    """Every ``<a>`` under ``root``, in document order, each read once."""
    return [
        ReadAnchor(anchor, anchor.attributes, collapse(anchor.text(deep=True)))
        for anchor in root.css("a")
    ]


def read_link(anchor: LexborNode, *, base_url: str) -> Link | None:
    """The anchor as an entry (title and absolute URL), or None when it is not one."""
    return link_of(anchor.attributes, collapse(anchor.text(deep=True)), base_url=base_url)


def link_of(attributes: dict[str, str | None], text: str, *, base_url: str) -> Link | None:
    """``read_link`` on an anchor's attributes and its collapsed text."""
    title = read_title(text, attributes.get("title"))
    if not is_title_like(title):
        return None
    url = resolve_href(attributes.get("href"), attributes.get("onclick"), base_url=base_url)
    if url is None:
        return None
    return Link(title=title, url=url)


def read_title(text: str, title_attribute: str | None) -> str:
    """The visible text, or the ``title`` attribute when the text is missing or truncated."""
    text = _BULLET.sub("", text)
    if not text or text.endswith(_TRUNCATED):
        full = collapse(title_attribute or "")
        if full:
            return full
    return text


def is_title_like(title: str) -> bool:
    if len(title) < 2 or title.lower() in _NOT_TITLES:
        return False
    return not _SYMBOLS_ONLY.match(title)


def resolve_href(href: str | None, onclick: str | None, *, base_url: str) -> str | None:
    """An absolute http(s) URL for the link (file: on a saved page), or None when it leads
    nowhere."""
    target = (href or "").strip()
    if not target or target.startswith("#") or target.lower().startswith(_DEAD_SCHEMES):
        found = _JS_URL.search(f"{target} {onclick or ''}")
        target = found[1] if found else ""
    if not target:
        return None
    try:
        url = join_url(base_url, target)
    except ValueError:
        return None
    return url if _reachable(url, base_url) else None


def document_base(base_url: str, base_href: str | None) -> str:
    """The base URL links resolve against: ``<base href>`` resolved against the page URL."""
    if not base_href or not base_href.strip():
        return base_url
    try:
        resolved = join_url(base_url, base_href.strip())
    except ValueError:
        return base_url
    return resolved if _reachable(resolved, base_url) else base_url


def _reachable(url: str, base_url: str) -> bool:
    """An http(s) URL; or a file: URL on a page read from a file (``crawl extract`` on a saved
    page without ``--base-url``), whose relative links resolve like a web page's."""
    lowered = url.lower()
    if lowered.startswith(("http://", "https://")):
        return True
    return lowered.startswith("file:") and base_url.lower().startswith("file:")
