"""What is known of a board's letters at a check: each letter's latest state and the board's
latest read. Built by storage (``storage.boards.board_facts``), judged by
``rules.measures.boards`` and counted by ``rules.interaction``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rules.boards import Board, LetterState
from rules.model import Outcome

__all__ = ["BoardFacts", "LetterFact"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LetterFact:
    """One letter as stored: its latest known state and when it was seen."""

    key: str  # stable within the board: the detail URL, else a hash of title and date
    title: str  # masked: personal numbers never leave the crawler unmasked
    url: str | None
    asked: date | None  # 留言/来信时间, the calendar day shown
    replied: date | None  # 答复/回复时间
    state: LetterState
    status: str | None = None  # the status text shown (已办结 …)
    unit: str | None = None  # 办理单位
    where: str | None = None  # where on the board it was read ("第2页 表格第5行")
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    gone_at: datetime | None = None  # no longer on the board since (kept, never judged)


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardFacts:
    """What is known of one board at the check: its latest read and its letters."""

    site_id: str
    site_name: str
    board: Board
    checked_at: datetime | None  # aware UTC; None: never read
    outcome: Outcome | None  # of the first page; None: never read
    status: int | None = None
    complete: bool = False  # read back a year before the check, or to its last page
    reached: date | None = None  # the oldest letter date the read reached
    stopped: str | None = None
    detail: str | None = None
    letters: tuple[LetterFact, ...] = ()

    @property
    def readable(self) -> bool:
        return self.outcome is not None and self.outcome.readable
