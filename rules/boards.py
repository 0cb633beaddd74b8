"""互动交流: the message boards of a site (留言/咨询/投诉/信箱), as the targets file names them,
and what was read of their letters.

Pure values: the boards come from the targets file; what was read of their letters is in
``rules.letters``. The rules over
them are ``rules.measures.boards`` (the veto and the deductions a profile names) and
``rules.interaction`` (the counts of the notice: 受理, 办结, 办结率, 按期办结率).

A letter is *answered* when the board shows a reply time or a status that says it was
answered (已办结, 已回复, 已答复); *pending* when it shows a status that says it is still being
handled (办理中, 待回复, 已受理) and no reply time; otherwise its state is unknown, and the
rules never count an unknown letter as unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "BOARD_KIND_ALIASES",
    "Board",
    "BoardJson",
    "BoardKind",
    "LetterState",
]


class BoardKind(StrEnum):
    """What a board is for, in the indicators' words (国办秘函〔2019〕19号 互动回应差)."""

    CONSULT = "consult"  # 咨询
    COMPLAINT = "complaint"  # 投诉
    SUGGESTION = "suggestion"  # 建议
    MAILBOX = "mailbox"  # 信箱 (领导信箱, 市长信箱)
    ZHAOCUO = "zhaocuo"  # 我为政府网站找错
    INTERVIEW = "interview"  # 在线访谈
    SURVEY = "survey"  # 调查征集
    PETITION = "petition"  # 网上信访
    DISCIPLINE = "discipline"  # 纪检举报

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def vetoable(self) -> bool:
        """The 政务咨询类 boards of the veto: "在线访谈、调查征集、网上信访、纪检举报类栏目除外"
        (找错 has its own platform and counts)."""
        return self in (
            BoardKind.CONSULT,
            BoardKind.COMPLAINT,
            BoardKind.SUGGESTION,
            BoardKind.MAILBOX,
        )


_KIND_LABELS = {
    BoardKind.CONSULT: "咨询",
    BoardKind.COMPLAINT: "投诉",
    BoardKind.SUGGESTION: "建议",
    BoardKind.MAILBOX: "信箱",
    BoardKind.ZHAOCUO: "找错",
    BoardKind.INTERVIEW: "在线访谈",
    BoardKind.SURVEY: "调查征集",
    BoardKind.PETITION: "信访",
    BoardKind.DISCIPLINE: "纪检举报",
}

BOARD_KIND_ALIASES: dict[str, BoardKind] = {
    **{kind.value: kind for kind in BoardKind},
    **{kind.label: kind for kind in BoardKind},
    "政务咨询": BoardKind.CONSULT,
    "网民咨询": BoardKind.CONSULT,
    "咨询投诉": BoardKind.CONSULT,
    "领导信箱": BoardKind.MAILBOX,
    "市长信箱": BoardKind.MAILBOX,
    "网上信访": BoardKind.PETITION,
    "征集调查": BoardKind.SURVEY,
}


class LetterState(StrEnum):
    """What the board says of a letter: answered, still pending, or nothing readable."""

    ANSWERED = "answered"
    PENDING = "pending"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardJson:
    """A board whose letters come from a JSON endpoint: where the records are and which field
    holds what. ``records`` is a dotted path to the list (None: found by its shape);
    ``fields`` maps ``title``, ``url``, ``asked``, ``replied``, ``status``, ``unit`` to the
    records' keys (a key left out is guessed from the usual names)."""

    url: str
    records: str | None = None
    fields: tuple[tuple[str, str], ...] = ()  # (our field, the record's key), hashable
    page_param: str | None = None  # the query parameter of the page number; None: guessed


@dataclass(frozen=True, slots=True, kw_only=True)
class Board:
    """One message board of a site."""

    id: str
    name: str
    kind: BoardKind
    urls: tuple[str, ...]  # the list page(s); a board may list its letters on several
    unit: str | None = None  # the owning unit (办理单位 when the rows do not name one)
    reply_days: int | None = None  # the promised reply time, in working days
    selector: str | None = None  # CSS selector of the letter rows, for the odd board
    headers: tuple[tuple[str, str], ...] = ()  # (header text, field) pairs, for odd boards
    json: BoardJson | None = None
