"""Database engines for the integration tests: one suite over both databases.

SQLite runs in a temp file. Postgres runs when ``XUNJIAN_TEST_DATABASE_URL`` is set; each
test gets its own schema (the engine's search_path points at it), migrated from scratch and
dropped afterwards. Every test ends by asserting that no pooled connection was left checked out.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from storage.engine import create_engine, resolve_database_url, upgrade

POSTGRES_URL_ENV = "XUNJIAN_TEST_DATABASE_URL"


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def blank_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database (no migrations run)."""
    if request.param == "sqlite":
        engine = create_engine(
            resolve_database_url(str(tmp_path / "x.sqlite3"), default_path=tmp_path)
        )
        try:
            yield engine
            _assert_no_leaked_connections(engine)
        finally:
            await engine.dispose()
        return

    configured = os.environ.get(POSTGRES_URL_ENV)
    if not configured:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    url = resolve_database_url(configured, default_path=tmp_path)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url)
    try:
        async with admin.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine = create_engine(url, connect_args={"server_settings": {"search_path": schema}})
        try:
            yield engine
            _assert_no_leaked_connections(engine)
        finally:
            await engine.dispose()
            async with admin.begin() as connection:
                await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await admin.dispose()


def _assert_no_leaked_connections(engine: AsyncEngine) -> None:
    pool = engine.pool
    assert isinstance(pool, QueuePool), f"unexpected pool {pool!r}"
    assert pool.checkedout() == 0, "a test leaked a database connection"


@pytest.fixture
async def engine(blank_engine: AsyncEngine) -> AsyncEngine:
    """An engine on a database migrated to head."""
    await upgrade(blank_engine)
    return blank_engine
