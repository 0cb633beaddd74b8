"""Article pages: the signs that a page is one article, and its publish date.

The date comes from, in order: the publish-date meta tags (``PubDate`` first), JSON-LD
``datePublished``, a visible ``发布时间：``/``发布日期：``/``时间：`` line (never the ``成文日期``,
``印发日期`` or other labelled dates of a document), and last htmldate on the raw HTML.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from selectolax.lexbor import LexborNode

from crawler.extract.dates import find_dates, parse_date
from crawler.extract.locate import class_and_id
from crawler.extract.meta import MetaTags
from crawler.extract.text import collapse, fold_width

logger = logging.getLogger(__name__)

# "更新时间" is left out on purpose: footers show the site's last update under that label.
_LINE = re.compile(r"(?P<label>(?:发布|发表|公开|上传|信息|录入)?(?:时间|日期))\s*[:：]\s*")
_PROSE_MIN_CHARS = 30  # a text run this long counts as prose
_LINE_MIN_PROSE_CHARS = 60  # prose that makes a visible date line an article's
_SKIPPED_TAGS = frozenset(
    {"a", "script", "style", "noscript", "template", "select", "option", "footer", "nav"}
)
_FRAME_HINTS = re.compile(r"foot|bottom|copyright|banquan|\bnav|menu")
_LD_WHERE = "JSON-LD datePublished"
_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleSigns:
    """What tells an article page apart, and the date found without htmldate."""

    published: date | None
    published_where: str | None
    meta_date: bool  # a publish-date meta tag (PubDate, publishdate, …) or JSON-LD date
    meta_article: bool  # the ArticleTitle government tag
    visible_line: bool  # a visible 发布时间/发布日期 line outside the list
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
    texts, prose_chars, heading = _running_text(body, skip) if body is not None else ([], 0, False)
    from_meta = meta.publish_date(today=today)
    line = _visible_line(texts, today=today)
    published, where = from_meta if from_meta is not None else (None, None)
    if published is None:
        ld_date = _json_ld_date(scripts, today=today)
        if ld_date is not None:
            published, where = ld_date, _LD_WHERE
    if published is None and line is not None:
        published, where = line
    return ArticleSigns(
        published=published,
        published_where=where,
        meta_date=from_meta is not None or where == _LD_WHERE,
        meta_article=meta.says_article,
        visible_line=line is not None,
        heading=heading,
        prose_chars=prose_chars,
    )


def htmldate_fallback(html: str, *, today: date) -> date | None:
    """htmldate's guess for the page, within the plausible window; None if it has none."""
    try:
        from htmldate import find_date  # imported late: it pulls in lxml and dateparser

        found = find_date(
            html,
            original_date=True,
            extensive_search=False,
            min_date="1990-01-01",
            max_date=(today + timedelta(days=1)).isoformat(),
        )
    except Exception:  # htmldate is a fallback: any failure of it means "no date"
        logger.debug("htmldate failed on a page", exc_info=True)
        return None
    return parse_date(found, today=today) if isinstance(found, str) else None


def _running_text(body: LexborNode, skip: frozenset[int]) -> tuple[list[str], int, bool]:
    """Text nodes outside links, scripts and ``skip``; prose length; whether a heading is there."""
    texts: list[str] = []
    prose = 0
    heading = False
    stack: list[LexborNode] = [body]
    while stack:
        node = stack.pop()
        if node.is_text_node:
            text = collapse(node.text_content or "")
            if text:
                texts.append(text)
                if len(text) >= _PROSE_MIN_CHARS:
                    prose += len(text)
            continue
        if node.mem_id in skip or node.tag in _SKIPPED_TAGS:
            continue
        if node.tag in ("div", "ul", "table", "section") and _FRAME_HINTS.search(
            class_and_id(node)
        ):
            continue  # page frame (footer, menus): neither prose nor the article's date line
        if node.tag in ("h1", "h2", "h3"):
            heading = True
        children = list(node.iter(include_text=True))
        stack.extend(reversed(children))
    return texts, prose, heading


def _visible_line(texts: list[str], *, today: date) -> tuple[date, str] | None:
    """The first labelled publish date in the running text (label and date may be split)."""
    for index, text in enumerate(texts):
        if "时间" not in text and "日期" not in text:
            continue
        folded = fold_width(text)
        for match in _LINE.finditer(folded):
            label = match["label"]
            if label in ("时间", "日期") and _after_ideograph(folded, match.start()):
                continue  # 成文日期, 印发日期, 实施日期, 截止时间 …
            rest = folded[match.end() :]
            if not rest.strip() and index + 1 < len(texts):
                rest = fold_width(texts[index + 1])
            found = find_dates(rest[:40], today=today)
            if found and found[0].start <= 2:
                return found[0].value, f"{label} line"
    return None


def _after_ideograph(text: str, start: int) -> bool:
    return start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff"


def _json_ld_date(scripts: list[str], *, today: date) -> date | None:
    for script in scripts:
        if "datePublished" not in script:
            continue
        match = _LD_PUBLISHED.search(script)
        if match is not None:
            try:
                raw = json.loads(f'"{match[1]}"')
            except ValueError:
                continue
            value = parse_date(raw, today=today)
            if value is not None:
                return value
    return None
