"""htmldate, the article chain's last resort, and the checks its answer must pass.

htmldate (fast mode first, the more precise; then its extensive search) reads dates our
chain leaves alone: day-first dotted dates no other date on the page decides, dates in URLs
and in scripts. Two of its answers are refused, as wrong dates are worse than none:

- a 1 January the page never states: htmldate falls back on a year alone (it reads
  ``2022年5月20日`` and the ``今天是2022年5月24日`` header widget as 2022-01-01);
- a date the page states only after a label that says it is not the publish date
  (``更新时间``, ``成文日期``, ``Last updated``, ``dateModified``).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from crawler.extract.dates import find_dates, parse_date
from crawler.extract.labels import NOT_PUBLISHED_LABEL

logger = logging.getLogger(__name__)

_LABEL_BEFORE_CHARS = 16  # how far before a date its label is looked for
_WINDOW_BEFORE_CHARS = 40  # the text read around each occurrence of the year: "May 20, 2022"
_WINDOW_AFTER_CHARS = 24  # … "2022-05-20T10:00:00+08:00", "2022年5月20日"


def htmldate_fallback(html: str, *, today: date) -> date | None:
    """htmldate's date for the page, if plausible and not refused; None otherwise."""
    found = _htmldate(html, today=today)
    if found is None:
        return None
    stated, contested = _where_stated(html, found, today=today)
    if stated:
        return found
    if (found.month, found.day) == (1, 1) or contested:
        return None
    return found


def _htmldate(html: str, *, today: date) -> date | None:
    try:
        from htmldate import find_date  # imported late: it pulls in lxml and dateparser

        for extensive in (False, True):
            found = find_date(
                html,
                original_date=True,
                extensive_search=extensive,
                min_date="1990-01-01",
                max_date=(today + timedelta(days=1)).isoformat(),
            )
            if isinstance(found, str):
                return parse_date(found, today=today)
    except Exception:  # htmldate is a fallback: any failure of it means "no date"
        logger.debug("htmldate failed on a page", exc_info=True)
    return None


def _where_stated(html: str, value: date, *, today: date) -> tuple[bool, bool]:
    """Whether the raw page states ``value`` as a full date after no label or a neutral one,
    and whether it states it after a label that says it is not the publish date. Only the
    text around each occurrence of the year is read (pages are long)."""
    stated = contested = False
    year = str(value.year)
    start = html.find(year)
    while start >= 0 and not stated:
        window_start = max(0, start - _WINDOW_BEFORE_CHARS)
        window = html[window_start : start + _WINDOW_AFTER_CHARS]
        for match in find_dates(window, today=today):
            if match.value != value:
                continue
            before = window[max(0, match.start - _LABEL_BEFORE_CHARS) : match.start]
            if NOT_PUBLISHED_LABEL.search(before):
                contested = True
            else:
                stated = True
        start = html.find(year, start + len(year))
    return stated, contested
