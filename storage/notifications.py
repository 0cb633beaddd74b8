"""The notification log: what each channel was told of each finding, and every message.

``channel_states`` says what a channel was last told of each finding (``open`` or
``resolved``); ``record_message`` stores one message — sent, with the states it told, or not
sent, with the error (the states then stay, so the findings are told next time).
``was_sent`` keeps a message with a ``dedupe_key`` (a day's digest, a failed run's alarm) to
one successful sending per channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import chunks, dialect_insert
from storage.models import notification_state_table, notification_table

__all__ = ["Message", "channel_states", "notification_log", "record_message", "was_sent"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """One message as the log keeps it."""

    channel: str
    kind: str  # findings, digest, run-failed, test
    title: str
    findings: int
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    error: str | None
    dedupe_key: str | None = None


async def channel_states(session: AsyncSession, channel: str) -> dict[str, str]:
    """Finding key -> what ``channel`` was last told of it (``open`` or ``resolved``)."""
    t = notification_state_table
    rows = await session.execute(select(t.c.finding_key, t.c.state).where(t.c.channel == channel))
    return {key: state for key, state in rows}


async def was_sent(session: AsyncSession, channel: str, dedupe_key: str) -> bool:
    t = notification_table
    found = await session.scalar(
        select(t.c.id).where(
            t.c.channel == channel, t.c.dedupe_key == dedupe_key, t.c.sent_at.is_not(None)
        )
    )
    return found is not None


async def record_message(
    session: AsyncSession, message: Message, *, told: Mapping[str, str] | None = None
) -> None:
    """Store ``message``; when it was sent, also what it told of each finding (``told``)."""
    values = {
        "channel": message.channel,
        "kind": message.kind,
        "dedupe_key": message.dedupe_key,
        "title": message.title,
        "findings": message.findings,
        "created_at": message.created_at,
        "sent_at": message.sent_at,
        "attempts": message.attempts,
        "error": message.error,
    }
    t = notification_table
    stmt = dialect_insert(session, t)
    if message.dedupe_key is not None:
        # an unsent digest is tried again: the later attempt replaces the earlier row
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.channel, t.c.dedupe_key],
            set_={k: stmt.excluded[k] for k in ("sent_at", "attempts", "error", "created_at")},
        )
    await session.execute(stmt, [values])
    if message.sent_at is None or not told:
        return
    s = notification_state_table
    rows = [
        {
            "channel": message.channel,
            "finding_key": key,
            "state": state,
            "notified_at": message.sent_at,
        }
        for key, state in told.items()
    ]
    for chunk in chunks(rows):
        upsert = dialect_insert(session, s)
        upsert = upsert.on_conflict_do_update(
            index_elements=[s.c.channel, s.c.finding_key],
            set_={"state": upsert.excluded.state, "notified_at": upsert.excluded.notified_at},
        )
        await session.execute(upsert, list(chunk))


async def notification_log(session: AsyncSession, *, limit: int = 50) -> list[Message]:
    """The newest messages first."""
    t = notification_table
    newest = select(t).order_by(t.c.created_at.desc(), t.c.id.desc()).limit(limit)
    rows = await session.execute(newest)
    return [
        Message(
            channel=row.channel,
            kind=row.kind,
            title=row.title,
            findings=row.findings,
            created_at=row.created_at,
            sent_at=row.sent_at,
            attempts=row.attempts,
            error=row.error,
            dedupe_key=row.dedupe_key,
        )
        for row in rows
    ]
