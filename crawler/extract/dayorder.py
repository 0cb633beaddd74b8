"""Numeric dates whose order the text alone does not tell: ``5/6/2020``, ``05.06.2020``, ``5.6.20``.

``5/6/2020`` is 6 May in the United States and 5 June in Britain; ``05.06.2020`` is read day
first in most of Europe, but nothing on the page says so for certain. The page decides: another
date of the same form whose first number is above 12 (``19.10.2019``) says "day first", one
whose second number is above 12 (``10/19/2019``) says "month first". When the page says both, or
neither, an ambiguous date stays unread (``None``): a guess can move a date by months. A date
whose numbers decide it alone (``19.10.2019``) is read whatever the rest of the page says.

A two-digit year (``19.10.19``) is always 20YY. ``YY-M-D`` (``22-5-18``, ASP.NET's ``yy-M-d``)
is year first: a hyphenated date with the year last is not a form these pages use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from crawler.extract.dates import DateMatch, is_plausible
from crawler.extract.text import fold_width

Order = Literal["day-first", "month-first"]

_YEAR_LAST = re.compile(
    r"(?<![\d.,/-])(?P<a>\d{1,2})(?P<sep>[./])\s?(?P<b>\d{1,2})(?P=sep)\s?(?P<y>(?:19|20)?\d{2})"
    r"(?![\d]|[./]\d)"
)
_FULL_WIDTH_DIGIT = re.compile("[\uff10-\uff19]")
_YEAR_FIRST_SHORT = re.compile(
    r"(?<![\d.,/:-])(?P<y>\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d]|-\d|:\d{2}-)"
)


class OrderSource(Protocol):
    def for_separator(self, separator: str) -> Order | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class DayOrders:
    """The order the page's own dates decide, per separator ('.' and '/'); None: undecided."""

    dot: Order | None = None
    slash: Order | None = None

    def for_separator(self, separator: str) -> Order | None:
        return self.dot if separator == "." else self.slash


class PageDayOrders:
    """The page's ``DayOrders``, read from its text the first time a date needs them."""

    def __init__(self, text: Callable[[], str]) -> None:
        self._text = text
        self._orders: DayOrders | None = None

    def for_separator(self, separator: str) -> Order | None:
        if self._orders is None:
            self._orders = page_day_orders([self._text()])
        return self._orders.for_separator(separator)


def page_day_orders(texts: list[str]) -> DayOrders:
    """What the year-last numeric dates of a page decide about their order."""
    evidence: dict[str, set[Order]] = {".": set(), "/": set()}
    for text in texts:
        if _FULL_WIDTH_DIGIT.search(text):
            text = fold_width(text)
        for match in _YEAR_LAST.finditer(text):
            first, second = int(match["a"]), int(match["b"])
            if 12 < first <= 31 and 1 <= second <= 12:
                evidence[match["sep"]].add("day-first")
            elif 12 < second <= 31 and 1 <= first <= 12:
                evidence[match["sep"]].add("month-first")
    return DayOrders(dot=_decided(evidence["."]), slash=_decided(evidence["/"]))


def _decided(seen: set[Order]) -> Order | None:
    return next(iter(seen)) if len(seen) == 1 else None


def find_ordered_date(text: str, *, orders: OrderSource, today: date) -> DateMatch | None:
    """The first year-last numeric date in ``text`` that its own numbers or ``orders`` decide."""
    folded = fold_width(text)
    for match in _YEAR_LAST.finditer(folded):
        first, second = int(match["a"]), int(match["b"])
        year = int(match["y"]) if len(match["y"]) == 4 else 2000 + int(match["y"])
        order = _order_of(first, second, orders.for_separator(match["sep"]))
        if order is None:
            continue
        day, month = (first, second) if order == "day-first" else (second, first)
        value = _date_or_none(year, month, day, today)
        if value is not None:
            return DateMatch(
                value=value,
                start=match.start(),
                end=match.end(),
                text=text[match.start() : match.end()],
                has_year=True,
            )
    return None


def find_short_year_first(text: str, *, today: date) -> DateMatch | None:
    """``22-5-18`` as 2022-05-18: the first such date in ``text``."""
    folded = fold_width(text)
    for match in _YEAR_FIRST_SHORT.finditer(folded):
        value = _date_or_none(2000 + int(match["y"]), int(match["m"]), int(match["d"]), today)
        if value is not None:
            return DateMatch(
                value=value,
                start=match.start(),
                end=match.end(),
                text=text[match.start() : match.end()],
                has_year=True,
            )
    return None


def _order_of(first: int, second: int, page_order: Order | None) -> Order | None:
    if first > 12 and second <= 12:
        return "day-first"
    if second > 12 and first <= 12:
        return "month-first"
    if first == second:
        return "day-first"  # 5.5.2020: both readings are the same day
    return page_order


def _date_or_none(year: int, month: int, day: int, today: date) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if is_plausible(value, today) else None
