"""Boards whose letters come as JSON records (the answer of the endpoint a page's script calls).

The records are the list at the dotted path a board names (``data.records``, ``result.list``;
a number picks an item of a list: ``data.0.rows``), else the largest list of objects found
within six levels whose objects have a title-like and a time-like key. A record's fields are
the keys the board names (``fields``: our field name -> the record's key, dotted for a nested
key), else the usual names, matched without regard to case (``title``, ``createTime``,
``replyTime``, ``status``, ``deptName``, ``url``; the pinyin initials ``xxbt``, ``lysj``,
``hfsj``, ``blbm`` …).

Times are strings in any form ``crawler.extract.dates`` reads, or epoch numbers in seconds or
milliseconds (also as digit strings, or Java's ``{"time": 1651334400000}``), taken as the
Asia/Shanghai calendar day. A status that is a number (a code we have no words for) is no
status text. ``where`` is ``records[N]``, N counted from 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType

from crawler.boards.seen import BoardPage, LetterSeen
from crawler.boards.words import (
    clean_title,
    letter_state,
    read_day,
    short_text,
    status_text,
)
from crawler.extract.anchors import is_title_like, resolve_href
from crawler.extract.dates import EARLIEST
from rules.model import SHANGHAI

__all__ = ["read_board_json"]

MAX_DEPTH = 6
_MAX_VISITS = 20_000  # values looked at while searching for the records
_MAX_ITEMS_SEARCHED = 50  # items of one list looked into while searching
_SAMPLE = 20  # records whose keys decide which key holds what
_MILLISECONDS = 100_000_000_000  # an epoch number above this counts milliseconds
_NO_FIELDS: Mapping[str, str] = MappingProxyType({})
_TAG = re.compile(r"<[^>]{0,200}>")

_USUAL_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "subject", "letterTitle", "xxbt", "bt", "name", "question"),
    "asked": (
        "createTime", "createDate", "askTime", "submitTime", "addTime", "writeTime",
        "postTime", "lysj", "tjsj", "lxsj",
    ),
    "replied": (
        "replyTime", "replyDate", "answerTime", "hfsj", "dfsj", "finishTime", "handleTime",
        "bjsj",
    ),
    "status": ("status", "state", "replyStatus", "handleStatus", "statusName", "zt"),
    "unit": ("unit", "dept", "deptName", "handleDept", "replyDept", "blbm"),
    "url": ("url", "link", "href", "detailUrl"),
}  # fmt: skip


def read_board_json(
    document: object,
    base_url: str,
    *,
    today: date,
    records: str | None = None,
    fields: Mapping[str, str] = _NO_FIELDS,
) -> BoardPage:
    """The letters of a parsed JSON document (see the module docstring)."""
    named = dict(fields)
    found = _at_path(document, records) if records else _largest_letter_list(document, named)
    if found is None:
        return BoardPage(letters=(), layout="none")
    keys = _keys_of(found, named)
    letters: list[LetterSeen] = []
    for number, record in enumerate(found, start=1):
        if isinstance(record, dict):
            seen = _letter(record, keys, base_url, today, f"records[{number}]")
            if seen is not None:
                letters.append(seen)
    return BoardPage(letters=tuple(letters), layout="json")


def _at_path(document: object, path: str) -> list[object] | None:
    value: object = document
    for part in path.strip(".").split("."):
        if isinstance(value, dict):
            value = _get(value, part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return list(value) if isinstance(value, list) else None


def _get(record: dict[object, object], key: str) -> object:
    """``record[key]``, the key matched without regard to case when not found as it is."""
    if key in record:
        return record[key]
    lowered = key.lower()
    for name, value in record.items():
        if isinstance(name, str) and name.lower() == lowered:
            return value
    return None


def _dig(record: dict[object, object], key: str) -> object:
    value: object = record
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = _get(value, part)
    return value


def _largest_letter_list(document: object, named: dict[str, str]) -> list[object] | None:
    """The largest list of objects that have a title-like and a time-like key (bounded walk)."""
    best: list[object] | None = None
    stack: list[tuple[object, int]] = [(document, 0)]
    visits = 0
    while stack and visits < _MAX_VISITS:
        value, depth = stack.pop()
        visits += 1
        children: list[object]
        if isinstance(value, list):
            objects = [item for item in value if isinstance(item, dict)]
            if objects and len(objects) * 2 >= len(value) and _letter_like(objects, named):
                if best is None or len(value) > len(best):
                    best = value
            children = value[:_MAX_ITEMS_SEARCHED]
        elif isinstance(value, dict):
            children = list(value.values())
        else:
            continue
        if depth < MAX_DEPTH:
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return best


def _letter_like(objects: list[dict[object, object]], named: dict[str, str]) -> bool:
    keys = _keys_of(list(objects), named)
    return "title" in keys and ("asked" in keys or "replied" in keys)


def _keys_of(found: list[object], named: dict[str, str]) -> dict[str, str]:
    """Our field name -> the records' key: the board's names, else the usual names."""
    sample = [record for record in found[:_SAMPLE] if isinstance(record, dict)]
    present: dict[str, str] = {}
    for record in sample:
        for key in record:
            if isinstance(key, str):
                present.setdefault(key.lower(), key)
    keys: dict[str, str] = {}
    for name, usual in _USUAL_KEYS.items():
        if name in named:
            keys[name] = named[name]
            continue
        existing = [present[key.lower()] for key in usual if key.lower() in present]
        if name == "status":  # a key of words before one of codes (statusName before status)
            worded = [key for key in existing if _has_words(sample, key)]
            existing = worded or existing
        if existing:
            keys[name] = existing[0]
    return keys


def _has_words(sample: list[dict[object, object]], key: str) -> bool:
    return any(
        isinstance(value, str) and value.strip() and not value.strip().isdigit()
        for value in (record.get(key) for record in sample)
    )


def _letter(
    record: dict[object, object], keys: dict[str, str], base_url: str, today: date, where: str
) -> LetterSeen | None:
    raw_title = _dig(record, keys["title"]) if "title" in keys else None
    if not isinstance(raw_title, str):
        return None
    title = clean_title(_TAG.sub(" ", raw_title), today=today)
    if not is_title_like(title):
        return None
    asked = _day(_dig(record, keys["asked"]), today) if "asked" in keys else None
    replied = _day(_dig(record, keys["replied"]), today) if "replied" in keys else None
    status = _text(_dig(record, keys["status"])) if "status" in keys else None
    status = status_text(status) if status else None
    unit = _text(_dig(record, keys["unit"])) if "unit" in keys else None
    raw_url = _dig(record, keys["url"]) if "url" in keys else None
    url = resolve_href(raw_url, None, base_url=base_url) if isinstance(raw_url, str) else None
    return LetterSeen(
        title=title,
        url=url,
        asked=asked,
        replied=replied,
        status=status,
        state=letter_state(status, replied),
        unit=short_text(unit) if unit else None,
        where=where,
    )


def _text(value: object) -> str | None:
    """A value that is words: a number (or a digit string), a boolean or an object is not."""
    if not isinstance(value, str) or not value.strip() or value.strip().isdigit():
        return None
    return value


def _day(value: object, today: date) -> date | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _epoch_day(value, today)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and len(text) in (10, 13):
            return _epoch_day(int(text), today)
        return read_day(text, today=today)
    if isinstance(value, dict):
        return _day(value.get("time"), today)
    return None


def _epoch_day(value: float, today: date) -> date | None:
    seconds = value / 1000 if value >= _MILLISECONDS else value
    try:
        day = datetime.fromtimestamp(seconds, tz=SHANGHAI).date()
    except (OverflowError, OSError, ValueError):
        return None
    return day if EARLIEST <= day <= today else None
