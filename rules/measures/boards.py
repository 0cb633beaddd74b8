"""Measures over a site's message boards (互动交流): letters left unanswered, replies and
messages no longer published.

Only boards read at the check count; a board never read or unreadable (timeout, 412
challenge …) is listed as not judged, never as "unanswered". A letter whose board shows
neither a reply day nor a status is of unknown state and never counted as unanswered; a letter
answered at an unknown day is answered, but cannot show a late reply. Letters gone from the
board are kept in storage and never judged. A site without configured boards has nothing to
measure here (its boards were not checked: docs/interaction.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from pydantic import ConfigDict

from rules.boards import LetterState
from rules.letters import BoardFacts, LetterFact
from rules.measures.base import Context, Insufficient, Measurement, MeasureResult
from rules.model import Evidence, Window, local_date
from rules.profile import Threshold

__all__ = [
    "BoardSilenceParams",
    "UnansweredParams",
    "board_messages_stale",
    "board_replies_stale",
    "board_unanswered",
    "late_letters",
]

_DETAIL_LETTERS = 5  # letters named in an evidence's detail


@dataclass(frozen=True, slots=True, kw_only=True)
class UnansweredParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    months: int = 3  # 超过3个月未回应
    lookback_days: int = 365  # 监测时间点前1年内

    def __post_init__(self) -> None:
        if self.months < 1 or self.lookback_days < 1:
            raise ValueError("months and lookback_days must be at least 1")


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardSilenceParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    months: int  # 2: 留言答复; 6: 留言

    def __post_init__(self) -> None:
        if self.months < 1:
            raise ValueError("months must be at least 1")


def _boards(context: Context) -> tuple[list[BoardFacts], list[MeasureResult]]:
    """The site's consult boards read at the check, and a not-judged line for each other."""
    assert context.site is not None
    readable: list[BoardFacts] = []
    unjudged: list[MeasureResult] = []
    for facts in context.site.boards:
        if not facts.board.kind.vetoable:
            continue
        name = facts.board.name
        if facts.outcome is None:
            unjudged.append(Insufficient(reason=f"互动交流栏目“{name}”未检查,无法判断"))
        elif not facts.readable:
            detail = f"({facts.detail})" if facts.detail else ""
            unjudged.append(
                Insufficient(reason=f"互动交流栏目“{name}”{facts.outcome.label}{detail},无法判断")
            )
        else:
            readable.append(facts)
    return readable, unjudged


def late_letters(
    boards: Sequence[BoardFacts], *, today: date, months: int, lookback_days: int
) -> list[tuple[BoardFacts, LetterFact, int]]:
    """The letters asked in the ``lookback_days`` before ``today`` that waited more than
    ``months`` for an answer (answered late, or still pending), with the days they waited;
    the longest wait first."""
    window = Window(months=months, label=f"{months}个月")
    late: list[tuple[BoardFacts, LetterFact, int]] = []
    for facts in boards:
        for letter in facts.letters:
            if letter.asked is None or letter.gone_at is not None:
                continue
            if (today - letter.asked).days > lookback_days:
                continue
            if letter.replied is not None:
                until = letter.replied
            elif letter.state is LetterState.PENDING:
                until = today
            else:
                continue  # answered at an unknown day, or a state the board does not show
            if letter.asked < window.cutoff(until):
                late.append((facts, letter, (until - letter.asked).days))
    late.sort(key=lambda hit: (-hit[2], hit[1].asked or date.min))
    return late


def board_unanswered(
    context: Context, params: UnansweredParams, threshold: Threshold
) -> list[MeasureResult]:
    """How many letters of the consult boards, asked in the year before the check, waited
    more than ``months`` for an answer: answered that late, or still unanswered."""
    readable, unjudged = _boards(context)
    if not readable:
        return unjudged
    today = local_date(context.now)
    late = late_letters(
        readable, today=today, months=params.months, lookback_days=params.lookback_days
    )
    worst = late[0] if late else None
    lines = [
        f"{letter.asked.isoformat() if letter.asked else '?'} {letter.title} "
        f"({'答复于' + letter.replied.isoformat() if letter.replied else '未答复'}, {days}天)"
        for _, letter, days in late[:_DETAIL_LETTERS]
    ]
    facts = worst[0] if worst else readable[0]
    letter = worst[1] if worst else None
    evidence = Evidence(
        url=(letter.url if letter and letter.url else facts.board.urls[0]),
        checked_at=facts.checked_at or context.now,
        outcome=facts.outcome,
        status=facts.status,
        newest_date=letter.asked if letter else None,
        newest_title=letter.title if letter else None,
        newest_url=letter.url if letter else None,
        newest_where=letter.where if letter else None,
        threshold=f"超过{params.months}个月未回应",
        age_days=worst[2] if worst else None,
        item_count=sum(len(b.letters) for b in readable),
        detail="; ".join(lines) if lines else _coverage(readable, today, params.lookback_days),
    )
    return [
        Measurement(
            value=float(len(late)),
            value_text=f"{len(late)}条",
            occurrences=1,
            evidence=evidence,
            fields={
                "board": facts.board.name,
                "letter": letter.title if letter else "",
                "asked": letter.asked.isoformat() if letter and letter.asked else "",
                "days": worst[2] if worst else "",
                "state": (
                    f"{letter.replied.isoformat()}答复" if letter and letter.replied else "未答复"
                ),
            },
        ),
        *unjudged,
    ]


def _coverage(boards: Sequence[BoardFacts], today: date, lookback_days: int) -> str:
    """How far back the reads went, for a measure that found nothing late."""
    parts = []
    for facts in boards:
        reached = facts.reached.isoformat() if facts.reached else "no dated letter"
        whole = "complete" if facts.complete else "incomplete"
        parts.append(f"{facts.board.name}: read back to {reached} ({whole})")
    return f"{'; '.join(parts)}; lookback {lookback_days} days before {today.isoformat()}"


def board_replies_stale(
    context: Context, params: BoardSilenceParams, threshold: Threshold
) -> list[MeasureResult]:
    """1 when the consult boards published no reply dated in the ``months`` before the
    check (留言答复未更新), else 0. Boards that show no reply dates cannot be judged."""
    readable, unjudged = _boards(context)
    if not readable:
        return unjudged
    letters = [(f, letter) for f in readable for letter in f.letters if letter.gone_at is None]
    if not letters:
        return [*unjudged, Insufficient(reason="互动交流栏目无留言,无从判断答复情况")]
    replies = [(f, letter) for f, letter in letters if letter.replied is not None]
    if not replies:
        return [*unjudged, Insufficient(reason="互动交流栏目未公开答复时间,无法判断答复更新情况")]
    facts, newest = max(replies, key=lambda pair: pair[1].replied or date.min)
    return [_silence(context, params, facts, newest, newest.replied, "答复"), *unjudged]


def board_messages_stale(
    context: Context, params: BoardSilenceParams, threshold: Threshold
) -> list[MeasureResult]:
    """1 when the consult boards published no letter asked in the ``months`` before the check
    (留言未公开), else 0. Only complete reads count an empty board."""
    readable, unjudged = _boards(context)
    if not readable:
        return unjudged
    dated = [
        (f, letter)
        for f in readable
        for letter in f.letters
        if letter.asked is not None and letter.gone_at is None
    ]
    if not dated:
        if all(f.complete for f in readable):
            return [_silence(context, params, readable[0], None, None, "留言"), *unjudged]
        return [*unjudged, Insufficient(reason="互动交流栏目未读到带日期的留言,无法判断")]
    facts, newest = max(dated, key=lambda pair: pair[1].asked or date.min)
    return [_silence(context, params, facts, newest, newest.asked, "留言"), *unjudged]


def _silence(
    context: Context,
    params: BoardSilenceParams,
    facts: BoardFacts,
    letter: LetterFact | None,
    day: date | None,
    what: str,
) -> Measurement:
    today = local_date(context.now)
    cutoff = Window(months=params.months, label=f"{params.months}个月").cutoff(today)
    stale = day is None or day < cutoff
    age = (today - day).days if day is not None else None
    return Measurement(
        value=1.0 if stale else 0.0,
        value_text=f"{age}天" if age is not None else f"无{what}",
        occurrences=1,
        evidence=Evidence(
            url=letter.url if letter and letter.url else facts.board.urls[0],
            checked_at=facts.checked_at or context.now,
            outcome=facts.outcome,
            status=facts.status,
            newest_date=day,
            newest_title=letter.title if letter else None,
            newest_url=letter.url if letter else None,
            newest_where=letter.where if letter else None,
            threshold=f"{params.months}个月",
            cutoff=cutoff,
            age_days=age,
            item_count=len(facts.letters),
        ),
        fields={
            "board": facts.board.name,
            "newest_date": day.isoformat() if day else "无",
            "months": params.months,
        },
    )
