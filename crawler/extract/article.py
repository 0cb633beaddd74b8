"""Article pages: the signs that a page is one article, and its publish date.

Sources, most trusted first (the first that gives a plausible date wins):

1. a visible labelled publish date: ``发布时间：``, ``发布日期``, ``发表于``, ``时间`` … (never
   ``成文日期``, ``印发日期``, ``更新时间`` or a comment's time), the label and the date in
   neighbouring table cells;
2. an element whose id or class names a publish date (``pubTime``, ``publish-time``);
3. an unlabelled date line beside ``来源``/``作者``/``阅读``/``浏览``/``字号``;
4. structured data: ``article:published_time`` and the other structured meta tags (Open
   Graph, Dublin Core, microdata ``<meta>``), JSON-LD ``datePublished``, microdata on other
   elements, a WeChat article's script variables;
5. an element named only ``date``/``time``, or a ``<time>`` element;
6. the government CMS meta tags (``PubDate``, ``publishdate``): some CMSs rewrite ``PubDate``
   whenever they regenerate the page, so what the page shows and states for machines wins;
7. htmldate on the raw HTML, the last resort (``fallback.htmldate_fallback``), whose year-only
   1 January and dates labelled as updated or written are refused.

Where the date came from is kept (``published_where``). The visible forms are read by
``visible``, the scripts by ``sources``, the meta tags by ``meta``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract.fallback import htmldate_fallback
from crawler.extract.meta import MetaTags, read_meta
from crawler.extract.sources import json_ld_published, wechat_published
from crawler.extract.visible import Found, read_visible_dates

__all__ = [
    "HTMLDATE_WHERE",
    "ArticleDate",
    "ArticleSigns",
    "htmldate_fallback",
    "read_article_date",
    "read_article_signs",
]

_LINE_MIN_PROSE_CHARS = 60  # prose that makes a visible date line an article's
HTMLDATE_WHERE = "htmldate"


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleSigns:
    """What tells an article page apart, and the date found without htmldate."""

    published: date | None
    published_where: str | None
    meta_date: bool  # a publish-date meta tag, a JSON-LD or WeChat script date
    meta_article: bool  # the ArticleTitle government tag
    visible_line: bool  # a visible labelled date, publish-named element or date line
    heading: bool  # an h1-h3 outside the list
    prose_chars: int  # characters of running text outside links and the list

    @property
    def is_article(self) -> bool:
        return (
            self.meta_date
            or self.meta_article
            or (self.visible_line and self.prose_chars >= _LINE_MIN_PROSE_CHARS)
        )


def read_article_signs(
    body: LexborNode | None,
    meta: MetaTags,
    *,
    scripts: list[str],
    today: date,
    skip: frozenset[int] = frozenset(),
) -> ArticleSigns:
    """Read the article signs of the page, leaving out the elements in ``skip`` (the list)."""
    visible = read_visible_dates(body, today=today, skip=skip)
    tags = meta.structured_date(today=today)
    json_ld = json_ld_published(scripts, today=today)
    wechat = wechat_published(scripts, today=today)
    machine = tags or json_ld or _pair(visible.microdata) or wechat
    cms = meta.cms_date(today=today)
    ranked = (
        _pair(visible.labelled),
        _pair(visible.publish_named),
        _pair(visible.date_line),
        machine,
        _pair(visible.date_named),
        cms,
    )
    published, where = next((found for found in ranked if found is not None), (None, None))
    return ArticleSigns(
        published=published,
        published_where=where,
        # what the page states about itself; microdata may belong to any block on it
        meta_date=any(found is not None for found in (tags, json_ld, wechat, cms)),
        meta_article=meta.says_article,
        visible_line=any(
            found is not None
            for found in (visible.labelled, visible.publish_named, visible.date_line)
        ),
        heading=visible.heading,
        prose_chars=visible.prose_chars,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleDate:
    """An article's publish date and where on the page it was read (both None: no date)."""

    value: date | None
    where: str | None


def read_article_date(html: str, *, today: date) -> ArticleDate:
    """The publish date of a page read as one article: the whole chain, htmldate last."""
    tree = LexborHTMLParser(html.replace("\x00", ""))
    meta = read_meta(tree)
    scripts = [node.text(deep=True) for node in tree.css("script")]
    tree.strip_tags(["script", "style", "noscript", "template"])
    signs = read_article_signs(tree.body, meta, scripts=scripts, today=today)
    if signs.published is not None:
        return ArticleDate(value=signs.published, where=signs.published_where)
    value = htmldate_fallback(html, today=today)
    return ArticleDate(value=value, where=HTMLDATE_WHERE if value is not None else None)


def _pair(found: Found | None) -> tuple[date, str] | None:
    return (found.value, found.where) if found is not None else None
