"""One board row read cell by cell: the cells of a row, the header row that names them, and the
letter a row of cells holds under those names.

A *row of cells* is a table row (``td``/``th``, a ``colspan`` taking several columns) or a
div-table row (the element children of an ``li`` or ``div``). Its columns are named by a header
row (``header_columns``) or, without one, by what the cells hold (``crawler.boards.tables``).
A letter's title is its link's text (the ``title`` attribute when the text is cut short) and
its URL that link's target; a row without a title is no letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from selectolax.lexbor import LexborNode

from crawler.boards.seen import BoardLayout, LetterSeen
from crawler.boards.words import (
    Field,
    clean_title,
    field_of_header,
    letter_state,
    read_day,
    short_text,
    status_text,
)
from crawler.extract.anchors import is_title_like, read_title, resolve_href
from crawler.extract.text import collapse

__all__ = [
    "MAX_DATE_CELL_CHARS",
    "Cell",
    "Columns",
    "Context",
    "Found",
    "TitleLink",
    "element_children",
    "header_columns",
    "node_text",
    "read_cells",
    "table_cells",
    "title_link",
]

Columns = dict[int, Field]  # column index -> the field its cells hold
MAX_DATE_CELL_CHARS = 30  # a cell longer than this is text holding a date, not a date cell
# Links that open a letter without naming it: their target is the letter's URL, never its title.
_DETAIL_WORDS = frozenset(
    "查看 详情 详细 查看详情 点击查看 阅读 阅读全文 查看回复 回复 答复 进入 详细信息 >>".split()
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What every reader of one page needs: where links resolve, the check day, and the header
    texts of an odd board (header text -> field)."""

    base_url: str
    today: date
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """A candidate board on a page: its letters and how they were laid out."""

    letters: tuple[LetterSeen, ...]
    layout: BoardLayout

    @property
    def score(self) -> int:
        """Letter rows (a title and a date or status) count once, and once more when they
        show what only a board shows (a reply date, a status, a handling unit)."""
        rows = sum(1 for one in self.letters if one.asked or one.replied or one.status)
        board_like = sum(1 for one in self.letters if one.replied or one.status or one.unit)
        return rows + board_like


@dataclass(frozen=True, slots=True)
class Cell:
    column: int
    node: LexborNode
    span: int = 1  # how many columns it takes (colspan)


@dataclass(frozen=True, slots=True, kw_only=True)
class TitleLink:
    """The link that names a letter, or the link that opens it when none names it."""

    anchor: LexborNode | None  # the naming link; None when only a detail link was found
    title: str  # unmasked; empty without a naming link
    url: str | None


def node_text(node: LexborNode) -> str:
    return collapse(node.text(deep=True, separator=" "))


def element_children(node: LexborNode) -> list[LexborNode]:
    return [child for child in node.iter() if child.is_element_node]


def table_cells(row: LexborNode) -> list[Cell]:
    """The ``td``/``th`` of a table row, each at its column (``colspan`` counted)."""
    cells: list[Cell] = []
    column = 0
    for child in row.iter():
        if child.tag not in ("td", "th"):
            continue
        given = (child.attributes.get("colspan") or "1").strip()
        span = min(int(given), 50) if given.isdigit() and int(given) > 0 else 1
        cells.append(Cell(column, child, span))
        column += span
    return cells


def header_columns(cells: list[Cell], context: Context) -> Columns | None:
    """The fields a header row names, or None when the row is no header row.

    A header row holds no date and no letter link; its cells are all ``th``, or at least two of
    them name a field.
    """
    if len(cells) < 2:
        return None
    columns: Columns = {}
    for cell in cells:
        text = node_text(cell.node)
        if read_day(text, today=context.today) is not None:
            return None
        link = title_link(cell.node, context)
        if link.anchor is not None and len(link.title) > 12:
            return None
        found = field_of_header(text, context.headers)
        if found is not None:
            columns.setdefault(cell.column, found)
    all_th = all(cell.node.tag == "th" for cell in cells)
    if (all_th and columns) or len(columns) >= 2:
        return columns
    return None


def title_link(node: LexborNode, context: Context) -> TitleLink:
    """The longest link under ``node`` whose text reads as a title, and its URL (else the URL
    of a 查看/详情 link)."""
    best: tuple[LexborNode, str] | None = None
    detail_url: str | None = None
    for anchor in node.css("a"):
        attributes = anchor.attributes
        text = read_title(collapse(anchor.text(deep=True)), attributes.get("title"))
        if text.strip("[]【】()（） ") in _DETAIL_WORDS or not is_title_like(text):
            if detail_url is None:
                detail_url = _url_of(anchor, context)
            continue
        if best is None or len(text) > len(best[1]):
            best = (anchor, text)
    if best is None:
        return TitleLink(anchor=None, title="", url=detail_url)
    url = _url_of(best[0], context) or detail_url
    return TitleLink(anchor=best[0], title=best[1], url=url)


def _url_of(anchor: LexborNode, context: Context) -> str | None:
    attributes = anchor.attributes
    href, onclick = attributes.get("href"), attributes.get("onclick")
    return resolve_href(href, onclick, base_url=context.base_url)


def read_cells(
    cells: list[Cell], columns: Columns, context: Context, where: str
) -> LetterSeen | None:
    """The letter a row of cells holds under ``columns``; None when the row names no title."""
    by_field: dict[Field, LexborNode] = {}
    by_column = {cell.column: cell.node for cell in cells}
    for column, name in sorted(columns.items()):
        node = by_column.get(column)
        if node is not None and name not in by_field:
            by_field[name] = node
    title, url = _title_and_url(cells, columns, by_field, context)
    if not is_title_like(title):
        return None
    asked = _day(by_field.get("asked"), context)
    replied = _day(by_field.get("replied"), context)
    status_node = by_field.get("status")
    status = status_text(node_text(status_node)) if status_node is not None else None
    unit_node = by_field.get("unit")
    unit = short_text(node_text(unit_node)) if unit_node is not None else None
    return LetterSeen(
        title=clean_title(title, today=context.today),
        url=url,
        asked=asked,
        replied=replied,
        status=status,
        state=letter_state(status, replied),
        unit=unit,
        where=where,
    )


def _title_and_url(
    cells: list[Cell], columns: Columns, by_field: dict[Field, LexborNode], context: Context
) -> tuple[str, str | None]:
    """The title cell's link (or text), else the first cell of an unnamed column with a link;
    the URL of the title's link, else of any link in a column that is not the writer's."""
    title_node = by_field.get("title")
    title, url = "", None
    if title_node is not None:
        link = title_link(title_node, context)
        title = link.title or read_title(node_text(title_node), title_node.attributes.get("title"))
        url = link.url
    if not title:
        for cell in cells:
            if columns.get(cell.column) in (None, "title"):
                link = title_link(cell.node, context)
                if link.anchor is not None:
                    title, url = link.title, link.url
                    break
    if url is None:
        for cell in cells:
            if columns.get(cell.column) not in ("writer", "unit"):
                url = title_link(cell.node, context).url
                if url is not None:
                    break
    return title, url


def _day(node: LexborNode | None, context: Context) -> date | None:
    if node is None:
        return None
    text = node_text(node)
    if len(text) > MAX_DATE_CELL_CHARS:
        return None
    return read_day(text, today=context.today)
