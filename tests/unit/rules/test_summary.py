from __future__ import annotations

from datetime import UTC, datetime

from rules.model import Evidence, Finding, Severity
from rules.summary import problem_text

NOW = datetime(2022, 6, 20, tzinfo=UTC)


def finding(
    code: str, column: str | None, message: str, severity: Severity = Severity.PROBLEM
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=message,
        site_id="s",
        site_name="某局",
        column_id=column,
        column_name=column,
        evidence=Evidence(url="http://x/", checked_at=NOW),
    )


def test_no_findings_reads_no_problem() -> None:
    assert problem_text([]) == "无问题"


def test_columns_with_the_same_problem_are_joined_as_in_the_notices() -> None:
    text = problem_text(
        [
            finding("column-overdue", "安全生产", "安全生产应更新但长期未更新"),
            finding("column-overdue", "宣传教育", "宣传教育应更新但长期未更新"),
            finding("column-overdue", "防火防汛抗旱", "防火防汛抗旱应更新但长期未更新"),
        ]
    )
    assert text == "安全生产、宣传教育、防火防汛抗旱应更新但长期未更新"


def test_different_problems_are_separated() -> None:
    text = problem_text(
        [
            finding("column-stale", "行业动态", "行业动态2周未更新"),
            finding("column-stale", "新闻时事", "新闻时事2周未更新"),
            finding("column-overdue", "12369投诉查处", "12369投诉查处应更新但长期未更新"),
        ]
    )
    assert text == "行业动态、新闻时事2周未更新;12369投诉查处应更新但长期未更新"


def test_unknown_outcomes_are_left_out_unless_asked() -> None:
    blocked = finding("column-blocked", "通知公告", "通知公告栏目访问被拦截", Severity.UNKNOWN)
    assert problem_text([blocked]) == "无问题"
    assert problem_text([blocked], include_unknown=True) == "通知公告栏目访问被拦截"
