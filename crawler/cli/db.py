"""``crawl db upgrade``: create or migrate the database schema."""

from __future__ import annotations

import click

from crawler.cli.options import db_option, logging_options
from crawler.cli.runtime import configure_logging, guard, run_async

__all__ = ["db", "redact"]


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@db_option
@logging_options("Log to stderr: -v each migration step, -vv debug.")
def db_upgrade(db: str | None, verbose: int, log_format: str) -> None:
    """Create or migrate the database schema to this version (needed once for Postgres;
    the embedded SQLite database is migrated automatically)."""
    configure_logging(verbose, log_format=log_format)

    async def go() -> str:
        from crawler.config import default_database_path
        from storage.engine import create_engine, is_sqlite, resolve_database_url, upgrade

        resolved = resolve_database_url(db, default_path=default_database_path())
        engine = create_engine(resolved)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        if not is_sqlite(resolved):  # the job queue of the distributed mode, beside ours
            from crawler.operations.distributed import apply_schema

            await apply_schema(db)
        return resolved

    def body() -> None:
        from storage.engine import head_revision

        resolved = run_async(go())
        click.echo(f"database at revision {head_revision()}: {redact(resolved)}")

    guard(body)


def redact(url: str) -> str:
    """Hide a password in a database URL before printing it (``storage.urls.redact_url``)."""
    from storage.urls import redact_url

    return redact_url(url)
