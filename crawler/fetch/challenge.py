"""Anti-bot challenge and WAF block pages (DESIGN.md decision 4).

Many government sites sit behind a WAF. Instead of the page it answers with a challenge
(瑞数/Ruishu: 412 or 202 and a page that is little more than ``<script>`` setting ``$_ts``;
加速乐: 521 and a script that sets a cookie) or a block page (安全狗, 云锁, 创宇盾, 阿里云盾,
"您的访问被拦截"). Such a page tells nothing about the site's content: it is ``blocked``,
never retried in a loop and never judged for freshness.

Judging is conservative where a wrong answer would hide real content: a 200 page counts as
a challenge only when it names a known vendor or block phrase *and* shows almost no text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Statuses WAFs use for challenges and block pages.
CHALLENGE_STATUSES = frozenset({202, 403, 405, 406, 418, 429, 468, 493, 503, 521})
SCRIPT_ONLY_MAX_VISIBLE_CHARS = 60  # visible text of a script-only page, "请开启JavaScript" etc.
SMALL_PAGE_MAX_VISIBLE_CHARS = 600  # a block page explains itself in a few sentences


@dataclass(frozen=True, slots=True, kw_only=True)
class _Marker:
    vendor: str
    pattern: re.Pattern[str]
    strong: bool  # specific enough to name the vendor on its own in a small page


def _marker(vendor: str, pattern: str, *, strong: bool = True) -> _Marker:
    return _Marker(vendor=vendor, pattern=re.compile(pattern, re.I), strong=strong)


_MARKERS = (
    _marker("瑞数", r"\$_ts\s*[=.\[]|window\[['\"]\$_ts['\"]\]"),
    _marker("瑞数", r"<meta\s+id=\"[^\"]{6,}\"\s+content=\"[^\"]*\"\s+r=['\"]m['\"]"),
    _marker("加速乐", r"__jsl_clearance|jsl_clearance_s"),
    _marker("知道创宇", r"创宇盾|knownsec|365cyd|jiasule"),
    _marker("安全狗", r"安全狗|safedog"),
    _marker("云锁", r"云锁|yunsuo"),
    _marker("阿里云盾", r"aliyun_waf|errors\.aliyun\.com|阿里云盾|/_waf_"),
    _marker("360网站卫士", r"360wzws|网站卫士"),
    _marker("腾讯云WAF", r"waf\.tencent-cloud\.com|腾讯云\s*web\s*应用防火墙"),
    _marker("Cloudflare", r"cf-browser-verification|challenge-platform|cf_chl_"),
    _marker("F5", r"the requested url was rejected\. please consult with your administrator"),
    _marker(
        "WAF",
        r"您的访问被拦截|访问被拦截|您的访问被阻断|访问已被拦截|访问被拒绝|非法访问|"
        r"网站防火墙|web\s*应用防火墙|疑似攻击|安全拦截|拦截提示",
    ),
    _marker("JS", r"请(?:开启|启用|打开)\s*javascript|enable\s+javascript", strong=False),
)
_DROP = re.compile(
    r"<(script|style|noscript)\b[^>]*>.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)|<[^>]*>", re.I | re.S
)
_SCRIPT_OPEN = re.compile(r"<script\b", re.I)
_SPACE = re.compile(r"\s+|&nbsp;|&#160;")


def detect_challenge(status: int, text: str) -> str | None:
    """Why this response is an anti-bot challenge or WAF block page, or None when it is not.

    ``text`` is the decoded body (its first 64 KiB suffice for error statuses).
    """
    if status == 412:
        # Nothing we send makes a 412 legitimate: we never send If-Match/If-Unmodified-Since.
        vendor, _ = _vendor(text)
        return f"412 challenge page ({vendor or 'unknown WAF'})"
    if status not in CHALLENGE_STATUSES and status != 200:
        return None
    visible = visible_text_length(text, stop_above=SMALL_PAGE_MAX_VISIBLE_CHARS)
    if status == 200 and visible > SMALL_PAGE_MAX_VISIBLE_CHARS:
        return None  # an ordinary page: skip the marker search, the costly part
    vendor, strong = _vendor(text)
    script_only = visible <= SCRIPT_ONLY_MAX_VISIBLE_CHARS and _SCRIPT_OPEN.search(text) is not None
    if status == 200:
        return f"200 challenge page ({vendor})" if strong else None
    if vendor is not None:
        return f"{status} challenge page ({vendor})"
    if script_only:
        return f"{status} script-only challenge page"
    return None


def visible_text_length(text: str, *, stop_above: int | None = None) -> int:
    """Characters a reader without JavaScript would see (scripts, styles and tags removed).

    With ``stop_above``, counting stops once the count exceeds it (ordinary pages exceed
    it within their first kilobytes) and the partial count is returned.
    """
    count = 0
    position = 0
    for dropped in _DROP.finditer(text):
        count += _visible_in(text[position : dropped.start()])
        if stop_above is not None and count > stop_above:
            return count
        position = dropped.end()
    return count + _visible_in(text[position:])


def _visible_in(segment: str) -> int:
    return len(segment) - sum(len(space) for space in _SPACE.findall(segment))


def _vendor(text: str) -> tuple[str | None, bool]:
    """The first vendor whose marker the page shows, and whether that marker is specific."""
    weak = None
    for marker in _MARKERS:
        if marker.pattern.search(text):
            if marker.strong:
                return marker.vendor, True
            weak = weak or marker.vendor
    return weak, False
