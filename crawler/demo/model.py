"""The demo fleet's data model: simulated sites, their columns and their dated list items,
and simulated 政务新媒体 accounts with their posts.

A ``Fleet`` is plain data, fully dated at construction (relative to its ``today``); the
renderers in ``crawler.demo.styles`` and ``crawler.demo.account_feeds`` turn it into pages
and feeds, and ``crawler.demo.server`` serves them. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from rules.facts import Platform
from rules.model import Category

__all__ = [
    "AccountSource",
    "Charset",
    "DemoAccount",
    "DemoColumn",
    "DemoItem",
    "DemoPost",
    "DemoSite",
    "Fleet",
    "Freshness",
    "ProblemKind",
]


class Charset(StrEnum):
    """How a site labels and encodes its pages (real sites get this wrong in several ways)."""

    UTF8 = "utf-8"
    GBK = "gbk"  # header ``charset=gbk``, ``<meta charset="gb2312">``, gb18030 bytes
    GB2312 = "gb2312"  # header ``charset=gb2312``, http-equiv meta gb2312, gb18030 bytes
    UTF8_LABELLED_GB2312 = "utf-8-labelled-gb2312"  # UTF-8 bytes, meta says gb2312

    @property
    def codec(self) -> str:
        """The Python codec the page bytes are encoded with."""
        return "utf-8" if self in (Charset.UTF8, Charset.UTF8_LABELLED_GB2312) else "gb18030"

    @property
    def header_charset(self) -> str | None:
        """The charset named in the Content-Type header (None: no charset parameter)."""
        return {
            Charset.UTF8: "utf-8",
            Charset.GBK: "gbk",
            Charset.GB2312: "gb2312",
            Charset.UTF8_LABELLED_GB2312: None,
        }[self]

    @property
    def meta_charset(self) -> str:
        """The charset the page's own ``<meta>`` declares."""
        return "utf-8" if self is Charset.UTF8 else "gb2312"


class Freshness(StrEnum):
    """The state a column is built in, relative to the fleet's ``today``."""

    FRESH = "fresh"  # within its window by a wide margin
    STALE = "stale"  # a news column whose newest item is 3–4 weeks old (2-week window)
    OVERDUE = "overdue"  # an 应更新 column whose newest item is about two years old


class ProblemKind(StrEnum):
    """The finding a problem column must produce (the e2e test matches on it)."""

    STALE = "stale"  # 图片新闻2周未更新
    OVERDUE = "overdue"  # 部门预算应更新但长期未更新


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoItem:
    """One article of a column: listed on the column's pages and served as an article page."""

    number: int  # unique within the site; part of the article URL
    title: str
    published: date  # calendar date in Asia/Shanghai
    at: time  # local publication time of day (shown by some styles and on the article)
    body: tuple[str, ...]  # paragraphs of the article page


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoColumn:
    id: str  # [a-z0-9-]+, unique within the site
    name: str
    category: Category
    max_age_days: int | None = None  # only for Category.UPDATE
    freshness: Freshness = Freshness.FRESH
    number: int  # a CMS column number (col1234, info/1023) used in some styles' URLs
    items: tuple[DemoItem, ...] = ()  # newest first; empty for a static column
    # How many of the newest items its list shows; None: all. A column built with a history
    # (``crawler.demo.timeline``) holds more items than it lists at any one moment.
    listed: int | None = None
    text: tuple[str, ...] = ()  # paragraphs of a static column's page
    updated: date | None = None  # a static column's visible 更新时间

    @property
    def is_list(self) -> bool:
        return self.category is not Category.STATIC

    @property
    def problem(self) -> ProblemKind | None:
        """The finding this column is built to produce, or None when it must produce none."""
        if self.freshness is Freshness.STALE:
            return ProblemKind.STALE
        if self.freshness is Freshness.OVERDUE:
            return ProblemKind.OVERDUE
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoLetter:
    """A letter on a site's 网上咨询 board (crawler.demo.board)."""

    number: int  # unique within the board
    title: str
    asked: datetime  # aware, Asia/Shanghai
    replied: date
    unit: str

    @property
    def path(self) -> str:
        return f"/hdjl/wszx/{self.asked:%Y%m}/t{self.asked:%Y%m%d}_{self.number}.html"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoSite:
    id: str  # [a-z0-9-]+, unique within the fleet
    name: str  # exactly as the inspection notice names the site
    unit: str  # 主办单位
    site_code: str  # 网站标识码, 10 digits
    domain: str  # the real-looking domain shown in meta tags and the footer
    style: str  # a key of ``crawler.demo.styles.STYLES``
    charset: Charset
    topics: tuple[str, ...]  # the unit's business topics, used in titles
    columns: tuple[DemoColumn, ...]
    letters: tuple[DemoLetter, ...] = ()  # its 网上咨询 board (crawler.demo.board); none: no board

    def column(self, column_id: str) -> DemoColumn:
        for column in self.columns:
            if column.id == column_id:
                return column
        raise KeyError(f"site {self.id!r} has no column {column_id!r}")


class AccountSource(StrEnum):
    """Where the demo serves an account's posts (the targets file's ``source`` key)."""

    RSSHUB = "rsshub"  # an RSS 2.0 feed in RSSHub's shape, on the fleet's RSSHub port
    WEIBO_UID = "weibo_uid"  # m.weibo.cn's container API, on the fleet's Weibo API port
    PAGE = "page"  # the platform's account page, built by script (RSSHub's port serves it too)


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoPost:
    """One post of an account: a 微博, a 公众号 article, a short video, a 动态."""

    id: str  # the platform's id of the post (Weibo mid, video id, article token)
    url: str
    text: str
    published: datetime  # aware UTC
    repost_of_user: str | None = None  # a 转发: the original's author (Weibo only)
    repost_of_text: str | None = None  # a 转发: the original's text

    @property
    def is_repost(self) -> bool:
        return self.repost_of_user is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoAccount:
    id: str  # [a-z0-9-]+, unique among the fleet's accounts
    name: str  # the account's display name, exactly as the notice prints it
    platform: Platform
    kind: str  # the notice's 类型: 微博, 订阅号, 服务号, 抖音, 今日头条, 快手, 哔哩哔哩
    unit: str  # 主办单位
    source: AccountSource
    handle: str  # the account's id on its platform: uid, biz, sec_uid, token
    weeks_below: int = 0  # complete weeks of the judged period built with fewer than 2 posts
    posts: tuple[DemoPost, ...] = ()  # newest first


@dataclass(frozen=True, slots=True, kw_only=True)
class Fleet:
    today: date  # the date every item is dated relative to, and the header widget shows
    sites: tuple[DemoSite, ...]
    accounts: tuple[DemoAccount, ...] = ()  # 政务新媒体, served on two extra ports

    def site(self, site_id: str) -> DemoSite:
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(f"the fleet has no site {site_id!r}")

    def account(self, account_id: str) -> DemoAccount:
        for account in self.accounts:
            if account.id == account_id:
                return account
        raise KeyError(f"the fleet has no account {account_id!r}")
