"""The dates a reader sees on an article page, and how much running text the page holds.

One walk over the body, in document order, collects:

- **labelled dates**: ``发布时间：…``, ``发布日期 …``, ``发表于 …``, ``时间 …`` (colon or not),
  the label in one table cell and the date in the next, and the same in a few European
  languages (``Published``, ``Veröffentlicht am``, ``Publié le`` …). Never ``成文日期``,
  ``印发日期``, ``更新时间`` or any date label right after another word (that word's date);
- **publish-named elements**: an element whose id or class names a publish date (``pubTime``,
  ``pubdate``, ``publish-time``, ``fbsj``, ``posted-on``), a ``<time pubdate>``;
- **date lines**: a short line holding one date beside ``来源``, ``作者``, ``阅读``, ``浏览``,
  ``字号`` or ``点击`` (the unlabelled line under a Chinese article's title);
- **date-named elements**: an element whose id or class says only ``date`` or ``time``, and
  ``<time>`` elements: the weakest visible source;
- **microdata**: ``itemprop="datePublished"`` on any element (structured data, not a label);
- the running text's length (paragraphs of 30 characters or more outside links) and whether
  a heading is there (what makes a page an article).

Dates are never read inside links, comments (``comment``, ``reply``, ``评论``, and everything
after a comments heading below the title), related, recommended, hot or ranking boxes,
sidebars, the page frame (footer, navigation, menus), the entries of the page's list, nor, for
date lines and date-named elements, inside a list entry that holds a link (another article's
date). A region that holds the page's ``h1`` is never left out, nor an ``aside`` inside the
``article``. A date-named element above the title that shows a weekday is the header's
"today" widget. The first date of each kind in document order counts.

A date is read in any form ``crawler.extract.dates`` knows, then as a numeric date whose order
the page decides (``dayorder``: ``19.10.2019``, ``5/20/2022``), a year-first short date
(``22-5-18``) and a relative date (``relative``: ``3小时前``, ``昨天``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import repeat

from selectolax.lexbor import LexborNode

from crawler.extract.dates import DateMatch, find_dates
from crawler.extract.dayorder import (
    OrderSource,
    PageDayOrders,
    find_ordered_date,
    find_short_year_first,
)
from crawler.extract.element_names import NO_NAMES, Names, names_of
from crawler.extract.labels import (
    COMMENTS_HEADING,
    DATE_LINE_WORDS,
    NOT_A_PUBLISH_TEXT,
    NOT_PUBLISHED_LABEL,
    PUBLISH_LABEL,
    PUBLISH_LABEL_HINT,
    WEEKDAY,
)
from crawler.extract.locate import describe
from crawler.extract.relative import find_relative_date
from crawler.extract.text import collapse, fold_width

PROSE_MIN_CHARS = 30  # a paragraph (a block's text outside links) this long counts as prose
_NAMED_MAX_CHARS = 100  # a date element's text is short; longer is a container
_DATE_LINE_MAX_CHARS = 160
_LABEL_VALUE_CHARS = 48  # the date starts this close after its label …
_LABEL_GAP = 2  # … within this many characters

_NOT_READ_TAGS = frozenset({"script", "style", "noscript", "template", "select", "option"})
_FRAME_TAGS = frozenset({"footer", "nav"})
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_ENTRY_TAGS = frozenset({"li", "tr", "dd", "dt"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3"})

_MICRODATA = "[itemprop=datePublished]"
# 04.05.20 or 04/05/20, read by the list parser as yy.mm.dd: here the page decides (dayorder)
_TWO_DIGITS_ONLY = re.compile(r"\d{2}[./]\d{2}[./]\d{2}(?!\d)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """One date read on the page and where it was read."""

    value: date
    where: str


@dataclass(frozen=True, slots=True, kw_only=True)
class VisibleDates:
    """What the walk found: the first date of each kind, and the running text."""

    labelled: Found | None
    publish_named: Found | None
    date_line: Found | None
    date_named: Found | None
    microdata: Found | None
    prose_chars: int
    heading: bool


def read_visible_dates(
    body: LexborNode | None, *, today: date, skip: frozenset[int] = frozenset()
) -> VisibleDates:
    """Walk ``body`` once; the elements in ``skip`` (the entries of the page's list: their titles
    and dates are not the page's) are left out."""
    if body is None:
        return VisibleDates(
            labelled=None,
            publish_named=None,
            date_line=None,
            date_named=None,
            microdata=None,
            prose_chars=0,
            heading=False,
        )
    orders = PageDayOrders(lambda: body.text(deep=True, separator=" "))
    walk = _Walk(
        today=today,
        orders=orders,
        skip=skip,
        h1=_ancestor_ids(body, "h1", itself=True),
        link_holders=_ancestor_ids(body, "a[href]", itself=False),
    )
    walk.run(body)
    return VisibleDates(
        labelled=_labelled(walk.lines, today=today, orders=orders),
        publish_named=walk.publish_named,
        date_line=_date_line(walk.lines, walk.entry_lines, today=today, orders=orders),
        date_named=walk.date_named,
        microdata=walk.microdata,
        prose_chars=walk.prose,
        heading=walk.heading,
    )


def read_date_text(
    text: str, *, today: date, orders: OrderSource, relative: bool = True
) -> DateMatch | None:
    """The first date in ``text`` in any form we read: the parser's full dates, numeric dates
    whose order the page decides (``04.05.20`` is not read as 2004-05-20 here), year-first
    short dates, relative dates."""
    if not text or (not any(ch.isdigit() for ch in text) and not _has_cjk_date_words(text)):
        return None
    found = [
        match for match in find_dates(text, today=today) if not _TWO_DIGITS_ONLY.match(match.text)
    ]
    choices = [found[0]] if found else []
    for extra in (
        find_ordered_date(text, orders=orders, today=today),
        find_short_year_first(text, today=today),
        find_relative_date(text, today=today) if relative else None,
    ):
        if extra is not None:
            choices.append(extra)
    return min(choices, key=lambda match: match.start, default=None)


def _has_cjk_date_words(text: str) -> bool:
    return any(word in text for word in ("年", "刚", "昨", "前天", "今天", "今日"))


# --- the walk ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _State:
    dates: bool  # dates may be read here
    prose: bool  # text here counts as running text
    entry_link: bool  # inside a list entry (li, tr, dd) that holds a link


# The eight states, made once: a walk enters tens of thousands of elements.
_STATES = {
    (dates, prose, entry_link): _State(dates, prose, entry_link)
    for dates in (False, True)
    for prose in (False, True)
    for entry_link in (False, True)
}


class _Walk:
    def __init__(
        self,
        *,
        today: date,
        orders: OrderSource,
        skip: frozenset[int],
        h1: frozenset[int],
        link_holders: frozenset[int],
    ) -> None:
        self.today = today
        self.orders = orders
        self.skip = skip
        self.h1 = h1  # the h1 elements and their ancestors
        self.link_holders = link_holders  # the elements holding an a[href]
        self.lines: list[str] = []
        self.entry_lines: set[int] = set()  # lines inside an entry with a link
        self.prose = 0
        self.heading = False
        self.publish_named: Found | None = None
        self.date_named: Found | None = None
        self.microdata: Found | None = None
        self._parts: list[str] = []
        self._part_in_entry = False
        self._line_prose = 0  # running text of the current line, outside links
        self._after_h1 = False  # the walk has passed the start of an h1
        self._in_comments = False  # the walk has passed the heading of the comments

    def run(self, body: LexborNode) -> None:
        stack: list[tuple[LexborNode | None, _State]] = [(body, _STATES[True, True, False])]
        while stack:
            node, state = stack.pop()
            if node is None:  # the end of a block element
                self._flush()
                continue
            if node.is_text_node:
                self._text(node, state)
                continue
            tag = node.tag or ""
            if tag in _NOT_READ_TAGS or tag == "-comment":
                continue
            inner = self._enter(node, tag, state)
            if inner is None:
                continue
            if tag in _BLOCK_TAGS:
                self._flush()
                stack.append((None, inner))
            # whitespace-only texts (between tags) say nothing: collapsed, they are empty; nor
            # does any text where neither dates nor running text are read (inside a link)
            texts = inner.dates or inner.prose
            children = list(node.iter(include_text=texts, skip_empty=True))
            children.reverse()
            stack.extend(zip(children, repeat(inner)))
        self._flush()

    def _enter(self, node: LexborNode, tag: str, state: _State) -> _State | None:
        """The state inside ``node``; None when nothing in it is read."""
        node_id = node.mem_id
        if node_id in self.skip:
            self._break()
            return None  # an entry of the page's list: its title and date are not the page's
        holds_h1 = node_id in self.h1
        attributes = node.attributes
        classes, ident = attributes.get("class"), attributes.get("id")
        names = names_of(f"{classes or ''} {ident or ''}") if classes or ident else NO_NAMES
        if (tag in _FRAME_TAGS or names.frame) and not (
            holds_h1 or (tag not in _FRAME_TAGS and node.css_first(_MICRODATA) is not None)
        ):
            self._break()
            return None  # the page frame: neither running text nor the article's date
        dates, prose, entry_link = state.dates, state.prose, state.entry_link
        if tag == "a":
            dates = prose = False
        elif (tag == "aside" and not _inside(node, "article")) or (names.aside and not holds_h1):
            dates = False  # an aside inside an <article> is the article's own (its meta line)
            self._break()
        if tag in _HEADING_TAGS and prose:
            self.heading = True
        if tag == "h1":
            self._after_h1 = True
        if dates and tag in _ENTRY_TAGS and not entry_link:
            entry_link = node_id in self.link_holders
        # (an element neither named for a date, nor a <time>, nor microdata holds none)
        if dates and (names.publish or names.date or tag == "time" or "itemprop" in attributes):
            self._named(node, tag, attributes, names, entry_link=entry_link)
        return _STATES[dates, prose, entry_link]

    def _break(self) -> None:
        """End the current line and mark that something was left out after it."""
        self._flush()
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def _text(self, node: LexborNode, state: _State) -> None:
        read = state.dates and not self._in_comments
        if not (read or state.prose):
            return  # (a link's text: neither running text nor where a date is read)
        text = collapse(node.text_content or "")
        if not text:
            return
        if state.prose:
            self._line_prose += len(text)
        if read:
            self._parts.append(text)
            self._part_in_entry = self._part_in_entry or state.entry_link

    def _flush(self) -> None:
        if self._line_prose >= PROSE_MIN_CHARS:
            self.prose += self._line_prose
        self._line_prose = 0
        if self._parts:
            if self._part_in_entry:
                self.entry_lines.add(len(self.lines))
            line = " ".join(self._parts)
            self.lines.append(line)
            self._parts = []
            self._part_in_entry = False
            if self._after_h1 and COMMENTS_HEADING.search(line):
                self._in_comments = True  # the comments below the article: not its dates

    def _named(
        self,
        node: LexborNode,
        tag: str,
        attributes: dict[str, str | None],
        names: Names,
        *,
        entry_link: bool,
    ) -> None:
        """Read the element if its name, itemprop or tag says it holds a date."""
        if self._in_comments:
            return
        itemprop = (attributes.get("itemprop") or "").lower()
        if self.microdata is None and "datepublished" in itemprop:
            self.microdata = self._read_element(node, "microdata")
            return
        if names.not_publish or "date" in itemprop:
            return  # dateModified, dateCreated: machine-labelled, and not the publish date
        publish = names.publish or (tag == "time" and "pubdate" in attributes)
        if publish and self.publish_named is None:
            self.publish_named = self._read_element(node, "element")
        elif (
            not publish
            and self.date_named is None
            and not entry_link
            and (tag == "time" or names.date)
        ):
            self.date_named = self._read_element(node, "element", widget=not self._after_h1)

    def _read_element(self, node: LexborNode, kind: str, *, widget: bool = False) -> Found | None:
        """The element's date: what it shows first, else its ``datetime``/``content``; for
        microdata the other way round (the attribute is what it states for machines)."""
        where = f"{kind} {describe(node)}"
        shown = self._shown_date(node, widget=widget)
        stated = None if shown is not None and kind != "microdata" else self._stated_date(node)
        if kind == "microdata" and stated is not None:
            return Found(value=stated[0], where=f"{where}[{stated[1]}]")
        if shown is not None:
            return Found(value=shown, where=where)
        return Found(value=stated[0], where=f"{where}[{stated[1]}]") if stated else None

    def _shown_date(self, node: LexborNode, *, widget: bool) -> date | None:
        """The date the element shows. With ``widget`` (a date element above the title), a
        date with its weekday is the header's "today" widget, not the article's."""
        text = collapse(node.text(deep=True))
        if not text or len(text) > _NAMED_MAX_CHARS or NOT_A_PUBLISH_TEXT.search(text):
            return None
        if widget and WEEKDAY.search(text):
            return None
        found = read_date_text(text, today=self.today, orders=self.orders)
        if found is None or NOT_PUBLISHED_LABEL.search(text[: found.start]):
            return None
        return found.value

    def _stated_date(self, node: LexborNode) -> tuple[date, str] | None:
        attributes = node.attributes
        for name in ("datetime", "content"):
            raw = attributes.get(name)
            if raw:
                found = read_date_text(raw, today=self.today, orders=self.orders, relative=False)
                if found is not None:
                    return found.value, name
        return None


def _inside(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _ancestor_ids(body: LexborNode, selector: str, *, itself: bool) -> frozenset[int]:
    """The ids of the elements that hold an element ``selector`` selects (and, with
    ``itself``, of those elements too): each element is asked once, not once a descendant."""
    ids: set[int] = set()
    for found in body.css(selector):
        node = found if itself else found.parent
        while node is not None and node.mem_id not in ids:
            ids.add(node.mem_id)
            node = node.parent
    return frozenset(ids)


# --- labelled dates and date lines -------------------------------------------------------------


def _labelled(lines: list[str], *, today: date, orders: OrderSource) -> Found | None:
    for index, line in enumerate(lines):
        if not line or PUBLISH_LABEL_HINT.search(line) is None:
            continue
        folded = fold_width(line)
        for match in PUBLISH_LABEL.finditer(folded):
            label = match["label"].strip()
            if len(label) == 2 and _after_ideograph(folded, match.start()):
                continue  # 成文日期, 印发日期, 实施日期, 截止时间 …
            if NOT_PUBLISHED_LABEL.search(folded[max(0, match.start() - 4) : match.start()]):
                continue  # 更新 时间, Last updated …
            rest = folded[match.end() :]
            bare = label in ("时间", "日期") or label.lower() in ("date", "datum", "fecha")
            if not rest.strip() and index + 1 < len(lines):
                if bare and ":" not in match[0] and "：" not in match[0]:
                    continue  # a bare column header, not a label: 日期 | 标题
                rest = fold_width(lines[index + 1])
            found = read_date_text(rest[:_LABEL_VALUE_CHARS], today=today, orders=orders)
            if found is not None and found.start <= _LABEL_GAP:
                return Found(value=found.value, where=f"{label} line")
    return None


def _date_line(
    lines: list[str], entry_lines: set[int], *, today: date, orders: OrderSource
) -> Found | None:
    for index, line in enumerate(lines):
        if not line or index in entry_lines or len(line) > _DATE_LINE_MAX_CHARS:
            continue
        words = DATE_LINE_WORDS.search(line)
        if words is None or NOT_PUBLISHED_LABEL.search(line) or NOT_A_PUBLISH_TEXT.search(line):
            continue
        found = read_date_text(line, today=today, orders=orders)
        if found is not None:
            return Found(value=found.value, where=f"date line beside {words[0]}")
    return None


def _after_ideograph(text: str, start: int) -> bool:
    return start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff"
