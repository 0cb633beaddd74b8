"""Boards laid out as repeated rows: ``ul/li``, ``div`` rows, ``dl`` blocks, one small table
per letter.

A group is the children of one parent with the same tag, at least two of them holding a link
and a date. Each row is read as a letter:

- its **title** is its longest link that reads as a title (its URL that link's target);
- **labelled values** (``留言时间：2022-04-01``, ``状态：已办结``, ``办理单位：市人社局``; the
  labels are the header words of ``crawler.boards.words``, ``：`` or ``:`` after them; a date
  label may also go without one) give the asked and reply days, the status and the unit; the
  writer's (``留言人：``) is passed over;
- **unlabelled dates** (when no date is labelled): the first is the asked day, the second the
  reply day; a **status word** standing alone (``【已办结】``) is the status, and a unit's
  name standing alone (``市城管局``, ``…委``, ``…中心``) the unit.

A row of element children under a header row of the same shape (a div table:
``<li class="head"><span>标题</span><span>留言时间</span>…``) is read column by column instead.
A group is a board when two or more rows carry a title and a date; navigation lists and menus
have no dates and never are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from selectolax.lexbor import LexborNode

from crawler.boards.cells import (
    Cell,
    Columns,
    Context,
    Found,
    element_children,
    header_columns,
    read_cells,
    title_link,
)
from crawler.boards.seen import LetterSeen
from crawler.boards.words import (
    HEADER_WORDS,
    Field,
    clean_title,
    field_of_header,
    is_status_text,
    is_unit_name,
    letter_state,
    short_text,
    status_text,
)
from crawler.extract.anchors import is_title_like
from crawler.extract.dates import find_dates
from crawler.extract.locate import describe, position
from crawler.extract.text import collapse

__all__ = ["ROW_TAGS", "read_row", "read_rows", "row_groups"]

ROW_TAGS = frozenset({"li", "div", "dl", "dd", "p", "table", "tr", "section", "article"})
MIN_LETTERS = 2
_MAX_ROWS = 500  # rows read per group
_DATE_FIELDS = frozenset({"asked", "replied"})
_DATEISH = re.compile(r"\d\s*[-/.年月]\s*\d|\d{1,2}\s*月\s*\d{1,2}")
# A date label after these words is a deadline or a promise, not a date the letter has.
_NOT_A_DATE_OF_THE_LETTER = r"(?<!预计)(?<!承诺)(?<!要求)(?<!规定)(?<!截止)(?<!最迟)(?<!限定)"
_DATE_RIGHT_AFTER = 2  # characters allowed between an uncoloned date label and its date
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "-comment"})


def row_groups(root: LexborNode, *, skip_tables: set[int]) -> list[list[LexborNode]]:
    """The groups of sibling rows under ``root`` that may be boards: the same tag, at least
    two rows with a link and something that looks like a date. ``skip_tables``: the
    ``mem_id`` of tables read as tables already (their rows are not read again)."""
    groups: list[list[LexborNode]] = []
    for node in root.traverse():
        by_tag: dict[str, list[LexborNode]] = {}
        for child in node.iter():
            if child.tag in ROW_TAGS:
                by_tag.setdefault(child.tag, []).append(child)
        for tag, rows in by_tag.items():
            if len(rows) < MIN_LETTERS:
                continue
            if tag == "tr" and _table_of(node) in skip_tables:
                continue
            promising = sum(
                1
                for row in rows[:_MAX_ROWS]
                if row.css_first("a") is not None and _DATEISH.search(row.text(deep=True))
            )
            if promising >= MIN_LETTERS:
                groups.append(rows[:_MAX_ROWS])
    return groups


def _table_of(node: LexborNode) -> int | None:
    parent: LexborNode | None = node
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent.mem_id if parent is not None else None


def read_rows(rows: Sequence[LexborNode], context: Context, *, chosen: bool) -> Found | None:
    """The letters of a group of rows, or None when it does not read as a board.

    ``chosen``: a board's selector picked the rows; then any row with a title is a letter.
    """
    header = None if chosen else _div_header(rows, context)
    letters: list[LetterSeen] = []
    for row in rows:
        if header is not None and row == header.row:
            continue
        where = _where(row)
        seen: LetterSeen | None = None
        if header is not None:
            cells = [Cell(i, child) for i, child in enumerate(element_children(row))]
            if len(cells) == header.width:
                seen = read_cells(cells, header.columns, context, where)
        if seen is None:
            seen = read_row(row, context, where, chosen=chosen)
        if seen is not None:
            letters.append(seen)
    if not letters:
        return None
    dated = sum(1 for one in letters if one.asked is not None or one.replied is not None)
    if not chosen and dated < MIN_LETTERS:
        return None
    return Found(letters=tuple(letters), layout="rows")


def _where(row: LexborNode) -> str:
    parent = row.parent
    return f"{describe(parent)} {position(row)}" if parent is not None else position(row)


@dataclass(frozen=True, slots=True)
class _Header:
    row: LexborNode
    width: int  # how many element children a row under it has
    columns: Columns


def _div_header(rows: Sequence[LexborNode], context: Context) -> _Header | None:
    """A header row among the rows (or just before their parent) that names the columns of
    rows shaped like it."""
    candidates = [row for row in rows[:3] if title_link(row, context).anchor is None]
    parent = rows[0].parent
    before = parent.prev if parent is not None else None
    while before is not None and not before.is_element_node:
        before = before.prev
    if before is not None:
        candidates.append(before)
    for candidate in candidates:
        children = element_children(candidate)
        columns = header_columns([Cell(i, child) for i, child in enumerate(children)], context)
        if columns is not None:
            return _Header(candidate, len(children), columns)
    return None


@dataclass(slots=True)
class _Labelled:
    title: str | None = None
    asked: date | None = None
    replied: date | None = None
    status: str | None = None
    unit: str | None = None
    dated: bool = False  # a date label was seen, with or without a readable date


def read_row(
    row: LexborNode, context: Context, where: str, *, chosen: bool = False
) -> LetterSeen | None:
    """One row read as a letter (see the module docstring); None when it names no title."""
    link = title_link(row, context)
    text = "\n".join(_texts(row, skip=link.anchor))
    labelled, rest = _read_labels(text, context)
    lines = [line for line in (collapse(part) for part in rest.split("\n")) if line]
    title = link.title or labelled.title or ""
    if not title and chosen:
        title = max((line for line in lines if not _is_date_or_status(line, context)), key=len,
                    default="")  # fmt: skip
    if not is_title_like(title):
        return None
    asked, replied = labelled.asked, labelled.replied
    if not labelled.dated:
        days = [
            found.value
            for line in lines
            for found in find_dates(line, today=context.today, allow_short=True)
            if found.value <= context.today
        ]
        asked = days[0] if days else None
        replied = days[1] if len(days) > 1 else None
    status = labelled.status
    if status is None:
        status = next((status_text(line) for line in lines if is_status_text(line)), None)
    unit = labelled.unit
    if unit is None:
        unit = next((short_text(line) for line in lines if is_unit_name(line)), None)
    return LetterSeen(
        title=clean_title(title, today=context.today),
        url=link.url,
        asked=asked,
        replied=replied,
        status=status,
        state=letter_state(status, replied),
        unit=unit,
        where=where,
    )


def _is_date_or_status(line: str, context: Context) -> bool:
    return is_status_text(line) or bool(find_dates(line, today=context.today, allow_short=True))


def _texts(node: LexborNode, *, skip: LexborNode | None) -> list[str]:
    """The text nodes under ``node`` in order, those under ``skip`` (and scripts) left out."""
    out: list[str] = []
    stack = list(reversed(list(node.iter(include_text=True))))
    while stack:
        current = stack.pop()
        if current.tag == "-text":
            out.append(current.text_content or "")
        elif current.tag not in _SKIPPED_TAGS and (skip is None or current != skip):
            stack.extend(reversed(list(current.iter(include_text=True))))
    return out


def _read_labels(text: str, context: Context) -> tuple[_Labelled, str]:
    """The labelled values of a row's text, and the text left when they are taken out."""
    found = _Labelled()
    taken: list[tuple[int, int]] = []
    matches = list(_label_pattern(tuple(sorted(context.headers))).finditer(text))
    for number, match in enumerate(matches):
        name = field_of_header(match["label"], context.headers)
        if name is None:
            continue
        end = matches[number + 1].start() if number + 1 < len(matches) else len(text)
        used = _take_value(found, name, match, text[match.end() : end], context)
        if used is not None:
            taken.append((match.start(), match.end() + used))
    rest = list(text)
    for start, stop in taken:
        rest[start:stop] = "\n" * (stop - start)
    return found, "".join(rest)


def _take_value(
    found: _Labelled, name: Field, match: re.Match[str], region: str, context: Context
) -> int | None:
    """Store the value after one label; how many characters of ``region`` it took (None:
    the label was not one, and its text stays for the unlabelled reading)."""
    colon = bool(match["colon"])
    offset = len(region) - len(region.lstrip())
    line = region[offset:].split("\n", 1)[0]
    if name in _DATE_FIELDS:
        dates = find_dates(line, today=context.today, allow_short=True)
        if not dates or (not colon and dates[0].start > _DATE_RIGHT_AFTER):
            return 0 if colon else None
        found.dated = True
        day = dates[0].value if dates[0].value <= context.today else None
        if name == "asked" and found.asked is None:
            found.asked = day
        elif name == "replied" and found.replied is None:
            found.replied = day
        return offset + dates[0].end + _time_after(line[dates[0].end :])
    if not colon:
        return None
    if name == "title":
        found.title = found.title or collapse(line) or None
        return offset + len(line)
    word = line.split()[0] if line.split() else ""
    if name == "status" and found.status is None:
        found.status = status_text(word)
    elif name == "unit" and found.unit is None:
        found.unit = short_text(word)
    return offset + line.find(word) + len(word) if word else offset


_TIME = re.compile(r"\s*\d{1,2}:\d{2}(?::\d{2})?")


def _time_after(text: str) -> int:
    time = _TIME.match(text)
    return time.end() if time else 0


@lru_cache(maxsize=32)
def _label_pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    words = {word for group in HEADER_WORDS.values() for word in group} | set(extra)
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(
        rf"{_NOT_A_DATE_OF_THE_LETTER}(?P<label>{alternatives})\s*(?P<colon>[:：])?[ \t\u3000]*"
    )
