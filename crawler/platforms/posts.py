"""Posts as a source lists them: plain titles, plausible dates, one per key, newest first.

Each source parser reads its entries into ``Candidate`` values (the date already parsed, None
when missing or implausible) and hands them to ``collect_posts``, which drops the undated
ones (they cannot count), keeps the first entry of each key and orders the rest newest first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from crawler.extract.text import collapse
from crawler.platforms.model import Post, SourceParse
from rules.model import Outcome

__all__ = [
    "MAX_TITLE_CHARS",
    "Candidate",
    "collect_posts",
    "entry_key",
    "largest_list",
    "plain_text",
    "post_title",
]

MAX_TITLE_CHARS = 200
# Block-level and embedded elements separate words; inline ones (a, span, b) do not.
_BREAK = re.compile(
    r"<\s*/?\s*(?:br|p|div|li|ul|ol|blockquote|section|article|h[1-6]|tr|td|th|table"
    r"|img|video|iframe|source|figure|figcaption|hr|pre)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^<>]*>")
_DROPPED = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One entry as the source shows it, before the checks."""

    key: str | None  # None: the entry has no id, link or title to be known by
    url: str | None
    title: str
    published: datetime | None  # aware UTC; None: missing or implausible
    is_repost: bool | None = None


def plain_text(markup: str) -> str:
    """Text of an HTML fragment: scripts and tags removed, entities unescaped, spaces collapsed."""
    without_scripts = _DROPPED.sub(" ", markup)
    return collapse(html.unescape(_TAG.sub("", _BREAK.sub(" ", without_scripts))))


def post_title(*texts: str | None) -> str:
    """The first non-empty of ``texts`` as plain text, at most 200 characters."""
    for text in texts:
        if text:
            plain = plain_text(text)
            if plain:
                return plain[:MAX_TITLE_CHARS]
    return ""


def entry_key(
    *, ident: str | None, link: str | None, title: str, published: datetime | None
) -> str | None:
    """The entry's id, else its link, else its title and date; None when it has none of them."""
    for value in (ident, link):
        if value and value.strip():
            return value.strip()
    if published is None:
        return None
    return f"{title}|{published.isoformat()}"


def largest_list(groups: Iterable[list[Post]]) -> list[Post]:
    """The largest group of two or more posts (a page's post list), one post per key, newest
    first; empty when no group has two."""
    best = max(groups, key=len, default=[])
    if len(best) < 2:
        return []
    unique: dict[str, Post] = {}
    for post in best:
        unique.setdefault(post.key, post)
    return sorted(unique.values(), key=lambda p: p.published, reverse=True)


def collect_posts(candidates: Iterable[Candidate]) -> SourceParse:
    """An OK parse of the entries: dated posts, deduplicated by key, newest first."""
    entries = list(candidates)
    dated = [
        Post(
            key=entry.key,
            url=entry.url,
            title=entry.title,
            published=entry.published,
            is_repost=entry.is_repost,
        )
        for entry in entries
        if entry.published is not None and entry.key is not None
    ]
    dated.sort(key=lambda post: post.published, reverse=True)  # stable: ties keep source order
    posts: list[Post] = []
    seen: set[str] = set()
    for post in dated:
        if post.key not in seen:
            seen.add(post.key)
            posts.append(post)
    return SourceParse(
        outcome=Outcome.OK,
        posts=tuple(posts),
        detail=_detail(len(entries), len(dated)),
        suspect_empty=not posts,
    )


def _detail(entry_count: int, dated_count: int) -> str | None:
    if entry_count == 0:
        return "empty feed: no entries (a broken route or source looks like this)"
    if dated_count == 0:
        return f"none of {entry_count} entries has a plausible date"
    if dated_count < entry_count:
        return f"{entry_count - dated_count} of {entry_count} entries dropped: no plausible date"
    return None
