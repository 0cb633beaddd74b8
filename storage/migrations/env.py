"""The Alembic environment: runs migrations on the connection from ``storage.migrate``."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

# every module that declares tables, so that Base.metadata holds them all
from storage import board_models as _board_models  # noqa: F401
from storage import content_models as _content_models  # noqa: F401
from storage import models as _models  # noqa: F401
from storage.base import Base
from storage.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write our column types as plain SQLAlchemy types, so revisions never import storage."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise RuntimeError(
            "offline (--sql) migrations are not supported — run them on a database "
            "with storage.engine.upgrade"
        )
    connection = config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "no database connection — run migrations through storage.migrate "
            "(scripts/migrate upgrade --url …), not the alembic command"
        )
    run_migrations(connection)


main()
