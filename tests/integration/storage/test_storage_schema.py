"""Schema, migrations, engine settings, URLs and time zones."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import board_models as _board_models  # noqa: F401 (its tables join the metadata)
from storage import content_models as _content_models  # noqa: F401 (likewise)
from storage.base import Base
from storage.engine import (
    SchemaOutdatedError,
    StorageConfigError,
    check_schema,
    current_revision,
    head_revision,
    is_sqlite,
    resolve_database_url,
    upgrade,
)
from storage.models import run_table


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_reach_head_and_match_the_models(blank_engine: AsyncEngine) -> None:
    assert await current_revision(blank_engine) is None
    with pytest.raises(SchemaOutdatedError, match="upgrade the database schema"):
        await check_schema(blank_engine)

    await upgrade(blank_engine)
    assert await current_revision(blank_engine) == head_revision()
    await check_schema(blank_engine)
    await upgrade(blank_engine)  # at head already: nothing to do

    async with blank_engine.connect() as connection:
        assert await connection.run_sync(_diff) == []


async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(
    engine: AsyncEngine,
) -> None:
    if not is_sqlite(engine):
        pytest.skip("SQLite settings")
    async with engine.connect() as connection:
        assert (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        assert (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 30_000


async def test_sqlite_write_transactions_wait_for_each_other(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """BEGIN IMMEDIATE: a second writer waits for the first instead of failing 'locked'."""
    first_wrote = asyncio.Event()
    order: list[str] = []

    async def writer(name: str, *, hold: bool) -> None:
        async with sessions() as session, session.begin():
            await session.execute(
                run_table.insert().values(
                    scope=name, started_at=datetime.now(UTC), status="running"
                )
            )
            order.append(name)
            if hold:
                first_wrote.set()
                await asyncio.sleep(0.05)

    async def second() -> None:
        await first_wrote.wait()
        await writer("second", hold=False)

    async with asyncio.TaskGroup() as group:
        group.create_task(writer("first", hold=True))
        group.create_task(second())
    assert order == ["first", "second"]
    async with sessions() as session:
        scopes = (await session.scalars(select(run_table.c.scope).order_by(run_table.c.id))).all()
    assert scopes == ["first", "second"]


async def test_timestamps_round_trip_as_aware_utc(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    beijing = timezone(timedelta(hours=8))
    moment = datetime(2024, 6, 1, 9, 30, 15, 123456, tzinfo=beijing)
    async with sessions() as session, session.begin():
        await session.execute(
            run_table.insert().values(scope="utc", started_at=moment, status="running")
        )
    async with sessions() as session:
        stored = await session.scalar(select(run_table.c.started_at))
    assert stored is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == moment
    assert stored.hour == 1


async def test_naive_timestamps_are_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        with pytest.raises(StatementError, match="naive datetime"):
            await session.execute(
                run_table.insert().values(
                    scope="naive",
                    started_at=datetime(2024, 6, 1, 9, 30),  # naive on purpose
                    status="running",
                )
            )


async def test_database_stays_readable_by_plain_sql(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM sites"))).scalar()
    assert count == 0


def test_resolve_database_url_forms(tmp_path: Path) -> None:
    default = tmp_path / "var" / "db" / "xunjian.sqlite3"
    assert resolve_database_url(None, default_path=default) == f"sqlite+aiosqlite:///{default}"
    assert default.parent.is_dir()

    assert (
        resolve_database_url("postgresql://u@127.0.0.1:5432/x", default_path=default)
        == "postgresql+asyncpg://u@127.0.0.1:5432/x"
    )
    assert (
        resolve_database_url("postgres://u:p@db/x", default_path=default)
        == "postgresql+asyncpg://u:p@db/x"
    )
    assert (
        resolve_database_url("postgresql+asyncpg://db/x", default_path=default)
        == "postgresql+asyncpg://db/x"
    )
    nested = tmp_path / "a" / "b.sqlite3"
    assert (
        resolve_database_url(f"sqlite:///{nested}", default_path=default)
        == f"sqlite+aiosqlite:///{nested}"
    )
    assert nested.parent.is_dir()
    bare = tmp_path / "bare" / "x.db"
    assert resolve_database_url(str(bare), default_path=default) == f"sqlite+aiosqlite:///{bare}"
    assert resolve_database_url("sqlite+aiosqlite:///:memory:", default_path=default).endswith(
        ":memory:"
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("mysql://u@h/db", "scheme 'mysql' is not supported"),
        ("http://example.com/", "scheme 'http' is not supported"),
        ("  ", "empty"),
        ("postgresql://127.0.0.1:5432", "names no database"),
    ],
)
def test_resolve_database_url_rejects_other_forms(tmp_path: Path, value: str, reason: str) -> None:
    with pytest.raises(StorageConfigError) as caught:
        resolve_database_url(value, default_path=tmp_path / "x.sqlite3")
    message = str(caught.value)
    assert reason in message
    assert repr(value) in message
    assert "sqlite:///" in message
    assert "postgresql://" in message


def test_is_sqlite() -> None:
    assert is_sqlite("sqlite+aiosqlite:///x.db")
    assert not is_sqlite("postgresql+asyncpg://h/db")
