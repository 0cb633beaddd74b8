"""The lifecycle of findings across runs (rectification tracking).

A finding's identity is its code, its site and its subject (the column, or the site itself):
``finding_key``. Each run upserts the problems it found — the first run that found one sets
``first_seen``, every run that finds it again moves ``last_seen`` and reopens it if it had been
resolved — and resolves the open ones it no longer finds, but only where the run could see:

- a ``problem`` finding is resolved only when this run READ its page (a page that now fails to
  load proves nothing about whether the column was updated);
- an ``unknown`` finding (unreachable, blocked, unreadable) is resolved when this run fetched
  its page and the failure is gone.

Subjects this run did not look at keep their state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rules.model import Finding, PageFacts, Severity
from storage.bulk import chunks, dialect_insert
from storage.models import finding_state_table
from storage.records import FindingState

__all__ = ["finding_key", "finding_states", "track_findings"]

_UPDATED = (
    "severity",
    "site_name",
    "column_name",
    "message",
    "evidence",
    "last_seen",
    "last_run_id",
)


def finding_key(code: str, site_id: str, subject: str | None) -> str:
    return f"{code}|{site_id}|{subject or ''}"


async def track_findings(
    session: AsyncSession,
    *,
    run_id: int,
    findings: Sequence[Finding],
    pages: Sequence[PageFacts],
    now: datetime,
) -> int:
    """Record this run's findings in their lifecycle; returns how many open ones it resolved."""
    rows: dict[str, dict[str, Any]] = {}
    for f in findings:
        key = finding_key(f.code, f.site_id, f.column_id)
        rows.setdefault(
            key,
            {
                "key": key,
                "code": f.code,
                "severity": f.severity.value,
                "site_id": f.site_id,
                "site_name": f.site_name,
                "column_id": f.column_id,
                "column_name": f.column_name,
                "message": f.message,
                "evidence": f.evidence.as_dict(),
                "first_seen": now,
                "last_seen": now,
                "resolved_at": None,
                "first_run_id": run_id,
                "last_run_id": run_id,
            },
        )
    for chunk in chunks(list(rows.values())):
        stmt = dialect_insert(session, finding_state_table)
        set_ = {name: stmt.excluded[name] for name in _UPDATED}
        set_["resolved_at"] = None  # seen again: the same finding, open again
        stmt = stmt.on_conflict_do_update(index_elements=[finding_state_table.c.key], set_=set_)
        await session.execute(stmt, list(chunk))

    read = {(p.site_id, p.column_id) for p in pages if p.outcome is not None and p.outcome.readable}
    fetched = {(p.site_id, p.column_id) for p in pages if p.outcome is not None}
    site_ids = sorted({site for site, _ in fetched})
    to_resolve: list[str] = []
    for site_chunk in chunks(site_ids):
        open_states = await session.execute(
            select(
                finding_state_table.c.key,
                finding_state_table.c.severity,
                finding_state_table.c.site_id,
                finding_state_table.c.column_id,
            ).where(
                finding_state_table.c.site_id.in_(site_chunk),
                finding_state_table.c.resolved_at.is_(None),
            )
        )
        for key, severity, site_id, column_id in open_states:
            if key in rows:
                continue
            seen = read if severity == Severity.PROBLEM.value else fetched
            if (site_id, column_id) in seen:
                to_resolve.append(key)
    for key_chunk in chunks(to_resolve):
        await session.execute(
            update(finding_state_table)
            .where(finding_state_table.c.key.in_(key_chunk))
            .values(resolved_at=now, last_run_id=run_id)
        )
    return len(to_resolve)


async def finding_states(
    session: AsyncSession, *, site_ids: Sequence[str] | None = None, include_resolved: bool = True
) -> list[FindingState]:
    """The lifecycle of findings, oldest first; optionally only some sites or only open ones."""
    query = select(finding_state_table).order_by(
        finding_state_table.c.first_seen, finding_state_table.c.key
    )
    if site_ids is not None:
        query = query.where(finding_state_table.c.site_id.in_(list(site_ids)))
    if not include_resolved:
        query = query.where(finding_state_table.c.resolved_at.is_(None))
    rows = await session.execute(query)
    return [FindingState(**row._mapping) for row in rows]
