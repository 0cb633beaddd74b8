"""What the CLI prints: the run as JSON (a stable schema, see docs/cli.md) and as tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.output.accounts import account_to_dict, print_accounts
from crawler.output.values import finding_to_dict, page_to_dict
from crawler.sites.runner import CrawlReport, SiteReport
from rules.evaluation import Result
from rules.freshness import PageVerdict, Verdict
from rules.model import SHANGHAI, Finding, Severity
from rules.summary import problem_text
from storage.lifecycle import key_of
from storage.records import FindingState

__all__ = [
    "print_run",
    "report_to_dict",
]

JSON_SCHEMA_VERSION = 1


def _site_to_dict(
    report: SiteReport, first_seen: Mapping[str, datetime], resolved: Sequence[FindingState]
) -> dict[str, Any]:
    home, *columns = report.pages
    return {
        "id": report.site.id,
        "name": report.site.name,
        "homepage": report.site.homepage,
        "site_code": report.site.site_code,
        "homepage_outcome": home.facts.outcome.value if home.facts.outcome else None,
        "homepage_status": home.facts.status,
        "profile": report.profile.id,
        "result": report.result.result.value,
        "score": report.result.score,
        "vetoes": list(report.result.vetoes),
        "not_judged": [item.as_dict() for item in report.result.not_judged],
        "problems": problem_text(report.findings),
        "columns": [page_to_dict(p) for p in columns],
        "findings": [finding_to_dict(f, first_seen.get(key_of(f))) for f in report.findings],
        "resolved": [
            {
                "code": s.code,
                "message": s.message,
                "column": s.column_id,
                "first_seen": s.first_seen.isoformat(),
                "resolved_at": s.resolved_at.isoformat() if s.resolved_at else None,
            }
            for s in resolved
            if s.site_id == report.site.id
        ],
    }


def report_to_dict(report: CrawlReport) -> dict[str, Any]:
    findings = report.findings
    return {
        "schema": JSON_SCHEMA_VERSION,
        "run": {
            "id": report.run_id,
            "status": report.status,
            "scope": report.scope,
            "as_of": report.as_of.isoformat(),
            "started_at": report.started_at.isoformat(),
            "finished_at": report.finished_at.isoformat(),
            "pages": sum(report.outcomes.values()),
            "outcomes": report.outcomes,
            "new_items": report.new_items,
            "findings": len(findings),
            "checked": sum(s.result.result is not Result.UNKNOWN for s in report.sites),
            "passed": report.passed,
            "unknown": sum(s.result.result is Result.UNKNOWN for s in report.sites),
            "accounts": len(report.accounts),
            "accounts_passed": sum(a.result.passed for a in report.accounts),
            "resolved": len(report.resolved),
            "problems": sum(1 for f in findings if f.severity is Severity.PROBLEM),
            "skipped_sites": dict(report.skipped),
        },
        "period": {
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
            "label": report.period.label,
        },
        "sites": [_site_to_dict(s, report.first_seen, report.resolved) for s in report.sites],
        "accounts": [account_to_dict(a, report.first_seen) for a in report.accounts],
    }


_VERDICT_STYLES = {
    Verdict.FRESH: "green",
    Verdict.STATIC: "dim",
    Verdict.REACHABLE: "green",
    Verdict.STALE: "red",
    Verdict.OVERDUE: "red",
    Verdict.EMPTY: "red",
    Verdict.UNDATED: "red",
}


def _verdict_cell(page: PageVerdict) -> Text:
    return Text(page.verdict.label, style=_VERDICT_STYLES.get(page.verdict, "yellow"))


def print_run(console: Console, report: CrawlReport, *, detailed: bool) -> None:
    if detailed:
        for site in report.sites:
            _print_site_detail(console, site)
    else:
        print_summary(console, report.sites)
    print_findings(console, [f for site in report.sites for f in site.findings])
    print_accounts(console, report.accounts)
    for site_id, reason in sorted(report.skipped.items()):
        console.print(Text.assemble(("未检查", "yellow"), f" {site_id}: {reason}"))
    if report.resolved:
        console.print(f"已整改 ({len(report.resolved)})", style="bold")
        for state in report.resolved:
            first = state.first_seen.astimezone(SHANGHAI).strftime("%Y-%m-%d")
            console.print(
                Text.assemble(
                    f"  {state.site_name} · ", (state.message, "green"), f" (自{first}起)"
                )
            )
    local = report.as_of.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    problems = sum(1 for f in report.findings if f.severity is Severity.PROBLEM)
    unknown = sum(1 for f in report.findings if f.severity is Severity.UNKNOWN)
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items()))
    console.print(
        f"run {report.run_id} {report.status}: {len(report.sites)} sites, "
        f"{sum(report.outcomes.values())} pages ({outcomes}), {report.new_items} new items; "
        f"{problems} problems, {unknown} not judged, {len(report.resolved)} resolved; "
        f"checked as of {local} Asia/Shanghai"
    )


def print_summary(console: Console, sites: Sequence[SiteReport]) -> None:
    table = Table(title="政府网站检查情况", show_lines=False)
    table.add_column("序号", justify="right")
    table.add_column("网站名称", overflow="fold")
    table.add_column("检查结果")
    table.add_column("分数", justify="right")
    table.add_column("存在问题", overflow="fold")
    table.add_column("未能检查", justify="right")
    for i, site in enumerate(sites, 1):
        findings = site.findings
        unknown = sum(1 for f in findings if f.severity is Severity.UNKNOWN)
        result = site.result
        style = {"合格": "green", "不合格": "red"}.get(result.result.value, "yellow")
        table.add_row(
            str(i),
            site.site.name,
            Text(result.result.value, style=style),
            str(result.score),
            problem_text(findings),
            str(unknown) if unknown else "",
        )
    console.print(table)
    passed = sum(site.result.passed for site in sites)
    unknown = sum(site.result.result is Result.UNKNOWN for site in sites)
    checked = len(sites) - unknown
    rate = f"{passed / checked:.0%}" if checked else "-"
    line = f"检查{checked}个,合格{passed}个,合格率{rate}"
    console.print(line + (f";{unknown}个无法判定(未能访问)" if unknown else ""))


def _print_site_detail(console: Console, site: SiteReport) -> None:
    table = Table(title=f"{site.site.name} ({site.site.id})")
    for header in ("栏目", "类别", "结果", "信息数", "最新日期", "天数", "结论"):
        table.add_column(header)
    for page in site.pages:
        facts = page.facts
        outcome = facts.outcome.label if facts.outcome else "-"
        if facts.status and facts.outcome and not facts.outcome.readable:
            outcome += f" {facts.status}"
        table.add_row(
            facts.column_name or "首页",
            facts.category.label if facts.category else "",
            outcome,
            str(facts.item_count) if facts.outcome and facts.outcome.readable else "",
            page.newest.isoformat() if page.newest else "",
            "" if page.age_days is None else str(page.age_days),
            _verdict_cell(page),
        )
    console.print(table)
    result = site.result
    style = {"合格": "green", "不合格": "red"}.get(result.result.value, "yellow")
    vetoes = f",否决:{'、'.join(result.vetoes)}" if result.vetoes else ""
    console.print(
        Text.assemble(
            "检查结果 ",
            (result.result.value, style),
            f" {result.score}分(规则 {site.profile.id}{vetoes})",
        )
    )
    for item in result.not_judged:
        where = f"{item.column_name}: " if item.column_name else ""
        console.print(
            Text.assemble("  ", ("未能判定", "yellow"), f" {item.rule} — {where}{item.reason}")
        )


def print_findings(console: Console, findings: Sequence[Finding]) -> None:
    if not findings:
        console.print("未发现问题", style="green")
        return
    console.print(f"发现的问题 ({len(findings)})", style="bold")
    for n, finding in enumerate(findings, 1):
        ev = finding.evidence
        style = {Severity.PROBLEM: "red", Severity.UNKNOWN: "yellow"}.get(finding.severity, "dim")
        console.print(Text.assemble(f"{n:>3}. {finding.site_name} · ", (finding.message, style)))
        console.print(f"     网址 {ev.url}", soft_wrap=True)
        if ev.newest_date:
            title = f" 「{ev.newest_title}」" if ev.newest_title else ""
            console.print(
                f"     最新信息 {ev.newest_date.isoformat()}{title} 位置 {ev.newest_where or '?'}",
                soft_wrap=True,
            )
        checked = ev.checked_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        basis = [f"要求 {ev.threshold}"] if ev.threshold else []
        if ev.outcome and not ev.outcome.readable:
            basis.append(f"结果 {ev.outcome.value}" + (f" {ev.status}" if ev.status else ""))
        if ev.detail:
            basis.append(ev.detail)
        basis.append(f"检查时间 {checked}")
        console.print("     " + " · ".join(basis), soft_wrap=True)
