"""Feeds: RSS 2.0, RSS 1.0 and Atom via feedparser, JSON Feed 1.x read by us (DESIGN.md decision 6).

feedparser gets bytes we fetched and decoded ourselves (re-encoded as UTF-8, so a feed that
declares gb2312 but holds 镕 reads right), inside a ``BytesIO`` (a bare string or bytes is
taken for a URL or a file name), with sanitising and URI resolution off. Dates are read by
``crawler.platforms.times``, not by feedparser.

Keys: the entry's id (RSS ``guid``, Atom ``id``, JSON Feed ``id``), else its link, else its
title and date. Reposts: only Weibo feeds in RSSHub's shape say so (the ``转发 @…`` block RSSHub
renders for a retweet, a ``//@…`` chain, the default text ``转发微博``); other entries are None.
A feed whose only entry is an error message is ``blocked``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from crawler.platforms.failures import error_entry_reason
from crawler.platforms.model import SourceParse
from crawler.platforms.posts import (
    Candidate,
    collect_posts,
    entry_key,
    plain_text,
    post_title,
)
from crawler.platforms.times import parse_post_time
from rules.model import Outcome

__all__ = ["looks_like_feed", "parse_feed"]

_SNIFF_CHARS = 4096
_XML_ROOT = re.compile(r"<(?:rss|feed|(?:[A-Za-z][\w.-]*:)?RDF)\b")
_HTML_ROOT = re.compile(r"<html\b|<!doctype\s+html", re.IGNORECASE)
_JSON_FEED_VERSION = "jsonfeed.org/version/"
_WEIBO_HOSTS = ("weibo.com", "weibo.cn")
_REPOST = re.compile(r"转发\s*@\S|//\s*@\S|^\s*转发微博\s*$")
_DATE_FIELDS = ("published", "updated", "created")


def looks_like_feed(text: str) -> bool:
    """True when ``text`` starts like an RSS/Atom document or a JSON Feed."""
    head = text[:_SNIFF_CHARS].lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return _JSON_FEED_VERSION in head
    root = _XML_ROOT.search(head)
    if root is None:
        return False
    html = _HTML_ROOT.search(head)
    return html is None or html.start() > root.start()


def parse_feed(text: str, *, fetched_at: datetime) -> SourceParse | None:
    """The posts of a decoded feed; None when ``text`` is not a feed at all."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return _parse_json_feed(stripped, fetched_at=fetched_at)
    if not looks_like_feed(stripped):
        return None
    return _parse_xml_feed(stripped, fetched_at=fetched_at)


def _parse_xml_feed(text: str, *, fetched_at: datetime) -> SourceParse | None:
    try:
        parsed = feedparser.parse(
            io.BytesIO(text.encode("utf-8", errors="replace")),
            sanitize_html=False,
            resolve_relative_uris=False,
            response_headers={"content-type": "application/xml; charset=utf-8"},
        )
    except Exception:  # a third-party parser on untrusted bytes: whatever breaks it is no feed
        return None
    entries: list[Mapping[str, Any]] = [
        entry for entry in parsed.get("entries", ()) if isinstance(entry, Mapping)
    ]
    if not parsed.get("version") and not entries:
        return None
    feed = parsed.get("feed")
    feed_link = _string(dict.get(feed, "link")) if isinstance(feed, dict) else None
    weibo = _is_weibo(feed_link)
    raw = [_xml_entry(entry) for entry in entries]
    result = _finish(raw, weibo_feed=weibo, fetched_at=fetched_at)
    # RSS lastBuildDate and Atom's feed-level updated: when the feed was generated
    built = _string(dict.get(feed, "updated")) if isinstance(feed, dict) else None
    moment = parse_post_time(built, fetched_at=fetched_at) if built else None
    return replace(result, built_at=moment) if moment is not None else result


def _parse_json_feed(text: str, *, fetched_at: datetime) -> SourceParse | None:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    version = document.get("version")
    if not isinstance(version, str) or _JSON_FEED_VERSION not in version:
        return None
    items = document.get("items")
    entries = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    raw = [_json_entry(item) for item in entries]
    home = _string(document.get("home_page_url"))
    return _finish(raw, weibo_feed=_is_weibo(home), fetched_at=fetched_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class _RawEntry:
    """The fields of one entry that matter, as strings (feedparser and JSON Feed alike)."""

    ident: str | None
    link: str | None
    title: str | None
    summary: str | None
    dates: tuple[str, ...]  # published first, then updated/modified


def _xml_entry(entry: Mapping[str, Any]) -> _RawEntry:
    # dict.get: FeedParserDict.get maps "updated" to "published" with a DeprecationWarning.
    content = dict.get(entry, "content") if isinstance(entry, dict) else None
    content_text = None
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        content_text = _string(content[0].get("value"))
    return _RawEntry(
        ident=_string(_field(entry, "id")),
        link=_string(_field(entry, "link")),
        title=_string(_field(entry, "title")),
        summary=_string(_field(entry, "summary")) or content_text,
        dates=tuple(
            value for value in (_string(_field(entry, name)) for name in _DATE_FIELDS) if value
        ),
    )


def _json_entry(item: Mapping[str, Any]) -> _RawEntry:
    ident = item.get("id")
    if isinstance(ident, bool) or not isinstance(ident, str | int):
        ident = None
    return _RawEntry(
        ident=str(ident) if ident is not None else None,
        link=_string(item.get("url")) or _string(item.get("external_url")),
        title=_string(item.get("title")),
        summary=(
            _string(item.get("content_text"))
            or _string(item.get("content_html"))
            or _string(item.get("summary"))
        ),
        dates=tuple(
            value
            for value in (
                _string(item.get("date_published")),
                _string(item.get("date_modified")),
            )
            if value
        ),
    )


def _finish(raw: list[_RawEntry], *, weibo_feed: bool, fetched_at: datetime) -> SourceParse:
    if len(raw) == 1:
        only = raw[0]
        reason = error_entry_reason(plain_text(only.title or ""), plain_text(only.summary or ""))
        if reason is not None:
            return SourceParse(
                outcome=Outcome.BLOCKED, posts=(), detail=reason, suspect_empty=False
            )
    return collect_posts(_candidates(raw, weibo_feed=weibo_feed, fetched_at=fetched_at))


def _candidates(
    raw: list[_RawEntry], *, weibo_feed: bool, fetched_at: datetime
) -> Iterator[Candidate]:
    for entry in raw:
        published = _first_time(entry.dates, fetched_at=fetched_at)
        title = post_title(entry.title, entry.summary)
        link = _web_link(entry.link)
        is_weibo = weibo_feed or _is_weibo(link)
        yield Candidate(
            key=entry_key(ident=entry.ident, link=entry.link, title=title, published=published),
            url=link,
            title=title,
            published=published,
            is_repost=_weibo_repost(entry) if is_weibo else None,
        )


def _first_time(values: tuple[str, ...], *, fetched_at: datetime) -> datetime | None:
    for value in values:
        moment = parse_post_time(value, fetched_at=fetched_at)
        if moment is not None:
            return moment
    return None


def _weibo_repost(entry: _RawEntry) -> bool | None:
    """True when RSSHub's rendering shows a retweet; None otherwise (the feed does not say)."""
    for text in (entry.summary, entry.title):
        if text and _REPOST.search(plain_text(text)):
            return True
    return None


def _is_weibo(url: str | None) -> bool:
    if not url:
        return False
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return any(host == domain or host.endswith("." + domain) for domain in _WEIBO_HOSTS)


def _web_link(value: str | None) -> str | None:
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def _field(entry: Mapping[str, Any], name: str) -> object:
    return dict.get(entry, name) if isinstance(entry, dict) else entry.get(name)


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
