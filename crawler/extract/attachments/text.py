"""An attachment's text as read: ``AttachmentText``, the parts collected so far under the
character and time limits (``_Parts``, whose clock check ends a reader that runs out of time),
and the reasons, in Chinese, that more than one reader gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["AttachmentText"]

_BROKEN = "文件已损坏,无法读取"
_ENCRYPTED = "文件已加密,无法打开,未检查"


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentText:
    """An attachment's text, part by part, and whether (and how far) it was read."""

    kind: str  # pdf | docx | xlsx | doc | xls | unknown
    # (where, text): "第3页", "第12段", "表格1第4行", "工作表“Sheet1”第17行". The text as
    # published, numbers whole: never store or log it (hence repr=False).
    parts: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    checked: bool  # False: not read at all, ``reason`` says why
    reason: str | None = None  # why not checked, or why cut short (Chinese, shown to people)
    truncated: bool = False  # a limit was reached: only the start was read


class _OutOfTimeError(Exception):
    """The time budget ran out while a parser was busy (raised from inside it)."""


class _Parts:
    """The parts read so far, the characters and time left, and why reading stopped."""

    def __init__(self, *, max_chars: int, timeout_s: float, clock: Callable[[], float]) -> None:
        self.parts: list[tuple[str, str]] = []
        self.max_chars = max_chars
        self.chars = 0
        self.timeout_s = timeout_s
        self.clock = clock  # seconds, never going back: time.monotonic
        self.deadline = clock() + timeout_s
        self.cut: str | None = None  # why reading stopped before the end
        self.timed_out = False
        self.progress = "前面的部分"  # what was read, for a timeout's reason

    def add(self, where: str, text: str) -> bool:
        """Keep ``text`` (stripped, when not blank); False once ``max_chars`` is reached."""
        text = text.strip()
        if not text:
            return True
        room = self.max_chars - self.chars
        if len(text) <= room:
            self.parts.append((where, text))
            self.chars += len(text)
            return True
        kept = text[:room]
        if kept and kept[-1].isalnum() and text[room].isalnum():
            kept = re.sub(r"[0-9A-Za-z]+$", "", kept)  # no number cut in two
        kept = kept.rstrip()
        if kept:
            self.parts.append((where, kept))
        self.chars = self.max_chars
        self.cut = f"文字超过上限,只检查了前{self.max_chars}字"
        return False

    def check_clock(self, *_: object) -> None:
        """Raise ``_OutOfTimeError`` once the time is up (a pypdf operator visitor too)."""
        if self.clock() > self.deadline:
            self.timed_out = True
            raise _OutOfTimeError

    def result(self, kind: str, *, empty_reason: str | None = None) -> AttachmentText:
        """What was read; a timeout is the reason even when a page limit was set before."""
        if self.timed_out and not self.parts:
            late = f"读取超时(超过{self.timeout_s:g}秒),未检查"
            return AttachmentText(kind=kind, checked=False, reason=late)
        if self.timed_out:
            self.cut = f"读取超时(超过{self.timeout_s:g}秒),只检查了{self.progress}"
        reason = self.cut
        if reason is None and not self.parts:
            reason = empty_reason
        return AttachmentText(
            kind=kind,
            parts=tuple(self.parts),
            checked=True,
            reason=reason,
            truncated=self.cut is not None,
        )
