"""The findings export: one versioned JSON document, and the same as CSV, XLSX and tables.

The JSON (schema ``xunjian.findings/1``, documented in docs/findings-schema.md) is the one
source report tools read (``crawl report`` renders the quarterly notice from it). Besides the
judged sites and accounts (each account with every week of the period and whether the
weekly-posting rule judged it: ``weeks``) it may carry optional sections: ``publishing``
(what each site published in the period, per column) and ``disclosure`` (the 政务公开 units,
built by ``crawler.output.disclosure`` when that module is installed). CSV and XLSX flatten
it: one row per finding, and in the workbook a first sheet shaped like a notice's 附件1 (序号,
网站名称, 检查结果, 存在问题).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from crawler.accounts.judging import AccountReport
from crawler.output.accounts import account_to_dict
from crawler.output.values import finding_to_dict, page_to_dict
from crawler.sites.judging import SiteReport
from rules.evaluation import Result
from rules.ipv6 import Ipv6Check
from rules.model import SHANGHAI, Category, Column, Finding, Site
from rules.period import Period
from rules.publishing import REPORT_CATEGORIES
from rules.summary import problem_text
from rules.weekly import WeeklyPosting
from storage.lifecycle import key_of
from storage.publishing import Published
from storage.records import FindingState

__all__ = [
    "SCHEMA",
    "build_export",
    "finding_rows",
    "ipv6_to_dict",
    "publishing_entries",
    "to_csv",
    "weekly_entries",
    "write_xlsx",
]

SCHEMA = "xunjian.findings/1"

_ROW_FIELDS = (
    ("site", "网站标识"),
    ("site_name", "网站名称"),
    ("result", "检查结果"),
    ("score", "分数"),
    ("column_name", "栏目"),
    ("code", "问题代码"),
    ("message", "问题"),
    ("severity", "性质"),
    ("effect", "影响"),
    ("points", "扣分"),
    ("url", "网址"),
    ("newest_date", "最新信息日期"),
    ("newest_where", "日期位置"),
    ("threshold", "要求"),
    ("checked_at", "检查时间"),
    ("first_seen", "首次发现"),
)


def build_export(
    reports: Sequence[SiteReport],
    accounts: Sequence[AccountReport],
    states: Sequence[FindingState],
    *,
    as_of: datetime,
    period: Period,
    generated_at: datetime,
    since: date | None = None,
    publishing: Sequence[Mapping[str, Any]] | None = None,
    disclosure: Mapping[str, Any] | None = None,
    ipv6: Mapping[str, Ipv6Check] | None = None,
) -> dict[str, Any]:
    """The export document. With ``since``, only findings first seen on or after that date.

    ``publishing`` (see ``publishing_entries``) and ``disclosure`` are added when given; an
    export without them is still valid, and the report says it has no data for them. With
    ``ipv6`` (each site's newest IPv6 check), every site gets an ``ipv6`` entry (null when the
    site has no check).
    """
    by_key = {state.key: state for state in states}
    sites = [_site(report, by_key, as_of, since) for report in reports]
    if ipv6 is not None:
        for entry in sites:
            check = ipv6.get(entry["id"])
            entry["ipv6"] = None if check is None else ipv6_to_dict(check)
    account_entries = [_account(report, by_key, as_of, since) for report in accounts]
    optional: dict[str, Any] = {}
    if publishing is not None:
        optional["publishing"] = [dict(entry) for entry in publishing]
    if disclosure is not None:
        optional["disclosure"] = dict(disclosure)
    return {
        "schema": SCHEMA,
        "generated_at": generated_at.isoformat(),
        "as_of": as_of.isoformat(),
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "since": since.isoformat() if since else None,
        "totals": {"sites": _totals(sites), "accounts": _totals(account_entries)},
        "sites": sites,
        "accounts": account_entries,
        **optional,
    }


def ipv6_to_dict(check: Ipv6Check) -> dict[str, Any]:
    """A site's newest IPv6 check: ``done`` is true (IPv6 works), false (no AAAA record, or the
    homepage did not load over IPv6) or null (not known: our lookup failed, blocked, …)."""
    return {
        "done": check.outcome.done,
        "outcome": check.outcome.value,
        "checked_at": check.checked_at.isoformat(),
        "host": check.host,
        "addresses": list(check.addresses),
        "status": check.status,
        "detail": check.detail,
    }


def publishing_entries(
    sites: Sequence[Site], published: Mapping[str, Published], *, until: date
) -> list[dict[str, Any]]:
    """The ``publishing`` section: per site, the items dated in the period up to ``until``
    (the period's last day, or the day judged if earlier), per column in the targets order and
    per report category (section 二's 要闻, 文件 …) in the notice's order.

    ``complete`` says a count is the truth: every list column counted was read back through its
    pages to the period start (``crawler.disclosure.portal``); otherwise the count is what the
    pages read showed, a lower bound. A static column lists nothing to read and never makes a
    count incomplete. A category none of the site's columns has is left out."""
    entries = []
    for site in sites:
        counts = published.get(site.id, Published(columns={}, total=0))
        whole = {
            column.id: column.category is Category.STATIC or counts.complete(column.id)
            for column in site.columns
        }
        categories = []
        for category in REPORT_CATEGORIES:
            members = [c.id for c in site.columns if c.report_category == category.id]
            if not members:
                continue
            categories.append(
                {
                    "category": category.id,
                    "label": category.label,
                    "unit": category.unit,
                    "published": counts.categories.get(category.id, 0),
                    "complete": all(whole[column_id] for column_id in members),
                    "columns": members,
                }
            )
        entries.append(
            {
                "site": site.id,
                "site_name": site.name,
                "until": until.isoformat(),
                "total": counts.total,
                "complete": all(whole.values()),
                "categories": categories,
                "columns": [
                    _published_column(column, counts, complete=whole[column.id])
                    for column in site.columns
                ],
            }
        )
    return entries


def _published_column(column: Column, counts: Published, *, complete: bool) -> dict[str, Any]:
    read = counts.reads.get(column.id)
    return {
        "column": column.id,
        "name": column.name,
        "category": column.category.value,
        "report_category": column.report_category,
        "published": counts.columns.get(column.id, 0),
        "complete": complete,
        "pages_read": read.pages_read if read is not None else None,
        "stopped": read.stopped if read is not None else None,
    }


def _totals(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    passed = sum(1 for entry in entries if entry["result"] == Result.PASSED.value)
    unknown = sum(1 for entry in entries if entry["result"] == Result.UNKNOWN.value)
    checked = len(entries) - unknown
    return {
        "checked": checked,
        "passed": passed,
        "unknown": unknown,
        "pass_rate": round(passed / checked, 4) if checked else None,
    }


def _findings(
    findings: Sequence[Finding],
    states: Mapping[str, FindingState],
    as_of: datetime,
    since: date | None,
) -> list[dict[str, Any]]:
    entries = []
    for finding in findings:
        state = states.get(key_of(finding))
        if state is not None and state.first_seen > as_of:
            state = None  # first found after the moment judged: not part of its history
        if since is not None and (
            state is None or state.first_seen.astimezone(SHANGHAI).date() < since
        ):
            continue
        entry = finding_to_dict(finding, state.first_seen if state else None)
        entry["last_seen"] = state.last_seen.isoformat() if state else None
        entry["occurrences"] = finding.extra.get("occurrences", 1)
        entries.append(entry)
    return entries


def _account(
    report: AccountReport,
    states: Mapping[str, FindingState],
    as_of: datetime,
    since: date | None,
) -> dict[str, Any]:
    entry = account_to_dict(report, {})
    entry["findings"] = _findings(report.findings, states, as_of, since)
    if report.weekly is not None:
        entry.update(weekly_entries(report.weekly))
    return entry


def weekly_entries(weekly: WeeklyPosting) -> dict[str, Any]:
    """An account's ``weeks`` (every week of the period, zero-post weeks included, and whether
    the weekly-posting rule judged it) and ``weekly_rule`` (that rule and its minimum, or null
    when the account's profile has none)."""
    rule = None if weekly.rule is None else {"rule": weekly.rule, "min_posts": weekly.min_posts}
    return {
        "weeks": [
            {
                "monday": week.monday.isoformat(),
                "posts": week.posts,
                "judged": week.judged,
                "reason": week.reason.value if week.reason is not None else None,
            }
            for week in weekly.weeks
        ],
        "weekly_rule": rule,
    }


def _site(
    report: SiteReport,
    states: Mapping[str, FindingState],
    as_of: datetime,
    since: date | None,
) -> dict[str, Any]:
    findings = _findings(report.findings, states, as_of, since)
    site, result = report.site, report.result
    return {
        "id": site.id,
        "name": site.name,
        "homepage": site.homepage,
        "site_code": site.site_code,
        "unit": site.unit,
        "profile": report.profile.id,
        "result": result.result.value,
        "score": result.score,
        "score_text": result.score_text,
        "deducted": result.deducted,
        "vetoes": list(result.vetoes),
        "problems": problem_text(report.findings),
        "not_judged": [item.as_dict() for item in result.not_judged],
        "columns": [page_to_dict(page) for page in report.pages[1:]],
        "findings": findings,
    }


def finding_rows(export: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One flat row per finding, with the Chinese headers as keys (CSV and XLSX)."""
    rows = []
    for site in [*export["sites"], *export["accounts"]]:
        for finding in site["findings"]:
            evidence = finding["evidence"]
            flat = {
                **finding,
                "result": site["result"],
                "score": site["score"],
                "url": evidence.get("url"),
                "newest_date": evidence.get("newest_date"),
                "newest_where": evidence.get("newest_where"),
                "threshold": evidence.get("threshold"),
                "checked_at": evidence.get("checked_at"),
            }
            rows.append({header: flat.get(name) for name, header in _ROW_FIELDS})
    return rows


def to_csv(export: Mapping[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[header for _, header in _ROW_FIELDS])
    writer.writeheader()
    writer.writerows(finding_rows(export))
    return out.getvalue()


def write_xlsx(export: Mapping[str, Any], path: Path) -> None:
    """A workbook: 附件1-style site sheet, the findings, and what could not be judged."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    font = Font(name="SimSun")  # a font with the Chinese glyphs on any office suite
    workbook = Workbook()
    sites = workbook.active
    sites.title = "网站检查情况"
    sites.append(["序号", "网站名称", "检查结果", "分数", "存在问题"])
    for n, site in enumerate(export["sites"], 1):
        sites.append([n, site["name"], site["result"], site["score"], site["problems"]])
    details = workbook.create_sheet("问题明细")
    rows = finding_rows(export)
    details.append([header for _, header in _ROW_FIELDS])
    for row in rows:
        details.append(list(row.values()))
    accounts = workbook.create_sheet("政务新媒体检查情况")
    accounts.append(["序号", "名称", "类型", "检查结果", "分数", "存在问题"])
    for n, account in enumerate(export["accounts"], 1):
        keys = ("name", "type", "result", "score", "problems")
        accounts.append([n, *(account[key] for key in keys)])
    unjudged = workbook.create_sheet("未能判定")
    unjudged.append(["网站名称", "规则", "栏目", "原因"])
    for entry in [*export["sites"], *export["accounts"]]:
        for item in entry["not_judged"]:
            unjudged.append([entry["name"], item["rule"], item["column_name"], item["reason"]])
    sheets = [sites, details, accounts, unjudged]
    if (interaction := export.get("interaction")) is not None:
        sheets += _interaction_sheets(workbook, interaction)
    for sheet in sheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell.font = Font(name=font.name, bold=cell.row == 1)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width * 1.6))
    workbook.save(path)


def _interaction_sheets(workbook: Any, interaction: Mapping[str, Any]) -> list[Any]:
    """互动交流: each board's counts, and every letter that waited more than 3 months with
    its evidence (titles as stored: masked)."""
    boards = workbook.create_sheet("互动交流办理情况")
    boards.append(
        ["网站名称", "栏目", "类型", "受理", "办结", "办结率", "按期办结", "答复用时中位数(天)",
         "检查时间", "读取结果", "读取完整"]
    )  # fmt: skip
    for row in interaction["boards"]:
        boards.append(
            [row["site_name"], row["name"], row["kind_label"], row["received"], row["answered"],
             row["rate_text"], row["on_time"], row["median_days"], row["checked_at"],
             row["outcome"], "是" if row["complete"] else "否"]
        )  # fmt: skip
    late = workbook.create_sheet("超期未回应留言")
    late.append(
        ["网站名称", "栏目", "留言标题", "留言日期", "答复日期", "历时(天)", "状态", "链接",
         "页面位置", "检查时间"]
    )  # fmt: skip
    for row in interaction["late_letters"]:
        late.append(
            [row["site_name"], row["board_name"], row["title"], row["asked"],
             row["replied"] or "未答复", row["days"], row["status"] or row["state"], row["url"],
             row["where"], row["checked_at"]]
        )  # fmt: skip
    zhaocuo = workbook.create_sheet("我为政府网站找错")
    zhaocuo.append(["网站名称", "收到留言", "已办结", "按期处理", "超期未办结"])
    for row in interaction["zhaocuo"]:
        zhaocuo.append(
            [row["site_name"], row["received"], row["handled"], row["on_time"],
             row["overdue_open"]]
        )  # fmt: skip
    return [boards, late, zhaocuo]
