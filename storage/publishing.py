"""What a site published in a period: items counted per column, from the stored item history.

An item counts when its list date (the calendar day the page shows, Asia/Shanghai) falls in the
period and it had been seen by the moment judged. An item is one URL: listed twice in a column
(or in two columns of the site) it is counted once in the column and once in the site's total.
Counting is done in SQL; the caller leaves the transaction as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import item_table

__all__ = ["Published", "published_by_column"]


@dataclass(frozen=True, slots=True)
class Published:
    """One site's items dated in the period: per column id, and the site's distinct total."""

    columns: Mapping[str, int]
    total: int


async def published_by_column(
    session: AsyncSession,
    site_columns: Mapping[str, Sequence[str]],
    start: date,
    end: date,
    *,
    as_of: datetime | None = None,
) -> dict[str, Published]:
    """For each site id, the distinct item URLs dated ``start``..``end`` (both included) in each
    of the given columns, and over those columns together.

    ``site_columns`` maps a site id to the column ids counted (the homepage is never counted:
    its items are the columns' items again). With ``as_of``, items first seen after it are left
    out, so a past moment is counted as it stood then. Sites without any item get zeros.
    """
    i = item_table
    wanted = [
        and_(i.c.site_id == site_id, i.c.column_id.in_(list(columns)))
        for site_id, columns in site_columns.items()
        if columns
    ]
    result = {
        site_id: Published(columns=dict.fromkeys(columns, 0), total=0)
        for site_id, columns in site_columns.items()
    }
    if not wanted:
        return result
    conditions = [or_(*wanted), i.c.published >= start, i.c.published <= end]
    if as_of is not None:
        conditions.append(i.c.first_seen <= as_of)
    per_column = await session.execute(
        select(i.c.site_id, i.c.column_id, func.count(func.distinct(i.c.url)))
        .where(*conditions)
        .group_by(i.c.site_id, i.c.column_id)
    )
    counts: dict[str, dict[str, int]] = {site_id: {} for site_id in site_columns}
    for site_id, column_id, count in per_column.all():
        counts[site_id][column_id] = int(count)
    totals = await session.execute(
        select(i.c.site_id, func.count(func.distinct(i.c.url)))
        .where(*conditions)
        .group_by(i.c.site_id)
    )
    total_of = {site_id: int(count) for site_id, count in totals.all()}
    return {
        site_id: Published(
            columns={column: counts[site_id].get(column, 0) for column in columns},
            total=total_of.get(site_id, 0),
        )
        for site_id, columns in site_columns.items()
    }
