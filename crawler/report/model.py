"""A typed view of the findings export (docs/findings-schema.md), as the report reads it.

``parse_export`` checks the schema version and turns the JSON document into frozen dataclasses.
A document that is not a findings export, or a required field that is missing or of the wrong
kind, is a ``ReportDataError`` naming the field; the optional sections (``publishing``,
``disclosure``, a site's ``ipv6``) are ``None`` or empty when absent, and the report then says
it has no data for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
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
    "parse_export",
]

SUPPORTED_SCHEMAS = ("xunjian.findings/1",)
_SHANGHAI = ZoneInfo("Asia/Shanghai")

PASSED, FAILED, UNKNOWN = "合格", "不合格", "无法判定"


class ReportDataError(ValueError):
    """The export cannot be read as a report's data; the message says which field and why."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingEntry:
    code: str
    severity: str  # problem | unknown | advisory
    message: str
    column_name: str | None
    points: int
    occurrences: int


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
    score_text: str = ""  # as the notice prints it: the number, or 单项否决 (a veto)
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


# --- reading -------------------------------------------------------------------------------


def _field(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise ReportDataError(f"{where}.{key} is missing — is this a complete findings export?")
    return data[key]


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ReportDataError(f"{where} should be an object, not {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> Sequence[Any]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ReportDataError(f"{where} should be a list, not {type(value).__name__}")
    return value


def _str(data: Mapping[str, Any], key: str, where: str) -> str:
    value = _field(data, key, where)
    if not isinstance(value, str):
        raise ReportDataError(f"{where}.{key} should be text, not {value!r}")
    return value


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _int(data: Mapping[str, Any], key: str, where: str, default: int | None = None) -> int:
    value = data.get(key, default) if default is not None else _field(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReportDataError(f"{where}.{key} should be a whole number, not {value!r}")
    return value


def _opt_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ReportDataError(f"{where} should be a date YYYY-MM-DD, not {value!r}") from exc


def _opt_date(value: Any, where: str) -> date | None:
    return None if value is None else _date(value, where)


def _finding(data: Any, where: str) -> FindingEntry:
    item = _mapping(data, where)
    return FindingEntry(
        code=_str(item, "code", where),
        severity=_str(item, "severity", where),
        message=_str(item, "message", where),
        column_name=_opt_str(item, "column_name"),
        points=_int(item, "points", where, default=0),
        occurrences=_int(item, "occurrences", where, default=1),
    )


def _findings(data: Mapping[str, Any], where: str) -> tuple[FindingEntry, ...]:
    return tuple(
        _finding(item, f"{where}.findings[{n}]")
        for n, item in enumerate(_list(data.get("findings"), f"{where}.findings"))
    )


def _ipv6(value: Any) -> bool | None:
    """A site's IPv6 state: a bare boolean, or an object with a boolean ``done`` (or
    ``ready``), else its ``outcome``: ``ok`` is done, ``no_aaaa`` and ``fetch_failed`` are not,
    anything else (our lookup failed, blocked, not checked) is unknown, as is no entry."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, Mapping):
        return None
    for key in ("done", "ready"):
        if isinstance(value.get(key), bool):
            return bool(value[key])
    outcome = value.get("outcome")
    if outcome == "ok":
        return True
    if outcome in ("no_aaaa", "fetch_failed"):
        return False
    return None


def _site(data: Any, where: str) -> SiteEntry:
    item = _mapping(data, where)
    columns = []
    for n, column in enumerate(_list(item.get("columns"), f"{where}.columns")):
        at = f"{where}.columns[{n}]"
        entry = _mapping(column, at)
        columns.append(
            ColumnEntry(
                name=_str(entry, "name", at),
                category=_opt_str(entry, "category"),
                newest=_opt_date(entry.get("newest"), f"{at}.newest"),
                age_days=_opt_int(entry, "age_days"),
                verdict=_opt_str(entry, "verdict") or "not_checked",
            )
        )
    return SiteEntry(
        id=_str(item, "id", where),
        name=_str(item, "name", where),
        result=_str(item, "result", where),
        score=_int(item, "score", where),
        problems=_str(item, "problems", where),
        findings=_findings(item, where),
        columns=tuple(columns),
        ipv6=_ipv6(item.get("ipv6")),
    )


def _account(data: Any, where: str) -> AccountEntry:
    item = _mapping(data, where)
    weeks = _mapping(item.get("posts_per_week") or {}, f"{where}.posts_per_week")
    per_week = sorted(
        (_date(monday, f"{where}.posts_per_week"), count)
        for monday, count in weeks.items()
        if isinstance(count, int)
    )
    return AccountEntry(
        id=_str(item, "id", where),
        name=_str(item, "name", where),
        type=_opt_str(item, "type") or _opt_str(item, "platform") or "",
        result=_str(item, "result", where),
        score=_int(item, "score", where),
        score_text=_opt_str(item, "score_text") or str(_int(item, "score", where)),
        problems=_str(item, "problems", where),
        findings=_findings(item, where),
        posts_per_week=tuple(per_week),
        weeks=_weeks(item.get("weeks"), f"{where}.weeks"),
        weekly_minimum=_opt_int(
            _mapping(item.get("weekly_rule") or {}, f"{where}.weekly_rule"), "min_posts"
        ),
    )


def _weeks(value: Any, where: str) -> tuple[WeekEntry, ...]:
    weeks = []
    for n, week in enumerate(_list(value, where)):
        at = f"{where}[{n}]"
        entry = _mapping(week, at)
        judged = entry.get("judged")
        weeks.append(
            WeekEntry(
                monday=_date(_field(entry, "monday", at), f"{at}.monday"),
                posts=_int(entry, "posts", at),
                judged=judged if isinstance(judged, bool) else None,
                reason=_opt_str(entry, "reason"),
            )
        )
    return tuple(sorted(weeks, key=lambda week: week.monday))


def _publishing(value: Any) -> tuple[Publishing, ...]:
    entries = [value] if isinstance(value, Mapping) else _list(value, "publishing")
    out = []
    for n, data in enumerate(entries):
        where = f"publishing[{n}]"
        item = _mapping(data, where)
        columns = []
        for m, column in enumerate(_list(item.get("columns"), f"{where}.columns")):
            at = f"{where}.columns[{m}]"
            entry = _mapping(column, at)
            columns.append(
                PublishedColumn(
                    id=_opt_str(entry, "column") or str(m + 1),
                    name=_str(entry, "name", at),
                    category=_opt_str(entry, "category"),
                    published=_int(entry, "published", at),
                    report_category=_opt_str(entry, "report_category"),
                    complete=_opt_bool(entry, "complete"),
                )
            )
        out.append(
            Publishing(
                site=_str(item, "site", where),
                site_name=_str(item, "site_name", where),
                until=_date(_field(item, "until", where), f"{where}.until"),
                total=_int(item, "total", where),
                columns=tuple(columns),
                categories=_published_categories(item.get("categories"), f"{where}.categories"),
                complete=_opt_bool(item, "complete"),
            )
        )
    return tuple(out)


def _opt_bool(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return value if isinstance(value, bool) else None


def _published_categories(value: Any, where: str) -> tuple[PublishedCategory, ...] | None:
    if value is None:
        return None
    categories = []
    for n, category in enumerate(_list(value, where)):
        at = f"{where}[{n}]"
        entry = _mapping(category, at)
        category_id = _str(entry, "category", at)
        categories.append(
            PublishedCategory(
                id=category_id,
                label=_opt_str(entry, "label") or category_id,
                unit=_opt_str(entry, "unit") or "条",
                published=_int(entry, "published", at),
                complete=_opt_bool(entry, "complete") is not False,
            )
        )
    return tuple(categories)


def _level_totals(value: Any, where: str) -> LevelTotals:
    item = _mapping(value, where)
    return LevelTotals(
        units=_int(item, "units", where, default=0),
        columns=_int(item, "columns", where, default=0),
        published=_int(item, "published", where, default=0),
    )


def _disclosure(value: Any) -> Disclosure:
    where = "disclosure"
    data = _mapping(value, where)
    units = []
    for n, unit in enumerate(_list(data.get("units"), f"{where}.units")):
        at = f"{where}.units[{n}]"
        entry = _mapping(unit, at)
        complete = entry.get("complete", True)
        outcomes = [
            column.get("outcome")
            for column in _list(entry.get("columns"), f"{at}.columns")
            if isinstance(column, Mapping)
        ]
        units.append(
            DisclosureUnit(
                id=_str(entry, "id", at),
                name=_str(entry, "name", at),
                level=_str(entry, "level", at),
                parent=_opt_str(entry, "parent"),
                published=_int(entry, "published", at),
                complete=complete if isinstance(complete, bool) else True,
                read=not outcomes or any(outcome != "not_read" for outcome in outcomes),
            )
        )
    findings = []
    for n, finding in enumerate(_list(data.get("findings"), f"{where}.findings")):
        at = f"{where}.findings[{n}]"
        entry = _mapping(finding, at)
        findings.append(
            DisclosureFinding(
                code=_str(entry, "code", at),
                severity=_opt_str(entry, "severity") or "problem",
                message=_str(entry, "message", at),
                unit=_opt_str(entry, "unit"),
                unit_name=_opt_str(entry, "unit_name"),
                level=_opt_str(entry, "level"),
            )
        )
    totals = _mapping(data.get("totals") or {}, f"{where}.totals")
    by_level = {
        str(level): _level_totals(entry, f"{where}.totals.by_level.{level}")
        for level, entry in _mapping(totals.get("by_level") or {}, f"{where}.totals").items()
    }
    return Disclosure(
        units_total=_int(totals, "units", f"{where}.totals", default=len(units)),
        columns_total=_int(totals, "columns", f"{where}.totals", default=0),
        published_total=_int(
            totals, "published", f"{where}.totals", default=sum(u.published for u in units)
        ),
        by_level=by_level,
        units=tuple(units),
        findings=tuple(findings),
    )


def parse_export(document: Any) -> ReportData:
    """The report's data from a findings export document; ``ReportDataError`` when it is not
    one this version reads."""
    data = _mapping(document, "the export")
    schema = data.get("schema")
    if schema not in SUPPORTED_SCHEMAS:
        supported = ", ".join(SUPPORTED_SCHEMAS)
        raise ReportDataError(
            f"schema {schema!r} is not a findings export this version reads ({supported}) — "
            "produce one with `crawl findings --format json`"
        )
    period = _mapping(_field(data, "period", "export"), "export.period")
    as_of_text = _str(data, "as_of", "export")
    try:
        as_of = datetime.fromisoformat(as_of_text)
    except ValueError as exc:
        raise ReportDataError(f"export.as_of {as_of_text!r} is not an ISO time") from exc
    disclosure = data.get("disclosure")
    coverage = data.get("coverage")
    return ReportData(
        schema=str(schema),
        period_start=_date(_field(period, "start", "export.period"), "export.period.start"),
        period_end=_date(_field(period, "end", "export.period"), "export.period.end"),
        period_label=_str(period, "label", "export.period"),
        as_of=as_of,
        sites=tuple(
            _site(site, f"sites[{n}]")
            for n, site in enumerate(_list(data.get("sites"), "export.sites"))
        ),
        accounts=tuple(
            _account(account, f"accounts[{n}]")
            for n, account in enumerate(_list(data.get("accounts"), "export.accounts"))
        ),
        publishing=_publishing(data.get("publishing")),
        disclosure=None if disclosure is None else _disclosure(disclosure),
        coverage=None if coverage is None else _coverage(coverage),
    )


def _coverage(value: Any) -> Coverage:
    where = "export.coverage"
    data = _mapping(value, where)
    columns = set()
    for n, column in enumerate(_list(data.get("columns_unchecked"), f"{where}.columns")):
        entry = _mapping(column, f"{where}.columns_unchecked[{n}]")
        columns.add((str(entry.get("site")), str(entry.get("column"))))
    return Coverage(
        in_progress=bool(data.get("in_progress", False)),
        sites=frozenset(str(i) for i in _list(data.get("sites_unchecked"), f"{where}.sites")),
        accounts=frozenset(
            str(i) for i in _list(data.get("accounts_unchecked"), f"{where}.accounts")
        ),
        columns=frozenset(columns),
    )
