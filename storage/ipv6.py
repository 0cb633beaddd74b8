"""IPv6 checks: writing each check of a site, and reading each site's newest check.

Every function takes an ``AsyncSession`` and leaves the transaction to the caller. A check is
one row whatever its outcome (``rules.ipv6.Ipv6Outcome``); the rules decide what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rules.ipv6 import Ipv6Check, Ipv6Outcome
from storage.bulk import chunks
from storage.models import ipv6_check_table

# The IPv6 checks run daily under `crawl schedule`; one older than this says nothing of now.
CHECK_MAX_AGE = timedelta(days=30)

__all__ = ["latest_ipv6", "record_ipv6_checks"]


async def record_ipv6_checks(session: AsyncSession, checks: Sequence[Ipv6Check]) -> None:
    """Store checks, one row each; their sites must be known (``storage.probes.register_sites``)."""
    rows = [
        {
            "site_id": check.site_id,
            "checked_at": check.checked_at,
            "url": check.url,
            "host": check.host,
            "addresses": list(check.addresses),
            "aaaa": check.aaaa,
            "outcome": check.outcome.value,
            "status": check.status,
            "detail": check.detail,
        }
        for check in checks
    ]
    for chunk in chunks(rows):
        await session.execute(ipv6_check_table.insert(), list(chunk))


async def latest_ipv6(
    session: AsyncSession,
    site_ids: Sequence[str],
    as_of: datetime,
    *,
    max_age: timedelta = CHECK_MAX_AGE,
) -> dict[str, Ipv6Check]:
    """Per site, the newest check made at or before ``as_of`` and within ``max_age`` of it
    (ties: the one stored last).

    Sites not checked in that window are absent: the rules read that as unknown (an old
    check is no evidence of the site now).
    """
    t = ipv6_check_table
    latest: dict[str, Ipv6Check] = {}
    for chunk in chunks(list(dict.fromkeys(site_ids))):
        ranked = (
            select(
                t,
                func.row_number()
                .over(partition_by=t.c.site_id, order_by=(t.c.checked_at.desc(), t.c.id.desc()))
                .label("rank"),
            )
            .where(
                t.c.site_id.in_(chunk),
                t.c.checked_at <= as_of,
                t.c.checked_at >= as_of - max_age,
            )
            .subquery("ranked")
        )
        query = select(ranked).where(ranked.c.rank == 1)
        for row in (await session.execute(query)).mappings():
            latest[row["site_id"]] = Ipv6Check(
                site_id=row["site_id"],
                url=row["url"],
                host=row["host"],
                checked_at=row["checked_at"],
                addresses=tuple(row["addresses"] or ()),
                aaaa=row["aaaa"],
                outcome=Ipv6Outcome(row["outcome"]),
                status=row["status"],
                detail=row["detail"],
            )
    return latest
