"""The shared vocabulary: frozen values that every layer speaks.

Times are aware datetimes in UTC when stored or passed around; they are shown, windowed
and counted in Asia/Shanghai (``SHANGHAI``). Calendar dates seen on pages (``date``) are
dates in Asia/Shanghai.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from rules.boards import Board

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The calendar date of an aware ``moment`` in Asia/Shanghai."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware datetime (UTC)")
    return moment.astimezone(SHANGHAI).date()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Outcome(StrEnum):
    """How one fetch ended. Every fetch ends in exactly one of these, and it is stored."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"  # 304: unchanged since the last snapshot
    HTTP_ERROR = "http_error"  # a 4xx/5xx status (the status is kept)
    TIMEOUT = "timeout"
    DNS_ERROR = "dns_error"
    CONNECT_ERROR = "connect_error"
    TLS_ERROR = "tls_error"
    NETWORK_ERROR = "network_error"  # connection reset or broken response mid-transfer
    TOO_LARGE = "too_large"
    REDIRECT_LOOP = "redirect_loop"  # a redirect cycle or too many redirects
    BLOCKED = "blocked"  # anti-bot challenge (412/202 script-only pages, WAF pages)
    RENDERED = "rendered"  # read in a real browser after a challenge or a script-built page
    STALE_SUSPECT = "stale_suspect"  # a relay feed whose own build time says it stopped
    ACCOUNT_CLOSED = "account_closed"  # the platform page says the account is closed or banned
    NOT_HTML = "not_html"
    ROBOTS_DISALLOWED = "robots_disallowed"
    ADDRESS_REFUSED = "address_refused"  # an internal address the address policy refuses

    @property
    def readable(self) -> bool:
        """True when the page's content is known (fetched now, or unchanged since last time)."""
        return self in (Outcome.OK, Outcome.RENDERED, Outcome.NOT_MODIFIED)

    @property
    def has_content(self) -> bool:
        """True when this fetch brought the page's content: read now, plainly or in a browser."""
        return self in (Outcome.OK, Outcome.RENDERED)

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


# The stored outcomes of fetches that brought a page's content (SQL filters).
CONTENT_OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome if o.has_content)

_OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.OK: "正常",
    Outcome.NOT_MODIFIED: "未变化",
    Outcome.HTTP_ERROR: "HTTP错误",
    Outcome.TIMEOUT: "访问超时",
    Outcome.DNS_ERROR: "域名解析失败",
    Outcome.CONNECT_ERROR: "无法连接",
    Outcome.TLS_ERROR: "证书或TLS错误",
    Outcome.NETWORK_ERROR: "连接中断",
    Outcome.TOO_LARGE: "页面过大",
    Outcome.REDIRECT_LOOP: "重定向循环",
    Outcome.BLOCKED: "被反爬虫拦截",
    Outcome.RENDERED: "正常(浏览器读取)",
    Outcome.STALE_SUSPECT: "来源疑似停止更新",
    Outcome.ACCOUNT_CLOSED: "账号已注销或被封禁",
    Outcome.NOT_HTML: "非网页内容",
    Outcome.ROBOTS_DISALLOWED: "robots.txt禁止抓取",
    Outcome.ADDRESS_REFUSED: "内网地址已拒绝访问",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """A freshness window before the check time: whole calendar months and/or days."""

    months: int = 0
    days: int = 0
    label: str  # the notices' wording: "2周", "6个月", "1年", "90天"

    def cutoff(self, today: date) -> date:
        """The oldest date that still counts as updated within the window ending ``today``."""
        year, month = divmod(today.year * 12 + today.month - 1 - self.months, 12)
        month += 1
        day = min(today.day, calendar.monthrange(year, month)[1])
        return date.fromordinal(date(year, month, day).toordinal() - self.days)


class Category(StrEnum):
    """Column categories of 国办秘函〔2019〕19号 and their freshness windows."""

    NEWS = "news"  # 动态、要闻类: 2 weeks
    NOTICE = "notice"  # 通知公告、政策文件类: 6 months
    PLAN = "plan"  # 人事、规划计划类: 1 year
    UPDATE = "update"  # 应更新 columns with their own max age in days
    STATIC = "static"  # no window (概况, 领导信息, …)

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]

    def window(self, max_age_days: int | None = None) -> Window | None:
        if self is Category.UPDATE:
            if max_age_days is None:
                raise ValueError("an 'update' column needs max_age_days")
            return Window(days=max_age_days, label=f"{max_age_days}天")
        return _CATEGORY_WINDOWS.get(self)


_CATEGORY_LABELS = {
    Category.NEWS: "动态要闻类",
    Category.NOTICE: "通知公告政策文件类",
    Category.PLAN: "人事规划计划类",
    Category.UPDATE: "应更新类",
    Category.STATIC: "静态类",
}

_CATEGORY_WINDOWS = {
    Category.NEWS: Window(days=14, label="2周"),
    Category.NOTICE: Window(months=6, label="6个月"),
    Category.PLAN: Window(months=12, label="1年"),
}


# --- targets -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    id: str
    name: str
    url: str
    category: Category
    max_age_days: int | None = None  # only for Category.UPDATE
    selector: str | None = None  # optional CSS selector of the list items
    # the notice's section 二 category (rules.publishing id); None: counted in the total only
    report_category: str | None = None

    @property
    def window(self) -> Window | None:
        return self.category.window(self.max_age_days)


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    id: str
    name: str
    homepage: str
    site_code: str | None = None  # 网站标识码
    unit: str | None = None  # owning unit (主办单位)
    respect_robots: bool = True
    profile: str = "national-2019"  # the rule profile judging this site (a name or a file path)
    columns: tuple[Column, ...] = ()
    boards: tuple[Board, ...] = ()  # 互动交流 message boards (rules.boards)


# --- what extraction sees ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One entry of a column list page."""

    title: str
    url: str  # absolute
    published: date | None  # None: no visible date (counts as not updated)
    date_where: str | None = None  # where on the page the date was read, e.g. "li[3] > span.date"
    date_text: str | None = None  # the raw text the date was read from


# --- facts and findings --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PageFacts:
    """What is known about one page (a homepage or a column) at the check time."""

    site_id: str
    site_name: str
    column_id: str | None  # None for the homepage
    column_name: str | None
    category: Category | None
    max_age_days: int | None
    url: str
    checked_at: datetime  # aware UTC: when the page was last fetched in this run
    outcome: Outcome | None  # None: never fetched
    status: int | None = None
    detail: str | None = None  # error detail for failed fetches
    list_found: bool = False
    item_count: int = 0
    dated_count: int = 0
    # Items whose only date is later than the check date (a slip such as 2062 for 2026): not
    # dated, yet not undated either; ``later_dated`` is the first of them, for the evidence.
    later_dated_count: int = 0
    later_dated: Item | None = None
    newest: Item | None = None  # the newest dated item currently on the page
    content_seen_at: datetime | None = None  # when the judged content was fetched (304 → earlier)
    meta: Mapping[str, str] = field(default_factory=dict)  # government meta tags of the page
    # personal numbers the page's text showed, masked: {kind, masked, snippet}
    personal_data: tuple[Mapping[str, str], ...] = ()
    # the curated list's 严重表述错误/错别字 in its text: {wrong, right, kind, source, sentence}
    wording: tuple[Mapping[str, str], ...] = ()
    # links hidden from visitors (暗链): {url, text, how, how_text, where, keywords, external}
    hidden_links: tuple[Mapping[str, object], ...] = ()


class Severity(StrEnum):
    PROBLEM = "problem"  # an inspection problem (存在问题)
    UNKNOWN = "unknown"  # could not be judged: unreachable, blocked, unreadable
    ADVISORY = "advisory"  # low severity, no points unless a profile gives them (meta tags …)


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    url: str
    checked_at: datetime  # aware UTC
    outcome: Outcome | None = None
    status: int | None = None
    newest_date: date | None = None
    newest_title: str | None = None
    newest_url: str | None = None
    newest_where: str | None = None
    threshold: str | None = None  # e.g. "2周 (14天)"
    cutoff: date | None = None
    age_days: int | None = None
    item_count: int | None = None
    dated_count: int | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, StrEnum):
                value = value.value
            out[name] = value
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    code: str  # stable kebab-case code, documented in docs/rules.md
    severity: Severity
    message: str  # Chinese, in the notices' wording
    site_id: str
    site_name: str
    column_id: str | None
    column_name: str | None
    evidence: Evidence
    extra: Mapping[str, object] = field(default_factory=dict)
