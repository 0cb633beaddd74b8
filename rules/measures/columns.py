"""Measures over a site's columns, on top of ``judge_page``'s verdict for each column.

A column that could not be judged (unreachable, blocked, unreadable, never checked) is never
counted as a problem. ``count_column_verdicts`` says "insufficient data" when those columns
could move the count across the threshold; ``column_verdict`` lists each such column as not
judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from pydantic import ConfigDict

from rules.freshness import PageVerdict, Verdict
from rules.measures.base import Context, Insufficient, Measurement, MeasureResult
from rules.model import Category, Evidence
from rules.profile import Threshold

__all__ = [
    "ColumnVerdictParams",
    "CountColumnVerdictsParams",
    "column_verdict",
    "count_column_verdicts",
]

# Verdicts a rule may count. The others are not judgements of the column's content.
COUNTABLE = frozenset(
    {Verdict.STALE, Verdict.OVERDUE, Verdict.EMPTY, Verdict.UNDATED, Verdict.FRESH}
)
UNJUDGED = frozenset(
    {
        Verdict.UNREACHABLE,
        Verdict.BLOCKED,
        Verdict.UNREADABLE,
        Verdict.MISDATED,
        Verdict.NOT_CHECKED,
    }
)


def _check_verdicts(verdicts: tuple[Verdict, ...]) -> None:
    if not verdicts:
        raise ValueError("verdicts is empty: name at least one of stale, overdue, empty, undated")
    wrong = [v.value for v in verdicts if v not in COUNTABLE]
    if wrong:
        allowed = ", ".join(sorted(v.value for v in COUNTABLE))
        raise ValueError(
            f"verdicts {wrong} are not judgements of a column's content "
            f"(a failed fetch is never a problem): use {allowed}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CountColumnVerdictsParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    verdicts: tuple[Verdict, ...]
    categories: tuple[Category, ...] | None = None  # None: every column with a window

    def __post_init__(self) -> None:
        _check_verdicts(self.verdicts)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnVerdictParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    verdicts: tuple[Verdict, ...]
    categories: tuple[Category, ...] | None = None
    name_pattern: str | None = None  # a regular expression searched in the column name

    def __post_init__(self) -> None:
        _check_verdicts(self.verdicts)
        if self.name_pattern is not None:
            try:
                re.compile(self.name_pattern)
            except re.error as exc:
                raise ValueError(f"name_pattern {self.name_pattern!r}: {exc}") from exc


def _in_scope(
    verdict: PageVerdict, categories: tuple[Category, ...] | None, pattern: str | None = None
) -> bool:
    page = verdict.facts
    if page.column_id is None or page.category in (None, Category.STATIC):
        return False  # the homepage, and columns without a window, are never counted
    if categories is not None and page.category not in categories:
        return False
    return pattern is None or re.search(pattern, page.column_name or "") is not None


def count_column_verdicts(
    context: Context, params: CountColumnVerdictsParams, threshold: Threshold
) -> list[MeasureResult]:
    assert context.site is not None
    scope = [v for v in context.verdicts if _in_scope(v, params.categories)]
    hits = [v for v in scope if v.verdict in params.verdicts]
    unjudged = [v for v in scope if v.verdict in UNJUDGED]
    names = "、".join(v.facts.column_name or v.facts.column_id or "" for v in hits)
    unjudged_names = "、".join(v.facts.column_name or v.facts.column_id or "" for v in unjudged)
    site = context.site.site
    if threshold.hit(len(hits)) != threshold.hit(len(hits) + len(unjudged)):
        return [
            Insufficient(
                reason=f"{len(unjudged)}个栏目无法检查({unjudged_names}),"
                f"已发现{len(hits)}个,不足以判断是否达到{threshold.label}个"
            )
        ]
    detail = f"{len(hits)} of {len(scope)} columns in scope: {names or 'none'}"
    if unjudged:
        detail += f"; {len(unjudged)} could not be judged and do not change the decision"
    return [
        Measurement(
            value=len(hits),
            value_text=f"{len(hits)}个",
            occurrences=len(hits),
            evidence=Evidence(
                url=site.homepage,
                checked_at=context.now,
                threshold=f"{threshold.label}个",
                detail=detail,
            ),
            fields={"columns": names, "unjudged": len(unjudged), "in_scope": len(scope)},
        )
    ]


def _window_label(context: Context, verdict: PageVerdict) -> str:
    category = verdict.facts.category
    if category is None:
        return ""
    window = context.windows.get(category) or category.window(verdict.facts.max_age_days)
    return window.label if window is not None else ""


def column_verdict(
    context: Context, params: ColumnVerdictParams, threshold: Threshold
) -> list[MeasureResult]:
    results: list[MeasureResult] = []
    for verdict in context.verdicts:
        if not _in_scope(verdict, params.categories, params.name_pattern):
            continue
        page = verdict.facts
        name = page.column_name or page.column_id or ""
        if verdict.verdict in UNJUDGED:
            results.append(
                Insufficient(
                    reason=f"{name}栏目{verdict.verdict.label},无法判断",
                    column=page,
                    evidence=verdict.findings[0].evidence if verdict.findings else None,
                )
            )
            continue
        hit = verdict.verdict in params.verdicts
        evidence = (
            verdict.findings[0].evidence
            if verdict.findings
            else Evidence(url=page.url, checked_at=page.checked_at, outcome=page.outcome)
        )
        results.append(
            Measurement(
                value=1 if hit else 0,
                value_text=verdict.verdict.label,
                occurrences=1,
                evidence=evidence,
                column=page,
                fields={
                    "verdict": verdict.verdict.label,
                    "newest_date": verdict.newest.isoformat() if verdict.newest else "无",
                    "age_days": verdict.age_days if verdict.age_days is not None else "",
                    "window": _window_label(context, verdict),
                },
            )
        )
    return results
