"""An account's source: where to fetch it (``source_url``), what its answer says (``parse_source``).

Kinds (targets.yaml ``accounts[].source``): ``feed`` (an RSS 2.0, Atom or JSON Feed URL, fetched
as is), ``rsshub`` (a route on the configured RSSHub base URL) and ``weibo`` (a uid on Weibo's
m.weibo.cn container API; the API base is configurable so tests serve it on loopback).

``parse_source`` never raises on a body: whatever the bytes, it returns a ``SourceParse``.
A failed, refused or unreadable answer is never an account without posts.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlsplit

from crawler.fetch.decode import decode_html
from crawler.platforms.failures import classify_unusable
from crawler.platforms.feed import parse_feed
from crawler.platforms.model import SourceKind, SourceParse
from crawler.platforms.weibo import parse_weibo
from rules.model import Outcome

__all__ = ["DEFAULT_WEIBO_API", "WEIBO_TIMELINE_PATH", "parse_source", "source_url"]

DEFAULT_WEIBO_API = "https://m.weibo.cn"
WEIBO_TIMELINE_PATH = "/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}"
_KINDS = ("feed", "rsshub", "weibo")


def source_url(
    kind: SourceKind, value: str, *, rsshub_base: str | None, weibo_api: str | None
) -> str:
    """The URL to fetch for a source; ValueError saying what is wrong and how to fix it.

    ``weibo_api`` None means Weibo's own ``https://m.weibo.cn``.
    """
    text = value.strip()
    if kind == "feed":
        _check_http_url(text, what=f"feed source {value!r}", hint="give the feed's full URL")
        return text
    if kind == "rsshub":
        if rsshub_base is None:
            raise ValueError(
                f"rsshub source {value!r} needs an RSSHub base URL: "
                "set the top-level 'rsshub: http://…' in targets.yaml"
            )
        _check_http_url(
            rsshub_base.strip(),
            what=f"RSSHub base URL {rsshub_base!r}",
            hint="set 'rsshub' to the instance's address, e.g. http://127.0.0.1:1200",
        )
        if not text.startswith("/") or "://" in text or any(ch.isspace() for ch in text):
            raise ValueError(
                f"rsshub source {value!r} is not a route: write the path on the RSSHub "
                "instance, e.g. /weibo/user/1195230310 (use 'feed:' for a full URL)"
            )
        return rsshub_base.strip().rstrip("/") + text
    if kind == "weibo":
        base = (weibo_api or DEFAULT_WEIBO_API).strip()
        _check_http_url(
            base,
            what=f"Weibo API base URL {weibo_api!r}",
            hint="set 'weibo_api' to e.g. https://m.weibo.cn",
        )
        if not text.isascii() or not text.isdigit():
            raise ValueError(
                f"weibo_uid {value!r} is not a Weibo uid: give the account's numeric id, "
                'e.g. weibo_uid: "1195230310"'
            )
        return base.rstrip("/") + WEIBO_TIMELINE_PATH.format(uid=quote(text))
    raise ValueError(f"unknown source kind {kind!r}: use one of {', '.join(_KINDS)}")


def parse_source(
    kind: SourceKind,
    body: bytes,
    *,
    content_type: str | None,
    status: int,
    fetched_at: datetime,
) -> SourceParse:
    """What one fetched answer of a source says: its posts, or why it cannot be read."""
    if fetched_at.tzinfo is None:
        raise ValueError(f"naive fetched_at {fetched_at!r}: pass an aware datetime (UTC)")
    if status == 304:
        return SourceParse(
            outcome=Outcome.NOT_MODIFIED, posts=(), detail="not modified", suspect_empty=False
        )
    text, _ = decode_html(body, content_type)
    parsed = None
    if 200 <= status < 300:
        if kind == "weibo":
            parsed = parse_weibo(text, fetched_at=fetched_at)
        else:
            parsed = parse_feed(text, fetched_at=fetched_at)
    if parsed is not None:
        return parsed
    outcome, detail = classify_unusable(kind, status=status, text=text)
    return SourceParse(outcome=outcome, posts=(), detail=detail, suspect_empty=False)


def _check_http_url(url: str, *, what: str, hint: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise ValueError(f"{what} is not a URL ({exc}): {hint}") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"{what} is not an http(s) URL: {hint}")
