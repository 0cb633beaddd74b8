"""Anti-bot challenge and WAF block pages (DESIGN.md decision 4).

Many government sites sit behind a WAF. Instead of the page it answers with a challenge
(瑞数/Ruishu: 412 or 202 and a page that is little more than ``<script>`` setting ``$_ts``;
加速乐: 521 and a script that sets a cookie) or a block page (安全狗, 云锁, 创宇盾, 阿里云盾,
"您的访问被拦截"). Such a page tells nothing about the site's content: it is ``blocked``,
never retried in a loop and never judged for freshness.

Judging is conservative where a wrong answer would hide real content: a 2xx page counts as a
challenge only when it names a known vendor or block phrase *and* shows no content — almost no
text and no readable links. Sites behind 瑞数 carry its ``$_ts`` script on every page, real
ones included: the snippet alone never makes a page with a list of links a challenge.

A ``Challenge`` says what answered and what would get past it: a script challenge (瑞数,
加速乐, a script-only page) runs only in a browser; a WAF block page refuses the address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Statuses WAFs use for challenges and block pages.
CHALLENGE_STATUSES = frozenset({202, 403, 405, 406, 418, 429, 468, 493, 503, 521})
SCRIPT_ONLY_MAX_VISIBLE_CHARS = 60  # visible text of a script-only page, "请开启JavaScript" etc.
SMALL_PAGE_MAX_VISIBLE_CHARS = 600  # a block page explains itself in a few sentences
CONTENT_MIN_LINKS = 5  # links with text that make a small page content (a menu and a short list)
_SCRIPT_CHALLENGE_VENDORS = frozenset({"瑞数", "加速乐", "知道创宇", "Cloudflare", "JS"})
_SCRIPT_ONLY_VENDOR_BY_STATUS = {521: "加速乐"}  # its first answer hides its name in the script


@dataclass(frozen=True, slots=True, kw_only=True)
class Challenge:
    """An anti-bot challenge or WAF block page answered in place of the page."""

    status: int
    vendor: str | None  # "瑞数", "加速乐", "安全狗", "WAF", "JS" …; None when nothing names it
    script_only: bool  # scripts and almost no visible text: only a browser gets past it

    @property
    def detail(self) -> str:
        """The fetch outcome's detail, e.g. ``412 challenge page (瑞数)``."""
        if self.vendor is not None:
            return f"{self.status} challenge page ({self.vendor})"
        if self.status == 412 or not self.script_only:
            return f"{self.status} challenge page (unknown WAF)"
        return f"{self.status} script-only challenge page"

    @property
    def needs_browser(self) -> bool:
        """True for a script challenge: a browser running the script gets the page."""
        return self.script_only or self.vendor in _SCRIPT_CHALLENGE_VENDORS

    @property
    def remedy(self) -> str:
        """What a person reads: ``needs a browser (瑞数 challenge)``, or what else to do."""
        if self.needs_browser:
            if self.vendor is None or self.vendor == "JS":
                return "needs a browser (script-only challenge)"
            return f"needs a browser ({self.vendor} challenge)"
        return (
            f"refused by the site's firewall ({self.vendor or 'unknown WAF'} block page) — "
            "ask the site to allow this address or User-Agent"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Marker:
    vendor: str
    pattern: re.Pattern[str]
    # lower-case strings one of which is in every text the pattern matches: a plain substring
    # search (fast) decides whether the pattern is worth running at all
    needles: tuple[str, ...]
    strong: bool  # specific enough to name the vendor on its own in a small page


def _marker(vendor: str, pattern: str, needles: tuple[str, ...], *, strong: bool = True) -> _Marker:
    return _Marker(vendor=vendor, pattern=re.compile(pattern, re.I), needles=needles, strong=strong)


_MARKERS = (
    _marker("瑞数", r"\$_ts\s*[=.\[]|window\[['\"]\$_ts['\"]\]", ("$_ts",)),
    _marker(
        "瑞数",
        r"<meta\s+id=\"[^\"]{6,}\"\s+content=\"[^\"]*\"\s+r=['\"]m['\"]",
        ('r="m"', "r='m'", "r='m\"", "r=\"m'"),
    ),
    _marker("加速乐", r"__jsl_clearance|jsl_clearance_s", ("jsl_clearance",)),
    _marker(
        "知道创宇", r"创宇盾|knownsec|365cyd|jiasule", ("创宇盾", "knownsec", "365cyd", "jiasule")
    ),
    _marker("安全狗", r"安全狗|safedog", ("安全狗", "safedog")),
    _marker("云锁", r"云锁|yunsuo", ("云锁", "yunsuo")),
    _marker(
        "阿里云盾",
        r"aliyun_waf|errors\.aliyun\.com|阿里云盾|/_waf_",
        ("aliyun_waf", "errors.aliyun.com", "阿里云盾", "/_waf_"),
    ),
    _marker("360网站卫士", r"360wzws|网站卫士", ("360wzws", "网站卫士")),
    _marker(
        "腾讯云WAF",
        r"waf\.tencent-cloud\.com|腾讯云\s*web\s*应用防火墙",
        ("waf.tencent-cloud.com", "腾讯云"),
    ),
    _marker(
        "Cloudflare",
        r"cf-browser-verification|challenge-platform|cf_chl_",
        ("cf-browser-verification", "challenge-platform", "cf_chl_"),
    ),
    _marker(
        "F5",
        r"the requested url was rejected\. please consult with your administrator",
        ("the requested url was rejected",),
    ),
    _marker(
        "WAF",
        r"您的访问被拦截|访问被拦截|您的访问被阻断|访问已被拦截|访问被拒绝|非法访问|"
        r"网站防火墙|web\s*应用防火墙|疑似攻击|安全拦截|拦截提示",
        ("拦截", "阻断", "访问被拒绝", "非法访问", "防火墙", "疑似攻击"),
    ),
    _marker(
        "JS",
        r"请(?:开启|启用|打开)\s*javascript|enable\s+javascript",
        ("javascript",),
        strong=False,
    ),
)
_DROP = re.compile(
    r"<(script|style|noscript)\b[^>]*>.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)|<[^>]*>", re.I | re.S
)
_NON_CONTENT = re.compile(
    r"<(script|style|noscript|template)\b[^>]*>.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)", re.I | re.S
)
_ANCHOR_OPEN = re.compile(r"<a\b[^<>]*>", re.I)  # [^<>]: two openings never share characters
_ANCHOR_CLOSE = re.compile(r"</a\s*>", re.I)
ANCHOR_TEXT_MAX = 500  # characters of an anchor's content searched for its </a>
_TAG = re.compile(r"<[^>]*>")
_SCRIPT_OPEN = re.compile(r"<script\b", re.I)
_SPACE = re.compile(r"\s+|&nbsp;|&#160;")


def detect_challenge(status: int, text: str) -> str | None:
    """Why this response is an anti-bot challenge or WAF block page, or None when it is not.

    ``text`` is the decoded body (its first 64 KiB suffice for error statuses).
    """
    challenge = classify_challenge(status, text)
    return challenge.detail if challenge is not None else None


def classify_challenge(status: int, text: str) -> Challenge | None:
    """The challenge or block page this response is, or None when it is not one.

    A 412 always is (we never send If-Match/If-Unmodified-Since); a 2xx page only when a
    known vendor's marker shows on a page without content (see the module docstring); another
    challenge status when a marker shows or the page is scripts only.
    """
    if status == 412:
        vendor, _ = _vendor(text)
        return Challenge(status=status, vendor=vendor, script_only=_script_only(text))
    if status not in CHALLENGE_STATUSES and status != 200:
        return None
    visible = visible_text_length(text, stop_above=SMALL_PAGE_MAX_VISIBLE_CHARS)
    successful = 200 <= status < 300
    if successful and visible > SMALL_PAGE_MAX_VISIBLE_CHARS:
        return None  # an ordinary page: skip the marker search, the costly part
    if successful and content_link_count(text) >= CONTENT_MIN_LINKS:
        return None  # a short page with a menu or a list: content, whatever scripts it carries
    vendor, strong = _vendor(text)
    script_only = visible <= SCRIPT_ONLY_MAX_VISIBLE_CHARS and _SCRIPT_OPEN.search(text) is not None
    if status == 200:
        return Challenge(status=status, vendor=vendor, script_only=script_only) if strong else None
    if vendor is None and script_only:
        vendor = _SCRIPT_ONLY_VENDOR_BY_STATUS.get(status)
    if vendor is not None or script_only:
        return Challenge(status=status, vendor=vendor, script_only=script_only)
    return None


def content_link_count(text: str, *, stop_at: int = CONTENT_MIN_LINKS) -> int:
    """Links a reader sees (``<a>`` with at least two visible characters, outside scripts),
    counted up to ``stop_at``."""
    content = _NON_CONTENT.sub(" ", text)
    count = 0
    for start, end in anchor_windows(content):
        close = _ANCHOR_CLOSE.search(content, start, end)
        if close is not None and _visible_in(_TAG.sub("", content[start : close.start()])) >= 2:
            count += 1
            if count >= stop_at:
                break
    return count


def anchor_windows(content: str) -> Iterator[tuple[int, int]]:
    """Where each ``<a>``'s content may be: from its opening tag to the next ``<a`` (anchors do
    not nest), at most ``ANCHOR_TEXT_MAX`` characters. The windows never overlap, so their
    search is linear in the page however many anchors are left unclosed."""
    openings = _ANCHOR_OPEN.finditer(content)
    current = next(openings, None)
    while current is not None:
        following = next(openings, None)
        limit = following.start() if following is not None else len(content)
        yield current.end(), min(limit, current.end() + ANCHOR_TEXT_MAX)
        current = following


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


def _script_only(text: str) -> bool:
    visible = visible_text_length(text, stop_above=SCRIPT_ONLY_MAX_VISIBLE_CHARS)
    return visible <= SCRIPT_ONLY_MAX_VISIBLE_CHARS and _SCRIPT_OPEN.search(text) is not None


def _vendor(text: str) -> tuple[str | None, bool]:
    """The first vendor whose marker the page shows, and whether that marker is specific."""
    weak = None
    lowered = text.lower()
    for marker in _MARKERS:
        if not any(needle in lowered for needle in marker.needles):
            continue
        if marker.pattern.search(text):
            if marker.strong:
                return marker.vendor, True
            weak = weak or marker.vendor
    return weak, False
