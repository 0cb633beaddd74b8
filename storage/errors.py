"""The storage error tree.

::

    StorageError                  anything storage refuses to do
    ├── StorageConfigError        the database URL or a setting is not usable
    ├── SchemaOutdatedError       the database schema is not at the revision this code expects
    └── RunNotFoundError          a run id that is not in the database

Messages say what failed, where, and what to do; the facts are attributes.
"""

from __future__ import annotations

from storage.urls import redact_url


class StorageError(Exception):
    """Base of every error raised by the storage package."""


class StorageConfigError(StorageError):
    """The database URL (or another storage setting) cannot be used."""

    def __init__(self, value: str, reason: str) -> None:
        self.value = redact_url(value)  # shown to people: never the password
        self.reason = reason
        super().__init__(
            f"database URL {self.value!r}: {reason} — use a file path (var/xunjian.sqlite3), "
            "sqlite:///path/to/file.sqlite3, or postgresql://user@host:5432/dbname"
        )


class SchemaOutdatedError(StorageError):
    """The database is not migrated to the head revision."""

    def __init__(self, *, current: str | None, head: str) -> None:
        self.current = current
        self.head = head
        found = "no schema" if current is None else f"schema revision {current!r}"
        super().__init__(
            f"the database has {found}, this version needs revision {head!r} — "
            "upgrade the database schema (storage.engine.upgrade) before crawling"
        )


class RunNotFoundError(StorageError):
    """A run id that the database does not hold."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        super().__init__(f"run {run_id} is not in the database — pass the id start_run returned")
