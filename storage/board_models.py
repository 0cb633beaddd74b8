"""The tables of 互动交流: board reads, letters with their history, and 找错 reports.

Boards live in the targets file only (a board is an id within its site), so the rows carry
``site_id`` and ``board_id`` without foreign keys, as the disclosure tables do; 找错 reports
are imported for sites the file names, crawled or not.

``board_reads`` has one row per read of a board (its pages followed back a year, or not);
``letters`` one row per letter and board, deduplicated by ``key`` (the detail URL, else a
hash of its title and date), with its first and last sighting, the latest state and
``gone_at`` when a complete read no longer showed it; ``letter_states`` a row each time a
letter's status, reply day or state changed, so the history is kept. Titles are stored
masked. ``zhaocuo_reports`` are the 我为政府网站找错 back-office rows (``crawl import
zhaocuo``), one per site and reference.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, table_of

__all__ = [
    "BoardReadRow",
    "LetterRow",
    "LetterStateRow",
    "ZhaocuoReportRow",
    "board_read_table",
    "letter_state_table",
    "letter_table",
    "zhaocuo_table",
]


class BoardReadRow(Base):
    """One read of a board: how its first page ended, how far back its pages went."""

    __tablename__ = "board_reads"
    __table_args__ = (
        Index("ix_board_reads_site_id_board_id_read_at", "site_id", "board_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    board_id: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(Text)
    read_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(30))  # of the first page
    status: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    layout: Mapped[str | None] = mapped_column(String(30))  # how the rows were found
    pages_read: Mapped[int] = mapped_column(Integer)
    details_read: Mapped[int] = mapped_column(Integer)  # letter detail pages fetched
    stopped: Mapped[str] = mapped_column(String(20))
    complete: Mapped[bool] = mapped_column(Boolean)
    letter_count: Mapped[int] = mapped_column(Integer)  # distinct letters on the pages read
    reached: Mapped[date | None]  # the oldest letter date seen


class LetterRow(Base):
    """A letter of a board with its latest state; its changes are in ``letter_states``."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("site_id", "board_id", "key"),
        Index("ix_letters_site_id_asked", "site_id", "asked"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    board_id: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)  # masked
    url: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    asked: Mapped[date | None]
    replied: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(20))  # rules.boards.LetterState
    status: Mapped[str | None] = mapped_column(Text)
    where: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    gone_at: Mapped[datetime | None]
    last_read_id: Mapped[int] = mapped_column(ForeignKey("board_reads.id"))


class LetterStateRow(Base):
    """A letter's state as first seen, and again each time it changed."""

    __tablename__ = "letter_states"
    __table_args__ = (Index("ix_letter_states_letter_id", "letter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"))
    seen_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(Text)
    replied: Mapped[date | None]


class ZhaocuoReportRow(Base):
    """One 我为政府网站找错 message as the platform's back office exported it."""

    __tablename__ = "zhaocuo_reports"
    __table_args__ = (UniqueConstraint("site_id", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(100))
    ref: Mapped[str] = mapped_column(String(200))  # the platform's number, else row content
    received: Mapped[date]
    due: Mapped[date | None]
    handled: Mapped[date | None]
    source: Mapped[str] = mapped_column(Text)  # the imported file's name
    imported_at: Mapped[datetime]


board_read_table = table_of(BoardReadRow)
letter_table = table_of(LetterRow)
letter_state_table = table_of(LetterStateRow)
zhaocuo_table = table_of(ZhaocuoReportRow)
