"""What an element's class and id names say about it: the page's frame (footer, navigation,
menu), a side box (comments, related, recommended or hot boxes, sidebars), a publish date
(``pubTime``, ``publish-time``), another date (``update-time``, ``comment-date``), or a date
and no more (``date``, ``time``).

Names are read as words, split at case changes, "-", "_" and digits; a state word (``has-nav``,
``no-sidebar``) makes a name the page's state, not a region. Class names repeat their words
from element to element and page to page far more than whole names do: what a word says is
kept per word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["NO_NAMES", "Names", "names_of"]

# Words of class and id names (split at case changes, "-", "_" and digits).
_FRAME_WORDS = frozenset(
    {"footer", "foot", "bottom", "copyright", "banquan", "nav", "navbar", "navigation", "menu"}
)
_ASIDE_WORDS = frozenset(
    {
        "comment", "comments", "reply", "replies", "pinglun", "related", "relate", "relation",
        "recommend", "recommended", "tuijian", "xgwz", "xgxw", "xgxx", "sidebar", "aside",
        "hot", "rank", "ranking", "paihang", "phb", "breadcrumb", "breadcrumbs", "crumb",
        "widget", "outbrain", "taboola",
    }
)  # fmt: skip
_FRAME_PREFIXES = ("nav", "menu", "footer")  # navtop, menubar, footerlinks
_STATE_WORDS = frozenset({"has", "with", "is", "no", "not", "show", "hide", "open"})
_PUBLISH_WORDS = frozenset(
    {
        "pub", "pubdate", "pubtime", "publish", "published", "publishdate", "publishtime",
        "publication", "publishing", "fbsj", "fbrq", "fbtime", "fbdate", "posted", "postdate",
        "posttime", "datepublished", "release", "released", "releasedate", "issued",
    }
)  # fmt: skip
_DATE_WORDS = frozenset(
    {"date", "time", "datetime", "datum", "fecha", "riqi", "shijian", "dateline", "timestamp"}
)
_DATE_STEMS = ("date", "time", "datum")
_NOT_DATE_WORDS = frozenset(
    {
        "candidate", "validate", "mandate", "accommodate", "consolidate", "timeline", "timer",
        "timeout", "timezone", "timetable", "timeslot", "datepicker", "timepicker", "dateformat",
        "runtime", "lifetime", "realtime", "onetime", "anytime", "overtime", "halftime",
        "fulltime", "meantime", "bedtime", "showtime", "daytime", "sometime", "uptime",
        "downtime", "readtime",
    }
)  # fmt: skip
_NOT_PUBLISH_WORDS = frozenset(
    {
        "update", "updated", "modified", "modify", "lastmod", "edit", "edited", "revised",
        "comment", "comments", "reply", "expire", "expires", "deadline", "end", "today",
        "clock", "now", "weather", "reading", "read", "readtime", "duration", "length",
        "birth", "copyright", "event", "start", "countdown", "current", "actualizado",
        "aktualisiert", "modifie", "lastupdate", "changed",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Names:
    """What an element's class and id names say about it."""

    frame: bool = False  # footer, navigation, menu
    aside: bool = False  # comments, related/recommended/hot boxes, sidebars
    publish: bool = False  # names a publish date (pubTime, publish-time)
    not_publish: bool = False  # names another date (update-time, comment-date)
    date: bool = False  # names a date or time, no more


NO_NAMES = Names()


@lru_cache(maxsize=8192)
def names_of(raw: str) -> Names:
    """The names' words (split at case changes, "-", "_" and digits), read once per string."""
    if not raw.strip():
        return NO_NAMES
    said = 0
    for word in _WORD.findall(_CAMEL.sub(" ", raw).lower()):
        said |= _word_says(word)
    return _NAMES_SAID[said]


# What one word says, as bits; an element's names say what any of their words says.
_STATE, _FRAME, _ASIDE, _PUBLISH, _NOT_PUBLISH, _DATE = (1 << bit for bit in range(6))


@lru_cache(maxsize=16384)
def _word_says(word: str) -> int:
    """The bits of what ``word`` says (class names repeat words far more than whole names)."""
    return (
        (_STATE if word in _STATE_WORDS else 0)
        | (_FRAME if word in _FRAME_WORDS or word.startswith(_FRAME_PREFIXES) else 0)
        | (_ASIDE if word in _ASIDE_WORDS else 0)
        | (_PUBLISH if word in _PUBLISH_WORDS else 0)
        | (_NOT_PUBLISH if word in _NOT_PUBLISH_WORDS else 0)
        | (
            _DATE
            if word in _DATE_WORDS
            or (
                (word.startswith(_DATE_STEMS) or word.endswith(_DATE_STEMS))
                and word not in _NOT_DATE_WORDS
            )
            else 0
        )
    )


def _names_said(said: int) -> Names:
    state = bool(said & _STATE)  # has-nav, no-sidebar: the page's state, not a region
    return Names(
        frame=not state and bool(said & _FRAME),
        aside=not state and bool(said & _ASIDE),
        publish=bool(said & _PUBLISH),
        not_publish=bool(said & _NOT_PUBLISH),
        date=bool(said & _DATE),
    )


_NAMES_SAID = tuple(_names_said(said) for said in range(1 << 6))
