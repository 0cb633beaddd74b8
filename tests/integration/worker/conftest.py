"""The loopback site and Postgres-only fixtures for the worker and connection-loss tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.loopsite import Site, serve_loop_site


@pytest.fixture
async def loop_site() -> AsyncIterator[Site]:
    async with serve_loop_site() as state:
        yield state


@pytest.fixture
def postgres(engine: AsyncEngine) -> AsyncEngine:
    """The test's engine when it is Postgres: losing connections is a Postgres matter (SQLite
    has none to lose)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("connection loss is a Postgres matter")
    return engine
