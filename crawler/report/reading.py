"""Reading a findings export (docs/findings-schema.md) into the report's values (``model``).

``parse_export`` checks the schema version and turns the JSON document into frozen dataclasses.
A document that is not a findings export, or a required field that is missing or of the wrong
kind, is a ``ReportDataError`` naming the field; the optional sections (``publishing``,
``disclosure``, a site's ``ipv6``, ``coverage``) are ``None`` or empty when absent, and the
report then says it has no data for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from crawler.report.interaction import parse_interaction
from crawler.report.model import (
    SUPPORTED_SCHEMAS,
    AccountEntry,
    ColumnEntry,
    Coverage,
    Disclosure,
    DisclosureFinding,
    DisclosureUnit,
    FindingEntry,
    LevelTotals,
    PublishedCategory,
    PublishedColumn,
    Publishing,
    ReportData,
    ReportDataError,
    ScreenshotEntry,
    SiteEntry,
    WeekEntry,
)

__all__ = ["parse_export"]


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
        screenshot=_screenshot(item, where),
    )


def _screenshot(item: Mapping[str, Any], where: str) -> ScreenshotEntry | None:
    evidence = item.get("evidence")
    shot = evidence.get("screenshot") if isinstance(evidence, Mapping) else None
    if not isinstance(shot, Mapping):
        return None
    where = f"{where}.evidence.screenshot"
    try:
        taken_at = datetime.fromisoformat(_str(shot, "taken_at", where))
    except ValueError as exc:
        raise ReportDataError(f"{where}.taken_at: not an ISO time") from exc
    return ScreenshotEntry(
        sha256=_str(shot, "sha256", where),
        url=_str(shot, "url", where),
        taken_at=taken_at,
        width=_int(shot, "width", where),
        height=_int(shot, "height", where),
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
    interaction = data.get("interaction")
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
        interaction=None if interaction is None else parse_interaction(interaction),
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
