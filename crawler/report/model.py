"""A typed view of the findings export (docs/findings-schema.md), as the report reads it: the
frozen values ``crawler.report.reading.parse_export`` builds from the JSON document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = [
    "SUPPORTED_SCHEMAS",
    "AccountEntry",
    "ColumnEntry",
    "Coverage",
    "Disclosure",
    "DisclosureFinding",
    "DisclosureUnit",
    "FindingEntry",
    "LevelTotals",
    "PublishedCategory",
    "PublishedColumn",
    "Publishing",
    "ReportData",
    "ReportDataError",
    "SiteEntry",
    "WeekEntry",
]

SUPPORTED_SCHEMAS = ("xunjian.findings/1",)
_SHANGHAI = ZoneInfo("Asia/Shanghai")

PASSED, FAILED, UNKNOWN = "合格", "不合格", "无法判定"


class ReportDataError(ValueError):
    """The export cannot be read as a report's data; the message says which field and why."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScreenshotEntry:
    """A finding's screenshot as the export names it (``evidence.screenshot``)."""

    sha256: str
    url: str
    taken_at: datetime
    width: int
    height: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingEntry:
    code: str
    severity: str  # problem | unknown | advisory
    message: str
    column_name: str | None
    points: int
    occurrences: int
    screenshot: ScreenshotEntry | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnEntry:
    name: str
    category: str | None
    newest: date | None
    age_days: int | None
    verdict: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteEntry:
    id: str
    name: str
    result: str  # 合格 | 不合格 | 无法判定
    score: int
    problems: str
    findings: tuple[FindingEntry, ...]
    columns: tuple[ColumnEntry, ...]
    ipv6: bool | None  # None: no IPv6 check in the export

    @property
    def problem_findings(self) -> tuple[FindingEntry, ...]:
        return tuple(f for f in self.findings if f.severity == "problem")


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekEntry:
    """One natural week of the period for an account (the export's ``accounts[].weeks``)."""

    monday: date
    posts: int
    judged: bool | None  # by the weekly-posting rule; None: the export does not say
    reason: str | None = None  # why not judged (partial-week, not-ended, history-gap, …)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountEntry:
    id: str
    name: str
    type: str  # 类型 as the notice prints it: 微博, 订阅号, 抖音 …
    result: str
    score: int
    problems: str
    findings: tuple[FindingEntry, ...]
    posts_per_week: tuple[tuple[date, int], ...]  # Monday → posts, oldest first
    score_text: str  # as the notice prints it: the number, or 单项否决 (a veto)
    # Every week of the period, oldest first, zero-post weeks included; empty: an older export
    # without ``weeks`` (only ``posts_per_week``, the weeks with posts, judged or not unsaid)
    weeks: tuple[WeekEntry, ...] = ()
    weekly_minimum: int | None = None  # the weekly-posting rule's min_posts, when exported

    @property
    def problem_findings(self) -> tuple[FindingEntry, ...]:
        return tuple(f for f in self.findings if f.severity == "problem")


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishedColumn:
    id: str
    name: str
    category: str | None
    published: int
    report_category: str | None = None  # section 二's category id; None: in the total only
    complete: bool | None = None  # False: a lower bound; None: the export does not say


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishedCategory:
    """One of section 二's kinds (要闻, 文件 …): its distinct items across its columns."""

    id: str  # news, documents, interpretation, gazette, executive-meeting, …
    label: str  # 要闻, 文件 …
    unit: str  # the counting word: 条, 份, 期, 个
    published: int
    complete: bool  # False: some column of it was not read back to the period start


@dataclass(frozen=True, slots=True, kw_only=True)
class Publishing:
    site: str
    site_name: str
    until: date
    total: int
    columns: tuple[PublishedColumn, ...]
    # None: an export without categories (older), which counted what first pages showed
    categories: tuple[PublishedCategory, ...] | None = None
    complete: bool | None = None  # False: ``total`` is a lower bound; None: not said


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelTotals:
    units: int
    columns: int
    published: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureUnit:
    id: str
    name: str
    level: str  # department | town | village
    parent: str | None
    published: int
    complete: bool  # False: some column could not be read whole, ``published`` is a lower bound
    read: bool = True  # False: none of its columns was read (nothing to count)


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureFinding:
    code: str
    severity: str
    message: str
    unit: str | None
    unit_name: str | None
    level: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Disclosure:
    units_total: int
    columns_total: int
    published_total: int
    by_level: Mapping[str, LevelTotals]
    units: tuple[DisclosureUnit, ...]  # in the targets file order
    findings: tuple[DisclosureFinding, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Interaction:
    """互动交流 as 二 words it (crawler.report.interaction)."""

    portal: str | None  # the site the consult counts are of
    consult_boards: tuple[str, ...]  # its consult boards, by name (none: no sentence)
    consult_unread: tuple[str, ...]  # those that could not be read
    received: int
    answered: int
    rate_text: str
    zhaocuo: Mapping[str, tuple[int, int]]  # site id → (received, handled on time)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportData:
    schema: str
    period_start: date
    period_end: date
    period_label: str  # 2022年第二季度
    as_of: datetime
    sites: tuple[SiteEntry, ...]
    accounts: tuple[AccountEntry, ...]
    publishing: tuple[Publishing, ...] = ()  # empty: the export has no publishing section
    disclosure: Disclosure | None = None
    coverage: Coverage | None = None  # None: an export without the section (all checked)
    interaction: Interaction | None = None  # None: no boards and no 找错 in the export

    @property
    def in_progress(self) -> bool:
        """Judged before the period was over: every section says 截至, no band is final."""
        if self.coverage is not None:
            return self.coverage.in_progress
        return self.as_of.astimezone(_SHANGHAI).date() < self.period_end

    def unchecked(self, kind: str, entry_id: str) -> bool:
        """``kind`` "site" or "account": no stored fetch in the period (未检查)."""
        if self.coverage is None:
            return False
        ids = self.coverage.sites if kind == "site" else self.coverage.accounts
        return entry_id in ids


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """What had no fetch between the period's first day and ``as_of`` (docs/findings-schema.md)."""

    in_progress: bool
    sites: frozenset[str]
    accounts: frozenset[str]
    columns: frozenset[tuple[str, str]]
