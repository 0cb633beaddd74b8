"""政务公开专栏: the disclosure units, what was read of their columns, and the findings.

Pure: the units come from the targets file, the facts from storage; ``judge_disclosure`` turns
them into findings at a check time for a period. A column that could not be read completely is
unknown: it is never counted as "only one item", "stale" or zero.

Finding codes (documented in docs/rules.md):

    disclosure-columns-single-item  多个栏目只更新一条信息: two or more of a unit's list columns,
                                    each read completely, hold exactly one item dated in the period
    disclosure-overview-stale       an overview (概况) page whose own update date is older than its
                                    max age (730 days by default). A department's or town's:
                                    "概况信息最后更新时间为2020年"; villages' roll up per town:
                                    王屋镇的各村居概况超过2年未更新
    disclosure-column-stale         有栏目长期未更新: a column with a category whose newest item is
                                    older than the category's window (as for site columns)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from rules.model import Category, Evidence, Finding, Outcome, Severity, local_date
from rules.period import Period

__all__ = [
    "COLUMNS_SINGLE_ITEM",
    "COLUMN_STALE",
    "DEFAULT_OVERVIEW_MAX_AGE_DAYS",
    "OVERVIEW_STALE",
    "ColumnRead",
    "DisclosureColumn",
    "DisclosureUnit",
    "Level",
    "judge_disclosure",
    "overview_age_label",
]

DEFAULT_OVERVIEW_MAX_AGE_DAYS = 730
COLUMNS_SINGLE_ITEM = "disclosure-columns-single-item"
OVERVIEW_STALE = "disclosure-overview-stale"
COLUMN_STALE = "disclosure-column-stale"
SINGLE_ITEM_MIN_COLUMNS = 2  # "多个栏目": two or more


class Level(StrEnum):
    """The three levels of 政务公开 of the notices: 区管委会部门, 片区/镇/街道办事处, 村居."""

    DEPARTMENT = "department"
    TOWN = "town"
    VILLAGE = "village"

    @property
    def label(self) -> str:
        return {"department": "部门", "town": "镇办", "village": "村居"}[self.value]


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureColumn:
    """One column of a unit's 政务公开专栏."""

    id: str
    name: str
    url: str
    overview: bool = False  # a 概况 page, judged by its own update date
    max_age_days: int | None = None  # overview: its max age (None: the default, 730 days)
    category: Category | None = None  # for disclosure-column-stale; None: not judged
    category_days: int | None = None  # an 'update' category's own max age

    @property
    def overview_max_age_days(self) -> int:
        return self.max_age_days or DEFAULT_OVERVIEW_MAX_AGE_DAYS


@dataclass(frozen=True, slots=True, kw_only=True)
class DisclosureUnit:
    """A unit that publishes in the 政务公开 platform: a department, a town or a village."""

    id: str
    name: str
    level: Level
    parent: str | None = None  # a village's town (unit id)
    columns: tuple[DisclosureColumn, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnRead:
    """What is known of one column: its latest read and its items dated in the period."""

    unit_id: str
    column_id: str
    url: str
    checked_at: datetime | None  # aware UTC; None: never read
    outcome: Outcome | None  # of the first page; None: never read
    stopped: str | None  # period_start | page_limit | repeat | last_page | failed
    pages_read: int = 0
    complete: bool = False  # every page back to the period start was read
    published: int = 0  # distinct items dated in the period
    newest: date | None = None  # the newest item date held (any period)
    newest_title: str | None = None
    newest_url: str | None = None
    updated: date | None = None  # an overview page's own update date
    updated_where: str | None = None
    detail: str | None = None

    @property
    def readable(self) -> bool:
        return self.outcome is not None and self.outcome.readable


def overview_age_label(days: int) -> str:
    """The notices' wording of an age: whole years as "2年", otherwise days."""
    return f"{days // 365}年" if days % 365 == 0 else f"{days}天"


def judge_disclosure(
    units: Sequence[DisclosureUnit],
    reads: Mapping[tuple[str, str], ColumnRead],
    *,
    period: Period,
    now: datetime,
) -> list[Finding]:
    """The findings of every unit; ``reads`` by (unit id, column id)."""
    today = local_date(now)
    names = {unit.id: unit for unit in units}
    findings: list[Finding] = []
    village_stale: dict[str, list[tuple[DisclosureUnit, DisclosureColumn, ColumnRead]]] = {}
    for unit in units:
        findings += _single_items(unit, reads, period=period, now=now)
        findings += _stale_columns(unit, reads, today=today, now=now)
        for column in unit.columns:
            read = reads.get((unit.id, column.id))
            if not column.overview or read is None or not _overview_stale(column, read, today):
                continue
            if unit.level is Level.VILLAGE and unit.parent is not None:
                village_stale.setdefault(unit.parent, []).append((unit, column, read))
            else:
                findings.append(_overview_finding(unit, column, read, today, now))
    for town_id, stale in village_stale.items():
        town = names.get(town_id)
        findings.append(_villages_finding(town_id, town, stale, today, now))
    return findings


def _unit_finding(
    unit: DisclosureUnit,
    code: str,
    message: str,
    evidence: Evidence,
    *,
    column: DisclosureColumn | None = None,
    extra: Mapping[str, object] | None = None,
) -> Finding:
    return Finding(
        code=code,
        severity=Severity.PROBLEM,
        message=message,
        site_id=unit.id,
        site_name=unit.name,
        column_id=column.id if column else None,
        column_name=column.name if column else None,
        evidence=evidence,
        extra={"unit": unit.id, "unit_name": unit.name, "level": unit.level.value, **(extra or {})},
    )


def _single_items(
    unit: DisclosureUnit,
    reads: Mapping[tuple[str, str], ColumnRead],
    *,
    period: Period,
    now: datetime,
) -> list[Finding]:
    singles: list[tuple[DisclosureColumn, ColumnRead]] = []
    for column in unit.columns:
        read = reads.get((unit.id, column.id))
        if column.overview or read is None or not read.readable or not read.complete:
            continue
        if read.published == 1:
            singles.append((column, read))
    if len(singles) < SINGLE_ITEM_MIN_COLUMNS:
        return []
    _, first = singles[0]
    checked = max((r.checked_at for _, r in singles if r.checked_at), default=now)
    evidence = Evidence(
        url=first.url,
        checked_at=checked,
        outcome=first.outcome,
        item_count=1,
        threshold=f"{SINGLE_ITEM_MIN_COLUMNS}个及以上栏目在{period.label}各只有1条信息",
        detail="、".join(f"{c.name}({r.url})" for c, r in singles),
    )
    return [
        _unit_finding(
            unit,
            COLUMNS_SINGLE_ITEM,
            "多个栏目只更新一条信息",
            evidence,
            extra={
                "columns": [
                    {"id": c.id, "name": c.name, "url": r.url, "newest": _iso(r.newest)}
                    for c, r in singles
                ],
                "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            },
        )
    ]


def _stale_columns(
    unit: DisclosureUnit,
    reads: Mapping[tuple[str, str], ColumnRead],
    *,
    today: date,
    now: datetime,
) -> list[Finding]:
    findings: list[Finding] = []
    for column in unit.columns:
        read = reads.get((unit.id, column.id))
        if column.overview or column.category is None or read is None or not read.readable:
            continue
        if column.category is Category.UPDATE and column.category_days is None:
            continue
        window = column.category.window(column.category_days)
        if window is None:
            continue
        cutoff = window.cutoff(today)
        if read.newest is not None and read.newest >= cutoff:
            continue
        if read.newest is None and not read.complete:
            continue  # nothing dated seen on a partial read: unknown, never stale
        evidence = Evidence(
            url=read.url,
            checked_at=read.checked_at or now,
            outcome=read.outcome,
            newest_date=read.newest,
            newest_title=read.newest_title,
            newest_url=read.newest_url,
            threshold=f"{column.category.label} {window.label}",
            cutoff=cutoff,
            age_days=(today - read.newest).days if read.newest else None,
        )
        findings.append(
            _unit_finding(unit, COLUMN_STALE, "有栏目长期未更新", evidence, column=column)
        )
    return findings


def _overview_stale(column: DisclosureColumn, read: ColumnRead, today: date) -> bool:
    if not read.readable or read.updated is None:
        return False  # unread, or no date on the page: unknown, never stale
    return read.updated < today - timedelta(days=column.overview_max_age_days)


def _overview_finding(
    unit: DisclosureUnit, column: DisclosureColumn, read: ColumnRead, today: date, now: datetime
) -> Finding:
    updated = read.updated
    assert updated is not None  # checked by _overview_stale
    days = column.overview_max_age_days
    evidence = Evidence(
        url=read.url,
        checked_at=read.checked_at or now,
        outcome=read.outcome,
        newest_date=updated,
        newest_where=read.updated_where,
        threshold=f"概况{overview_age_label(days)}内应更新 ({days}天)",
        cutoff=today - timedelta(days=days),
        age_days=(today - updated).days,
    )
    return _unit_finding(
        unit,
        OVERVIEW_STALE,
        f"概况信息最后更新时间为{updated.year}年",
        evidence,
        column=column,
    )


def _villages_finding(
    town_id: str,
    town: DisclosureUnit | None,
    stale: list[tuple[DisclosureUnit, DisclosureColumn, ColumnRead]],
    today: date,
    now: datetime,
) -> Finding:
    _, column, read = stale[0]
    days = column.overview_max_age_days
    oldest = min(r.updated for _, _, r in stale if r.updated is not None)
    evidence = Evidence(
        url=read.url,
        checked_at=max((r.checked_at for _, _, r in stale if r.checked_at), default=now),
        outcome=read.outcome,
        newest_date=oldest,
        threshold=f"村居概况{overview_age_label(days)}内应更新 ({days}天)",
        cutoff=today - timedelta(days=days),
        age_days=(today - oldest).days,
        item_count=len(stale),
        detail="、".join(f"{v.name} {_iso(r.updated)} ({r.url})" for v, _, r in stale),
    )
    owner = town or DisclosureUnit(id=town_id, name=town_id, level=Level.TOWN)
    return _unit_finding(
        owner,
        OVERVIEW_STALE,
        f"村居概况超过{overview_age_label(days)}未更新",
        evidence,
        extra={
            "villages": [
                {"id": v.id, "name": v.name, "url": r.url, "updated": _iso(r.updated)}
                for v, _, r in stale
            ]
        },
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
