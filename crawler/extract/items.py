"""One list entry read from its element: the title link and the entry's own date.

The date is looked for in the entry's text outside the title link first (a ``span``, ``em``,
``font`` or table cell), preferring a ``发布`` label or a table's 发布日期 column; a date inside
the link counts only when it stands apart from the title (its own element, or at the end in
brackets). A date inside running text (a summary sentence: "4月28日，…2022年5月1日起…") is an
event the text speaks of, not the entry's date, and is not read. Short dates (``05-20``) are
kept unresolved until the list's year is known (``years``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborNode

from crawler.extract.anchors import Link, read_link
from crawler.extract.dates import DateMatch, find_dates, later_dates
from crawler.extract.locate import describe, position
from crawler.extract.text import collapse

_SHORT_DATE_REST_CHARS = 6  # what else a text holding a year-less date may say (a label)
_SIBLINGS_TO_FOLLOW = 3
_OPENING = " [(（【［〔<《:："
_CLOSING = " ])）】］〕>》"
_EMPTY_BRACKETS = re.compile(r"[\[(【（［〔]\s*[\])】）］〕]|[\s\-|·:：]+$")
_DIGIT = re.compile(r"\d")
_PUBLISH_LABEL = ("发布", "发表", "公开", "更新")
_SENTENCE_MARKS = frozenset("，。；！？")
_PROSE_REST_CHARS = 60  # more words than this around a date make it running text


@dataclass(slots=True, kw_only=True)
class EntryDate:
    """A date read for an entry; ``match.has_year`` False means it awaits the list's year."""

    match: DateMatch
    raw: str  # the text node it came from, whitespace-collapsed
    where: str  # locator inside the entry, "" when the entry's own text


@dataclass(slots=True, kw_only=True)
class Entry:
    title: str
    url: str
    date_hit: EntryDate | None
    # No date, but one later than the check date where the date would be: not counted, yet
    # the entry is not "undated" either (``dates.later_dates``).
    later_hit: EntryDate | None = None


@dataclass(slots=True)
class _Hit:
    found: EntryDate
    inside_link: bool
    labelled: bool
    column: int | None
    standalone: bool


def read_entry(
    element: LexborNode,
    *,
    base_url: str,
    today: date,
    links: list[tuple[LexborNode, Link]] | None = None,
    date_column: int | None = None,
    stop_at: frozenset[int] = frozenset(),
) -> Entry | None:
    """The entry held by ``element``, or None when it has no title link.

    ``links`` are the element's title-like anchors when already known; ``date_column`` the
    1-based table cell that holds the publish date; ``stop_at`` the ids of the other entries,
    where a search for a date in the following siblings stops.
    """
    if links is None:
        links = _links_in(element, base_url=base_url)
    if not links:
        return None
    anchor, link = max(links, key=lambda pair: len(pair[1].title))
    texts = _digit_texts(element)
    hits = _date_hits(texts, element, anchor, today=today)
    chosen = _choose(hits, date_column)
    if chosen is None and not hits:
        chosen = _from_following(element, today=today, stop_at=stop_at)
    later = None
    if chosen is None and texts:
        later = _choose(_date_hits(texts, element, anchor, today=today, later=True), date_column)
    title = link.title
    shown = chosen or later
    if shown is not None and shown.inside_link:
        title = _title_without(title, shown.found.match.text)
    return Entry(
        title=title,
        url=link.url,
        date_hit=chosen.found if chosen else None,
        later_hit=later.found if later else None,
    )


def _links_in(element: LexborNode, *, base_url: str) -> list[tuple[LexborNode, Link]]:
    anchors = [element] if element.tag == "a" else element.css("a")
    out: list[tuple[LexborNode, Link]] = []
    for anchor in anchors:
        link = read_link(anchor, base_url=base_url)
        if link is not None:
            out.append((anchor, link))
    return out


def _digit_texts(element: LexborNode) -> list[tuple[LexborNode | None, str]]:
    """The texts of ``element`` holding a digit, whitespace-collapsed, each with the element
    holding it, in document order: where a date may be."""
    if _DIGIT.search(element.text(deep=True)) is None:
        return []  # the whole text at once, in C: most entries of most candidates have none
    texts: list[tuple[LexborNode | None, str]] = []
    for node in element.traverse(include_text=True, skip_empty=True):
        if not node.is_text_node:
            continue
        raw = node.text_content or ""
        if _DIGIT.search(raw) is not None:
            texts.append((node.parent, collapse(raw)))
    return texts


def _date_hits(
    texts: list[tuple[LexborNode | None, str]],
    element: LexborNode,
    anchor: LexborNode,
    *,
    today: date,
    later: bool = False,
) -> list[_Hit]:
    """The entry's date-like texts; with ``later``, only full dates after ``today`` + 1 day."""
    hits: list[_Hit] = []
    anchor_id = anchor.mem_id
    element_id = element.mem_id
    for holder, text in texts:
        if later:
            found = later_dates(text, today=today)
        else:
            found = find_dates(text, today=today, allow_short=True)
        found = [match for match in found if _counts(text, match) and not _in_prose(text, match)]
        if not found:
            continue
        inside_link, column = _context(holder, anchor_id=anchor_id, element_id=element_id)
        match = found[0]
        hits.append(
            _Hit(
                found=EntryDate(match=match, raw=text, where=_where(holder, element_id=element_id)),
                inside_link=inside_link,
                labelled=any(label in text for label in _PUBLISH_LABEL),
                column=column,
                standalone=_stands_apart(text, match),
            )
        )
    return hits


def _counts(text: str, match: DateMatch) -> bool:
    """A year-less date counts in a text that is little else, or set apart at one end."""
    return match.has_year or _short_date_alone(text, match) or _stands_apart(text, match)


def _in_prose(text: str, match: DateMatch) -> bool:
    """The date sits in a sentence (a summary or abstract), not in a date field."""
    rest = text[: match.start] + text[match.end :]
    return len(rest) > _PROSE_REST_CHARS or any(mark in rest for mark in _SENTENCE_MARKS)


def _short_date_alone(text: str, match: DateMatch) -> bool:
    """``[05-20]``, ``日期：5月20日``: a label or brackets at most, and no other number."""
    rest = text[: match.start] + text[match.end :]
    return len(rest.strip()) <= _SHORT_DATE_REST_CHARS and not any(ch.isdigit() for ch in rest)


def _stands_apart(text: str, match: DateMatch) -> bool:
    """The date opens or closes the text, apart from the words (``标题 [2022-05-20]``).

    A year-less date must also be set off by a space or a bracket (so ``第5-6周`` is no date).
    """
    head = text[: match.start].strip(_OPENING)
    tail = text[match.end :].strip(_CLOSING)
    if head and tail:
        return False
    if match.has_year:
        return True
    before_ok = match.start == 0 or text[match.start - 1] in _OPENING
    after_ok = match.end >= len(text) or text[match.end] in _CLOSING
    return before_ok and after_ok


def _context(
    holder: LexborNode | None, *, anchor_id: int, element_id: int
) -> tuple[bool, int | None]:
    """Whether the text is inside the title link, and the 1-based cell holding it: the table
    cell, else the entry's child element (``li > span``), counting element children."""
    inside_link = False
    column: int | None = None
    child: LexborNode | None = None
    node = holder
    while node is not None:
        node_id = node.mem_id
        if node_id == anchor_id:
            inside_link = True
        if column is None and node.tag in ("td", "th"):
            column = _cell_index(node)
        if node_id == element_id:
            break
        child = node
        node = node.parent
    if column is None and child is not None and child.is_element_node:
        column = _cell_index(child)
    return inside_link, column


def _cell_index(node: LexborNode) -> int:
    """1-based position of ``node`` among its parent's element children."""
    index = 1
    sibling = node.prev
    while sibling is not None:
        if sibling.is_element_node:
            index += 1
        sibling = sibling.prev
    return index


def _where(holder: LexborNode | None, *, element_id: int) -> str:
    if holder is None or holder.mem_id == element_id:
        return ""
    if holder.tag in ("td", "th"):
        return position(holder)
    parent = holder.parent
    if holder.tag in ("font", "b", "strong", "i") and parent is not None:
        if parent.mem_id != element_id and parent.tag in ("td", "th"):
            return f"{position(parent)} > {describe(holder)}"
    return describe(holder)


def _choose(hits: list[_Hit], date_column: int | None) -> _Hit | None:
    if date_column is not None:
        for hit in hits:
            if hit.column == date_column and not hit.inside_link:
                return hit
    outside = [hit for hit in hits if not hit.inside_link]
    if outside:
        for hit in outside:
            if hit.labelled:
                return hit
        return outside[0]
    for hit in hits:
        if hit.standalone:
            return hit
    return None


def _from_following(element: LexborNode, *, today: date, stop_at: frozenset[int]) -> _Hit | None:
    """A date in the siblings right after the entry (``<dt>title</dt><dd>date</dd>``)."""
    sibling = element.next
    steps = 0
    while sibling is not None and steps < _SIBLINGS_TO_FOLLOW:
        if sibling.mem_id in stop_at or sibling.tag in ("a", "br", "hr"):
            return None
        if sibling.is_element_node and sibling.css_first("a") is not None:
            return None
        if sibling.is_text_node:
            text = collapse(sibling.text_content or "")
        elif sibling.is_element_node:
            text = collapse(sibling.text(deep=True))
        else:
            text = ""  # a comment
        if text:
            steps += 1
            found = find_dates(text, today=today, allow_short=True)
            found = [match for match in found if _counts(text, match)]
            if found:
                where = f"+ {describe(sibling)}" if sibling.is_element_node else "+ text"
                return _Hit(
                    found=EntryDate(match=found[0], raw=text, where=where),
                    inside_link=False,
                    labelled=False,
                    column=None,
                    standalone=True,
                )
        sibling = sibling.next
    return None


def _title_without(title: str, date_text: str) -> str:
    if date_text not in title:
        return title
    stripped = _EMPTY_BRACKETS.sub("", collapse(title.replace(date_text, " ")))
    stripped = _EMPTY_BRACKETS.sub("", stripped).strip()
    return stripped or title
