"""A fresh Postgres database per test, and plain queries on it (asyncpg, run to completion)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg


def query(url: str, statement: str) -> list[tuple[Any, ...]]:
    async def go() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url)
        try:
            return [tuple(row) for row in await conn.fetch(statement)]
        finally:
            await conn.close()

    return asyncio.run(go())


def value(url: str, statement: str) -> Any:
    rows = query(url, statement)
    return rows[0][0] if rows else None


@contextmanager
def fresh_database(url: str, *, prefix: str) -> Iterator[str]:
    """A new, empty database on the server of ``url``; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    query(url, f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        query(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
