"""Availability probes: writing each probe of a homepage, and the per-day counts the rules judge.

Every function takes an ``AsyncSession`` and leaves the transaction to the caller. A probe is
one row whatever its outcome. ``ok`` says what the probe showed: True (the homepage loaded
within the limit), False (it did not), or None (the probe could not tell: an anti-bot page,
robots.txt refused the request). Probes that could not tell are kept but neither counted nor
failed.

``probe_stats`` counts probes per site and per calendar day in Asia/Shanghai, in SQL, over the
``window_days`` whole days before the check date plus the check day so far: exactly the days
``rules.measures.site.probe_failure_ratio`` reads (it leaves the running check day out).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Date, Integer, case, cast, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from rules.facts import ProbeStats
from rules.model import SHANGHAI, Outcome, Site, local_date
from storage.bulk import chunks, dialect_insert
from storage.models import probe_table, site_table

__all__ = ["ProbeValue", "probe_stats", "record_probes", "register_sites"]


class ProbeValue(Protocol):
    """What storage needs of a probe: ``crawler.sites.probes.ProbeResult`` has this shape.

    Storage may not import the crawler, so it names the shape rather than the class.
    """

    @property
    def site_id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def probed_at(self) -> datetime: ...  # aware UTC: when the request started
    @property
    def ok(self) -> bool | None: ...
    @property
    def outcome(self) -> Outcome: ...
    @property
    def status(self) -> int | None: ...
    @property
    def latency_s(self) -> float | None: ...
    @property
    def detail(self) -> str | None: ...


async def register_sites(session: AsyncSession, sites: Sequence[Site], *, now: datetime) -> None:
    """Insert the sites storage does not know yet, so their probes can refer to them.

    Known sites are left as they are: unlike ``repository.sync_targets`` this never changes a
    site or marks one inactive, because a probe round may cover only some of the targets.
    """
    rows = [
        {
            "id": site.id,
            "name": site.name,
            "homepage": site.homepage,
            "site_code": site.site_code,
            "unit": site.unit,
            "active": True,
            "updated_at": now,
        }
        for site in {site.id: site for site in sites}.values()
    ]
    for chunk in chunks(rows):
        stmt = dialect_insert(session, site_table).on_conflict_do_nothing(
            index_elements=[site_table.c.id]
        )
        await session.execute(stmt, list(chunk))


async def record_probes(session: AsyncSession, probes: Sequence[ProbeValue]) -> None:
    """Store probes, one row each; their sites must be known (``register_sites``)."""
    rows = [
        {
            "site_id": probe.site_id,
            "url": probe.url,
            "probed_at": probe.probed_at,
            "ok": probe.ok,
            "status": probe.status,
            "latency_s": probe.latency_s,
            "outcome": probe.outcome.value,
            "detail": probe.detail,
        }
        for probe in probes
    ]
    for chunk in chunks(rows):
        await session.execute(probe_table.insert(), list(chunk))


async def probe_stats(
    session: AsyncSession, *, site_ids: Sequence[str], now: datetime, window_days: int = 7
) -> dict[str, ProbeStats]:
    """Per site, (probes, failed) per Asia/Shanghai day from the start of the day
    ``window_days`` before the check date up to ``now``, counted in SQL.

    Only probes made at or before ``now`` count, so a past moment is judged as it stood then.
    Probes that could not tell (``ok`` NULL) count in neither number. Sites without a single
    probe in the window are absent: the rules read that as "no probe data".
    """
    if window_days < 1:
        raise ValueError(f"window_days={window_days}: use 1 or more days")
    first_day = local_date(now) - timedelta(days=window_days)
    start = datetime.combine(first_day, time(), tzinfo=SHANGHAI).astimezone(UTC)
    per_site: dict[str, dict[date, tuple[int, int]]] = {}
    for chunk in chunks(list(dict.fromkeys(site_ids))):
        for site_id, day, probes, failed in await _counts_per_day(session, chunk, start, now):
            per_site.setdefault(site_id, {})[day] = (probes, failed)
    return {
        site_id: ProbeStats(window_start=start, window_end=now, per_day=days)
        for site_id, days in per_site.items()
    }


def _local_day(session: AsyncSession, probed_at: Any) -> ColumnElement[date]:
    """The Asia/Shanghai calendar date of ``probed_at``, in SQL."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # Stored as naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'. SQLite's date functions round
        # the fraction to milliseconds (23:59:59.9999 would become the next day), so cut it
        # off first; then to local time (Shanghai has no DST).
        local = func.date(func.substr(probed_at, 1, 19), "+8 hours")
        return type_coerce(local, Date())
    if dialect == "postgresql":
        return cast(func.timezone(SHANGHAI.key, probed_at), Date())
    raise NotImplementedError(f"no date query for the {dialect!r} dialect — use SQLite or Postgres")


async def _counts_per_day(
    session: AsyncSession, site_ids: Sequence[str], start: datetime, end: datetime
) -> list[tuple[str, date, int, int]]:
    p = probe_table
    # Grouped over a subquery: Postgres would not match a GROUP BY expression whose bound
    # parameters are numbered apart from the same expression in the SELECT list.
    bucketed = (
        select(p.c.site_id, _local_day(session, p.c.probed_at).label("day"), p.c.ok)
        .where(p.c.site_id.in_(site_ids), p.c.probed_at >= start, p.c.probed_at <= end)
        .subquery("bucketed")
    )
    failed = func.sum(case((bucketed.c.ok.is_(False), 1), else_=0))
    query = select(
        bucketed.c.site_id,
        bucketed.c.day,
        func.count(bucketed.c.ok),
        cast(failed, Integer),
    ).group_by(bucketed.c.site_id, bucketed.c.day)
    return [(row[0], row[1], row[2], row[3]) for row in (await session.execute(query)).all()]
