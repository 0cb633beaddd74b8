"""What the rules engine is given: the facts of a site or a new-media account at the check time.

Storage answers the fact queries and builds these values; the engine only reads them. Times are
aware UTC datetimes; calendar dates (probe days, week starts) are dates in Asia/Shanghai.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from rules.content import ContentCheck
from rules.letters import BoardFacts
from rules.model import Outcome, PageFacts, Site

__all__ = ["Account", "AccountFacts", "Platform", "ProbeStats", "SiteFacts"]


class Platform(StrEnum):
    """The platform a 政务新媒体 account lives on."""

    WEIBO = "weibo"
    WECHAT = "wechat"
    DOUYIN = "douyin"
    TOUTIAO = "toutiao"
    KUAISHOU = "kuaishou"
    BILIBILI = "bilibili"
    APP = "app"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _PLATFORM_LABELS[self]


_PLATFORM_LABELS = {
    Platform.WEIBO: "微博",
    Platform.WECHAT: "微信公众号",
    Platform.DOUYIN: "抖音",
    Platform.TOUTIAO: "今日头条",
    Platform.KUAISHOU: "快手",
    Platform.BILIBILI: "哔哩哔哩",
    Platform.APP: "客户端",
    Platform.OTHER: "其他",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    id: str
    name: str
    platform: Platform
    unit: str | None = None  # owning unit (主办单位)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeStats:
    """Availability probes of a homepage over a trailing window."""

    window_start: datetime  # aware UTC
    window_end: datetime  # aware UTC
    per_day: Mapping[date, tuple[int, int]]  # Asia/Shanghai date -> (probes, failed)


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteFacts:
    site: Site
    pages: tuple[PageFacts, ...]  # the homepage first (column_id None), then the columns
    probes: ProbeStats | None = None  # None: no probe data at all
    boards: tuple[BoardFacts, ...] = ()  # the site's message boards (none configured: empty)
    content: tuple[ContentCheck, ...] = ()  # its sampled articles' and attachments' checks

    @property
    def homepage(self) -> PageFacts | None:
        return next((page for page in self.pages if page.column_id is None), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountFacts:
    account: Account
    url: str  # the feed or source URL (evidence)
    checked_at: datetime  # aware UTC: the last fetch of the source
    outcome: Outcome | None  # the last fetch; not readable -> the account cannot be judged now
    detail: str | None = None
    newest_post: datetime | None  # the newest post ever seen (aware UTC)
    posts_per_week: Mapping[date, int]  # Monday (Asia/Shanghai) -> posts published that week
    history_since: datetime | None  # from when the stored post history is complete (aware UTC)
    # Spans (aware UTC, open) since then in which posts may be missing: the feed scrolled past
    # posts between two readable fetches. A week that overlaps one is not fully known.
    history_gaps: tuple[tuple[datetime, datetime], ...] = ()
    newest_post_title: str | None = None
    newest_post_url: str | None = None
    # How the newest post's time was shown when only relative to the fetch (3天前): the
    # date is then that precise (evidence)
    newest_post_shown: str | None = None
