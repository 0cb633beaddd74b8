"""Judging stored facts: each new-media account by its rule profile, over a period.

The accounts' counterpart of ``crawler.sites.judging``: the report keeps, beside each
account's result, the facts the tables show (weekly counts, newest post, history) and every
week of the period as the weekly-posting rule judged it (``rules.weekly``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from crawler.targets import AccountTarget
from rules.engine import evaluate
from rules.evaluation import ObjectResult
from rules.facts import AccountFacts
from rules.model import Finding
from rules.period import Period
from rules.profile import Profile
from rules.weekly import WeeklyPosting, weekly_posting

__all__ = ["AccountReport", "judge_accounts"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountReport:
    target: AccountTarget
    facts: AccountFacts
    result: ObjectResult
    weekly: WeeklyPosting | None = None  # the period's weeks, judged or not, and why

    @property
    def findings(self) -> list[Finding]:
        return [scored.stored() for scored in self.result.findings]


def judge_accounts(
    targets: Sequence[AccountTarget],
    facts: Sequence[AccountFacts],
    profiles: Mapping[str, Profile],
    *,
    now: datetime,
    period: Period,
) -> tuple[AccountReport, ...]:
    """Judge each account by its profile over ``period`` at ``now``, in the order given."""
    by_id = {f.account.id: f for f in facts}
    results: dict[str, ObjectResult] = {}
    for ref, profile in profiles.items():
        members = [by_id[t.id] for t in targets if t.profile == ref]
        if members:
            evaluation = evaluate([], members, profile, now=now, period=period)
            results.update({result.id: result for result in evaluation.accounts})
    return tuple(
        AccountReport(
            target=t,
            facts=by_id[t.id],
            result=results[t.id],
            weekly=weekly_posting(by_id[t.id], profiles[t.profile], now=now, period=period),
        )
        for t in targets
    )
