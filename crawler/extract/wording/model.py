"""The values of the wording check: a list entry, a post holder, and a hit in a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = ["KINDS", "Kind", "TitleHolder", "WordingEntry", "WordingHit"]

Kind = Literal["严重表述错误", "错别字"]
KINDS: tuple[Kind, ...] = ("严重表述错误", "错别字")


@dataclass(frozen=True, slots=True, kw_only=True)
class WordingEntry:
    """One wrong form and its correction.

    ``wrong`` is matched literally in the normalised text (full-width letters, digits and
    punctuation folded to ASCII, whitespace between two Chinese characters removed). Where the
    same characters are right in some surroundings, the entry says so:

    - ``not_after``: a regex; no hit when the text just before ``wrong`` ends with a match
      (``学`` keeps 学习进平台 from reading as a misspelt 习近平);
    - ``not_before``: a regex; no hit when the text just after ``wrong`` starts with a match
      (``[假期]`` keeps 全部暑假 from reading as 部暑);
    - ``context``: a regex; a hit only where ``wrong`` lies inside one of its matches (截止 is
      a hit only in 截止2023年5月20日，全市…).
    """

    wrong: str
    right: str
    kind: Kind
    source: str  # where the right form is laid down: "国名 (宪法)"
    not_after: re.Pattern[str] | None = None
    not_before: re.Pattern[str] | None = None
    context: re.Pattern[str] | None = None

    @property
    def group(self) -> str:
        """The group the source names first: 国名, 国家机构, 成语, …"""
        return self.source.split(" (", 1)[0].split("（", 1)[0].strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class TitleHolder:
    """Who held a post, and when: 国务院总理 李强 from 2023-03-11 (``valid_to`` None: still).

    A page dated after ``valid_to`` (and after a grace period) that calls the former holder by
    the post, 国务院总理李克强, is a hit, unless the wording marks the past (时任, 原, 前) or the
    sentence names a year of the term."""

    title: str
    name: str
    valid_from: date
    valid_to: date | None
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WordingHit:
    """A wrong form found in a text, with its correction and the sentence around it."""

    wrong: str  # as the list spells it
    right: str
    kind: Kind
    source: str
    sentence: str  # the sentence around it in the original text, at most 80 characters
    position: int  # where the wrong form starts in the original text (character offset)
