"""Measures over a whole site: homepage availability probes and homepage freshness."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from pydantic import ConfigDict

from rules.measures.base import Context, Insufficient, Measurement, MeasureResult
from rules.model import Evidence, local_date
from rules.profile import Threshold

__all__ = [
    "HomepageAgeParams",
    "ProbeFailureParams",
    "homepage_age_days",
    "probe_failure_ratio",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeFailureParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    window_days: int = 7  # 监测1周
    min_probes_per_day: int = 20  # 每天间隔性访问20次以上

    def __post_init__(self) -> None:
        if self.window_days < 1 or self.min_probes_per_day < 1:
            raise ValueError("window_days and min_probes_per_day must be at least 1")


@dataclass(frozen=True, slots=True, kw_only=True)
class HomepageAgeParams:
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")


def probe_failure_ratio(
    context: Context, params: ProbeFailureParams, threshold: Threshold
) -> list[MeasureResult]:
    """Failed probes / all probes over the ``window_days`` whole Shanghai days before the check
    date. The check day itself is still running, so it is not part of the window."""
    assert context.site is not None
    probes = context.site.probes
    if probes is None:
        return [Insufficient(reason="无首页可用性监测数据,无法判断")]
    today = local_date(context.now)
    days = [today - timedelta(days=back) for back in range(params.window_days, 0, -1)]
    total = failed = 0
    for day in days:
        count, failures = probes.per_day.get(day, (0, 0))
        if count < params.min_probes_per_day:
            return [
                Insufficient(
                    reason=f"{day.isoformat()}仅有{count}次可用性监测"
                    f"(每天至少需要{params.min_probes_per_day}次),无法判断"
                )
            ]
        total += count
        failed += failures
    ratio = failed / total
    return [
        Measurement(
            value=ratio,
            value_text=f"{ratio:.2%}",
            occurrences=1,
            evidence=Evidence(
                url=context.site.site.homepage,
                checked_at=context.now,
                threshold=f"{threshold.op.symbol} {threshold.value:.0%}",
                detail=f"{failed} of {total} probes failed from {days[0].isoformat()} "
                f"to {days[-1].isoformat()} (Asia/Shanghai)",
            ),
            fields={
                "failed": failed,
                "probes": total,
                "days": params.window_days,
                "first_day": days[0].isoformat(),
                "last_day": days[-1].isoformat(),
            },
        )
    ]


def homepage_age_days(
    context: Context, params: HomepageAgeParams, threshold: Threshold
) -> list[MeasureResult]:
    """Days from the homepage's newest dated item to the check date. A homepage whose list
    shows no dated item counts as never updated (未注明信息发布时间的视为不更新)."""
    assert context.site is not None
    page = context.site.homepage
    if page is None or page.outcome is None:
        return [Insufficient(reason="网站首页未检查,无法判断")]
    if not page.outcome.readable:
        return [Insufficient(reason=f"网站首页{page.outcome.label},无法判断更新情况")]
    if not page.list_found:
        return [Insufficient(reason="网站首页未识别到信息列表,无法判断更新情况")]
    newest = page.newest.published if page.newest is not None else None
    today = local_date(context.now)
    age = (today - newest).days if newest is not None else None
    value = float(age) if age is not None else math.inf
    if page.later_dated_count and threshold.hit(value):
        # Items dated after the check (2062 for 2026) may be the newest: not "not updated".
        return [Insufficient(reason="网站首页信息发布日期晚于检查日期,日期有误,无法判断更新情况")]
    return [
        Measurement(
            value=value,
            value_text=f"{age}天" if age is not None else "无标注日期的信息",
            occurrences=1,
            evidence=Evidence(
                url=page.url,
                checked_at=page.checked_at,
                outcome=page.outcome,
                status=page.status,
                newest_date=newest,
                newest_title=page.newest.title if page.newest else None,
                newest_url=page.newest.url if page.newest else None,
                newest_where=page.newest.date_where if page.newest else None,
                threshold=f"{threshold.label}天",
                age_days=age,
                item_count=page.item_count,
                dated_count=page.dated_count,
                detail=None
                if newest is not None
                else "no dated item on the homepage; undated information counts as not updated",
            ),
            fields={
                "newest_date": newest.isoformat() if newest else "无",
                "age_days": age if age is not None else "",
            },
        )
    ]
