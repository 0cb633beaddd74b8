"""A cancelled transaction never leaves SQLite's write lock behind.

A shutdown cancels a run wherever it is, and a cancellation that lands inside the driver
(aiosqlite's rollback while the pool resets a connection, say) used to leave a connection in
a transaction nobody would end: every later write of the process — recording the run as
interrupted, releasing its leases — then failed with "database is locked". The cancellation
point is a matter of timing, so the test sweeps it across the transaction's life.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import create_engine
from storage.retry import in_transaction

_DELAYS_S = [step * 20e-6 for step in range(150)] * 2  # 0 to 3 ms, each twice


async def _write_pair(session: AsyncSession) -> None:
    await session.execute(text("INSERT INTO t (v) VALUES ('a')"))
    await session.execute(text("INSERT INTO t (v) VALUES ('b')"))
    await session.execute(text("SELECT count(*) FROM t"))


def _write_lock_free(path: Path) -> bool:
    probe = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


async def test_a_transaction_cancelled_at_any_point_leaves_no_lock_and_no_half(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        for delay_s in _DELAYS_S:
            task = asyncio.create_task(in_transaction(sessions, _write_pair))
            await asyncio.sleep(delay_s)
            task.cancel()
            await asyncio.wait({task})
            await asyncio.sleep(0.005)  # what a stranded connection would hold, it holds now
            assert _write_lock_free(path), f"write lock held after a cancel at {delay_s:.5f} s"
        written = sqlite3.connect(path).execute("SELECT count(*) FROM t").fetchone()[0]
        assert written % 2 == 0  # each transaction whole or not at all
    finally:
        await engine.dispose()
