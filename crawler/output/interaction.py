"""The findings export's ``interaction`` section: the message boards' counts, the late
letters, and the 我为政府网站找错 counts, for a period as stored at a moment.

    {"period": {...},
     "boards": [{"site", "site_name", "board", "name", "kind", "kind_label", "unit", "url",
                 "checked_at", "outcome", "complete", "reached", "stopped", "detail",
                 "received", "answered", "pending", "unknown", "rate", "rate_text",
                 "reply_days", "on_time", "on_time_rate", "median_days"}],
     "units": [{"unit", "received", "answered", "rate", "rate_text", "on_time", "median_days"}],
     "consult": {"site", "boards", "unread", "received", "answered", "rate", "rate_text"},
     "late_letters": [{"site", "site_name", "board", "board_name", "title", "url", "asked",
                       "replied", "days", "state", "where", "checked_at"}],
     "zhaocuo": [{"site", "site_name", "received", "handled", "on_time", "overdue_open"}]}

Titles are the stored ones, masked. A board never read or unreadable has its counts as null:
unknown, never zero.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from crawler.boards.crawl import LOOKBACK_DAYS
from rules.interaction import LetterCounts, count_letters, percent_text
from rules.letters import BoardFacts
from rules.measures.boards import late_letters
from rules.model import Site, local_date
from rules.period import Period
from storage.boards import board_facts
from storage.zhaocuo import zhaocuo_counts

__all__ = ["interaction_section", "letter_facts", "print_interaction"]

LATE_MONTHS = 3  # the veto's 超过3个月


async def letter_facts(
    session: AsyncSession, sites: Sequence[Site], *, period: Period, as_of: datetime
) -> dict[str, tuple[BoardFacts, ...]]:
    """The boards of ``sites`` as stored at ``as_of``, letters back to a year before it or
    to the period's start, whichever is earlier."""
    since = min(local_date(as_of) - timedelta(days=LOOKBACK_DAYS), period.start)
    return await board_facts(session, sites, as_of=as_of, since=since)


async def interaction_section(
    session: AsyncSession,
    *,
    sites: Sequence[Site],
    boards: dict[str, tuple[BoardFacts, ...]],
    period: Period,
    as_of: datetime,
    portal: str | None,
) -> dict[str, Any] | None:
    """The section, or None when no site has a board and no 找错 report is stored."""
    until = min(period.end, local_date(as_of))
    until_late = local_date(as_of)  # a letter's wait runs to the check, not the period's end
    zhaocuo = await zhaocuo_counts(
        session, [s.id for s in sites], start=period.start, end=until, as_of=until
    )
    if not any(boards.values()) and not zhaocuo:
        return None
    names = {s.id: s.name for s in sites}
    rows: list[dict[str, Any]] = []
    units: dict[str, LetterCounts] = {}
    unit_waits: dict[str, list[int]] = {}
    consult = LetterCounts()
    consult_boards: list[str] = []  # the portal's consult boards, by name
    consult_unread: list[str] = []
    late: list[dict[str, Any]] = []
    for site in sites:
        for facts in boards.get(site.id, ()):
            board = facts.board
            counts = (
                count_letters(facts.letters, period=period, reply_days=board.reply_days)
                if facts.readable
                else None
            )
            rows.append(_board_row(facts, counts))
            if site.id == portal and board.kind.vetoable:
                consult_boards.append(board.name)
                if counts is None:
                    consult_unread.append(board.name)
            if counts is None:
                continue
            for letter in facts.letters:
                unit = letter.unit or board.unit or site.name
                one = count_letters([letter], period=period, reply_days=board.reply_days)
                units[unit] = units.get(unit, LetterCounts()) + one
                if one.received and letter.replied is not None and letter.asked is not None:
                    unit_waits.setdefault(unit, []).append((letter.replied - letter.asked).days)
            if site.id == portal and board.kind.vetoable:
                consult = consult + counts
        readable = [f for f in boards.get(site.id, ()) if f.readable and f.board.kind.vetoable]
        for facts, letter, days in late_letters(
            readable, today=until_late, months=LATE_MONTHS, lookback_days=LOOKBACK_DAYS
        ):
            late.append(
                {
                    "site": site.id,
                    "site_name": site.name,
                    "board": facts.board.id,
                    "board_name": facts.board.name,
                    "title": letter.title,
                    "url": letter.url,
                    "asked": letter.asked.isoformat() if letter.asked else None,
                    "replied": letter.replied.isoformat() if letter.replied else None,
                    "days": days,
                    "state": letter.state.value,
                    "status": letter.status,
                    "where": letter.where,
                    "checked_at": facts.checked_at.isoformat() if facts.checked_at else None,
                }
            )
    return {
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "boards": rows,
        "units": [
            {
                "unit": unit,
                "received": counts.received,
                "answered": counts.answered,
                "rate": counts.rate,
                "rate_text": percent_text(counts.rate),
                "on_time": counts.on_time,
                "median_days": (
                    float(statistics.median(unit_waits[unit])) if unit_waits.get(unit) else None
                ),
            }
            for unit, counts in sorted(units.items(), key=lambda pair: -pair[1].received)
            if counts.received
        ],
        "consult": {
            "site": portal,
            "boards": consult_boards,
            "unread": consult_unread,
            "received": consult.received,
            "answered": consult.answered,
            "rate": consult.rate,
            "rate_text": percent_text(consult.rate),
        }
        if consult_boards
        else None,
        "late_letters": late,
        "zhaocuo": [
            {
                "site": site_id,
                "site_name": names.get(site_id, site_id),
                "received": count.received,
                "handled": count.handled,
                "on_time": count.on_time,
                "overdue_open": count.overdue_open,
            }
            for site_id, count in sorted(zhaocuo.items())
        ],
    }


def _board_row(facts: BoardFacts, counts: LetterCounts | None) -> dict[str, Any]:
    board = facts.board
    return {
        "site": facts.site_id,
        "site_name": facts.site_name,
        "board": board.id,
        "name": board.name,
        "kind": board.kind.value,
        "kind_label": board.kind.label,
        "unit": board.unit,
        "url": board.urls[0],
        "checked_at": facts.checked_at.isoformat() if facts.checked_at else None,
        "outcome": facts.outcome.value if facts.outcome else None,
        "complete": facts.complete,
        "reached": facts.reached.isoformat() if facts.reached else None,
        "stopped": facts.stopped,
        "detail": facts.detail,
        "received": counts.received if counts else None,
        "answered": counts.answered if counts else None,
        "pending": counts.pending if counts else None,
        "unknown": counts.unknown if counts else None,
        "rate": counts.rate if counts else None,
        "rate_text": percent_text(counts.rate) if counts else None,
        "reply_days": board.reply_days,
        "on_time": counts.on_time if counts else None,
        "on_time_rate": counts.on_time_rate if counts else None,
        "median_days": counts.median_days if counts else None,
    }


def print_interaction(console: Console, section: dict[str, Any]) -> None:
    """The boards' counts, the late letters and the 找错 counts, as tables."""
    label = section["period"]["label"]
    boards = Table(title=f"互动交流办理情况({label})")
    for header in ("网站", "栏目", "类型", "受理", "办结", "办结率", "按期办结", "读取"):
        boards.add_column(header, overflow="fold")
    for row in section["boards"]:
        read = row["outcome"] or "未检查"
        if row["outcome"] is not None and not row["complete"]:
            read += f"({row['stopped']},不完整)"
        boards.add_row(
            row["site_name"],
            row["name"],
            row["kind_label"],
            *(
                "-" if row[key] is None else str(row[key])
                for key in ("received", "answered", "rate_text", "on_time")
            ),
            read,
        )
    if section["boards"]:
        console.print(boards)
    if section["late_letters"]:
        late = Table(title="超过3个月未回应的留言")
        for header in ("网站", "栏目", "留言日期", "答复日期", "历时", "标题", "链接"):
            late.add_column(header, overflow="fold")
        for row in section["late_letters"]:
            late.add_row(
                row["site_name"],
                row["board_name"],
                row["asked"] or "",
                row["replied"] or "未答复",
                f"{row['days']}天",
                row["title"],
                row["url"] or "",
            )
        console.print(late)
    for row in section["zhaocuo"]:
        console.print(
            f"{row['site_name']}: 收到“我为政府网站找错”留言{row['received']}条,"
            f"按期处理{row['on_time']}条"
        )
