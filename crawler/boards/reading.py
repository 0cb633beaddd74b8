"""Reading the letters of a message board (互动交流: 留言, 咨询, 投诉, 信箱) from one list page,
with no per-site selectors. Pure: HTML or parsed JSON in, values out; never the network.

- ``read_board_page``: the letters of an HTML list page. Every table (``crawler.boards.tables``:
  with a header row, or named by its cells) and every group of repeated sibling rows
  (``crawler.boards.rows``: ``ul/li``, ``div`` rows, ``dl``) is read as a candidate board; the
  one with the most letter rows wins (a reply date, a status or a unit counting a row twice;
  on a tie a table with a header, then rows, then a table without one). A board's
  ``selector`` picks the rows instead (``tr`` rows are read as table cells). The page's
  script endpoints come along (``crawler.boards.endpoints``), for a list loaded by script.
- ``read_board_json``: the letters of a JSON endpoint's answer (``crawler.boards.json_records``).
- ``read_letter_detail``: the labelled dates and status of one letter's page
  (``crawler.boards.detail``).
- ``letter_state``: what a status text and a reply date say (``crawler.boards.words``).

Titles are masked (``crawler.extract.personal``) and cut to 200 characters; the writer's
column or label (留言人, 来信人, 姓名) is never read. A day later than ``today`` is no day.

Errors::

    ValueError
    └── BoardSelectorError   the board's selector is not a CSS selector that can be read
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from crawler.boards.cells import Context, Found
from crawler.boards.detail import read_letter_detail
from crawler.boards.endpoints import script_endpoints
from crawler.boards.json_records import read_board_json
from crawler.boards.rows import read_rows, row_groups
from crawler.boards.seen import BoardLayout, BoardPage, LetterDetail, LetterSeen
from crawler.boards.tables import TableHeader, header_only, read_table
from crawler.boards.words import letter_state
from crawler.extract.anchors import document_base

__all__ = [
    "BoardPage",
    "BoardSelectorError",
    "LetterDetail",
    "LetterSeen",
    "letter_state",
    "read_board_json",
    "read_board_page",
    "read_letter_detail",
]

_NO_HEADERS: Mapping[str, str] = MappingProxyType({})
# On a tie of scores: a table with a header says most plainly what each value is.
_LAYOUT_RANK: dict[BoardLayout, int] = {"table": 3, "rows": 2, "table-headless": 1}


class BoardSelectorError(ValueError):
    """A board's ``selector`` that cannot be read as CSS."""

    def __init__(self, selector: str) -> None:
        self.selector = selector
        super().__init__(
            f"board selector {selector!r} is not a CSS selector that can be read"
            " — fix the board's selector in the targets file, or remove it to let the"
            " rows be found"
        )


def read_board_page(
    html: str,
    base_url: str,
    *,
    today: date,
    selector: str | None = None,
    headers: Mapping[str, str] = _NO_HEADERS,
) -> BoardPage:
    """The letters of one board list page (see the module docstring)."""
    tree = LexborHTMLParser(html)
    base = tree.css_first("base[href]")
    page_base = document_base(base_url, base.attributes.get("href") if base else None)
    context = Context(base_url=page_base, today=today, headers=headers)
    endpoints = script_endpoints(tree, base_url)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    if selector:
        best = _chosen(tree, selector, context)
    else:
        best = _best(_candidates(tree, context))
    if best is None:
        return BoardPage(letters=(), layout="none", endpoints=endpoints)
    return BoardPage(letters=best.letters, layout=best.layout, endpoints=endpoints)


def _candidates(tree: LexborHTMLParser, context: Context) -> list[Found]:
    found: list[Found] = []
    read_tables: set[int] = set()
    above: TableHeader | None = None
    for index, table in enumerate(tree.css("table"), start=1):
        board = read_table(table, index, context, above=above)
        if board is not None:
            found.append(board)
            read_tables.add(table.mem_id)
        above = header_only(table, context)
    root = tree.body or tree.root
    if root is not None:
        for rows in row_groups(root, skip_tables=read_tables):
            board = read_rows(rows, context, chosen=False)
            if board is not None:
                found.append(board)
    return found


def _best(found: list[Found]) -> Found | None:
    return max(found, key=lambda one: (one.score, _LAYOUT_RANK.get(one.layout, 0)), default=None)


def _chosen(tree: LexborHTMLParser, selector: str, context: Context) -> Found | None:
    """The rows a board's selector picks, read as table rows (``tr``) or as free rows."""
    try:
        rows = tree.css(selector)
    except SelectolaxError as exc:
        raise BoardSelectorError(selector) from exc
    if not rows:
        return None
    if all(row.tag == "tr" for row in rows):
        tables = tree.css("table")
        letters: list[LetterSeen] = []
        layouts: list[BoardLayout] = []
        for index, table in enumerate(tables, start=1):
            mine = [row for row in rows if _table_of(row) == table]
            if mine:
                board = read_table(table, index, context, only=mine)
                if board is not None:
                    letters.extend(board.letters)
                    layouts.append(board.layout)
        if not letters:
            return None
        layout: BoardLayout = "table" if "table" in layouts else "table-headless"
        return Found(letters=tuple(letters), layout=layout)
    return read_rows(rows, context, chosen=True)


def _table_of(row: LexborNode) -> LexborNode | None:
    parent = row.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent
