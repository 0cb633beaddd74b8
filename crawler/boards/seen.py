"""What a board's pages show of its letters: the letters of one list page, and the dates and
status of one letter's own page. Plain values; the readers are ``crawler.boards.reading``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from rules.boards import LetterState

__all__ = ["BoardLayout", "BoardPage", "LetterDetail", "LetterSeen"]

# How the letters were laid out: a table with a header row, one without, repeated rows
# (ul/li, div, dl), JSON records, or nothing that reads as a board.
BoardLayout = Literal["table", "table-headless", "rows", "json", "none"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LetterSeen:
    """One letter as a list page shows it."""

    title: str  # whitespace collapsed, at most 200 characters, personal numbers masked
    url: str | None  # the absolute detail URL; None when the row links nowhere
    asked: date | None  # 留言/来信/提问 time: the calendar day shown
    replied: date | None  # 答复/回复/办结 time
    status: str | None  # the status text as shown (已办结)
    state: LetterState  # letter_state(status, replied)
    unit: str | None  # 办理单位 / 答复单位
    where: str  # where on the page: "table[2] tr[5]", "ul.list li[3]", "records[4]"


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardPage:
    """The letters of one list page, and how they were laid out."""

    letters: tuple[LetterSeen, ...]
    layout: BoardLayout
    # Absolute URLs of the JSON endpoints the page's own scripts call (same host, at most 5):
    # where the letters of a page whose list is loaded by script come from.
    endpoints: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class LetterDetail:
    """What a letter's own page says of its dates and status (labelled values only)."""

    asked: date | None
    replied: date | None
    status: str | None
    where: str | None  # the labelled text the values were read from: 'text "答复时间：2022-05-03"'
