"""Fixtures: the site under test and another site, on loopback (``link_server``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from link_server import Server, serve


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    """The site under test."""
    state = Server()
    runner = await serve(state)
    try:
        yield state
    finally:
        state.release.set()
        await runner.cleanup()


@pytest.fixture
async def other() -> AsyncIterator[Server]:
    """Another site (another host and port): links to it are external."""
    state = Server()
    runner = await serve(state)
    try:
        yield state
    finally:
        state.release.set()
        await runner.cleanup()
