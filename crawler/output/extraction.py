"""``crawl extract``: read one saved page or URL the way a crawl reads it, and show what it says.

The reader (``read_document``), chosen by ``kind`` or, for ``auto``, by the content:

- a feed (an XML document whose root is ``rss``, ``feed`` or ``RDF``; JSON with JSON Feed's
  ``items``) or a Weibo API answer (JSON with ``data.cards``, or Weibo's refusal ``ok``/``msg``)
  goes to the platform readers an account crawl uses (``crawler.platforms.parse_source``):
  its posts, or why the answer says nothing (an RSSHub error page, a login wall);
- anything else is a page: an anti-bot challenge or WAF block page is ``blocked``, with what
  would get past it (``crawler.fetch.challenge``, as the crawl judges it); else
  ``extract_page`` reads its list or its article date, as it reads a column page.

``kind`` ``feed`` forces the platform readers; ``list`` and ``article`` the page reader (the
kind shown is still what extraction found; a note says when it is not the one asked for).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

from crawler.extract import PageExtraction, extract_page
from crawler.extract.personal import PersonalMatch
from crawler.fetch.challenge import (
    SCRIPT_ONLY_MAX_VISIBLE_CHARS,
    classify_challenge,
    visible_text_length,
)
from crawler.fetch.source import LoadedSource
from crawler.platforms import SourceParse, parse_source
from crawler.platforms.feed import looks_like_feed
from rules.model import SHANGHAI, Outcome

__all__ = [
    "DOCUMENT_KINDS",
    "DocumentKind",
    "Reading",
    "print_reading",
    "read_document",
    "reading_to_dict",
]

DocumentKind = Literal["auto", "list", "article", "feed"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = ("auto", "list", "article", "feed")
_SNIFF_CHARS = 4096
_JSON_FEED = "JSON Feed"
_WEIBO_API = "Weibo API"
_XML_FEED = "RSS/Atom"
_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)
_PERSONAL_LABELS = {"id_card": "身份证号", "mobile": "手机号", "bank_card": "银行卡号"}
_PERSONAL_SHOWN = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What one input says: a page's extraction, a feed's posts, or why it says nothing."""

    source: str  # as given on the command line
    encoding: str | None
    page: PageExtraction | None = None  # read by the page reader
    posts: SourceParse | None = None  # read by a platform reader (an OK parse)
    reader: str | None = None  # the platform reader: "RSS/Atom", "JSON Feed", "Weibo API"
    blocked: str | None = None  # why nothing can be read, e.g. "needs a browser (瑞数 challenge)"
    notes: tuple[str, ...] = ()  # what a reader should know about the result

    @property
    def kind(self) -> str:
        """``list``, ``article``, ``unknown``, ``feed`` or ``blocked``."""
        if self.blocked is not None:
            return "blocked"
        if self.posts is not None:
            return "feed"
        return self.page.kind if self.page is not None else "unknown"


def read_document(
    source: str, loaded: LoadedSource, *, kind: DocumentKind, today: date, moment: datetime
) -> Reading:
    """Read ``loaded`` as ``kind`` (``auto``: by its content). Never raises on the content.

    ``today`` is the check date of pages (plausible dates, MM-DD years); ``moment`` the aware
    check time of feeds.
    """
    platform = (
        _platform_kind(loaded.text, forced=kind == "feed") if kind in ("auto", "feed") else None
    )
    if platform is not None:
        return _read_posts(source, loaded, platform=platform, moment=moment)
    notes: list[str] = []
    if kind == "auto" and _is_json(loaded.text):
        notes.append("a JSON document that is neither a feed nor a Weibo API answer")
    challenge = classify_challenge(loaded.status, loaded.text)
    if challenge is not None or loaded.blocked is not None:
        reason = challenge.remedy if challenge is not None else str(loaded.blocked)
        return Reading(source=source, encoding=loaded.encoding, blocked=reason)
    page = extract_page(loaded.text, base_url=loaded.base_url, today=today)
    if kind in ("list", "article") and page.kind != kind:
        notes.append(f"asked for {_a(kind)}; the page reader finds {_a(page.kind)}")
    if page.kind == "unknown" and _scripts_only(loaded.text):
        notes.append(
            "the page is scripts with almost no text: its list is drawn by a script "
            "(or an unnamed challenge) — needs a browser"
        )
    return Reading(source=source, encoding=loaded.encoding, page=page, notes=tuple(notes))


def reading_to_dict(reading: Reading) -> dict[str, Any]:
    """The stable per-input shape of ``crawl extract --json`` (other tools read it)."""
    page = reading.page if reading.blocked is None else None
    items: list[dict[str, Any]] = []
    newest: date | None = None
    published: date | None = None
    if reading.posts is not None and reading.blocked is None:
        items = [
            {"title": post.title, "url": post.url, "date": _day(post.published).isoformat()}
            for post in reading.posts.posts
        ]
        newest = max((_day(post.published) for post in reading.posts.posts), default=None)
    elif page is not None:
        items = [
            {
                "title": item.title,
                "url": item.url,
                "date": item.published.isoformat() if item.published else None,
            }
            for item in page.items
        ]
        newest, published = page.newest, page.published
    return {
        "source": reading.source,
        "kind": reading.kind,
        "encoding": reading.encoding,
        "items": items,
        "newest": newest.isoformat() if newest else None,
        "published": published.isoformat() if published else None,
        # masked: the whole number is never printed (crawler/extract/personal.py)
        "personal_data": [
            {"kind": m.kind, "masked": m.masked, "snippet": m.snippet} for m in _personal(reading)
        ],
    }


def print_reading(console: Console, reading: Reading) -> None:
    """The human form: one head line, then the items, posts or article date, then notes."""
    head = f"{reading.source}: "
    if reading.blocked is not None:
        console.print(f"{head}blocked: {reading.blocked}", soft_wrap=True)
    elif reading.posts is not None:
        _print_posts(console, head, reading)
    elif reading.page is not None:
        _print_page(
            console, f"{head}{reading.page.kind}, encoding {reading.encoding or '?'}", reading.page
        )
    if personal := _personal(reading):
        counts = ", ".join(
            f"{_PERSONAL_LABELS[kind]} {n}"
            for kind, n in sorted(Counter(m.kind for m in personal).items())
        )
        console.print(f"  personal data shown on the page (masked): {counts}", soft_wrap=True)
        for match in personal[:_PERSONAL_SHOWN]:
            console.print(f"    {match.masked}  …{match.snippet}…", soft_wrap=True)
    for note in reading.notes:
        console.print(f"  note: {note}", soft_wrap=True)


def _personal(reading: Reading) -> tuple[PersonalMatch, ...]:
    """The personal numbers a page read shows, masked (extraction found them on its parse)."""
    return reading.page.personal if reading.page is not None and reading.blocked is None else ()


def _platform_kind(text: str, *, forced: bool) -> tuple[Literal["feed", "weibo"], str] | None:
    """Which platform reader takes ``text``, and its name; None when it is no feed or API answer.

    ``forced``: the caller said it is a feed; what is not Weibo's goes to the feed reader.
    """
    head = text[:_SNIFF_CHARS].lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        document = _json_object(text)
        if document is not None:
            if _is_weibo_answer(document):
                return "weibo", _WEIBO_API
            if isinstance(document.get("items"), list):
                return "feed", _JSON_FEED
        return ("feed", _JSON_FEED) if forced else None
    if looks_like_feed(text):
        return "feed", _XML_FEED
    return ("feed", _XML_FEED) if forced else None


def _is_weibo_answer(document: Mapping[str, Any]) -> bool:
    data = document.get("data")
    if isinstance(data, dict) and isinstance(data.get("cards"), list):
        return True
    ok = document.get("ok")  # a refusal: {"ok": 0, "msg": …}, {"ok": -100, "url": passport…}
    return (
        isinstance(ok, int)
        and not isinstance(ok, bool)
        and ("msg" in document or "url" in document)
    )


def _read_posts(
    source: str,
    loaded: LoadedSource,
    *,
    platform: tuple[Literal["feed", "weibo"], str],
    moment: datetime,
) -> Reading:
    source_kind, reader = platform
    parsed = parse_source(
        source_kind,
        loaded.body,
        content_type=loaded.content_type,
        status=loaded.status,
        fetched_at=moment,
    )
    if parsed.outcome is not Outcome.OK:
        challenge = classify_challenge(loaded.status, loaded.text)
        reason = (
            challenge.remedy if challenge is not None else parsed.detail or parsed.outcome.value
        )
        return Reading(source=source, encoding=loaded.encoding, reader=reader, blocked=reason)
    notes = (parsed.detail,) if parsed.detail else ()
    return Reading(
        source=source, encoding=loaded.encoding, posts=parsed, reader=reader, notes=notes
    )


def _print_posts(console: Console, head: str, reading: Reading) -> None:
    assert reading.posts is not None
    posts = reading.posts.posts
    newest = _day(posts[0].published).isoformat() if posts else "no dated post"
    console.print(
        f"{head}feed ({reading.reader}), encoding {reading.encoding or '?'}, "
        f"{len(posts)} posts, newest {newest}",
        soft_wrap=True,
    )
    if not posts:
        return
    table = Table(show_header=True)
    for header in ("日期", "时间", "标题", "链接"):
        table.add_column(header)
    for post in posts:
        local = post.published.astimezone(SHANGHAI)
        table.add_row(
            local.date().isoformat(), local.strftime("%H:%M"), post.title, post.url or "—"
        )
    console.print(table)


def _print_page(console: Console, head: str, extraction: PageExtraction) -> None:
    if extraction.kind == "article":
        where = f" ({extraction.published_where})" if extraction.published_where else ""
        published = extraction.published.isoformat() if extraction.published else "no date found"
        console.print(f"{head}, published {published}{where}", soft_wrap=True)
        return
    if not extraction.list_found:
        console.print(f"{head}: no list found", soft_wrap=True)
        return
    newest = extraction.newest.isoformat() if extraction.newest else "no dated item"
    console.print(f"{head}, {len(extraction.items)} items, newest {newest}", soft_wrap=True)
    table = Table(show_header=True)
    for header in ("日期", "标题", "链接", "日期位置"):
        table.add_column(header)
    for item in extraction.items:
        table.add_row(
            item.published.isoformat() if item.published else "—",
            item.title,
            item.url,
            item.date_where or "",
        )
    console.print(table)


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _is_json(text: str) -> bool:
    head = text[:_SNIFF_CHARS].lstrip("\ufeff \t\r\n")
    if not head.startswith(("{", "[")):
        return False
    try:
        json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return False
    return True


def _scripts_only(text: str) -> bool:
    visible = visible_text_length(text, stop_above=SCRIPT_ONLY_MAX_VISIBLE_CHARS)
    return visible <= SCRIPT_ONLY_MAX_VISIBLE_CHARS and _SCRIPT_OPEN.search(text) is not None


def _day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _a(kind: str) -> str:
    return {"article": "an article", "unknown": "no list"}.get(kind, f"a {kind}")
