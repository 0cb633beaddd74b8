"""Boards laid out as tables: with a header row naming the columns, or without one.

- **With a header** (``th`` cells, or a row among the first three whose cells are header words):
  each column holds what its header names (``crawler.boards.words``); a table is a board when
  it names a title column (or its rows carry links) and a date or status column.
- **Without a header**: the columns are named by what their cells hold, across the rows: the
  column of the rows' links (else of the longest texts) holds the title; columns whose cells
  are mostly dates hold the asked day, then the reply day; a column of status words the
  status; a column of unit names (…局, …委, …办) the unit. Such a table is a board when at least
  two rows carry a title and an asked day.

Rows are the table's own (not those of a table nested in a cell); ``where`` is
``table[N] tr[M]``: the N-th table of the page and the M-th row of that table, from 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from crawler.boards.cells import (
    MAX_DATE_CELL_CHARS,
    Cell,
    Columns,
    Context,
    Found,
    header_columns,
    node_text,
    read_cells,
    table_cells,
    title_link,
)
from crawler.boards.seen import LetterSeen
from crawler.boards.words import Field, is_status_text, is_unit_name, read_day

__all__ = ["TableHeader", "header_only", "infer_columns", "own_rows", "read_table"]

_HEADER_SEARCH_ROWS = 3
_MIN_HEADLESS_LETTERS = 2
_MIN_TITLE_CHARS = 4  # the average text of a title column without links
_DATE_FIELDS: tuple[Field, Field] = ("asked", "replied")


def own_rows(table: LexborNode) -> list[LexborNode]:
    """The rows of ``table`` itself, in order (those of nested tables left out)."""
    rows: list[LexborNode] = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child.iter() if row.tag == "tr")
    return rows


@dataclass(frozen=True, slots=True, kw_only=True)
class TableHeader:
    """A header row standing alone in its table, naming the columns of the next table."""

    width: int  # the number of columns
    columns: Columns


def header_only(table: LexborNode, context: Context) -> TableHeader | None:
    """The header of a table that holds nothing but a header row (its list follows in the
    next table), else None."""
    rows = [row for row in own_rows(table) if table_cells(row)]
    if len(rows) != 1:
        return None
    cells = table_cells(rows[0])
    columns = header_columns(cells, context)
    if columns is None:
        return None
    return TableHeader(width=_width(cells), columns=columns)


def _width(cells: list[Cell]) -> int:
    return cells[-1].column + cells[-1].span if cells else 0


def read_table(
    table: LexborNode,
    index: int,
    context: Context,
    *,
    only: Sequence[LexborNode] | None = None,
    above: TableHeader | None = None,
) -> Found | None:
    """The letters of one table, or None when it does not read as a board.

    ``only``: the rows to read (a board's selector chose them); then any row with a title is
    a letter, and no least number of letters is asked. ``above``: the header of a table
    just before this one, standing alone: it names this table's columns when this table has
    no header of its own and its rows are as wide.
    """
    rows = own_rows(table)
    header = _header(rows, context)
    if header is None and above is not None and _as_wide(rows, above.width):
        header = (None, above.columns)
    chosen = [row for row in rows if only is None or row in only]
    if header is not None:
        header_row, columns = header
        data = [row for row in chosen if row != header_row]
        if _names_a_board(columns, data, context):
            letters = _letters(rows, data, columns, index, context)
            if letters and (only is not None or _dated(letters) >= 1):
                return Found(letters=letters, layout="table")
    data = [row for row in chosen if len(table_cells(row)) >= 2]
    columns = infer_columns([table_cells(row) for row in data], context)
    letters = _letters(rows, data, columns, index, context)
    if only is None:
        with_asked = sum(1 for letter in letters if letter.asked is not None)
        if with_asked < _MIN_HEADLESS_LETTERS:
            return None
    if not letters:
        return None
    return Found(letters=letters, layout="table-headless")


def _as_wide(rows: list[LexborNode], width: int) -> bool:
    widths = [_width(table_cells(row)) for row in rows]
    return sum(1 for one in widths if one == width) * 2 > len(widths) > 0


def _header(rows: list[LexborNode], context: Context) -> tuple[LexborNode | None, Columns] | None:
    for row in rows[:_HEADER_SEARCH_ROWS]:
        columns = header_columns(table_cells(row), context)
        if columns is not None:
            return row, columns
    return None


def _names_a_board(columns: Columns, data: list[LexborNode], context: Context) -> bool:
    named = set(columns.values())
    has_title = "title" in named or any(
        title_link(row, context).anchor is not None for row in data[:5]
    )
    return has_title and bool(named & {"asked", "replied", "status"})


def _dated(letters: tuple[LetterSeen, ...]) -> int:
    return sum(1 for one in letters if one.asked or one.replied or one.status)


def _letters(
    rows: list[LexborNode],
    data: list[LexborNode],
    columns: Columns,
    index: int,
    context: Context,
) -> tuple[LetterSeen, ...]:
    numbers = {row.mem_id: number for number, row in enumerate(rows, start=1)}
    letters: list[LetterSeen] = []
    for row in data:
        number = numbers.get(row.mem_id, 0)
        seen = read_cells(table_cells(row), columns, context, f"table[{index}] tr[{number}]")
        if seen is not None:
            letters.append(seen)
    return tuple(letters)


@dataclass(slots=True)
class _ColumnCount:
    cells: int = 0
    with_digits: int = 0
    dates: int = 0
    statuses: int = 0
    links: int = 0
    units: int = 0
    chars: int = 0


def infer_columns(rows: list[list[Cell]], context: Context) -> Columns:
    """Name the columns of header-less rows by what their cells hold."""
    counts: dict[int, _ColumnCount] = {}
    for cells in rows:
        for cell in cells:
            count = counts.setdefault(cell.column, _ColumnCount())
            text = node_text(cell.node)
            if not text:
                continue
            count.cells += 1
            count.chars += len(text)
            if any(ch.isdigit() for ch in text):
                count.with_digits += 1
            short = len(text) <= MAX_DATE_CELL_CHARS
            if short and read_day(text, today=context.today) is not None:
                count.dates += 1
            if is_status_text(text):
                count.statuses += 1
            if is_unit_name(text):
                count.units += 1
            if title_link(cell.node, context).anchor is not None:
                count.links += 1
    columns: Columns = {}
    dates = [
        column
        for column, count in sorted(counts.items())
        if count.dates and count.dates * 2 >= count.with_digits
    ]
    title = _title_column(counts, len(rows), exclude=set(dates))
    if title is not None:
        columns[title] = "title"
    for column, name in zip((c for c in dates if c != title), _DATE_FIELDS, strict=False):
        columns[column] = name
    status = _mostly(counts, columns, lambda count: count.statuses)
    if status is not None:
        columns[status] = "status"
    unit = _mostly(counts, columns, lambda count: count.units)
    if unit is not None:
        columns[unit] = "unit"
    return columns


def _mostly(
    counts: dict[int, _ColumnCount], taken: Columns, hits: Callable[[_ColumnCount], int]
) -> int | None:
    """The free column most of whose cells are hits (the most hits first), if there is one."""
    found = [
        (hits(count), column)
        for column, count in counts.items()
        if column not in taken and hits(count) > 0 and hits(count) * 2 >= count.cells
    ]
    best = max(found, default=None)
    return best[1] if best is not None else None


def _title_column(counts: dict[int, _ColumnCount], rows: int, *, exclude: set[int]) -> int | None:
    linked = [
        (count.links, count.chars, column)
        for column, count in counts.items()
        if count.links * 2 >= max(rows, 1) and column not in exclude
    ]
    if linked:
        return max(linked)[2]
    texts = [
        (count.chars / count.cells, column)
        for column, count in counts.items()
        if count.cells and column not in exclude and count.statuses * 2 < count.cells
    ]
    best = max(texts, default=None)
    return best[1] if best is not None and best[0] >= _MIN_TITLE_CHARS else None
