"""Lists that live in ``<script>`` elements rather than in the HTML.

Three kinds are read:

- JSON (or a JavaScript literal close to it) holding an array of objects with title-, url- and
  date-like keys: ``var data = [{"title": …, "url": …, "pubDate": …}, …]``;
- Hanweb's ``<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]>``
  blocks, whose records are HTML entries rendered on the client: returned as HTML to be read
  like any other list;
- HTML written by ``document.write('<li><a href=…>…</a><span>2022-05-21</span></li>')`` calls:
  the string literals of the calls, joined, are returned as HTML too (the parts computed at
  run time are unknown and left out).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from crawler.extract.anchors import is_title_like, read_title, resolve_href
from crawler.extract.dates import (
    LATER_THAN_CHECK,
    find_dates,
    is_plausible,
    later_dates,
    parse_date,
)
from crawler.extract.listpage import MIN_ENTRIES, FoundList
from crawler.extract.text import collapse
from crawler.extract.years import Dated, DateSlot, resolve_years
from rules.model import SHANGHAI, Item

_MAX_SCRIPT_CHARS = 2_000_000
_MAX_ARRAY_CHARS = 500_000
_MAX_ATTEMPTS = 64  # array starts tried per script
_ARRAY_START = re.compile(r"\[\s*\{")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_TITLE_KEYS = ("title", "subject", "biaoti", "headline", "name", "bt", "text")
_URL_KEYS = ("url", "href", "link", "path", "lj")
_DATE_KEYS = (
    ("pub", "release", "fbsj", "publish", "fbrq"),
    ("date", "rq"),
    ("time", "create", "sj"),
)
_JS_PARTS = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'  # a JSON string, kept
    r"|'((?:[^'\\\n]|\\.)*)'"  # a single-quoted string
    r"|(?<=[{,])(\s*)([A-Za-z_$][\w$]*)(\s*:)"  # a bare key
    r"|,(\s*[}\]])"  # a trailing comma
)
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|[\[\]{}]')
_WRITE_CALL = re.compile(r"document\.write(?:ln)?\s*\(")
_MAX_WRITE_CALLS = 2_000
_MAX_WRITE_ARGUMENT_CHARS = 20_000
_JS_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))", re.DOTALL)
_JS_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}
_ANCHOR_TAG = re.compile(r"<a\s", re.IGNORECASE)
_ENTRY_WORDS = re.compile(r"title|url|href|link|name", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Keys:
    title: str
    url: str
    date: str | None


def datastore_html(scripts: list[str]) -> str | None:
    """The records of Hanweb datastore scripts as one HTML fragment, or None if there are none."""
    records: list[str] = []
    for script in scripts:
        if "<record" in script:
            records.extend(match[1] for match in _RECORD.finditer(script[:_MAX_SCRIPT_CHARS]))
    if not records:
        return None
    return '<div class="datastore">' + "\n".join(records) + "</div>"


def written_html(scripts: list[str]) -> str | None:
    """The HTML that ``document.write`` calls in ``scripts`` write, or None if it has no links."""
    parts: list[str] = []
    calls = 0
    for script in scripts:
        if "document.write" not in script:
            continue
        for call in _WRITE_CALL.finditer(script[:_MAX_SCRIPT_CHARS]):
            calls += 1
            if calls > _MAX_WRITE_CALLS:
                break
            parts.extend(_literals_of_call(script, call.end()))
    written = "".join(parts)
    if not _ANCHOR_TAG.search(written):
        return None
    return '<div class="written">' + written + "</div>"


def _literals_of_call(script: str, start: int) -> list[str]:
    """The string literals in a call's arguments, from ``start`` (after the parenthesis) to
    the closing one."""
    literals: list[str] = []
    depth = 0
    index = start
    end = min(len(script), start + _MAX_WRITE_ARGUMENT_CHARS)
    while index < end:
        char = script[index]
        if char in "'\"":
            close = _string_end(script, index, end)
            if close is None:
                break
            literals.append(_unescape_js(script[index + 1 : close]))
            index = close + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        elif char == ";" and depth == 0:
            break
        index += 1
    return literals


def _string_end(script: str, begin: int, end: int) -> int | None:
    quote = script[begin]
    index = begin + 1
    while index < end:
        char = script[index]
        if char == "\\":
            index += 2
            continue
        if char == quote:
            return index
        if char == "\n":
            return None
        index += 1
    return None


def _unescape_js(body: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match[1] or match[2]
        if code is not None:
            return chr(int(code, 16))
        return _JS_SIMPLE_ESCAPES.get(match[3], match[3])

    return _JS_ESCAPE.sub(replace, body)


def json_list(scripts: list[str], *, base_url: str, today: date) -> FoundList | None:
    """The best list of entries found in JSON arrays inside ``scripts``."""
    best: FoundList | None = None
    for script in scripts:
        for array in _arrays(script[:_MAX_SCRIPT_CHARS]):
            found = _read_array(array, base_url=base_url, today=today)
            if found is not None and (best is None or found.score > best.score):
                best = found
    return best


def _arrays(script: str) -> list[list[object]]:
    out: list[list[object]] = []
    decoder = json.JSONDecoder()
    position = 0
    attempts = 0
    while (start := _ARRAY_START.search(script, position)) is not None and attempts < _MAX_ATTEMPTS:
        attempts += 1
        begin = start.start()
        value: object = None
        end: int | None
        try:
            value, end = decoder.raw_decode(script, begin)
        except (ValueError, RecursionError):
            end = _closing_bracket(script, begin)
            if end is not None:
                value = _loads_relaxed(script[begin:end])
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(value)
            position = end if end is not None else begin + 1
        else:
            position = begin + 1
    return out


def _closing_bracket(text: str, begin: int) -> int | None:
    """The end of the bracketed literal starting at ``begin`` (strings respected), or None."""
    depth = 0
    for token in _TOKEN.finditer(text, begin, min(len(text), begin + _MAX_ARRAY_CHARS)):
        char = token[0]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return token.end()
    return None


def _loads_relaxed(literal: str) -> object:
    """A JavaScript object literal read as JSON: single quotes, bare keys, trailing commas."""
    if not _ENTRY_WORDS.search(literal, 0, 2000):
        return None
    try:
        return json.loads(_JS_PARTS.sub(_as_json, literal))
    except (ValueError, RecursionError):
        return None


def _as_json(part: re.Match[str]) -> str:
    single, space, key, colon, closing = part.groups()
    if single is not None:
        return '"' + single.replace("\\'", "'").replace('"', '\\"') + '"'
    if key is not None:
        return f'{space}"{key}"{colon}'
    if closing is not None:
        return str(closing)  # the trailing comma before it is dropped
    return part[0]  # a JSON string already


def _read_array(array: list[object], *, base_url: str, today: date) -> FoundList | None:
    objects = [entry for entry in array if isinstance(entry, dict)]
    keys = _pick_keys(objects)
    if keys is None:
        return None
    rows = [
        row
        for entry in objects
        if (row := _read_object(entry, keys, base_url=base_url, today=today)) is not None
    ]
    # Year-less dates (``05-20``) take their year from the whole list, as in an HTML list.
    resolved = resolve_years([row.slot for row in rows], today=today)
    where = f"script JSON (field '{keys.date}')"
    items = [_item(row, found, where) for row, found in zip(rows, resolved, strict=True)]
    dated = sum(1 for item in items if item.published is not None)
    if len(items) < MIN_ENTRIES and (not items or dated < len(items)):
        return None
    title_chars = sum(len(item.title) for item in items)
    mean_title = title_chars / len(items)
    score = len(items) * min(mean_title / 15, 2.0) * (1.0 + 2.0 * dated / len(items))
    return FoundList(items=tuple(items), score=score, containers=(), title_chars=title_chars)


def _pick_keys(objects: list[dict[str, object]]) -> _Keys | None:
    if not objects:
        return None
    names = [name for name in objects[0] if isinstance(name, str)]
    title = _key_like(names, _TITLE_KEYS)
    url = _key_like(names, _URL_KEYS)
    if title is None or url is None or title == url:
        return None
    date_key = None
    for group in _DATE_KEYS:
        date_key = _key_like([name for name in names if name not in (title, url)], group)
        if date_key is not None:
            break
    return _Keys(title=title, url=url, date=date_key)


def _key_like(names: list[str], wanted: tuple[str, ...]) -> str | None:
    for fragment in wanted:
        for name in names:
            if name.lower() == fragment:
                return name
    for fragment in wanted:
        if len(fragment) < 3:
            continue
        for name in names:
            if fragment in name.lower():
                return name
    return None


@dataclass(frozen=True, slots=True)
class _Row:
    """One object of a JSON list: its title and URL, its date as printed, the text of it."""

    title: str
    url: str
    slot: DateSlot
    date_text: str | None
    later: bool  # its only date is later than the check date


def _read_object(
    entry: dict[str, object], keys: _Keys, *, base_url: str, today: date
) -> _Row | None:
    raw_title = entry.get(keys.title)
    raw_url = entry.get(keys.url)
    if not isinstance(raw_title, str) or not isinstance(raw_url, str):
        return None
    title = read_title(collapse(html.unescape(_TAG.sub(" ", raw_title))), None)
    url = resolve_href(html.unescape(raw_url), None, base_url=base_url)
    if url is None or not is_title_like(title):
        return None
    raw_date = entry.get(keys.date) if keys.date else None
    slot = _read_date(raw_date, url=url, today=today)
    if slot is not None:
        return _Row(title, url, slot, str(raw_date), later=False)
    later = isinstance(raw_date, str) and bool(later_dates(raw_date, today=today))
    shown = raw_date if later and isinstance(raw_date, str) else None
    return _Row(title, url, DateSlot(url=url), shown, later=later)


def _item(row: _Row, found: Dated | None, where: str) -> Item:
    if found is not None:
        if found.note:
            where = f"{where}, {found.note}"
        return Item(
            title=row.title,
            url=row.url,
            published=found.value,
            date_where=where,
            date_text=row.date_text,
        )
    if row.later:  # seen and refused (``listitems.to_items``)
        return Item(
            title=row.title,
            url=row.url,
            published=None,
            date_where=f"{where}, {LATER_THAN_CHECK}",
            date_text=row.date_text,
        )
    return Item(title=row.title, url=row.url, published=None)


def _read_date(raw: object, *, url: str, today: date) -> DateSlot | None:
    """The date of a JSON entry as printed: a string (with or without its year) or a Unix
    timestamp (seconds or milliseconds, read as the Asia/Shanghai day)."""
    if isinstance(raw, str):
        found = find_dates(raw, today=today, allow_short=True)
        if found and not found[0].has_year:
            value = found[0].value
            return DateSlot(month_day=(value.month, value.day), url=url)
        full = found[0].value if found else parse_date(raw, today=today)
        return DateSlot(full=full, url=url) if full is not None else None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        seconds = raw / 1000 if raw > 100_000_000_000 else raw
        try:
            value = datetime.fromtimestamp(seconds, UTC).astimezone(SHANGHAI).date()
        except (OverflowError, OSError, ValueError):
            return None
        return DateSlot(full=value, url=url) if is_plausible(value, today) else None
    return None
