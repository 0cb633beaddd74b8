"""The CJK-aware date parser: dates as Chinese government pages write them.

Full dates: ``2022-05-20``, ``2022/5/20``, ``2022.05.20``, ``2022年5月20日`` (also ``号``),
full-width digits, an optional time after them, ISO date-times with an offset (the day they
state: ``2022-05-19T23:00:00+02:00`` is 2022-05-19, never converted to Asia/Shanghai). Labels
such as ``发布时间：`` may come before.

Short dates (``05-20``, ``5/20``, ``05.20``, ``5月20日``) take their year from ``context_year``
(the other items of the same list), else from ``today``; when that lands more than one day
after ``today`` the previous year is used.

Dates in Chinese numerals, as documents are signed (``二〇二二年五月二十日``,
``二零二二年十二月卅一日``), are full dates.

English dates (``May 19, 2022``, ``19 May 2022``, as on the English pages of development zones)
are full dates, and so are the same in German, French, Spanish, Italian, Portuguese and Dutch
(``19. Mai 2022``, ``19 mai 2022``, ``19 de mayo de 2022``). A two-digit year (``22-05-18``,
ASP.NET's ``yy-MM-dd``) is read only when the date is the whole text (a date cell), and always
as 20YY.

Year-month dates (``2022-05``, ``2022年5月``) give ``None``: the day is unknown and a guess could
make a column look older or newer than it is. Document numbers (``〔2022〕5号``, ``2022年第3号``),
phone numbers, ICP numbers and site codes are not dates. Dates before 1990-01-01 or more than
one day after ``today`` are implausible and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from crawler.extract.text import fold_width

EARLIEST = date(1990, 1, 1)
# How an item's ``date_where`` says its date was seen and refused (``later_dates``).
LATER_THAN_CHECK = "date later than the check date, not counted"
_NO_LIMIT = date(9998, 12, 30)  # a "today" under which every date after EARLIEST is plausible

# Spans that look date-like but are not: masked (same length) before matching.
_NOT_DATES = re.compile(
    r"[〔\[(【［（{]\s*(?:19|20)\d{2}\s*[〕\])】］）}]\s*(?:第\s*)?\d+\s*号"  # 〔2022〕5号
    r"|(?:19|20)\d{2}\s*年\s*第\s*\d+\s*[号期]"  # 2022年第3号
    r"|ICP\s*[备证]?\s*[:：]?\s*\d+"  # 豫ICP备12345678号
    r"|\d{3,4}-\d{7,8}"  # 0371-65901234
    r"|\d{9,}"  # site codes, phone numbers, ids
)

_FULL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})"
    r"(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*[日号]?)"
    r"(?!\d)"
    r"(?P<time>[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
# Month names: English, then German, French, Spanish, Italian, Portuguese and Dutch.
_MONTHS = (
    ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "gennaio", "janeiro",
     "januari"),
    ("february", "feb", "februar", "février", "fevrier", "févr", "fevr", "febrero", "febbraio",
     "fevereiro", "februari"),
    ("march", "mar", "märz", "maerz", "mär", "mrz", "mars", "marzo", "março", "maart"),
    ("april", "apr", "avril", "avr", "abril", "aprile"),
    ("may", "mai", "mayo", "maggio", "maio", "mei"),
    ("june", "jun", "juni", "juin", "junio", "giugno", "junho"),
    ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "julho"),
    ("august", "aug", "août", "aout", "agosto", "augustus"),
    ("september", "sept", "sep", "septembre", "septiembre", "setiembre", "settembre",
     "setembro"),
    ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "outubro"),
    ("november", "nov", "novembre", "noviembre", "novembro"),
    ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre",
     "dicembre", "dezembro"),
)  # fmt: skip
_MONTH_NAMES = {name: number for number, names in enumerate(_MONTHS, start=1) for name in names}
_MONTH_WORD = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_NAMED = re.compile(
    rf"(?<![A-Za-z])(?:(?P<mon>{_MONTH_WORD})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    rf"|(?<!\d)(?P<dfirst>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s*(?:de\s+)?(?P<mon2>{_MONTH_WORD})"
    r"\.?,?\s+(?:de\s+)?)"
    r"(?P<y>(?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)
_TWO_DIGIT_YEAR = re.compile(
    r"[\s\[(（【]*(?P<y>\d{2})(?P<sep>[-/.])(?P<m>\d{2})(?P=sep)(?P<d>\d{2})"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[\s\])）】]*"
)
_MONTH_ONLY = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}(?![\d])")
_SHORT = re.compile(
    r"(?<![\d./-])(?P<m>\d{1,2})(?P<sep>[-/])(?P<d>\d{1,2})(?![\d/-]|\.\d)"
    r"|(?<![\d.])(?P<dm>\d{2})\.(?P<dd>\d{2})(?![\d.])"
    r"|(?<!\d)(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*[日号]"
)
_CN_DIGIT = "〇零○Ｏ一二三四五六七八九"
_CN_FULL = re.compile(
    rf"(?P<y>[{_CN_DIGIT}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,3}})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十廿卅]{1,3})\s*[日号]"
)
_CN_VALUE = {ch: index for index, ch in enumerate("〇一二三四五六七八九")} | {
    "零": 0,
    "○": 0,
    "Ｏ": 0,
}
_COMPACT = re.compile(r"\s*((?:19|20)\d{2})(\d{2})(\d{2})\s*")
_DIGIT = re.compile(r"\d")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_YEAR = re.compile(r"(?:19|20)\d{2}")  # in every full date
DATE_TEXTS_KEPT = 8192
_KEPT_TEXT_CHARS = 200  # date cells and lines are short


@dataclass(frozen=True, slots=True, kw_only=True)
class DateMatch:
    """One date found in a text: its value, where it is and whether it carried a year."""

    value: date
    start: int
    end: int
    text: str
    has_year: bool


def parse_date(text: str, *, today: date, context_year: int | None = None) -> date | None:
    """The date in one date string (or a short text holding one); None if none or implausible.

    A full date wins over a short one; a year-month date means "no date".
    """
    found = find_dates(text, today=today, context_year=context_year, allow_short=True)
    if found:
        return found[0].value
    whole = _COMPACT.fullmatch(text)
    if whole is not None:
        return _plausible(_make(whole[1], whole[2], whole[3]), today)
    return None


def find_dates(
    text: str,
    *,
    today: date,
    context_year: int | None = None,
    allow_short: bool = False,
) -> list[DateMatch]:
    """Every plausible date in ``text`` in order: full dates, else (if allowed) short ones."""
    if not text:
        return []
    if len(text) > _KEPT_TEXT_CHARS:  # running text: rarely asked again, costly to keep
        return list(_found_dates(text, today, context_year, allow_short))
    return list(_kept_dates(text, today, context_year, allow_short))


def _found_dates(
    text: str, today: date, context_year: int | None, allow_short: bool
) -> tuple[DateMatch, ...]:
    if _DIGIT.search(text) is None:
        # No decimal digit: no pattern below but the Chinese numerals' can match.
        return tuple(_chinese_dates(text, today=today)) if "年" in text else ()
    folded = _mask_non_dates(fold_width(text))
    found: list[DateMatch] = []
    for match in _FULL.finditer(folded):
        value = _full_value(match)
        if value is not None:
            value = _plausible(value, today)
        if value is not None:
            found.append(_matched(text, match, value, has_year=True))
    found.extend(_named_dates(text, folded, today=today))
    if "年" in text:
        found.extend(_chinese_dates(text, today=today))
    if not found:
        found.extend(_two_digit_year_date(text, folded, today=today))
    if found or not allow_short or _FULL.search(folded) or _MONTH_ONLY.search(folded):
        return tuple(sorted(found, key=lambda match: match.start))
    for match in _SHORT.finditer(folded):
        month = match["m"] or match["dm"] or match["cm"]
        day = match["d"] or match["dd"] or match["cd"]
        value = _short_value(int(month), int(day), today=today, context_year=context_year)
        if value is not None:
            found.append(_matched(text, match, value, has_year=False))
    return tuple(found)


# A page asks for the same texts many times (an entry's date cell is read for each candidate
# list that holds the entry; a site's pages share their dates and labels): answers are kept.
_kept_dates = lru_cache(maxsize=DATE_TEXTS_KEPT)(_found_dates)


def _named_dates(text: str, folded: str, *, today: date) -> list[DateMatch]:
    """``May 19, 2022`` and ``19 May 2022``."""
    if _ASCII_LETTER.search(folded) is None or _YEAR.search(folded) is None:
        return []  # no month name, or no year (the pattern's alternation is slow to fail)
    out: list[DateMatch] = []
    for match in _NAMED.finditer(folded):
        month = _MONTH_NAMES[(match["mon"] or match["mon2"]).lower()]
        value = _plausible(_make(match["y"], str(month), match["d"] or match["dfirst"]), today)
        if value is not None:
            out.append(_matched(text, match, value, has_year=True))
    return out


def _chinese_dates(text: str, *, today: date) -> list[DateMatch]:
    """``二〇二二年五月二十日``: the year digit by digit, month and day as numbers
    (十, 二十一, 廿一)."""
    out: list[DateMatch] = []
    for match in _CN_FULL.finditer(text):
        year = "".join(str(_CN_VALUE[ch]) for ch in match["y"])
        month, day = _cn_number(match["m"]), _cn_number(match["d"])
        if month is None or day is None:
            continue
        value = _plausible(_make(year, str(month), str(day)), today)
        if value is not None:
            out.append(_matched(text, match, value, has_year=True))
    return out


def _cn_number(word: str) -> int | None:
    """一 … 三十一 (also 廿 = 20, 卅 = 30); None for anything else."""
    tens = {"十": 1, "廿": 2, "卅": 3}
    if word[0] in tens:
        head, rest = tens[word[0]], word[1:]
    elif len(word) >= 2 and word[1] == "十":
        head, rest = _CN_VALUE.get(word[0], -1), word[2:]
        if head < 1:
            return None
    else:
        head, rest = 0, word
        if len(rest) != 1:
            return None
        return _CN_VALUE.get(rest) or None
    if len(rest) > 1:
        return None
    unit = _CN_VALUE.get(rest, -1) if rest else 0
    return None if unit < 0 else head * 10 + unit


def _two_digit_year_date(text: str, folded: str, *, today: date) -> list[DateMatch]:
    """``22-05-18`` when it is all the text says (a date cell): 2022-05-18.

    A hyphen puts the year first (ASP.NET's ``yy-MM-dd``). With dots or slashes the year may
    as well come last (``04.05.20`` is 4 May 2020 in Europe, ``05/04/20`` in the United
    States): of the plausible readings the newest is kept, which can make an old item look
    newer but never a recent one old (a false "not updated").
    """
    whole = _TWO_DIGIT_YEAR.fullmatch(folded)
    if whole is None:
        return []
    first, second, third = whole["y"], whole["m"], whole["d"]
    readings = [_make(f"20{first}", second, third)]
    if whole["sep"] in "./":
        readings.append(_make(f"20{third}", second, first))  # DD.MM.YY
    if whole["sep"] == "/":
        readings.append(_make(f"20{third}", first, second))  # MM/DD/YY
    plausible = [value for reading in readings if (value := _plausible(reading, today))]
    value = max(plausible, default=None)
    if value is None:
        return []
    start, end = whole.start("y"), whole.end("d")
    return [DateMatch(value=value, start=start, end=end, text=text[start:end], has_year=True)]


def _matched(text: str, match: re.Match[str], value: date, *, has_year: bool) -> DateMatch:
    """The ``DateMatch`` of a regex match over the folded text (same offsets as ``text``)."""
    return DateMatch(
        value=value,
        start=match.start(),
        end=match.end(),
        text=text[match.start() : match.end()].strip(),
        has_year=has_year,
    )


def later_dates(text: str, *, today: date) -> list[DateMatch]:
    """The full dates (with a year) in ``text`` later than ``today`` + 1 day, in order.

    No item can have been published after the check, so such a date is a slip of the site
    (2062 for 2026) or a date of something else; a column whose items carry only such
    dates cannot be judged, which differs from a column whose items carry none.
    """
    latest = today + timedelta(days=1)
    found = find_dates(text, today=_NO_LIMIT)
    return [match for match in found if match.has_year and match.value > latest]


def is_plausible(value: date, today: date) -> bool:
    """Within [1990-01-01, today + 1 day]."""
    return EARLIEST <= value <= today + timedelta(days=1)


def _mask_non_dates(text: str) -> str:
    if not _NOT_DATES.search(text):
        return text
    return _NOT_DATES.sub(lambda m: " " * len(m[0]), text)


def _full_value(match: re.Match[str]) -> date | None:
    """The calendar day the text states. A date-time with an offset (``Z``, ``+02:00``) keeps
    its own day: converting it to Asia/Shanghai would move an evening date to the next day."""
    return _make(match["y"], match["m"] or match["cm"], match["d"] or match["cd"])


def _make(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _plausible(value: date | None, today: date) -> date | None:
    if value is None or not is_plausible(value, today):
        return None
    return value


def _short_value(month: int, day: int, *, today: date, context_year: int | None) -> date | None:
    year = context_year if context_year is not None else today.year
    latest = today + timedelta(days=1)
    # 02-29 exists one year in four: its latest occurrence may be up to 7 years back (2100).
    years = range(year, year - 8, -1) if (month, day) == (2, 29) else (year, year - 1)
    for candidate_year in years:
        try:
            value = date(candidate_year, month, day)
        except ValueError:
            continue
        if value <= latest:
            return value if value >= EARLIEST else None
    return None
