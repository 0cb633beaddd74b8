"""Machine-readable publish dates in a page's scripts: JSON-LD and WeChat article pages.

- JSON-LD ``"datePublished": "2022-05-20T10:00:00+08:00"`` (the first one: the page's own
  object comes before the related items it may list);
- WeChat (``mp.weixin.qq.com``) articles render their date with a script: ``var ct =
  "1650000000"`` (seconds since the epoch, read as an Asia/Shanghai day), ``publish_time`` and
  ``create_time`` (an epoch or a date string). The visible ``#publish_time`` element is empty in
  the HTML as fetched. These are read only on pages that carry WeChat's own markers.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

from crawler.extract.dates import is_plausible, parse_date
from rules.model import SHANGHAI

JSON_LD_WHERE = "JSON-LD datePublished"
_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')
_NOT_THE_PAGE = frozenset(
    {
        "ImageObject", "VideoObject", "AudioObject", "MediaObject", "Comment", "Review",
        "Rating", "Person", "Organization", "Product", "Offer", "Event", "Answer", "Question",
    }
)  # fmt: skip
_WECHAT_MARKERS = ("mp.weixin.qq.com", "msg_title", "__biz", "rich_media", "appmsg")
_WECHAT_VALUE = r"""(\d{10}|[^"',;]{8,25})"""  # an epoch in seconds, or a date string
_WECHAT_FIELDS = (
    ("ct", re.compile(r"""(?:\bvar\s+|\bwindow\.)ct\s*=\s*["']?(\d{10})(?:\d{3})?\b""")),
    (
        "publish_time",
        re.compile(r"""\bpublish_time["']?\s*[=:]\s*(?:JsDecode\()?["']""" + _WECHAT_VALUE),
    ),
    ("publish_time", re.compile(r"""["']?publish_time["']?\s*:\s*(\d{10})\b""")),
    (
        "create_time",
        re.compile(r"""\bcreate_time["']?\s*[=:]\s*(?:JsDecode\()?["']?""" + _WECHAT_VALUE),
    ),
)


def json_ld_published(scripts: list[str], *, today: date) -> tuple[date, str] | None:
    """The first plausible JSON-LD ``datePublished`` of the page's own object.

    Objects that describe something else on the page (an image, a video, a comment, a review)
    carry their own ``datePublished``; theirs is not the article's. A script that is not valid
    JSON is searched with a pattern, first match first.
    """
    for script in scripts:
        if "datePublished" not in script:
            continue
        try:
            data = json.loads(script)
        except ValueError:
            found = _first_pattern_date(script, today=today)
        else:
            found = _first_object_date(data, today=today)
        if found is not None:
            return found, JSON_LD_WHERE
    return None


def _first_object_date(data: object, *, today: date) -> date | None:
    stack: list[object] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        names = _types(node.get("@type"))
        raw = node.get("datePublished")
        if isinstance(raw, str) and not names & _NOT_THE_PAGE:
            value = parse_date(raw, today=today)
            if value is not None:
                return value
        if names & _NOT_THE_PAGE:
            continue  # an image's or a comment's parts are not the page either
        stack.extend(reversed([value for value in node.values() if isinstance(value, dict | list)]))
    return None


def _types(raw: object) -> set[str]:
    if isinstance(raw, str):
        return {raw}
    if isinstance(raw, list):
        return {name for name in raw if isinstance(name, str)}
    return set()


def _first_pattern_date(script: str, *, today: date) -> date | None:
    for match in _LD_PUBLISHED.finditer(script):
        try:
            raw = json.loads(f'"{match[1]}"')
        except ValueError:
            continue
        value = parse_date(raw, today=today)
        if value is not None:
            return value
    return None


def wechat_published(scripts: list[str], *, today: date) -> tuple[date, str] | None:
    """A WeChat article's publish date from its script variables, or None."""
    if not any(marker in script for script in scripts for marker in _WECHAT_MARKERS):
        return None
    for name, pattern in _WECHAT_FIELDS:
        for script in scripts:
            match = pattern.search(script)
            if match is None:
                continue
            value = _epoch_or_date(match[1], today=today)
            if value is not None:
                return value, f"WeChat script {name}"
    return None


def _epoch_or_date(raw: str, *, today: date) -> date | None:
    if raw.isdigit() and len(raw) == 10:
        value = datetime.fromtimestamp(int(raw), UTC).astimezone(SHANGHAI).date()
        return value if is_plausible(value, today) else None
    return parse_date(raw, today=today)
