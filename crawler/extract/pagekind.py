"""Whole-page evidence of what a page is: one article, or a column's list.

Read beside the article signs (``article.ArticleSigns``) when the list found on a page must be
weighed against its text. What a page says of itself:

- **its headline**: an ``h1`` outside the list's entries that names the page as its
  ``<title>`` (or ``og:title``) does, or an ``h2`` when no ``h1`` does — an article's title,
  at least ``_HEADLINE_MIN_CHARS`` long, never the site's name (``SiteName``) nor the
  column's (below);
- **its type**: ``og:type`` ``article``, a JSON-LD ``@type`` of the Article and Posting
  family (``NewsArticle``, ``BlogPosting`` …), or one microdata item of that family (many
  are a blog's list of posts);

and what a column page says of itself:

- **its pagination**: 下一页, 尾页, 共N页, 第N页, a TRS ``createPageHTML`` script — a column's
  list runs on over pages, an article's links do not;
- **its column name** as the heading: the ``ColumnName`` tag, or the last element of the
  breadcrumb (当前位置 … > 通知公告) when it is name-short (an article's breadcrumb often ends
  in the article's title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from crawler.extract.locate import class_and_id
from crawler.extract.meta import MetaTags
from crawler.extract.text import collapse

__all__ = ["PageIdentity", "read_page_identity"]

_HEADLINE_MIN_CHARS = 8  # a headline this long is an article's title, not a column's name
_TITLE_SEPARATORS = re.compile(r"\s[|｜–—\-:·»]\s|[|｜_]|\s::\s|——")
_NOT_WORD = re.compile(r"[\W_]+")
_ARTICLE_TYPES = re.compile(
    r'"@type"\s*:\s*\[?\s*"(?:\w*Article|BlogPosting|SocialMediaPosting|DiscussionForumPosting'
    r'|LiveBlogPosting|Report)"'
)
_PAGINATION = re.compile(r"下一页|下页|尾页|末页|共\s*\d+\s*页|第\s*\d+\s*页\s*/|createPageHTML")
_CRUMB_HINTS = re.compile(r"crumb|position|location|mianbao|weizhi|dqwz|curpos")
_CRUMB_WORDS = re.compile(r"当前位置|您的位置|你的位置|所在位置")  # at the start of a text
_CRUMB_CHAR = "位"  # in each of them
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|»|›|→|/|＞)\s*")
_CRUMB_MAX_CHARS = 120
_COLUMN_NAME_MAX_CHARS = 20  # a longer breadcrumb end is an article's title or a question
_MICRODATA_TYPES = re.compile(r"schema\.org/(?:\w*Article|BlogPosting|SocialMediaPosting)\b")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageIdentity:
    """What the page says it is, apart from its dates and its running text."""

    headline: bool  # an h1 outside the list naming the page as its title does
    article_typed: bool  # og:type article, or a JSON-LD Article/Posting type
    paginated: bool  # 下一页, 共N页 …: a column's list that runs on
    column_named: bool  # an h1-h3 is the column's name (ColumnName tag, breadcrumb's last)


def read_page_identity(
    root: LexborNode | None,
    meta: MetaTags,
    *,
    title: str,
    scripts: list[str],
    skip: frozenset[int] = frozenset(),
) -> PageIdentity:
    """Read the page's headline, type, pagination and column name; ``skip``: the list's
    entries (a heading inside one is the entry's, not the page's)."""
    if root is None:
        return PageIdentity(
            headline=False, article_typed=False, paginated=False, column_named=False
        )
    page_text = root.text()
    column_names = _column_names(root, meta, page_text)
    titles = [collapse(title), _meta(meta, "property", "og:title")]
    site = _normal(meta.government.get("SiteName", ""))
    headline = False
    for selector in ("h1", "h2"):
        for heading in root.css(selector):
            text = _normal(heading.text())
            if (
                len(text) >= _HEADLINE_MIN_CHARS
                and text != site
                and text not in column_names
                and not _inside(heading, skip)
                and any(_names_the_page(text, candidate) for candidate in titles if candidate)
            ):
                headline = True
                break
        if headline:
            break
    column_named = bool(column_names) and any(
        _normal(heading.text()) in column_names for heading in root.css("h1, h2, h3")
    )
    og_type = _meta(meta, "property", "og:type").lower()
    items = [node.attributes.get("itemtype") or "" for node in root.css("[itemtype]")]
    article_typed = (
        og_type.startswith("article")
        or any("@type" in script and _ARTICLE_TYPES.search(script) for script in scripts)
        or sum(1 for itemtype in items if _MICRODATA_TYPES.search(itemtype)) == 1
    )
    paginated = bool(_PAGINATION.search(page_text)) or any(
        "createPageHTML" in script for script in scripts
    )
    return PageIdentity(
        headline=headline,
        article_typed=article_typed,
        paginated=paginated,
        column_named=column_named,
    )


def _names_the_page(heading: str, title: str) -> bool:
    """The heading is the title, holds its first part, or is held in it as most of a part."""
    whole = _normal(title)
    if not whole:
        return False
    if heading in whole or whole in heading:
        return True
    first = _normal(_TITLE_SEPARATORS.split(title, maxsplit=1)[0])
    return len(first) >= _HEADLINE_MIN_CHARS and first in heading


def _column_names(root: LexborNode, meta: MetaTags, page_text: str) -> frozenset[str]:
    names = {_normal(meta.government.get("ColumnName", ""))}
    crumb = _breadcrumb_last(root, page_text)
    if crumb:
        names.add(crumb)
    names.discard("")
    return frozenset(names)


def _breadcrumb_last(root: LexborNode, page_text: str) -> str:
    """The last element of the breadcrumb (当前位置：首页 > 政务公开 > 通知公告): the column;
    ``page_text``: the root's text."""
    # Every crumb word holds 位: on a page whose text has none, only a name says "breadcrumb".
    worded = _CRUMB_CHAR in page_text
    for node in root.css("div, p, span, td, nav, ol, ul"):
        if not (
            _CRUMB_HINTS.search(class_and_id(node))
            or (worded and _CRUMB_WORDS.match(node.text(deep=False).lstrip()))
        ):
            continue
        text = collapse(node.text())
        parts = [part for part in _CRUMB_SPLIT.split(text) if part.strip()]
        if len(parts) >= 2 and len(text) <= _CRUMB_MAX_CHARS:
            last = _normal(parts[-1])
            return last if len(last) <= _COLUMN_NAME_MAX_CHARS else ""
    return ""


def _meta(meta: MetaTags, attribute: str, key: str) -> str:
    found = meta.by_key.get((attribute, key))
    return found[1] if found is not None else ""


def _normal(text: str) -> str:
    return _NOT_WORD.sub("", text).casefold()


def _inside(node: LexborNode, ids: frozenset[int]) -> bool:
    current: LexborNode | None = node
    while current is not None:
        if current.mem_id in ids:
            return True
        current = current.parent
    return False
