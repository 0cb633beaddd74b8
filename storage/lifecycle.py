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

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
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


def is_account_finding(finding: Finding) -> bool:
    """Account findings carry the account in ``site_id`` and say so in ``extra``."""
    return finding.extra.get("object") == "account"


def key_of(finding: Finding) -> str:
    owner = f"account:{finding.site_id}" if is_account_finding(finding) else finding.site_id
    return finding_key(finding.code, owner, finding.column_id)


async def track_findings(
    session: AsyncSession,
    *,
    run_id: int,
    findings: Sequence[Finding],
    pages: Sequence[PageFacts],
    now: datetime,
    accounts_read: Sequence[str] = (),
    accounts_fetched: Sequence[str] = (),
    keep_open: Collection[str] = (),
) -> int:
    """Record this run's findings in their lifecycle; returns how many open ones it resolved.

    ``accounts_read`` / ``accounts_fetched``: the accounts whose source this run read, or
    at least tried — the account counterpart of the pages.
    ``keep_open``: finding keys this run could not judge although it read their page (the
    page's links or images were not all checked conclusively): they are not resolved.
    """
    rows: dict[str, dict[str, Any]] = {}
    for f in findings:
        key = key_of(f)
        account = is_account_finding(f)
        rows.setdefault(
            key,
            {
                "key": key,
                "code": f.code,
                "severity": f.severity.value,
                "site_id": None if account else f.site_id,
                "account_id": f.site_id if account else None,
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
    for account_chunk in chunks(sorted(accounts_fetched)):
        account_states = await session.execute(
            select(
                finding_state_table.c.key,
                finding_state_table.c.severity,
                finding_state_table.c.account_id,
            ).where(
                finding_state_table.c.account_id.in_(account_chunk),
                finding_state_table.c.resolved_at.is_(None),
            )
        )
        for key, severity, account_id in account_states:
            seen_accounts = account_chunk if severity == Severity.UNKNOWN.value else accounts_read
            if key not in rows and account_id in seen_accounts:
                to_resolve.append(key)
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
            if key in rows or key in keep_open:
                continue
            seen = fetched if severity == Severity.UNKNOWN.value else read
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
    session: AsyncSession,
    *,
    site_ids: Sequence[str] | None = None,
    account_ids: Sequence[str] = (),
    include_resolved: bool = True,
) -> list[FindingState]:
    """The lifecycle of findings, oldest first; optionally only some sites (and accounts) or
    only open ones."""
    t = finding_state_table
    query = select(t).order_by(t.c.first_seen, t.c.key)
    if site_ids is not None:
        query = query.where(
            or_(t.c.site_id.in_(list(site_ids)), t.c.account_id.in_(list(account_ids)))
        )
    if not include_resolved:
        query = query.where(finding_state_table.c.resolved_at.is_(None))
    rows = await session.execute(query)
    return [FindingState(**row._mapping) for row in rows]
