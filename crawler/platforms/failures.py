"""Answers of an account source that are not a usable feed, and why (DESIGN.md decision 6).

Weibo, Douyin and WeChat data is fragile: Weibo answers 432 or 418 to crawlers, or a
"Sina Visitor System" / passport login page; RSSHub routes break on anti-bot measures and
expired cookies and then answer an error page ("Looks like something went wrong"), an error
JSON, or a feed whose only entry is the error message. None of these says anything about the
account's activity: the outcome is ``blocked`` (or ``http_error`` for another failed status),
never "not updated". A 2xx answer is either a usable feed (``ok``) or ``blocked``: whatever
else it holds (an ordinary page, an empty body, bytes that are no feed) cannot be judged.

Markers of captcha and login pages ("验证码", "请登录", …) are looked for only in bodies that
are not a usable feed: a government post warning about 验证码 fraud must not block its feed.
"""

from __future__ import annotations

import json
import re

from crawler.fetch.challenge import detect_challenge
from crawler.platforms.model import SourceKind
from crawler.platforms.posts import plain_text
from rules.model import Outcome

__all__ = [
    "WEIBO_BLOCK_STATUSES",
    "classify_unusable",
    "error_entry_reason",
    "login_or_captcha_reason",
    "rsshub_error_reason",
]

WEIBO_BLOCK_STATUSES = frozenset({418, 432})
_QUOTE_CHARS = 120

_LOGIN_OR_CAPTCHA = re.compile(
    r"验证码|captcha|访问频繁|请求过于频繁|请登录|Sina Visitor System|passport\.weibo"
    r"|cookies?\s*(?:已经?|has\s+|is\s+)?(?:过期|失效|expired|invalid)"
    r"|(?:过期|失效|expired|invalid)\s*(?:的\s*)?cookies?",
    re.IGNORECASE,
)
_RSSHUB = re.compile(r"rsshub", re.IGNORECASE)
_RSSHUB_ERROR = re.compile(
    r"looks like something went wrong|\berror\b|route is empty|发生了(?:一些)?(?:意外|错误)",
    re.IGNORECASE,
)
_ERROR_ENTRY = re.compile(
    r"looks like something went wrong|route is empty|^\s*(?:error|错误)\s*[:：]"
    r"|发生了(?:一些)?(?:意外|错误)|请求(?:失败|出错)|获取失败|风控"
    r"|验证码|captcha|访问频繁|请登录"
    r"|cookies?\s*(?:已经?|has\s+|is\s+)?(?:过期|失效|expired|invalid)",
    re.IGNORECASE,
)
_ERROR_MESSAGE = re.compile(
    r"<pre\b[^>]*>(?P<pre>.*?)</pre>|error\s+message\s*[:：]\s*(?P<message>[^<\n]+)",
    re.IGNORECASE | re.DOTALL,
)
_TITLE = re.compile(r"<title\b[^>]*>(?P<title>.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML = re.compile(r"<!doctype\s+html|<html\b|<head\b|<body\b", re.IGNORECASE)


def classify_unusable(kind: SourceKind, *, status: int, text: str) -> tuple[Outcome, str]:
    """The outcome and detail of an answer that gave no usable feed (decoded ``text``)."""
    if kind == "weibo" and status in WEIBO_BLOCK_STATUSES:
        return Outcome.BLOCKED, f"Weibo anti-bot answer (HTTP {status})"
    rsshub = rsshub_error_reason(text) if kind != "weibo" else None
    if rsshub is not None:
        return Outcome.BLOCKED, rsshub
    challenge = detect_challenge(status, text)
    if challenge is not None:
        return Outcome.BLOCKED, challenge
    login = login_or_captcha_reason(text)
    if login is not None:
        return Outcome.BLOCKED, f"HTTP {status}: {login}"
    if status >= 300:
        return Outcome.HTTP_ERROR, f"HTTP {status}"
    expected = "Weibo API JSON" if kind == "weibo" else "a feed"
    if _HTML.search(text[:4096]):
        return Outcome.BLOCKED, f"an HTML page where {expected} was expected{_title_of(text)}"
    if not text.strip():
        return Outcome.BLOCKED, f"an empty body where {expected} was expected"
    return Outcome.BLOCKED, f"not {expected}: starts {_quote(text)}"


def rsshub_error_reason(text: str) -> str | None:
    """``RSSHub error page: …`` for RSSHub's error answers (HTML or JSON), else None."""
    error_json = _json_error(text)
    if error_json is not None:
        return f"RSSHub error answer: {error_json}"
    if not _RSSHUB.search(text) or not _RSSHUB_ERROR.search(text):
        return None
    if not _HTML.search(text[:4096]):
        return None  # a feed that merely mentions RSSHub and an error is judged by its entries
    message = _ERROR_MESSAGE.search(text)
    if message is not None:
        found = plain_text(message["pre"] or message["message"] or "")
        if found:
            return f"RSSHub error page: {_clip(found)}"
    title = _TITLE.search(text)
    return f"RSSHub error page: {_clip(plain_text(title['title']) if title else 'no message')}"


def login_or_captcha_reason(text: str) -> str | None:
    """``captcha or login page ("验证码")`` when ``text`` shows such a marker, else None."""
    marker = _LOGIN_OR_CAPTCHA.search(text)
    if marker is None:
        return None
    return f'captcha, login or expired-cookie page ("{marker[0]}")'


def error_entry_reason(title: str, summary: str) -> str | None:
    """Why the only entry of a feed is an error message rather than a post, else None."""
    shown = f"{title}\n{summary}"
    marker = _ERROR_ENTRY.search(title) or _ERROR_ENTRY.search(summary)
    if marker is None:
        return None
    return f'the feed\'s only entry is an error message ("{marker[0].strip()}"): {_clip(shown)}'


def _json_error(text: str) -> str | None:
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or "error" not in value:
        return None
    error = value["error"]
    if isinstance(error, dict):
        error = error.get("message", error)
    return _clip(str(error))


def _title_of(text: str) -> str:
    title = _TITLE.search(text[:16384])
    if title is None:
        return ""
    plain = plain_text(title["title"])
    return f" (title {_clip(plain)!r})" if plain else ""


def _quote(text: str) -> str:
    return repr(text.strip()[:40])


def _clip(text: str) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) <= _QUOTE_CHARS:
        return collapsed
    return collapsed[: _QUOTE_CHARS - 1] + "…"
