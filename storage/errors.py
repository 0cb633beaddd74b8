"""The storage error tree.

::

    StorageError                  anything storage refuses to do
    ├── StorageConfigError        the database URL or a setting is not usable
    ├── SchemaOutdatedError       the database schema is not at the revision this code expects
    ├── RunNotFoundError          a run id that is not in the database
    └── DatabaseUnavailableError  the database cannot be reached (connection lost or refused)

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


class DatabaseUnavailableError(StorageError):
    """The database could not be reached, for longer than the retries wait (``storage.retry``).

    ``url`` is the database's, its password hidden (None when not known); ``what`` says what
    failed (the phase of the run, the driver's error)."""

    def __init__(self, *, url: str | None, what: str) -> None:
        self.url = redact_url(url) if url is not None else None  # shown to people
        self.what = what
        where = f": {self.url}" if self.url is not None else ""
        super().__init__(
            f"database unavailable{where} — {what}; check that the database is running, "
            "then run again"
        )
