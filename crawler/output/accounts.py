"""The new-media accounts in the CLI's tables and JSON (附件2: 名称, 类型, 分数, 存在问题)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from crawler.accounts.judging import AccountReport
from crawler.output.values import finding_to_dict
from rules.evaluation import Result
from rules.model import SHANGHAI, Severity
from rules.summary import problem_text
from storage.lifecycle import key_of

__all__ = ["account_to_dict", "print_accounts"]


def account_to_dict(report: AccountReport, first_seen: Mapping[str, datetime]) -> dict[str, Any]:
    facts, result, target = report.facts, report.result, report.target
    return {
        "id": target.id,
        "name": target.account.name,
        "platform": target.account.platform.value,
        "type": target.label,
        "unit": target.account.unit,
        "source": target.source_url,
        "profile": target.profile,
        "outcome": facts.outcome.value if facts.outcome else None,
        "checked_at": facts.checked_at.isoformat(),
        "newest_post": facts.newest_post.isoformat() if facts.newest_post else None,
        "history_since": facts.history_since.isoformat() if facts.history_since else None,
        "posts_per_week": {
            monday.isoformat(): count for monday, count in sorted(facts.posts_per_week.items())
        },
        "result": result.result.value,
        "score": result.score,
        "score_text": result.score_text,
        "vetoes": list(result.vetoes),
        "not_judged": [item.as_dict() for item in result.not_judged],
        "problems": problem_text(report.findings),
        "findings": [finding_to_dict(f, first_seen.get(key_of(f))) for f in report.findings],
    }


def print_accounts(console: Console, accounts: Sequence[AccountReport]) -> None:
    """The accounts with problems, as 附件2 lists them, then the totals."""
    if not accounts:
        return
    table = Table(title="政务新媒体检查情况(仅存在问题部分)")
    for header in ("序号", "名称", "类型", "检查结果", "分数", "存在问题", "最新发布"):
        table.add_column(header, overflow="fold")
    shown = [
        a
        for a in accounts
        if a.result.result is not Result.PASSED
        or any(f.severity is Severity.PROBLEM for f in a.findings)
    ]
    for n, report in enumerate(shown, 1):
        newest = report.facts.newest_post
        table.add_row(
            str(n),
            report.target.account.name,
            report.target.label,
            report.result.result.value,
            str(report.result.score),
            problem_text(report.findings, include_unknown=True),
            newest.astimezone(SHANGHAI).strftime("%Y-%m-%d") if newest else "",
        )
    if shown:
        console.print(table)
    passed = sum(a.result.passed for a in accounts)
    unknown = sum(a.result.result is Result.UNKNOWN for a in accounts)
    checked = len(accounts) - unknown
    rate = f"{passed / checked:.0%}" if checked else "-"
    line = f"政务新媒体检查{checked}个,合格{passed}个,合格率{rate}"
    console.print(line + (f";{unknown}个无法判定(数据获取失败)" if unknown else ""))
