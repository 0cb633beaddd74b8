"""Bulk statements: the dialect's upsert-capable INSERT, and chunks under SQLite's limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table
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
