"""When a post was published: the date forms feeds and platform APIs write, read by us.

``parse_post_time(text, fetched_at=...)`` returns an aware UTC datetime or None. It reads

- RFC 822 / 2822 (RSS ``pubDate``): ``Sat, 21 May 2022 10:00:00 +0800``, ``21 May 22 10:00 GMT``;
- Weibo's absolute form: ``Sat May 21 10:00:00 +0800 2022``;
- ISO 8601 / RFC 3339 (Atom, JSON Feed): ``2022-05-21T10:00:00+08:00``, ``…Z``;
- Chinese and numeric forms: ``2022-05-21 10:00:00``, ``2022/5/21 10:00``, ``2022年5月21日 10:00``,
  ``2022年5月21日10时05分``, ``2022-05-21`` (full-width digits too);
- Weibo's relative forms, resolved against ``fetched_at``: ``刚刚``, ``30秒前``, ``5分钟前``,
  ``3小时前``, ``2天前``, ``今天 10:00``, ``昨天 10:00``, ``前天 10:00``;
- short dates ``05-21`` / ``5月21日`` (optionally with ``10:00``): this year, or last year when this
  year's date would be after the fetch date;
- Unix timestamps (10 digits: seconds, 13 digits: milliseconds).

A time without a zone is Asia/Shanghai; a date without a time is midnight in Asia/Shanghai.
Month and weekday names are matched by us, never through the locale (``strptime`` ``%b`` is
locale-dependent). The named zone ``CST`` is China Standard Time (+08:00), as Chinese feeds
mean it, not US Central; an unknown named zone is read as Asia/Shanghai.

A time before 2009-01-01 (Asia/Shanghai; Weibo and RSSHub-era accounts cannot be older) or more
than one day after ``fetched_at`` is implausible: the result is None, so the post cannot count.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from crawler.extract.text import collapse, fold_width
from rules.model import SHANGHAI

__all__ = [
    "EARLIEST_POST",
    "FUTURE_TOLERANCE",
    "is_plausible_post_time",
    "is_relative_time",
    "parse_post_time",
]

EARLIEST_POST = datetime(2009, 1, 1, tzinfo=SHANGHAI)
FUTURE_TOLERANCE = timedelta(days=1)
_MAX_TEXT_CHARS = 100  # a date string is short; longer text is not one

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_NAMED_ZONES: dict[str, tzinfo] = {
    "gmt": UTC,
    "ut": UTC,
    "utc": UTC,
    "z": UTC,
    "cst": SHANGHAI,  # China Standard Time in Chinese feeds
    "cct": SHANGHAI,
    "bjt": SHANGHAI,
    "hkt": timezone(timedelta(hours=8)),
    "edt": timezone(timedelta(hours=-4)),
    "est": timezone(timedelta(hours=-5)),
    "cdt": timezone(timedelta(hours=-5)),
    "mdt": timezone(timedelta(hours=-6)),
    "mst": timezone(timedelta(hours=-7)),
    "pdt": timezone(timedelta(hours=-7)),
    "pst": timezone(timedelta(hours=-8)),
}

_ZONE = r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})"
_CLOCK = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3,9}\.?,?\s*)?(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4}|\d{2})"
    rf"(?:,?\s+{_CLOCK})?(?:\s*{_ZONE})?",
)
_WEIBO_ABSOLUTE = re.compile(
    rf"[A-Za-z]{{3}}\s+(?P<mon>[A-Za-z]{{3}})\s+(?P<d>\d{{1,2}})\s+{_CLOCK}\s+"
    r"(?P<zone>[+-]\d{4})\s+(?P<y>\d{4})"
)
_NUMERIC = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*T?\s*(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{1,2})"
    r"(?:\s*[:分]\s*(?P<s>\d{1,2})(?:\.\d+)?\s*秒?|\s*分)?)?"
    r"(?:\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?",
    re.IGNORECASE,
)
_SHORT = re.compile(
    r"(?P<m>\d{1,2})\s*(?:[-/]|月)\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_EPOCH = re.compile(r"(?P<seconds>\d{10})|(?P<millis>\d{13})")
_AGO = re.compile(r"(?P<n>\d{1,6})\s*(?P<unit>秒钟?|分钟|小时|个小时|天)前")
_DAY_WORD = re.compile(r"(?P<word>今天|昨天|前天)\s*(?:(?P<h>\d{1,2}):(?P<mi>\d{2}))?")
_DAY_OFFSETS = {"今天": 0, "昨天": 1, "前天": 2}
_AGO_UNITS = {
    "秒": "seconds",
    "秒钟": "seconds",
    "分钟": "minutes",
    "小时": "hours",
    "个小时": "hours",
}


def parse_post_time(text: str, *, fetched_at: datetime) -> datetime | None:
    """The publication time in ``text`` as an aware UTC datetime; None if none or implausible.

    ``fetched_at`` (aware) resolves relative and year-less forms and bounds plausibility.
    """
    if fetched_at.tzinfo is None:
        raise ValueError(f"naive fetched_at {fetched_at!r}: pass an aware datetime (UTC)")
    if not text or len(text) > _MAX_TEXT_CHARS:
        return None
    cleaned = collapse(fold_width(text))
    try:
        moment = _read(cleaned, fetched_at)
    except (ValueError, OverflowError):  # day 31 in a 30-day month, absurd offsets
        return None
    if moment is None or not is_plausible_post_time(moment, fetched_at):
        return None
    return moment.astimezone(UTC)


_RELATIVE_WORDS = re.compile(r"刚刚|秒前|分钟前|小时前|天前|今天|昨天|前天")


def is_relative_time(text: str) -> bool:
    """True when ``text`` states a time relative to now (3天前, 昨天 10:00): a time read from
    it is only as precise as it says."""
    return _RELATIVE_WORDS.search(text) is not None


def is_plausible_post_time(moment: datetime, fetched_at: datetime) -> bool:
    """Within [2009-01-01 Asia/Shanghai, fetched_at + 1 day]."""
    return EARLIEST_POST <= moment <= fetched_at + FUTURE_TOLERANCE


def _read(text: str, fetched_at: datetime) -> datetime | None:
    for reader in (_relative, _weibo_absolute, _iso, _numeric, _rfc822, _short, _digits):
        moment = reader(text, fetched_at)
        if moment is not None:
            return moment
    return None


def _relative(text: str, fetched_at: datetime) -> datetime | None:
    if text == "刚刚":
        return fetched_at
    ago = _AGO.fullmatch(text)
    if ago is not None:
        unit = ago["unit"]
        amount = int(ago["n"])
        if unit == "天":
            return fetched_at - timedelta(days=amount)
        return fetched_at - timedelta(**{_AGO_UNITS[unit]: amount})
    day_word = _DAY_WORD.fullmatch(text)
    if day_word is not None:
        days_back = _DAY_OFFSETS[day_word["word"]]
        day = fetched_at.astimezone(SHANGHAI).date() - timedelta(days=days_back)
        clock = time(int(day_word["h"]), int(day_word["mi"])) if day_word["h"] else time()
        return datetime.combine(day, clock, tzinfo=SHANGHAI)
    return None


def _weibo_absolute(text: str, _fetched_at: datetime) -> datetime | None:
    match = _WEIBO_ABSOLUTE.fullmatch(text)
    if match is None or match["mon"].lower() not in _MONTHS:
        return None
    return _build(match, month=_MONTHS[match["mon"].lower()], zone=_zone(match["zone"]))


def _iso(text: str, _fetched_at: datetime) -> datetime | None:
    if len(text) < 10 or text[4] != "-" or not text[:4].isdigit():
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def _numeric(text: str, _fetched_at: datetime) -> datetime | None:
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None
    return _build(match, month=int(match["m"]), zone=_zone(match["zone"]))


def _rfc822(text: str, _fetched_at: datetime) -> datetime | None:
    match = _RFC822.fullmatch(text)
    if match is None or match["mon"].lower() not in _MONTHS:
        return None
    year = int(match["y"])
    year = year + 2000 if len(match["y"]) == 2 else year
    return _build(match, month=_MONTHS[match["mon"].lower()], zone=_zone(match["zone"]), year=year)


def _short(text: str, fetched_at: datetime) -> datetime | None:
    match = _SHORT.fullmatch(text)
    if match is None:
        return None
    today = fetched_at.astimezone(SHANGHAI).date()
    month, day = int(match["m"]), int(match["d"])
    for year in (today.year, today.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 02-29 outside a leap year
        if candidate <= today:
            return datetime.combine(candidate, _clock(match), tzinfo=SHANGHAI)
    return None


def _digits(text: str, _fetched_at: datetime) -> datetime | None:
    compact = _COMPACT.fullmatch(text)
    if compact is not None:
        return _build(compact, month=int(compact["m"]), zone=SHANGHAI)
    epoch = _EPOCH.fullmatch(text)
    if epoch is None:
        return None
    if epoch["seconds"]:
        return datetime.fromtimestamp(int(epoch["seconds"]), tz=UTC)
    return datetime.fromtimestamp(int(epoch["millis"]) / 1000, tz=UTC)


def _build(match: re.Match[str], *, month: int, zone: tzinfo, year: int | None = None) -> datetime:
    return datetime.combine(
        date(year if year is not None else int(match["y"]), month, int(match["d"])),
        _clock(match),
        tzinfo=zone,
    )


def _clock(match: re.Match[str]) -> time:
    groups = match.groupdict()
    if not groups.get("h"):
        return time()
    return time(int(groups["h"]), int(groups["mi"]), int(groups.get("s") or 0))


def _zone(raw: str | None) -> tzinfo:
    if raw is None:
        return SHANGHAI
    named = _NAMED_ZONES.get(raw.lower())
    if named is not None:
        return named
    if raw[0] not in "+-":
        return SHANGHAI  # an unknown zone name
    digits = raw[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if raw[0] == "-" else offset)
