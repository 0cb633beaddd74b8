"""The shared JSON shapes of a finding and of a page's verdict (docs/cli.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rules.freshness import PageVerdict
from rules.model import Finding

__all__ = ["finding_to_dict", "page_to_dict"]


def finding_to_dict(finding: Finding, first_seen: datetime | None = None) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "site": finding.site_id,
        "site_name": finding.site_name,
        "column": finding.column_id,
        "column_name": finding.column_name,
        "effect": finding.extra.get("effect"),
        "points": finding.extra.get("points", 0),
        "rule": finding.extra.get("rule"),
        "evidence": finding.evidence.as_dict(),
        "first_seen": first_seen.isoformat() if first_seen else None,
    }


def page_to_dict(page: PageVerdict) -> dict[str, Any]:
    facts = page.facts
    return {
        "id": facts.column_id,
        "name": facts.column_name,
        "url": facts.url,
        "category": facts.category.value if facts.category else None,
        "max_age_days": facts.max_age_days,
        "outcome": facts.outcome.value if facts.outcome else None,
        "status": facts.status,
        "items": facts.item_count,
        "dated_items": facts.dated_count,
        "newest": page.newest.isoformat() if page.newest else None,
        "newest_where": facts.newest.date_where if facts.newest else None,
        "age_days": page.age_days,
        "verdict": page.verdict.value,
    }
