"""What ``evaluate`` returns: per site and per account a result, a score and the findings.

Scoring (国办秘函〔2019〕19号 指标说明): score = base − Σ over rules of
min(points × occurrences, cap), floored at 0. An object is 不合格 when any veto rule hit or
its score is below the profile's pass score ("评分结果低于60分"): exactly 60 is 合格. A rule
that could not be judged is listed in ``not_judged`` and neither vetoes nor deducts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from rules.model import Finding
from rules.period import Period
from rules.profile import Effect, ObjectKind

__all__ = ["Evaluation", "NotJudged", "ObjectResult", "Result", "ScoredFinding"]


class Result(StrEnum):
    PASSED = "合格"
    FAILED = "不合格"
    UNKNOWN = "无法判定"  # the object itself could not be read at the check, and nothing failed it


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoredFinding:
    """A finding with the rule that produced it and what it did to the score."""

    finding: Finding  # its code is the rule's code, or a judge_page code for column notes
    rule: str | None  # the profile rule's code; None for a judge_page finding listed as a note
    effect: Effect
    value: float | None = None  # the measured value (math.inf: no dated information at all)
    value_text: str | None = None
    threshold: str | None = None
    occurrences: int = 1
    points: int = 0  # deducted by this finding (after the rule's cap)

    def stored(self) -> Finding:
        """The finding with what it did to the score, as it is stored and exported."""
        extra = {
            **self.finding.extra,
            "rule": self.rule,
            "effect": self.effect.value,
            "points": self.points,
            "occurrences": self.occurrences,
        }
        return replace(self.finding, extra=extra)

    def as_dict(self) -> dict[str, object]:
        finding = self.finding
        return {
            "code": finding.code,
            "rule": self.rule,
            "effect": self.effect.value,
            "severity": finding.severity.value,
            "message": finding.message,
            "site_id": finding.site_id,
            "site_name": finding.site_name,
            "column_id": finding.column_id,
            "column_name": finding.column_name,
            "value": self.value if self.value is None or math.isfinite(self.value) else None,
            "value_text": self.value_text,
            "threshold": self.threshold,
            "occurrences": self.occurrences,
            "points": self.points,
            "evidence": finding.evidence.as_dict(),
            "extra": dict(finding.extra),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class NotJudged:
    """A rule that could not be judged for an object (or one of its columns), and why."""

    rule: str
    reason: str  # Chinese
    column_id: str | None = None
    column_name: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "reason": self.reason,
            "column_id": self.column_id,
            "column_name": self.column_name,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectResult:
    """The result of one site or one account."""

    kind: ObjectKind  # site or account
    id: str
    name: str
    result: Result
    score: int
    deducted: int  # Σ of the capped deductions, before the floor at 0
    # The score as a notice prints it: the number, or 单项否决 for a veto the profile does not
    # score (``Profile.veto_score``).
    score_text: str
    vetoes: tuple[str, ...]  # codes of the veto rules that hit
    findings: tuple[ScoredFinding, ...]  # vetoes and deductions first, then notes
    not_judged: tuple[NotJudged, ...]

    @property
    def passed(self) -> bool:
        return self.result is Result.PASSED

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "id": self.id,
            "name": self.name,
            "result": self.result.value,
            "score": self.score,
            "score_text": self.score_text,
            "deducted": self.deducted,
            "vetoes": list(self.vetoes),
            "findings": [finding.as_dict() for finding in self.findings],
            "not_judged": [item.as_dict() for item in self.not_judged],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    profile_id: str
    profile_name: str
    now: datetime  # aware UTC: the check time
    period: Period
    sites: tuple[ObjectResult, ...]
    accounts: tuple[ObjectResult, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "profile": {"id": self.profile_id, "name": self.profile_name},
            "now": self.now.isoformat(),
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
            },
            "totals": {
                "sites": _totals(self.sites),
                "accounts": _totals(self.accounts),
            },
            "sites": [result.as_dict() for result in self.sites],
            "accounts": [result.as_dict() for result in self.accounts],
        }


def _totals(results: tuple[ObjectResult, ...]) -> dict[str, object]:
    passed = sum(result.passed for result in results)
    unknown = sum(result.result is Result.UNKNOWN for result in results)
    checked = len(results) - unknown
    # 合格率 = 合格数 / 检查数, as the notices print it ("合格率为100%"); what could not be
    # judged was not checked.
    rate = round(passed / checked, 4) if checked else None
    return {"checked": checked, "passed": passed, "unknown": unknown, "pass_rate": rate}
