"""Column freshness and reachability: the first cut of the rules.

``judge_pages`` turns the facts of each page (homepage or column) and the check time into a
verdict per page and the findings, each with its evidence. A page that could not be fetched,
was blocked, or whose list could not be read is never judged stale: it gets its own finding
of severity ``unknown``.

Finding codes (documented in docs/rules.md):

    column-stale        a 动态/通知公告/人事 column with no item inside its national window
    column-overdue      an 应更新 column with no item inside its own max age
    column-empty        空白栏目: the column shows no items at all
    column-undated      the column's items carry no visible date (counts as not updated)
    column-unreadable   the page was fetched but no list of items was recognised
    column-unreachable  the column page could not be fetched (timeout, DNS, HTTP error, …)
    column-blocked      the column page answered with an anti-bot challenge
    site-unreachable    the homepage could not be fetched
    site-blocked        the homepage answered with an anti-bot challenge
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from rules.model import (
    Category,
    Evidence,
    Finding,
    Outcome,
    PageFacts,
    Severity,
    Window,
    local_date,
)

__all__ = ["PageVerdict", "Verdict", "findings_of", "judge_page", "judge_pages"]


class Verdict(StrEnum):
    FRESH = "fresh"
    STALE = "stale"
    OVERDUE = "overdue"
    EMPTY = "empty"
    UNDATED = "undated"
    MISDATED = "misdated"  # its newer items carry dates later than the check date
    STATIC = "static"  # no freshness window
    UNREADABLE = "unreadable"
    UNREACHABLE = "unreachable"
    BLOCKED = "blocked"
    NOT_CHECKED = "not_checked"
    REACHABLE = "reachable"  # a homepage that loaded (its freshness is judged elsewhere)

    @property
    def label(self) -> str:
        return _VERDICT_LABELS[self]


_VERDICT_LABELS = {
    Verdict.FRESH: "正常更新",
    Verdict.STALE: "未及时更新",
    Verdict.OVERDUE: "应更新但长期未更新",
    Verdict.EMPTY: "空白栏目",
    Verdict.UNDATED: "未标注日期",
    Verdict.MISDATED: "日期有误",
    Verdict.STATIC: "无更新要求",
    Verdict.UNREADABLE: "无法识别",
    Verdict.UNREACHABLE: "无法访问",
    Verdict.BLOCKED: "被拦截",
    Verdict.NOT_CHECKED: "未检查",
    Verdict.REACHABLE: "可访问",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PageVerdict:
    facts: PageFacts
    verdict: Verdict
    newest: date | None
    age_days: int | None
    findings: tuple[Finding, ...]


def judge_pages(
    pages: Iterable[PageFacts],
    *,
    now: datetime,
    windows: Mapping[Category, Window] | None = None,
) -> list[PageVerdict]:
    return [judge_page(page, now=now, windows=windows) for page in pages]


def judge_page(
    page: PageFacts, *, now: datetime, windows: Mapping[Category, Window] | None = None
) -> PageVerdict:
    """The verdict on one page at ``now``.

    ``windows`` overrides the freshness window of a category (a profile's ``windows``);
    categories it does not name keep the national window of ``Category.window``.
    """
    today = local_date(now)
    newest = page.newest.published if page.newest is not None else None
    age = (today - newest).days if newest is not None else None

    def verdict(kind: Verdict, *findings: Finding) -> PageVerdict:
        return PageVerdict(facts=page, verdict=kind, newest=newest, age_days=age, findings=findings)

    is_home = page.column_id is None
    name = page.column_name or "网站首页"
    if page.outcome is None:
        return verdict(Verdict.NOT_CHECKED)
    if not page.outcome.readable:
        blocked = page.outcome is Outcome.BLOCKED
        if is_home:
            code = "site-blocked" if blocked else "site-unreachable"
            message = (
                "网站首页访问被拦截(反爬虫验证),无法检查"
                if blocked
                else f"网站首页无法访问({_failure_text(page)})"
            )
        else:
            code = "column-blocked" if blocked else "column-unreachable"
            message = (
                f"{name}栏目访问被拦截(反爬虫验证),无法检查更新情况"
                if blocked
                else f"{name}栏目无法访问({_failure_text(page)}),无法检查更新情况"
            )
        return verdict(
            Verdict.BLOCKED if blocked else Verdict.UNREACHABLE,
            _finding(page, code, Severity.UNKNOWN, message, _evidence(page, now)),
        )
    if is_home:
        return verdict(Verdict.REACHABLE)
    if page.category is Category.STATIC or page.category is None:
        return verdict(Verdict.STATIC)  # no freshness window: whatever the page lists is fine
    if not page.list_found:
        return verdict(
            Verdict.UNREADABLE,
            _finding(
                page,
                "column-unreadable",
                Severity.UNKNOWN,
                f"{name}栏目未识别到信息列表,无法判断更新情况",
                _evidence(
                    page,
                    now,
                    detail=page.detail or "no list of dated items was recognised on the page",
                ),
            ),
        )
    if page.item_count == 0:
        return verdict(
            Verdict.EMPTY,
            _finding(
                page, "column-empty", Severity.PROBLEM, f"{name}为空白栏目", _evidence(page, now)
            ),
        )
    window = (windows or {}).get(page.category) or page.category.window(page.max_age_days)
    assert window is not None  # static handled above
    cutoff = window.cutoff(today)
    threshold = f"{window.label}(最新信息日期不早于{cutoff.isoformat()})"
    if page.later_dated_count and (newest is None or newest < cutoff):
        # Items dated after the check (2062 for 2026) may be the column's newest: whether it
        # was updated cannot be told, and "not updated" would be a guess.
        return verdict(Verdict.MISDATED, _misdated(page, now, threshold=threshold, cutoff=cutoff))
    if newest is None:
        return verdict(
            Verdict.UNDATED,
            _finding(
                page,
                "column-undated",
                Severity.PROBLEM,
                f"{name}信息未标注发布时间,视为未更新",
                _evidence(
                    page,
                    now,
                    threshold=threshold,
                    cutoff=cutoff,
                    detail="none of the listed items shows a date; "
                    "undated items count as not updated",
                ),
            ),
        )
    if newest >= cutoff:
        return verdict(Verdict.FRESH)
    evidence = _evidence(page, now, threshold=threshold, cutoff=cutoff, age_days=age)
    if page.category is Category.UPDATE:
        return verdict(
            Verdict.OVERDUE,
            _finding(
                page, "column-overdue", Severity.PROBLEM, f"{name}应更新但长期未更新", evidence
            ),
        )
    return verdict(
        Verdict.STALE,
        _finding(page, "column-stale", Severity.PROBLEM, f"{name}{window.label}未更新", evidence),
    )


def _misdated(page: PageFacts, now: datetime, *, threshold: str, cutoff: date) -> Finding:
    name = page.column_name or "网站首页"
    example = page.later_dated
    detail = (
        f"{page.later_dated_count} of {page.item_count} listed items show a date later than "
        "the check date, which is not counted as a publish date"
    )
    if example is not None:
        detail += (
            f"; e.g. {example.title!r} ({example.url}) shows {example.date_text!r}"
            f" at {example.date_where}"
        )
    return _finding(
        page,
        "column-misdated",
        Severity.UNKNOWN,
        f"{name}信息发布日期晚于检查日期,日期有误,无法判断更新情况",
        _evidence(page, now, threshold=threshold, cutoff=cutoff, detail=detail),
    )


def _failure_text(page: PageFacts) -> str:
    assert page.outcome is not None
    if page.outcome is Outcome.HTTP_ERROR and page.status is not None:
        return f"HTTP {page.status}"
    return page.outcome.label


def _evidence(
    page: PageFacts,
    now: datetime,
    *,
    threshold: str | None = None,
    cutoff: date | None = None,
    age_days: int | None = None,
    detail: str | None = None,
) -> Evidence:
    newest = page.newest
    return Evidence(
        url=page.url,
        checked_at=page.checked_at,
        outcome=page.outcome,
        status=page.status,
        newest_date=newest.published if newest else None,
        newest_title=newest.title if newest else None,
        newest_url=newest.url if newest else None,
        newest_where=newest.date_where if newest else None,
        threshold=threshold,
        cutoff=cutoff,
        age_days=age_days,
        item_count=page.item_count if page.outcome and page.outcome.readable else None,
        dated_count=page.dated_count if page.outcome and page.outcome.readable else None,
        detail=detail or page.detail,
    )


def _finding(
    page: PageFacts, code: str, severity: Severity, message: str, evidence: Evidence
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=message,
        site_id=page.site_id,
        site_name=page.site_name,
        column_id=page.column_id,
        column_name=page.column_name,
        evidence=evidence,
    )


def findings_of(verdicts: Sequence[PageVerdict]) -> list[Finding]:
    return [finding for v in verdicts for finding in v.findings]
