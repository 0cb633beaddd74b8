"""Settings read at the command line's edge: where data lives, the check time, the database.

Everything here is turned into plain values that the runner receives; nothing deeper in the
code reads the environment.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from rules.model import SHANGHAI, utc_now
from storage.engine import (
    create_engine,
    current_revision,
    head_revision,
    is_sqlite,
    resolve_database_url,
    upgrade,
)
from storage.errors import StorageConfigError

__all__ = [
    "ConfigError",
    "data_home",
    "default_database_path",
    "demo_database_path",
    "open_database",
    "parse_as_of",
]


class ConfigError(Exception):
    """A setting the user can fix; the message says which and how."""


def data_home() -> Path:
    """Where the embedded database lives: $XUNJIAN_HOME, else $XDG_DATA_HOME/xunjian."""
    if home := os.environ.get("XUNJIAN_HOME"):
        return Path(home)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "xunjian"


def default_database_path() -> Path:
    return data_home() / "xunjian.sqlite3"


def demo_database_path() -> Path:
    """The demo's own embedded database, so demo sites never mix with real ones."""
    return data_home() / "demo.sqlite3"


def parse_as_of(value: str | None) -> datetime:
    """``--as-of``: an ISO date (the end of that day in Asia/Shanghai) or an ISO datetime."""
    if value is None:
        return utc_now()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)
        else:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=SHANGHAI)
    except ValueError as exc:
        raise ConfigError(
            f"--as-of {value!r} is not a date — use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+08:00]"
        ) from exc
    return moment.astimezone(utc_now().tzinfo)


async def open_database(url: str | None, *, default_path: Path | None = None) -> AsyncEngine:
    """An engine on a database at the current schema.

    The embedded SQLite database is migrated on the spot; a Postgres database must have been
    migrated with ``crawl db upgrade`` (never implicitly on a production database).
    """
    try:
        resolved = resolve_database_url(url, default_path=default_path or default_database_path())
    except StorageConfigError as exc:
        raise ConfigError(str(exc)) from exc
    engine = create_engine(resolved)
    if is_sqlite(resolved):
        await upgrade(engine)
        return engine
    try:
        current = await current_revision(engine)
    except Exception as exc:
        await engine.dispose()
        raise ConfigError(
            f"cannot connect to the database: {exc.__class__.__name__}: {exc} — "
            "check --db / XUNJIAN_DATABASE_URL and that the server is running"
        ) from exc
    if current != head_revision():
        await engine.dispose()
        raise ConfigError(
            f"the database schema is at {current or 'nothing'}, this version needs "
            f"{head_revision()} — run `crawl db upgrade --db URL` first"
        )
    return engine
