"""What a new-media account's source shows: its posts, and what one fetch of the source says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rules.model import Outcome

__all__ = ["Post", "SourceKind", "SourceParse"]

SourceKind = Literal["feed", "rsshub", "weibo"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    key: str  # stable per account: platform id, else guid, else link
    url: str | None
    title: str  # text or title, whitespace-collapsed, at most 200 chars
    published: datetime  # aware UTC
    is_repost: bool | None = None  # None: the source does not say
    # The time as the page showed it when it was relative to the fetch (3天前, 昨天 10:00):
    # ``published`` is then only as precise as that text; None for a stated date or time.
    shown: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceParse:
    """What one fetched answer of an account source says.

    ``outcome`` is OK when the body is a usable feed or API answer (possibly with no post);
    BLOCKED for an anti-bot, captcha, login or expired-cookie page, an RSSHub error page, a
    page where a feed was expected, or any other 2xx body that is no feed. A 3xx/4xx/5xx
    status that shows no block is HTTP_ERROR, and a 304 NOT_MODIFIED. Only OK leaves posts
    to count: any other outcome leaves the account unjudged by this answer.
    """

    outcome: Outcome
    posts: tuple[Post, ...]  # newest first, one per key, each with a plausible date
    detail: str | None  # why blocked, or what was odd ("empty feed", "3 of 20 items undated")
    suspect_empty: bool  # no usable post (a broken route looks like this): not proof of inactivity
    built_at: datetime | None = None  # when the feed says it was generated (lastBuildDate, updated)
