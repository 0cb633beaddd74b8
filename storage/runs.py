"""Read-only queries about runs: the recent ones, the last of a kind, what is failing now.

What ``crawl status``, the scheduler's catch-up and its metrics ask. Queries only — runs are
written by ``storage.repository``. A run's page and account outcomes are counted from the
fetches it stored, not from its ``stats``, so a run that was interrupted or failed midway
still shows what it did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rules.model import Outcome
from storage.bulk import chunks
from storage.errors import RunNotFoundError
from storage.models import (
    account_fetch_table,
    account_table,
    column_table,
    finding_state_table,
    finding_table,
    run_table,
    site_table,
    snapshot_table,
)
from storage.records import RunStatus

__all__ = [
    "FULL_SCOPE",
    "FailingAccount",
    "FailingPage",
    "RunSummary",
    "failing_accounts",
    "failing_pages",
    "last_run",
    "open_findings_by_code",
    "recent_runs",
    "run_summary",
    "runs_started_since",
]

FULL_SCOPE = "all"
"""The scope of a run over the whole targets file (the nightly run)."""

_FAILED = tuple(o.value for o in Outcome if not o.readable)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSummary:
    """One run as recorded, with what it fetched and found."""

    id: int
    scope: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    hostname: str | None
    pid: int | None
    pages_by_outcome: Mapping[str, int] = field(default_factory=dict)  # site pages fetched
    accounts_by_outcome: Mapping[str, int] = field(default_factory=dict)  # account sources
    findings: int = 0
    error: str | None = None  # why a failed or interrupted run stopped, when recorded
    # sites the run did not check (another run held them …): site id -> why
    skipped_sites: Mapping[str, str] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.scope == FULL_SCOPE

    @property
    def pages(self) -> int:
        return sum(self.pages_by_outcome.values())

    @property
    def accounts(self) -> int:
        return sum(self.accounts_by_outcome.values())

    @property
    def duration_s(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True, slots=True, kw_only=True)
class FailingPage:
    """A page (homepage or column) of an active site whose newest fetch was not readable."""

    site_id: str
    site_name: str
    column_id: str | None  # None: the homepage
    column_name: str | None
    url: str
    outcome: Outcome
    status: int | None
    detail: str | None
    fetched_at: datetime
    run_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FailingAccount:
    """An active new-media account whose source's newest fetch was not readable."""

    account_id: str
    name: str
    platform: str
    url: str
    outcome: Outcome
    status: int | None
    detail: str | None
    fetched_at: datetime
    run_id: int


async def recent_runs(session: AsyncSession, *, limit: int = 10) -> list[RunSummary]:
    """The ``limit`` most recently started runs, newest first."""
    if limit < 1:
        raise ValueError(f"limit={limit}: ask for at least one run")
    r = run_table
    rows = (
        await session.execute(select(r).order_by(r.c.started_at.desc(), r.c.id.desc()).limit(limit))
    ).all()
    return await _summaries(session, rows)


async def run_summary(session: AsyncSession, run_id: int) -> RunSummary:
    """One run by id; raises ``RunNotFoundError`` when there is no such run."""
    row = (await session.execute(select(run_table).where(run_table.c.id == run_id))).first()
    if row is None:
        raise RunNotFoundError(run_id)
    (summary,) = await _summaries(session, [row])
    return summary


async def last_run(
    session: AsyncSession, *, scope: str | None = None, status: RunStatus | None = None
) -> RunSummary | None:
    """The most recently started run of that scope (``FULL_SCOPE`` for whole runs) and
    status; None when there is none."""
    r = run_table
    query = select(r).order_by(r.c.started_at.desc(), r.c.id.desc()).limit(1)
    if scope is not None:
        query = query.where(r.c.scope == scope)
    if status is not None:
        query = query.where(r.c.status == status.value)
    row = (await session.execute(query)).first()
    return None if row is None else (await _summaries(session, [row]))[0]


async def runs_started_since(session: AsyncSession, since: datetime) -> list[RunSummary]:
    """Runs started at or after ``since``, newest first."""
    r = run_table
    rows = (
        await session.execute(
            select(r).where(r.c.started_at >= since).order_by(r.c.started_at.desc(), r.c.id.desc())
        )
    ).all()
    return await _summaries(session, rows)


async def _summaries(session: AsyncSession, rows: Sequence[Row[Any]]) -> list[RunSummary]:
    ids = [row.id for row in rows]
    pages: dict[int, dict[str, int]] = defaultdict(dict)
    accounts: dict[int, dict[str, int]] = defaultdict(dict)
    findings: dict[int, int] = {}
    s, a, f = snapshot_table, account_fetch_table, finding_table
    for chunk in chunks(ids):
        for run_id, outcome, count in await session.execute(
            select(s.c.run_id, s.c.outcome, func.count())
            .where(s.c.run_id.in_(chunk))
            .group_by(s.c.run_id, s.c.outcome)
        ):
            pages[run_id][outcome] = count
        for run_id, outcome, count in await session.execute(
            select(a.c.run_id, a.c.outcome, func.count())
            .where(a.c.run_id.in_(chunk))
            .group_by(a.c.run_id, a.c.outcome)
        ):
            accounts[run_id][outcome] = count
        for run_id, count in await session.execute(
            select(f.c.run_id, func.count()).where(f.c.run_id.in_(chunk)).group_by(f.c.run_id)
        ):
            findings[run_id] = count
    return [
        RunSummary(
            id=row.id,
            scope=row.scope,
            status=RunStatus(row.status),
            started_at=row.started_at,
            finished_at=row.finished_at,
            hostname=row.hostname,
            pid=row.pid,
            pages_by_outcome=dict(sorted(pages[row.id].items())),
            accounts_by_outcome=dict(sorted(accounts[row.id].items())),
            findings=findings.get(row.id, 0),
            error=_error(row.stats),
            skipped_sites=_skipped(row.stats),
        )
        for row in rows
    ]


def _skipped(stats: Mapping[str, object] | None) -> dict[str, str]:
    skipped = (stats or {}).get("skipped_sites")
    if not isinstance(skipped, Mapping):
        return {}
    return {str(site): str(why) for site, why in skipped.items()}


def _error(stats: Mapping[str, object] | None) -> str | None:
    error = (stats or {}).get("error")
    return error if isinstance(error, str) else None


async def failing_pages(session: AsyncSession) -> list[FailingPage]:
    """Pages of active sites whose newest fetch failed (timeout, blocked, an HTTP error…),
    ordered by site and then homepage first, columns by name.

    Only pages still in the targets count: an inactive site or column is not "failing now".
    """
    s, site, col = snapshot_table, site_table, column_table
    newest = select(func.max(s.c.id).label("id")).group_by(s.c.site_id, s.c.column_id).subquery()
    query = (
        select(
            s.c.site_id,
            site.c.name.label("site_name"),
            s.c.column_id,
            col.c.name.label("column_name"),
            s.c.url,
            s.c.outcome,
            s.c.status,
            s.c.detail,
            s.c.fetched_at,
            s.c.run_id,
        )
        .join(newest, newest.c.id == s.c.id)
        .join(site, site.c.id == s.c.site_id)
        .outerjoin(col, and_(col.c.site_id == s.c.site_id, col.c.column_id == s.c.column_id))
        .where(
            site.c.active,
            or_(s.c.column_id.is_(None), col.c.active),
            s.c.outcome.in_(_FAILED),
        )
        .order_by(s.c.site_id, s.c.column_id.is_not(None), col.c.name, s.c.column_id)
    )
    return [
        FailingPage(**{**row._mapping, "outcome": Outcome(row.outcome)})
        for row in await session.execute(query)
    ]


async def failing_accounts(session: AsyncSession) -> list[FailingAccount]:
    """Active new-media accounts whose source's newest fetch failed, by account id."""
    a, acc = account_fetch_table, account_table
    newest = select(func.max(a.c.id).label("id")).group_by(a.c.account_id).subquery()
    query = (
        select(
            a.c.account_id,
            acc.c.name,
            acc.c.platform,
            a.c.url,
            a.c.outcome,
            a.c.status,
            a.c.detail,
            a.c.fetched_at,
            a.c.run_id,
        )
        .join(newest, newest.c.id == a.c.id)
        .join(acc, acc.c.id == a.c.account_id)
        .where(acc.c.active, a.c.outcome.in_(_FAILED))
        .order_by(a.c.account_id)
    )
    return [
        FailingAccount(**{**row._mapping, "outcome": Outcome(row.outcome)})
        for row in await session.execute(query)
    ]


async def open_findings_by_code(session: AsyncSession) -> dict[str, int]:
    """How many problems are open (seen, not yet resolved) per finding code."""
    fs = finding_state_table
    rows = await session.execute(
        select(fs.c.code, func.count())
        .where(fs.c.resolved_at.is_(None))
        .group_by(fs.c.code)
        .order_by(fs.c.code)
    )
    return {code: count for code, count in rows}
