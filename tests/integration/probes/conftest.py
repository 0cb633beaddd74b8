"""Fixtures of the probe tests: the loopback homepages and a port with nothing listening.
The database engines (SQLite, and Postgres when configured) come from the parent conftest."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from probe_homepages import Homepages, serve_homepages


@pytest.fixture
def homepages() -> Iterator[Homepages]:
    with serve_homepages() as served:
        yield served


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
