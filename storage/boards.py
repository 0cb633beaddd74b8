"""Message boards: their reads and letters with their history, and the facts the rules judge.

A letter is stored once per board (``UNIQUE (site_id, board_id, key)``); a read updates what
it saw of it and, when the letter's state, status or reply day changed, adds a row to
``letter_states``, so how it changed over time stays known. A read that showed less than is
known (no reply day because the detail page was not read this time, an unreadable status)
never erases what an earlier read saw. A complete read marks the letters it no longer shows
in the span it covered as gone (``gone_at``, and a state ``gone`` in its history): kept, never
judged; seen again, they return (a state again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rules.boards import Board, LetterState
from rules.letters import BoardFacts, LetterFact
from rules.model import Outcome, Site
from storage.board_models import board_read_table, letter_state_table, letter_table
from storage.bulk import chunks, dialect_insert

__all__ = [
    "BoardReadWrite",
    "LetterWrite",
    "board_facts",
    "letters_replied",
    "record_board_read",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class LetterWrite:
    key: str
    title: str  # masked
    url: str | None
    asked: date | None
    replied: date | None
    state: LetterState
    status: str | None = None
    unit: str | None = None
    where: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardReadWrite:
    """One read of a board, as stored: how it ended and the letters of every page read."""

    site_id: str
    board_id: str
    url: str
    read_at: datetime  # aware UTC
    outcome: Outcome  # of the first page
    status: int | None
    detail: str | None
    layout: str | None
    pages_read: int
    details_read: int
    stopped: str  # year_start | last_page | repeat | page_limit | failed
    complete: bool
    letters: Sequence[LetterWrite] = ()


async def record_board_read(session: AsyncSession, read: BoardReadWrite) -> int:
    """Store a read and its letters; returns the read's id."""
    unique: dict[str, LetterWrite] = {}
    for letter in read.letters:
        unique.setdefault(letter.key, letter)
    dated = [letter.asked for letter in unique.values() if letter.asked is not None]
    reached = min(dated, default=None)
    read_id = int(
        (
            await session.execute(
                board_read_table.insert()
                .values(
                    site_id=read.site_id,
                    board_id=read.board_id,
                    url=read.url,
                    read_at=read.read_at,
                    outcome=read.outcome.value,
                    status=read.status,
                    detail=read.detail,
                    layout=read.layout,
                    pages_read=read.pages_read,
                    details_read=read.details_read,
                    stopped=read.stopped,
                    complete=read.complete,
                    letter_count=len(unique),
                    reached=reached,
                )
                .returning(board_read_table.c.id)
            )
        ).scalar_one()
    )
    t = letter_table
    new_rows = [
        {
            "site_id": read.site_id,
            "board_id": read.board_id,
            "key": key,
            "title": letter.title,
            "url": letter.url,
            "unit": letter.unit,
            "asked": letter.asked,
            "replied": letter.replied,
            "state": letter.state.value,
            "status": letter.status,
            "where": letter.where,
            "first_seen": read.read_at,
            "last_seen": read.read_at,
            "gone_at": None,
            "last_read_id": read_id,
        }
        for key, letter in unique.items()
    ]
    for chunk in chunks(new_rows):
        await session.execute(
            dialect_insert(session, t).on_conflict_do_nothing(
                index_elements=[t.c.site_id, t.c.board_id, t.c.key]
            ),
            list(chunk),
        )
    known = await _letters(session, read.site_id, read.board_id)
    states: list[dict[str, Any]] = []
    for key, letter in unique.items():
        row = known[key]
        if row.last_read_id == read_id:  # inserted just now: its first state
            states.append(_state(row.id, read.read_at, letter.state, letter.status, letter.replied))
            continue
        state = row.state if letter.state is LetterState.UNKNOWN else letter.state.value
        status = letter.status or row.status
        replied = letter.replied or row.replied
        changes: dict[str, Any] = {
            "title": letter.title,
            "url": letter.url or row.url,
            "unit": letter.unit or row.unit,
            "asked": letter.asked or row.asked,
            "where": letter.where,
            "last_seen": read.read_at,
            "last_read_id": read_id,
            "gone_at": None,
        }
        returned = row.gone_at is not None  # back on the board: its history says so
        if returned or (state, status, replied) != (row.state, row.status, row.replied):
            changes |= {"state": state, "status": status, "replied": replied}
            states.append(_state(row.id, read.read_at, LetterState(state), status, replied))
        await session.execute(update(t).where(t.c.id == row.id).values(**changes))
    for chunk in chunks(states):
        await session.execute(letter_state_table.insert(), list(chunk))
    if read.complete:
        # Letters of the span this read covered that it no longer showed: gone from the board.
        span = [t.c.site_id == read.site_id, t.c.board_id == read.board_id, t.c.gone_at.is_(None)]
        if reached is not None:
            span.append(t.c.asked >= reached)
        missing = [row.id for key, row in known.items() if key not in unique]
        for ids in chunks(missing):
            gone = (
                await session.execute(
                    update(t)
                    .where(and_(*span), t.c.id.in_(ids))
                    .values(gone_at=read.read_at)
                    .returning(t.c.id, t.c.status, t.c.replied)
                )
            ).all()
            if gone:  # the history keeps when it went: a state "gone"
                await session.execute(
                    letter_state_table.insert(),
                    [
                        {"letter_id": g.id, "seen_at": read.read_at, "state": GONE,
                         "status": g.status, "replied": g.replied}
                        for g in gone
                    ],
                )  # fmt: skip
    return read_id


GONE = "gone"
"""The state a letter's history records when a complete read no longer showed it."""


def _state(
    letter_id: int, seen_at: datetime, state: LetterState, status: str | None, replied: date | None
) -> dict[str, Any]:
    return {
        "letter_id": letter_id,
        "seen_at": seen_at,
        "state": state.value,
        "status": status,
        "replied": replied,
    }


async def _letters(session: AsyncSession, site_id: str, board_id: str) -> dict[str, Any]:
    t = letter_table
    rows = await session.execute(select(t).where(t.c.site_id == site_id, t.c.board_id == board_id))
    return {row.key: row for row in rows}


async def letters_replied(session: AsyncSession, *, site_id: str, board_id: str) -> frozenset[str]:
    """The keys of the board's letters whose reply day is stored."""
    t = letter_table
    rows = await session.execute(
        select(t.c.key).where(
            t.c.site_id == site_id, t.c.board_id == board_id, t.c.replied.is_not(None)
        )
    )
    return frozenset(rows.scalars())


async def board_facts(
    session: AsyncSession,
    sites: Sequence[Site],
    *,
    as_of: datetime,
    since: date,
) -> dict[str, tuple[BoardFacts, ...]]:
    """Per site, each of its boards as known at ``as_of``: the latest read then, and the
    letters first seen by then, asked on or after ``since`` (or undated), each in the state
    it had at ``as_of``."""
    wanted = [(site, board) for site in sites for board in site.boards]
    if not wanted:
        return {}
    site_ids = sorted({site.id for site, _ in wanted})
    r = board_read_table
    latest = (
        select(r.c.site_id, r.c.board_id, func.max(r.c.id).label("id"))
        .where(r.c.site_id.in_(site_ids), r.c.read_at <= as_of)
        .group_by(r.c.site_id, r.c.board_id)
        .subquery()
    )
    reads = {
        (row.site_id, row.board_id): row
        for row in await session.execute(select(r).join(latest, latest.c.id == r.c.id))
    }
    t, s = letter_table, letter_state_table
    letters: dict[tuple[str, str], list[LetterFact]] = {}
    rows = await session.execute(
        select(
            t,
            s.c.state.label("state_then"),
            s.c.status.label("status_then"),
            s.c.replied.label("replied_then"),
            s.c.id.label("state_id"),
            s.c.seen_at.label("state_seen_at"),
        )
        .join(s, s.c.letter_id == t.c.id)
        .where(
            t.c.site_id.in_(site_ids),
            t.c.first_seen <= as_of,
            s.c.seen_at <= as_of,
            (t.c.asked >= since) | t.c.asked.is_(None),
        )
        .order_by(t.c.id, s.c.id)
    )
    newest: dict[int, Any] = {}  # the letter's last state before as_of that was not "gone"
    gone_at: dict[int, datetime | None] = {}
    for row in rows:  # ordered by state id: the last one is the state at as_of
        if row.state_then == GONE:
            gone_at[row.id] = row.state_seen_at
        else:
            newest[row.id] = row
            gone_at[row.id] = None
    for row in newest.values():
        letters.setdefault((row.site_id, row.board_id), []).append(
            LetterFact(
                key=row.key,
                title=row.title,
                url=row.url,
                asked=row.asked,
                replied=row.replied_then,
                state=LetterState(row.state_then),
                status=row.status_then,
                unit=row.unit,
                where=row.where,
                first_seen=row.first_seen,
                last_seen=min(row.last_seen, as_of),
                gone_at=gone_at[row.id],
            )
        )
    out: dict[str, list[BoardFacts]] = {}
    for site, board in wanted:
        out.setdefault(site.id, []).append(
            _facts(site, board, reads.get((site.id, board.id)), letters.get((site.id, board.id)))
        )
    return {site_id: tuple(facts) for site_id, facts in out.items()}


def _facts(site: Site, board: Board, read: Any, letters: list[LetterFact] | None) -> BoardFacts:
    if read is None:
        return BoardFacts(site_id=site.id, site_name=site.name, board=board, checked_at=None,
                          outcome=None)  # fmt: skip
    return BoardFacts(
        site_id=site.id,
        site_name=site.name,
        board=board,
        checked_at=read.read_at,
        outcome=Outcome(read.outcome),
        status=read.status,
        complete=read.complete,
        reached=read.reached,
        stopped=read.stopped,
        detail=read.detail,
        letters=tuple(sorted(letters or (), key=lambda f: (f.asked or date.min, f.key))),
    )
