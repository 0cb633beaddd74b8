"""Bulk statements: the dialect's upsert-capable INSERT, and chunks under SQLite's limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Row, Table, and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

ROWS_PER_STATEMENT = 500
"""Rows per bulk statement and values per IN list: well under SQLite's 999 variables."""

_T = TypeVar("_T")


def chunks(values: Sequence[_T], size: int = ROWS_PER_STATEMENT) -> Iterator[Sequence[_T]]:
    """``values`` in consecutive slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def dialect_insert(session: AsyncSession, table: Table) -> Any:
    """The INSERT of the session's database, with its ``on_conflict_*`` upsert clauses.

    SQLite's and Postgres' inserts share the ``on_conflict_do_update`` /
    ``on_conflict_do_nothing`` signature used here; typed ``Any`` because they are
    separate classes.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"no upsert for the {dialect!r} dialect — use SQLite or Postgres")


async def newest_run_rows(
    session: AsyncSession, table: Table, site_ids: Sequence[str], as_of: datetime
) -> list[Row[Any]]:
    """The rows of ``table`` (with ``run_id``, ``site_id``, ``checked_at``) of each site's
    newest run with rows checked at or before ``as_of``, in insertion order."""
    t = table
    out: list[Row[Any]] = []
    for chunk in chunks(sorted(site_ids)):
        newest = (
            select(t.c.site_id, func.max(t.c.run_id).label("run_id"))
            .where(t.c.site_id.in_(chunk), t.c.checked_at <= as_of)
            .group_by(t.c.site_id)
            .subquery()
        )
        rows = await session.execute(
            select(t)
            .join(newest, and_(t.c.site_id == newest.c.site_id, t.c.run_id == newest.c.run_id))
            .where(t.c.checked_at <= as_of)
            .order_by(t.c.id)
        )
        out += rows.all()
    return out
