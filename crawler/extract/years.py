"""The year of a year-less list date (``05-20``, ``5月20日``, ``[05-20]``), from the page.

Many lists print the month and day only. The year is taken, in this order, from:

1. ``url``: a date in the entry's own URL path (``/20200709/``, ``t20200709_``, ``/2020/07/``,
   ``/art/2020/7/9/``, ``/202007/``): the occurrence of the day nearest to the URL's date (a CMS
   files a page when it is written, a little before it is shown), if at most ``URL_DAYS`` away;
2. ``heading``: a year heading over the entry's list (``<h3>2021年</h3>``) or a year row inside
   it (``<li class="year">2021</li>``);
3. ``order``: the list's order. In a list that runs newest first (or oldest first), an entry
   between two known dates (full dates, or years from 1–2) takes the latest occurrence between
   them. A year-less entry next to a year-less one whose year is known takes the occurrence
   that keeps the order, when the two are at most ``LINK_DAYS`` apart: ``01-02`` above
   ``12-30`` is January of the year after. With no year-less entry known, the one whose latest
   occurrence is the newest keeps it and its neighbours follow by the order;
4. ``check date``: the latest occurrence not after the check date (``today``) + 1 day.

A full date is no neighbour of a year-less one, only a bound: lists that print this year's
dates without the year and older ones with it (``05-18`` above ``2021-05-10``), and an old
pinned entry printed in full above a year-less list, would otherwise pull this year's entries
a year back.

No rule ever gives a date after ``today`` + 1 day. Pinned entries (置顶, and the headline
blocks above a list) take part in 1, 2 and 4 only: an old pinned entry is nobody's neighbour.
The other full dates of the page (a header's "今天是…", a footer's years, a side box) are not
used: they say when the page was made at the earliest, nothing about when its list's items
were published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from crawler.extract.dates import EARLIEST
from crawler.extract.locate import class_and_id
from crawler.extract.text import collapse, fold_width

URL_DAYS = 62  # a URL date this far from the shown day is another date (a draft, an id)
LINK_DAYS = 45  # neighbours further apart than this tell nothing about each other's year
_DISORDER_DAYS = 3  # a list newest first may show a day or two out of order
_HEADING_LEVELS = 3  # the list container and this many ancestors are searched for a heading
_HEADING_SIBLINGS = 3

_URL_DAY = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"/((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"),
)
_URL_MONTH = (
    re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(?=/)"),
    re.compile(r"/((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])(?=/)"),
)
_YEAR_HEADING = re.compile(r"((?:19|20)\d{2})\s*(?:年度?)?\s*[:：]?")
_PINNED_WORD = "置顶"
_PINNED_HINTS = re.compile(r"zhiding|\bzd\b|\btop\b|sticky|pinned|istop|settop|置顶")
_PINNED_HINT_WORDS = ("zhiding", "zd", "top", "sticky", "pinned", "置顶")  # one in each hint


@dataclass(frozen=True, slots=True, kw_only=True)
class DateSlot:
    """One entry's date as printed: with its year (``full``), without (``month_day``), or none."""

    full: date | None = None
    month_day: tuple[int, int] | None = None
    url: str = ""
    heading_year: int | None = None  # the year heading over the entry, if any
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Dated:
    """An entry's date and, for a year-less one, what its year was inferred from."""

    value: date
    year_from: str | None = None  # "URL", "heading 2021", "list order", "check date"

    @property
    def note(self) -> str | None:
        """The evidence suffix: ``year inferred from URL``; None when the year was printed."""
        return f"year inferred from {self.year_from}" if self.year_from else None


def resolve_years(slots: Sequence[DateSlot], *, today: date) -> list[Dated | None]:
    """The date of each slot (None for an undated one), year-less dates resolved as above."""
    latest = today + timedelta(days=1)
    out: list[Dated | None] = []
    for slot in slots:
        if slot.full is not None:
            out.append(Dated(slot.full))
        elif slot.month_day is not None:
            out.append(_direct(slot, latest))
        else:
            out.append(None)
    chain = [
        index
        for index, slot in enumerate(slots)
        if not slot.pinned and (slot.full is not None or slot.month_day is not None)
    ]
    step = _direction([_month_day(slots[index]) for index in chain])
    if step is not None:
        _between_known(chain, slots, out, step=step, latest=latest)
        yearless = [index for index in chain if slots[index].month_day is not None]
        if not any(out[index] is not None for index in yearless):
            _anchor_newest(yearless, slots, out, latest)
        _follow_order(yearless, slots, out, step=step, latest=latest)
        _between_known(chain, slots, out, step=step, latest=latest)
    for index, slot in enumerate(slots):
        if out[index] is None and slot.month_day is not None:
            value = _latest(slot.month_day, latest)
            out[index] = Dated(value, "check date") if value is not None else None
    return out


def url_date(url: str) -> date | None:
    """The date a URL's path carries (the 15th for a path that names a month only)."""
    path = urlsplit(url).path if "://" in url else url
    for pattern in _URL_DAY:
        for match in pattern.finditer(path):
            value = _make(int(match[1]), int(match[2]), int(match[3]))
            if value is not None:
                return value
    for pattern in _URL_MONTH:
        for match in pattern.finditer(path):
            value = _make(int(match[1]), int(match[2]), 15)
            if value is not None:
                return value
    return None


def heading_year(text: str, *, today: date) -> int | None:
    """The year a heading or a year row is made of alone (``2021年``, ``2021``, ``2021年度：``)."""
    folded = collapse(fold_width(text))
    match = _YEAR_HEADING.fullmatch(folded)
    if match is None:
        return None
    year = int(match[1])
    return year if EARLIEST.year <= year <= today.year else None


def entry_heading_years(
    container: LexborNode, entry_ids: frozenset[int], *, today: date
) -> dict[int, int]:
    """The year heading over each entry of one list container, by entry element id.

    The heading before the container (or before one of its few nearest ancestors) holds for
    every entry; a year row inside the container (an element without links) holds for the
    entries after it.
    """
    current = _year_above(container, today=today)
    years: dict[int, int] = {}
    for child in container.iter():
        if child.mem_id in entry_ids:
            if current is not None:
                years[child.mem_id] = current
        elif child.css_first("a") is None:
            found = heading_year(child.text(deep=True), today=today)
            if found is not None:
                current = found
    return years


def is_pinned(element: LexborNode, title: str) -> bool:
    """The entry is marked pinned: 置顶 in its text (beside the title), or a pinned class, id,
    image name or alt text on it or inside it."""
    text = collapse(element.text(deep=True))
    if _PINNED_WORD in text.replace(title, ""):
        return True
    markup = (element.html or "").lower()
    if not any(word in markup for word in _PINNED_HINT_WORDS):
        return False  # no hint can be in its attributes (escaping leaves these words whole)
    for node in (element, *element.css("[class], [id], img")):
        hints = class_and_id(node)
        if node.tag == "img":
            attributes = node.attributes
            hints += f" {attributes.get('alt') or ''} {attributes.get('src') or ''}".lower()
        if _PINNED_HINTS.search(hints):
            return True
    return False


def _year_above(container: LexborNode, *, today: date) -> int | None:
    node: LexborNode | None = container
    for _ in range(_HEADING_LEVELS + 1):
        if node is None or node.tag in ("body", "html"):
            return None
        sibling = node.prev
        seen = 0
        while sibling is not None and seen < _HEADING_SIBLINGS:
            if sibling.is_element_node:
                seen += 1
                found = heading_year(sibling.text(deep=True), today=today)
                if found is not None:
                    return found
                if sibling.css_first("a") is not None:
                    break  # another block: headings beyond it are not this list's
            sibling = sibling.prev
        node = node.parent
    return None


def _direct(slot: DateSlot, latest: date) -> Dated | None:
    """Rules 1 and 2: the entry's URL, then its year heading."""
    assert slot.month_day is not None
    month, day = slot.month_day
    reference = url_date(slot.url) if slot.url else None
    if reference is not None:
        value = _nearest(month, day, reference, latest)
        if value is not None and abs((value - reference).days) <= URL_DAYS:
            return Dated(value, "URL")
    if slot.heading_year is not None:
        value = _make(slot.heading_year, month, day)
        if value is not None and value <= latest:
            return Dated(value, f"heading {slot.heading_year}")
    return None


def _month_day(slot: DateSlot) -> tuple[int, int]:
    if slot.full is not None:
        return slot.full.month, slot.full.day
    assert slot.month_day is not None
    return slot.month_day


def _direction(days: list[tuple[int, int]]) -> int | None:
    """-1 for a list newest first, +1 oldest first, None when it keeps no order.

    One step against the order is a turn of the year; more than a fifth of the steps against
    it make the list unordered.
    """
    falls = sum(1 for above, below in pairwise(days) if below < above)
    rises = sum(1 for above, below in pairwise(days) if below > above)
    allowed = max(1, (falls + rises) // 5)
    if rises <= allowed:
        return -1
    if falls <= allowed:
        return 1
    return None


def _anchor_newest(
    chain: list[int], slots: Sequence[DateSlot], out: list[Dated | None], latest: date
) -> None:
    """No date known: the entry whose latest occurrence is the newest keeps it."""
    best: tuple[date, int] | None = None
    for index in chain:
        month_day = slots[index].month_day
        value = _latest(month_day, latest) if month_day is not None else None
        if value is not None and (best is None or value > best[0]):
            best = (value, index)
    if best is not None:
        out[best[1]] = Dated(best[0], "check date")


def _follow_order(
    chain: list[int],
    slots: Sequence[DateSlot],
    out: list[Dated | None],
    *,
    step: int,
    latest: date,
) -> None:
    """Rule 3: from each year-less entry whose year is known to its year-less neighbours,
    down the page and back up."""
    for order in (chain, chain[::-1]):
        # Walking down a list newest first, dates fall; walking back up they rise.
        falling = (step < 0) == (order is chain)
        previous: date | None = None
        for index in order:
            known = out[index]
            if known is not None:
                previous = known.value
                continue
            month_day = slots[index].month_day
            if previous is None or month_day is None:
                previous = None
                continue
            value = _next_in_order(month_day, previous, falling=falling, latest=latest)
            if value is None:
                previous = None
                continue
            out[index] = Dated(value, "list order")
            previous = value


def _next_in_order(
    month_day: tuple[int, int], previous: date, *, falling: bool, latest: date
) -> date | None:
    month, day = month_day
    slack = timedelta(days=_DISORDER_DAYS)
    if falling:
        value = _latest(month_day, min(previous + slack, latest))
        gap = (previous - value).days if value is not None else None
    else:
        value = _earliest(month, day, previous - slack, latest)
        gap = (value - previous).days if value is not None else None
    if value is None or gap is None or gap > LINK_DAYS:
        return None
    return value


def _between_known(
    chain: list[int],
    slots: Sequence[DateSlot],
    out: list[Dated | None],
    *,
    step: int,
    latest: date,
) -> None:
    """An entry between two known dates in order: the latest occurrence between them."""
    known = [out[index] for index in chain]
    above_of: list[Dated | None] = []
    last: Dated | None = None
    for found in known:
        above_of.append(last)
        last = found or last
    below_of: list[Dated | None] = []
    last = None
    for found in reversed(known):
        below_of.append(last)
        last = found or last
    below_of.reverse()
    slack = timedelta(days=_DISORDER_DAYS)
    for position, index in enumerate(chain):
        month_day = slots[index].month_day
        if known[position] is not None or month_day is None:
            continue
        above, below = above_of[position], below_of[position]
        if above is None or below is None:
            continue
        newer, older = (above, below) if step < 0 else (below, above)
        if older.value > newer.value + slack:
            continue  # the two known dates disagree with the order: no window
        value = _latest(month_day, min(newer.value + slack, latest))
        if value is not None and value >= older.value - slack:
            out[index] = Dated(value, "list order")


def _nearest(month: int, day: int, reference: date, latest: date) -> date | None:
    options = [
        value
        for year in (reference.year - 1, reference.year, reference.year + 1)
        if (value := _make(year, month, day)) is not None and value <= latest
    ]
    return min(options, key=lambda value: abs((value - reference).days), default=None)


def _latest(month_day: tuple[int, int], latest: date) -> date | None:
    """The latest occurrence of the day not after ``latest``."""
    month, day = month_day
    for year in range(latest.year, latest.year - 5, -1):
        value = _make(year, month, day)
        if value is not None and value <= latest:
            return value if value >= EARLIEST else None
    return None


def _earliest(month: int, day: int, start: date, latest: date) -> date | None:
    """The earliest occurrence of the day on or after ``start``, not after ``latest``."""
    for year in range(start.year, start.year + 5):
        value = _make(year, month, day)
        if value is not None and value >= start:
            return value if value <= latest else None
    return None


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
