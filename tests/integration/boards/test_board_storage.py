"""Letters stored once with their history, on SQLite and Postgres: a status that changes adds a
state, a read that shows less never erases what is known, a complete read marks the letters it
no longer shows as gone (and a letter seen again returns), and the facts at a past moment are
the states then."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from rules.boards import Board, BoardKind, LetterState
from rules.model import Outcome, Site
from storage.board_models import letter_state_table, letter_table
from storage.boards import (
    BoardReadWrite,
    LetterWrite,
    board_facts,
    letters_replied,
    record_board_read,
)

T0 = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)
BOARD = Board(id="wszx", name="网上咨询", kind=BoardKind.CONSULT, urls=("http://x/hdjl/",))
SITE = Site(id="s1", name="某市人民政府", homepage="http://x/", boards=(BOARD,))


def letter(
    key: str, asked: date, *, replied: date | None = None, state: LetterState, status: str = ""
) -> LetterWrite:
    return LetterWrite(
        key=key,
        title=f"咨询{key}",
        url=f"http://x/hdjl/{key}.html",
        asked=asked,
        replied=replied,
        state=state,
        status=status or None,
        where="table[1] tr[2]",
    )


def read(at: datetime, *letters: LetterWrite, complete: bool = True) -> BoardReadWrite:
    return BoardReadWrite(
        site_id="s1",
        board_id="wszx",
        url="http://x/hdjl/",
        read_at=at,
        outcome=Outcome.OK,
        status=200,
        detail=None,
        layout="table",
        pages_read=1,
        details_read=0,
        stopped="last_page" if complete else "page_limit",
        complete=complete,
        letters=letters,
    )


async def test_letters_keep_their_history(engine: AsyncEngine) -> None:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    asked = date(2026, 4, 20)
    pending = letter("a", asked, state=LetterState.PENDING, status="办理中")
    other = letter("b", date(2026, 4, 25), replied=date(2026, 4, 27), state=LetterState.ANSWERED)
    answered = letter(
        "a", asked, replied=date(2026, 5, 6), state=LetterState.ANSWERED, status="已办结"
    )
    shown_less = letter("a", asked, state=LetterState.UNKNOWN)  # the list alone: no reply day
    steps = [
        read(T0, pending, other),
        read(T0 + timedelta(days=7), answered, other),
        read(T0 + timedelta(days=14), shown_less),  # complete, without b: b is gone
        read(T0 + timedelta(days=21), shown_less, other, complete=False),  # b is back
    ]
    for step in steps:
        async with sessions.begin() as session:
            await record_board_read(session, step)

    async with sessions() as session:
        rows = {row.key: row for row in await session.execute(select(letter_table))}
        assert set(rows) == {"a", "b"}
        a = rows["a"]
        assert (a.state, a.status, a.replied) == ("answered", "已办结", date(2026, 5, 6))
        assert a.first_seen == T0
        assert a.last_seen == T0 + timedelta(days=21)
        assert rows["b"].gone_at is None  # seen again
        history = [
            (row.state, row.replied)
            for row in await session.execute(
                select(letter_state_table)
                .where(letter_state_table.c.letter_id == a.id)
                .order_by(letter_state_table.c.id)
            )
        ]
        assert history == [("pending", None), ("answered", date(2026, 5, 6))]
        assert await letters_replied(session, site_id="s1", board_id="wszx") == {"a", "b"}

        then = await board_facts(
            session, [SITE], as_of=T0 + timedelta(days=3), since=date(2025, 5, 1)
        )
        (facts,) = then["s1"]
        states = {f.key: (f.state, f.replied) for f in facts.letters}
        assert states["a"] == (LetterState.PENDING, None)
        assert facts.complete
        assert facts.outcome is Outcome.OK

        gone = await board_facts(
            session, [SITE], as_of=T0 + timedelta(days=15), since=date(2025, 5, 1)
        )
        by_key = {f.key: f for f in gone["s1"][0].letters}
        assert by_key["b"].gone_at is not None
        assert by_key["a"].state is LetterState.ANSWERED

        now = await board_facts(session, [SITE], as_of=T0 + timedelta(days=30), since=asked)
        assert {f.key: f.gone_at for f in now["s1"][0].letters} == {"a": None, "b": None}


async def test_a_board_never_read_is_unknown(engine: AsyncEngine) -> None:
    async with async_sessionmaker(engine)() as session:
        facts = await board_facts(session, [SITE], as_of=T0, since=date(2025, 5, 1))
    (board,) = facts["s1"]
    assert board.outcome is None
    assert board.letters == ()
    assert not board.readable
