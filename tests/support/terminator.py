"""Cut a Postgres connection from outside, the moment it is about to run a chosen statement."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


def snapshot_insert(statement: str) -> bool:
    return statement.startswith("INSERT INTO SNAPSHOTS")


class Terminator:
    """Terminates the server process of the connection about to run a statement ``matches``
    accepts (the statement whitespace-collapsed and upper-cased), at most ``times`` times."""

    def __init__(self, engine: AsyncEngine, matches: Callable[[str], bool], *, times: int) -> None:
        self._admin = psycopg.connect(os.environ["XUNJIAN_TEST_DATABASE_URL"], autocommit=True)
        self._engine = engine
        self._matches = matches
        self.left = times
        self.done = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)

    def _before(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if self.left == 0 or not self._matches(" ".join(statement.split()).upper()):
            return
        pid = conn.connection.driver_connection.get_server_pid()
        # Wait (up to 5 s) until the backend is gone: the statement then meets a dead socket.
        self._admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
        self.left -= 1
        self.done += 1

    def close(self) -> None:
        event.remove(self._engine.sync_engine, "before_cursor_execute", self._before)
        self._admin.close()
