"""The rules engine: facts, a profile, ``now`` and a period in; results per object out.

Pure: no I/O, no clock. For each site, ``judge_page`` gives every page its verdict (with the
profile's column windows); each enabled site or column rule runs its measure, and each
account rule runs on each account. A measured value that crosses the rule's threshold is a
finding with the rule's effect; insufficient data is listed as not judged. ``judge_page``'s own
findings (column-stale, column-unreachable, …) join the site's findings as notes, unless a
column rule already reported that column.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from datetime import datetime

from rules.evaluation import Evaluation, NotJudged, ObjectResult, Result, ScoredFinding
from rules.facts import AccountFacts, SiteFacts
from rules.freshness import judge_pages
from rules.measures import MEASURES, Context, Insufficient, Measurement
from rules.model import Finding, Severity
from rules.period import Period
from rules.profile import Effect, ObjectKind, Profile, Rule

__all__ = ["evaluate"]

logger = logging.getLogger(__name__)


def evaluate(
    sites: Sequence[SiteFacts],
    accounts: Sequence[AccountFacts],
    profile: Profile,
    *,
    now: datetime,
    period: Period,
) -> Evaluation:
    """Judge every site and account by ``profile`` at the check time ``now`` (aware)."""
    if now.tzinfo is None:
        raise ValueError(f"naive check time {now!r}: pass an aware datetime (UTC)")
    return Evaluation(
        profile_id=profile.id,
        profile_name=profile.name,
        now=now,
        period=period,
        sites=tuple(_evaluate_site(facts, profile, now, period) for facts in sites),
        accounts=tuple(_evaluate_account(facts, profile, now, period) for facts in accounts),
    )


def _evaluate_site(
    facts: SiteFacts, profile: Profile, now: datetime, period: Period
) -> ObjectResult:
    verdicts = judge_pages(facts.pages, now=now, windows=profile.windows)
    context = Context(
        now=now, period=period, site=facts, verdicts=tuple(verdicts), windows=profile.windows
    )
    site = facts.site
    rules = [r for r in profile.enabled_rules if r.object in (ObjectKind.SITE, ObjectKind.COLUMN)]
    scored, not_judged = _apply(rules, context, site.id, site.name)
    reported = {
        item.finding.column_id
        for item in scored
        if item.finding.column_id is not None and item.effect is not Effect.NOTE
    }
    notes = [
        ScoredFinding(finding=finding, rule=None, effect=Effect.NOTE, occurrences=1)
        for verdict in verdicts
        for finding in verdict.findings
        if finding.column_id is None or finding.column_id not in reported
    ]
    home = facts.homepage
    seen = home is not None and home.outcome is not None and home.outcome.readable
    return _result(
        ObjectKind.SITE, site.id, site.name, profile, scored + notes, not_judged, seen=seen
    )


def _evaluate_account(
    facts: AccountFacts, profile: Profile, now: datetime, period: Period
) -> ObjectResult:
    context = Context(now=now, period=period, account=facts)
    account = facts.account
    rules = [rule for rule in profile.enabled_rules if rule.object is ObjectKind.ACCOUNT]
    extra: dict[str, object] = {
        "object": "account",
        "platform": account.platform.value,
        "unit": account.unit,
    }
    scored, not_judged = _apply(rules, context, account.id, account.name, extra)
    # Seen: the source was read and at least one rule could judge what it showed (a rule on
    # the account's state alone, closed or not, does not count).
    judged = {rule.code for rule in rules if MEASURES[rule.measure].reads_content}
    judged -= {item.rule for item in not_judged}
    seen = facts.outcome is not None and facts.outcome.readable and bool(judged)
    return _result(
        ObjectKind.ACCOUNT, account.id, account.name, profile, scored, not_judged, seen=seen
    )


def _apply(
    rules: Sequence[Rule],
    context: Context,
    object_id: str,
    object_name: str,
    extra: Mapping[str, object] | None = None,
) -> tuple[list[ScoredFinding], list[NotJudged]]:
    scored: list[ScoredFinding] = []
    not_judged: list[NotJudged] = []
    for rule in rules:
        spec = MEASURES[rule.measure]
        hits: list[Measurement] = []
        for outcome in spec.run(context, rule.params, rule.threshold):
            if isinstance(outcome, Insufficient):
                column = outcome.column
                not_judged.append(
                    NotJudged(
                        rule=rule.code,
                        reason=outcome.reason,
                        column_id=column.column_id if column else None,
                        column_name=column.column_name if column else None,
                    )
                )
                logger.debug("rule %s not judged for %s: %s", rule.code, object_id, outcome.reason)
            elif rule.threshold.hit(outcome.value):
                hits.append(outcome)
        remaining = rule.deduction(sum(hit.occurrences for hit in hits))
        for hit in hits:
            points = min(rule.points * hit.occurrences, remaining)
            remaining -= points
            scored.append(_scored(rule, hit, points, object_id, object_name, extra or {}))
    return scored, not_judged


def _scored(
    rule: Rule,
    hit: Measurement,
    points: int,
    object_id: str,
    object_name: str,
    extra: Mapping[str, object],
) -> ScoredFinding:
    column = hit.column
    fields: dict[str, object] = {
        "name": object_name,
        "column": (column.column_name or column.column_id or "") if column else "",
        "title": rule.title,
        "value": hit.value if math.isfinite(hit.value) else hit.value_text,
        "value_text": hit.value_text,
        "threshold": rule.threshold.label,
        "count": hit.occurrences,
        "points": points,
        "points_each": rule.points,
        **hit.fields,
    }
    finding = Finding(
        code=rule.code,
        severity=Severity.PROBLEM,
        message=rule.message.format_map(fields),
        site_id=object_id,
        site_name=object_name,
        column_id=column.column_id if column else None,
        column_name=column.column_name if column else None,
        evidence=hit.evidence,
        extra={**extra, "rule_title": rule.title, "verified": rule.verified.value},
    )
    return ScoredFinding(
        finding=finding,
        rule=rule.code,
        effect=rule.effect,
        value=hit.value,
        value_text=hit.value_text,
        threshold=rule.threshold.label,
        occurrences=hit.occurrences,
        points=points,
    )


def _result(
    kind: ObjectKind,
    object_id: str,
    name: str,
    profile: Profile,
    findings: list[ScoredFinding],
    not_judged: list[NotJudged],
    *,
    seen: bool,
) -> ObjectResult:
    """``seen``: the object itself (homepage, account source) was read at the check. When it
    was not and nothing failed it, the result is 无法判定, never 合格: a site that could not be
    loaded has not passed an inspection."""
    vetoes = tuple(dict.fromkeys(f.rule for f in findings if f.effect is Effect.VETO and f.rule))
    deducted = sum(finding.points for finding in findings)
    score = max(profile.base_score - deducted, 0)
    failed = bool(vetoes) or score < profile.pass_score
    if failed:
        result = Result.FAILED
    else:
        result = Result.PASSED if seen else Result.UNKNOWN
    score_text = str(score)
    if vetoes:  # 不合格 whatever the deductions: the score is what the profile gives a veto
        score = profile.veto_score if profile.veto_score is not None else score
        score_text = "单项否决" if profile.veto_score is None else str(profile.veto_score)
    return ObjectResult(
        kind=kind,
        id=object_id,
        name=name,
        result=result,
        score=score,
        score_text=score_text,
        deducted=deducted,
        vetoes=vetoes,
        findings=tuple(findings),
        not_judged=tuple(not_judged),
    )
