"""The loopback site fixture for the worker and connection-loss tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.loopsite import Site, serve_loop_site


@pytest.fixture
async def loop_site() -> AsyncIterator[Site]:
    async with serve_loop_site() as state:
        yield state
