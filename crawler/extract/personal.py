"""Personal data in published text: 身份证号, mobile numbers and bank card numbers, masked.

Precise first — a wrong "个人信息泄露" costs an office more than a missed one:

- **身份证号** (GB 11643-1999): 18 characters, 17 digits and a check character (0–9 or X)
  that the weighted sum mod 11 must give, a province code that exists, and a birth date that
  is a real day between 1900 and today; not part of a longer run of digits or letters.
- **Mobile numbers**: 11 digits with a prefix mainland operators use (13x, 145–149, 15x but
  154, 162/165–167, 170–178, 18x, 19x but 194), optionally after +86; not part of a longer run
  of digits, nor of a date or a document number (a digit, letter, ``-``, ``/`` or ``.`` right
  before or after). One contact number on a page is ordinary; whether several make a 公示 list
  that exposes people is the rules' call, so every one is returned.
- **Bank card numbers**: 16–19 digits (single spaces or dashes between them allowed) that
  pass the Luhn check *and* follow a word that names a card or account (银行卡, 卡号, 账号,
  开户) within 20 characters: long numbers that pass Luhn by chance are common (order and
  document numbers), named card numbers are not.

Numbers are never kept whole: each match carries only its masked form (``4101**********1234``,
``138****5678``, ``6222*********1234``) and a snippet around it in which every other run of six
or more digits is hidden too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from selectolax.lexbor import LexborHTMLParser as HTMLParser

__all__ = ["PersonalMatch", "find_personal_data", "mask", "mask_personal_data", "page_text"]

Kind = Literal["id_card", "mobile", "bank_card"]
_CONTEXT = 12  # characters each side of a match in its snippet

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z\-/.])(?:\+?86[\s-]?)?"
    r"(1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8})"
    r"(?![0-9A-Za-z\-/.])"
)
_CARD = re.compile(r"(?<![0-9A-Za-z])(\d(?:[ -]?\d){15,18})(?![ -]?[0-9A-Za-z])")
# Eleven digits, single spaces or dashes between them allowed: what each number above holds
# (a mobile number 11 digits, an ID 17 and more, a card 16 with separators). The three
# patterns start with a lookbehind that Python's regex engine tries at every position; this
# one starts with a digit, so the engine skips in C to the next one, and most texts stop here.
_LONG_NUMBER = re.compile(r"\d(?:[ -]?\d){10}")
_CARD_WORDS = re.compile(r"(?:银行卡|借记卡|信用卡|卡号|账号|帐号|开户|社保卡)[^0-9]{0,20}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalMatch:
    """One number found, masked: the whole number is never kept."""

    kind: Kind
    masked: str  # 4101**********1234
    snippet: str  # the text around it, the number masked
    position: int  # where in the text it starts (character offset)
    length: int = 0  # how many characters of the text it takes (separators included)


def page_text(html: str) -> str:
    """What a reader sees of a page: the text of its body, scripts and styles left out, one
    line per block."""
    tree = HTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    root = tree.body or tree.root
    text = root.text(separator="\n") if root is not None else ""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def mask(kind: Kind, digits: str) -> str:
    """The number as evidence shows it: a few digits of each end, the rest ``*``."""
    keep_start, keep_end = {"id_card": (4, 4), "mobile": (3, 4), "bank_card": (4, 4)}[kind]
    hidden = len(digits) - keep_start - keep_end
    return digits[:keep_start] + "*" * hidden + digits[-keep_end:]


def find_personal_data(text: str, *, today: date) -> list[PersonalMatch]:
    """Every 身份证号, mobile and named bank card number in ``text``, in text order."""
    if not _LONG_NUMBER.search(text):
        return []
    found: list[PersonalMatch] = []
    taken: list[tuple[int, int]] = []
    for match in _ID.finditer(text):
        number = match.group(1).upper()
        if _valid_id(number, today):
            found.append(_match(text, match.start(1), match.end(1), "id_card", number))
            taken.append(match.span(1))
    for match in _CARD.finditer(text):
        digits = re.sub(r"[\s-]", "", match.group(1))
        if not 16 <= len(digits) <= 19 or _overlaps(match.span(1), taken):
            continue
        if _luhn(digits) and _CARD_WORDS.search(text[max(0, match.start() - 30) : match.start()]):
            found.append(_match(text, match.start(1), match.end(1), "bank_card", digits))
            taken.append(match.span(1))
    for match in _MOBILE.finditer(text):
        if not _overlaps(match.span(1), taken):
            found.append(_match(text, match.start(1), match.end(1), "mobile", match.group(1)))
    found.sort(key=lambda m: m.position)
    return found


def mask_personal_data(text: str, *, today: date) -> str:
    """``text`` with every number ``find_personal_data`` finds in it masked, for showing a
    stored page (the dashboard) without showing the numbers it published."""
    pieces: list[str] = []
    position = 0
    for match in find_personal_data(text, today=today):
        pieces += [text[position : match.position], match.masked]
        position = match.position + match.length
    return "".join(pieces) + text[position:]


def _valid_id(number: str, today: date) -> bool:
    if int(number[:2]) not in _PROVINCES:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char)
        if i % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


_DIGIT_RUN = re.compile(r"\d{6,}")


def _hide_numbers(text: str) -> str:
    """Any other long number in a snippet (the next column of a 公示 list) hidden too."""
    return _DIGIT_RUN.sub(lambda m: "*" * len(m.group(0)), text)


def _match(text: str, start: int, end: int, kind: Kind, digits: str) -> PersonalMatch:
    masked = mask(kind, digits)
    before = _hide_numbers(text[max(0, start - _CONTEXT) : start])
    after = _hide_numbers(text[end : end + _CONTEXT])
    snippet = " ".join(f"{before}{masked}{after}".split())
    return PersonalMatch(
        kind=kind, masked=masked, snippet=snippet, position=start, length=end - start
    )
