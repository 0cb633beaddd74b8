"""The personal numbers in an attachment's text (``personal.find_personal_data`` on each
part), masked, each with its part's place; the whole numbers never leave this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from crawler.extract.attachments.text import AttachmentText
from crawler.extract.personal import find_personal_data

__all__ = ["MAX_FINDINGS", "AttachmentFinding", "personal_data_in"]

MAX_FINDINGS = 1_000
"""Findings returned at most for one attachment (a 公示 list of a thousand people is enough)."""

_SEPARATORS = re.compile(r"[\s-]")  # inside a bank card number


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentFinding:
    """One personal number in an attachment, masked, and where in it."""

    kind: str  # id_card | mobile | bank_card (``PersonalMatch.kind``)
    masked: str
    snippet: str  # the text around it, every long number in it masked
    where: str  # "第3页", "工作表“名单”第17行"


def personal_data_in(text: AttachmentText, *, today: date) -> list[AttachmentFinding]:
    """The personal numbers in each part, in part order, each with its part's place.

    The same number twice in one part counts once (two people whose numbers mask alike both
    count: numbers are compared whole, in this function only); at most ``MAX_FINDINGS``.
    """
    findings: list[AttachmentFinding] = []
    seen: set[tuple[str, str, str]] = set()  # whole numbers: local, never returned
    for where, part in text.parts:
        for match in find_personal_data(part, today=today):
            number = _SEPARATORS.sub("", part[match.position : match.position + match.length])
            key = (where, match.kind, number.upper())
            if key in seen:
                continue
            seen.add(key)
            findings.append(
                AttachmentFinding(
                    kind=match.kind, masked=match.masked, snippet=match.snippet, where=where
                )
            )
            if len(findings) >= MAX_FINDINGS:
                return findings
    return findings
