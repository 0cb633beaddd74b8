"""Fixtures: the misbehaving loopback server and fetchers over both transports."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from aiohttp import web
from fetch_server import MockServer

from crawler.fetch import Fetcher, FetchSettings

# Tiny limits: every test finishes in well under a second.
FAST = FetchSettings(
    per_host_delay_s=0.0,
    jitter_s=0.0,
    timeout_s=3.0,
    attempt_timeout_s=0.5,
    connect_timeout_s=0.5,
    max_body_bytes=200_000,
    retry_attempts=3,
    retry_base_wait_s=0.0,
    retry_max_wait_s=0.01,
)


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    mock = MockServer()
    runner = web.AppRunner(mock.app(), handler_cancellation=True, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    mock.base_url = f"http://127.0.0.1:{port}"
    try:
        yield mock
    finally:
        mock.release.set()
        await runner.cleanup()


@pytest.fixture(params=["aiohttp", "httpx-default"])
def transport_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_fetcher(transport_name: str) -> Callable[..., Fetcher]:
    """Build a Fetcher with ``FAST`` settings, overridden by keyword arguments."""

    def make(**overrides: Any) -> Fetcher:
        settings = replace(FAST, **overrides)
        if transport_name == "aiohttp":
            return Fetcher(settings)
        transport = httpx.AsyncHTTPTransport(
            verify=settings.verify_tls,
            limits=httpx.Limits(max_connections=settings.max_concurrency),
        )
        return Fetcher(settings, transport=transport)

    return make


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
