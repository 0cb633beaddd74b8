"""A distributed night judges like an in-process crawl: `crawl schedule --distributed` defers
the demo fleet (20 sites of 附件1 and the 98 accounts of 附件2), a `crawl worker` runs one job
per site and one for the accounts, and the night ends with the same findings as `crawl` over
the same targets."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo import demo_fleet, serve_in_thread, with_demo_accounts
from crawler.demo.disclosure import demo_units
from rules.model import SHANGHAI, utc_now
from tests.integration.worker.pg import fresh_database, query, value
from tests.support.cli import CRAWL, run_crawl

URL = os.environ.get("XUNJIAN_TEST_DATABASE_URL")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not URL, reason="XUNJIAN_TEST_DATABASE_URL is not set"),
]

FAST = ("--per-host-delay", "0", "--poll", "0.5")
Finding = tuple[str | None, str | None, str | None, str]  # site, account, column, code


@pytest.fixture
def database() -> Iterator[str]:
    assert URL
    with fresh_database(URL, prefix="xunjian_demo_night") as url:
        yield url


def test_a_distributed_night_finds_what_crawl_finds(database: str, tmp_path: Path) -> None:
    env = {"XUNJIAN_HOME": str(tmp_path / "home")}
    today = utc_now().astimezone(SHANGHAI).date()
    running = serve_in_thread(with_demo_accounts(demo_fleet(today)), units=demo_units(today))
    targets = tmp_path / "targets.yaml"
    worker: subprocess.Popen[str] | None = None
    try:
        running.write_targets(targets)
        assert run_crawl("db", "upgrade", "--db", database, env=env).returncode == 0
        log = (tmp_path / "worker.log").open("w", encoding="utf-8")
        worker = subprocess.Popen(
            [str(CRAWL), "worker", "--db", database, "--targets", str(targets), *FAST],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **env},
        )
        log.close()
        # The scheduler defers the night: on an empty database, at once (the catch-up).
        where = ("--db", database, "--targets", str(targets))
        scheduler = subprocess.Popen(
            [str(CRAWL), "schedule", "--distributed", "--probe-every", "0", *where],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        deadline = time.monotonic() + 120
        while not value(database, "SELECT jobs FROM batches"):
            assert time.monotonic() < deadline, "the scheduler deferred no night"
            time.sleep(0.2)
        scheduler.send_signal(signal.SIGTERM)
        _, said = scheduler.communicate(timeout=60)
        assert scheduler.returncode == 0, said
        expected = "job nightly (catch-up): batch 1: 20 site jobs deferred, and the accounts job"
        assert expected in said
        # Meanwhile, the same targets crawled in one process, into a database of its own.
        local = tmp_path / "local.sqlite3"
        in_one_process = subprocess.Popen(
            [str(CRAWL), "--targets", str(targets), "--db", str(local), "--no-progress", *FAST[:2]],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        deadline = time.monotonic() + 240
        while value(database, "SELECT count(*) FROM runs WHERE status = 'completed'") < 21:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            assert value(database, "SELECT count(*) FROM runs WHERE status = 'failed'") == 0
            time.sleep(0.5)
        scopes = {s for (s,) in query(database, "SELECT scope FROM runs")}
        assert "accounts" in scopes
        assert len(scopes) == 21

        _, errors = in_one_process.communicate(timeout=240)
        assert in_one_process.returncode == 0, errors
        # The accounts job then reads the 政务公开 units, as the whole crawl in one process did.
        with sqlite3.connect(local) as conn:
            (reads,) = conn.execute("SELECT count(*) FROM disclosure_reads").fetchone()
        assert reads > 0
        deadline = time.monotonic() + 120
        while value(database, "SELECT count(*) FROM disclosure_reads") < reads:
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.5)
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        running.stop()
    assert worker.returncode == 0

    statement = "SELECT site_id, account_id, column_id, code FROM findings"
    distributed: set[Finding] = {tuple(row) for row in query(database, statement)}
    with sqlite3.connect(local) as conn:
        in_process: set[Finding] = {tuple(row) for row in conn.execute(statement)}
    assert distributed
    assert distributed == in_process
    items = "SELECT unit_id, column_id, url, published FROM disclosure_items"
    with sqlite3.connect(local) as conn:
        local_items = {(u, c, url, str(p) if p else None) for u, c, url, p in conn.execute(items)}
    shared_items = {(u, c, url, str(p) if p else None) for u, c, url, p in query(database, items)}
    assert shared_items == local_items
