"""Relative dates, as pages that render "how long ago" write them, anchored on the fetch day.

``刚刚`` (just now), ``N分钟前`` and ``N秒前`` are ``today``; ``N小时前`` is ``today`` less whole
days of hours (only the fetch day is known, not its hour, so "20小时前" reads as today even when
it was late yesterday: at most one day newer, never older); ``昨天``/``昨日`` is the day before,
``前天`` two days before, ``N天前``/``N日前`` N days before. ``N周前``, ``N个月前`` and older forms
give no date: a week or a month is not a day.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from crawler.extract.dates import DateMatch, is_plausible
from crawler.extract.text import fold_width

_RELATIVE = re.compile(
    r"(?P<now>刚刚|刚才)"
    r"|(?P<n>\d{1,4})\s*(?P<unit>秒|分钟|分鐘|小时|小時|天|日)\s*前"
    r"|(?P<word>前天|昨天|昨日|今天|今日)(?!是)"
)


def find_relative_date(text: str, *, today: date) -> DateMatch | None:
    """The first relative date in ``text`` (anchored on ``today``), or None."""
    folded = fold_width(text)
    match = _RELATIVE.search(folded)
    if match is None:
        return None
    if match["now"]:
        days = 0
    elif match["word"]:
        days = {"前天": 2, "昨天": 1, "昨日": 1}.get(match["word"], 0)
    else:
        count, unit = int(match["n"]), match["unit"]
        if unit in ("秒", "分钟", "分鐘"):
            days = 0
        elif unit in ("小时", "小時"):
            days = count // 24
        else:
            days = count
    value = today - timedelta(days=days)
    if not is_plausible(value, today):
        return None
    return DateMatch(
        value=value,
        start=match.start(),
        end=match.end(),
        text=text[match.start() : match.end()],
        has_year=True,
    )
