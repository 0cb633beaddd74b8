"""Database URLs and engines.

SQLite (aiosqlite) is the embedded default and Postgres (asyncpg) the production store.
SQLite connections run in WAL mode with a busy timeout and foreign keys on, and every
transaction starts with ``BEGIN IMMEDIATE`` (the write lock is taken up front, so a
writer waits out the busy timeout instead of failing on a lock upgrade). This is the
SQLAlchemy recipe for taking transaction control away from the sqlite3 driver: the
driver's ``isolation_level`` is set to None and the ``begin`` event emits BEGIN. A read-only
caller may ask for a deferred transaction with the execution option
``sqlite_begin="DEFERRED"``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from storage.errors import SchemaOutdatedError, StorageConfigError
from storage.migrate import current_revision, head_revision, upgrade

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SchemaOutdatedError",
    "StorageConfigError",
    "check_schema",
    "create_engine",
    "current_revision",
    "head_revision",
    "is_sqlite",
    "resolve_database_url",
    "upgrade",
]

BUSY_TIMEOUT_MS = 30_000
_SQLITE_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})


def resolve_database_url(url: str | None, *, default_path: Path) -> str:
    """Turn what a user configured into an async SQLAlchemy URL.

    None → SQLite at ``default_path`` (its folder is created); ``postgresql://`` or
    ``postgres://`` → asyncpg; ``sqlite:///x`` → aiosqlite; a bare file path → SQLite.
    """
    if url is None:
        return _sqlite_url(default_path)
    value = url.strip()
    if not value:
        raise StorageConfigError(url, "the URL is empty")
    if "://" not in value:
        return _sqlite_url(Path(value))
    scheme, _, rest = value.partition("://")
    scheme = scheme.lower()
    if scheme in ("postgresql", "postgres", "postgresql+asyncpg"):
        resolved = f"postgresql+asyncpg://{rest}"
    elif scheme in ("sqlite", "sqlite+aiosqlite"):
        resolved = f"sqlite+aiosqlite://{rest}"
    else:
        raise StorageConfigError(url, f"the scheme {scheme!r} is not supported")
    try:
        parsed = make_url(resolved)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise StorageConfigError(url, "the URL cannot be parsed") from exc
    if parsed.get_backend_name() == "sqlite":
        _make_parent(parsed)
    elif not parsed.database:
        raise StorageConfigError(url, "the Postgres URL names no database")
    return resolved


def _sqlite_url(path: Path) -> str:
    path = path.expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{path}"


def _make_parent(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def is_sqlite(url_or_engine: str | URL | AsyncEngine | Engine) -> bool:
    """True when the URL or engine talks to SQLite."""
    if isinstance(url_or_engine, AsyncEngine | Engine):
        return url_or_engine.dialect.name == "sqlite"
    return make_url(url_or_engine).get_backend_name() == "sqlite"


def create_engine(url: str, *, connect_args: Mapping[str, Any] | None = None) -> AsyncEngine:
    """An async engine for an URL from ``resolve_database_url``, with the SQLite hooks on."""
    args = dict(connect_args or {})
    if not is_sqlite(url):
        return create_async_engine(
            url, connect_args=args, pool_pre_ping=True, json_serializer=_dump_json
        )
    engine = create_async_engine(url, connect_args=args, json_serializer=_dump_json)
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    return engine


def _dump_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Take transaction control away from the driver; _on_sqlite_begin emits BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS:d}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    mode = str(connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")).upper()
    if mode not in _SQLITE_BEGIN_MODES:
        raise ValueError(
            f"execution option sqlite_begin={mode!r}: use one of "
            + ", ".join(sorted(_SQLITE_BEGIN_MODES))
        )
    connection.exec_driver_sql(f"BEGIN {mode}")


async def check_schema(engine: AsyncEngine) -> None:
    """Raise ``SchemaOutdatedError`` unless the database is at the head revision."""
    current = await current_revision(engine)
    head = head_revision()
    if current != head:
        raise SchemaOutdatedError(current=current, head=head)
