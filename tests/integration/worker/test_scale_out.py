"""Scale-out on Postgres with the real CLI: three `crawl worker` processes share a night of
200 loopback sites; then a worker is killed mid-night and its sites are crawled again by
the others, each site ending with exactly one completed run, nothing lost or duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.demo import generated_fleet, serve_in_thread
from rules.model import SHANGHAI, utc_now
from tests.integration.worker.pg import fresh_database, query, value
from tests.support.cli import CRAWL, run_crawl

URL = os.environ.get("XUNJIAN_TEST_DATABASE_URL")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not URL, reason="XUNJIAN_TEST_DATABASE_URL is not set"),
]

SITES = 200
WORKERS = 3
WAIT_S = 240.0  # a generous bound for a night to end; never an assertion about speed


@dataclass
class Worker:
    process: subprocess.Popen[str]
    log: Path


@pytest.fixture
def database() -> Iterator[str]:
    assert URL
    with fresh_database(URL, prefix="xunjian_scale") as url:
        yield url


@pytest.fixture
def targets(tmp_path: Path) -> Iterator[Path]:
    today = utc_now().astimezone(SHANGHAI).date()
    running = serve_in_thread(generated_fleet(sites=SITES, columns=1, items=2, today=today))
    path = tmp_path / "targets.yaml"
    try:
        running.write_targets(path)
        yield path
    finally:
        running.stop()


def start_worker(database: str, targets: Path, log: Path, env: dict[str, str]) -> Worker:
    options = ["--concurrency", "4", "--per-host-delay", "0", "--heartbeat", "0.5"]
    options += ["--stalled-after", "4", "--stalled-check", "0.5", "--poll", "0.5"]
    handle = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [str(CRAWL), "worker", "--db", database, "--targets", str(targets), *options],
        stdout=handle,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
    )
    handle.close()
    return Worker(process=process, log=log)


def wait_for(database: str, batch: int, *, what: str) -> None:
    """Until every site of the batch has a completed run and no run of it is running."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        done = value(
            database,
            "SELECT count(DISTINCT r.scope) FROM runs r JOIN batch_runs b ON b.run_id = r.id "
            f"WHERE b.batch_id = {batch} AND r.status = 'completed'",
        )
        running = value(
            database,
            "SELECT count(*) FROM runs r JOIN batch_runs b ON b.run_id = r.id "
            f"WHERE b.batch_id = {batch} AND r.status = 'running'",
        )
        if done == SITES and running == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"{what}: the night did not end within {WAIT_S:.0f} s")


def runs_per_site(database: str, batch: int, status: str) -> dict[str, int]:
    rows = query(
        database,
        "SELECT r.scope, count(*) FROM runs r JOIN batch_runs b ON b.run_id = r.id "
        f"WHERE b.batch_id = {batch} AND r.status = '{status}' GROUP BY r.scope",
    )
    return {scope: count for scope, count in rows}


def test_three_workers_share_a_night_and_a_killed_worker_loses_nothing(
    database: str, targets: Path, tmp_path: Path
) -> None:
    env = {"XUNJIAN_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    upgraded = run_crawl("db", "upgrade", "--db", database, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    again = run_crawl("db", "upgrade", "--db", database, env=env)  # idempotent
    assert again.returncode == 0, again.stderr

    site_ids = {f"sim-{n:04d}" for n in range(1, SITES + 1)}
    workers = [
        start_worker(database, targets, tmp_path / f"worker{n}.log", env) for n in range(WORKERS)
    ]
    try:
        deadline = time.monotonic() + WAIT_S
        while value(database, "SELECT count(*) FROM procrastinate_workers") < WORKERS:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        # Night 1: every site crawled exactly once, by all three workers between them.
        queued = run_crawl("enqueue", "--db", database, "--targets", str(targets), env=env)
        assert queued.returncode == 0, queued.stderr
        assert f"batch 1: {SITES} site jobs deferred" in queued.stdout
        wait_for(database, 1, what="night 1")
        assert runs_per_site(database, 1, "completed") == dict.fromkeys(site_ids, 1)
        assert value(database, "SELECT count(*) FROM runs") == SITES
        pids = {pid for (pid,) in query(database, "SELECT DISTINCT pid FROM runs")}
        assert pids == {w.process.pid for w in workers}, "every worker took part"
        items = value(database, "SELECT count(*) FROM items")
        assert items >= SITES * 1 * 2  # every column's items (and the homepages')

        # Night 2: one worker is killed while it crawls; its sites are crawled again.
        queued = run_crawl("enqueue", "--db", database, "--targets", str(targets), env=env)
        assert queued.returncode == 0, queued.stderr
        victim = workers[0]
        deadline = time.monotonic() + WAIT_S
        while (  # several sites in progress: the kill cannot fall between two jobs
            value(
                database,
                "SELECT count(*) FROM runs r JOIN batch_runs b ON b.run_id = r.id "
                f"WHERE b.batch_id = 2 AND r.status = 'running' AND r.pid = {victim.process.pid}",
            )
            < 3
        ):
            assert time.monotonic() < deadline, "the worker never started a job of night 2"
            time.sleep(0.05)
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait(timeout=30)

        wait_for(database, 2, what="night 2")
        assert runs_per_site(database, 2, "completed") == dict.fromkeys(site_ids, 1)
        # The sites the worker was crawling when it was killed: their runs were left behind
        # and are now marked interrupted (by the next run on this host, or the job's retry).
        killed = {
            scope
            for (scope,) in query(
                database,
                "SELECT r.scope FROM runs r JOIN batch_runs b ON b.run_id = r.id "
                f"WHERE b.batch_id = 2 AND r.status <> 'completed' "
                f"AND r.pid = {victim.process.pid}",
            )
        }
        assert killed, "the worker was killed between two jobs"
        interrupted = runs_per_site(database, 2, "interrupted")
        assert interrupted == dict.fromkeys(killed, 1)
        assert runs_per_site(database, 2, "failed") == {}
        assert value(database, "SELECT count(*) FROM items") == items  # nothing duplicated
        assert (
            value(
                database,
                "SELECT count(*) FROM (SELECT site_id, column_id, url FROM items "
                "GROUP BY site_id, column_id, url HAVING count(*) > 1) AS twice",
            )
            == 0
        )
        jobs = dict(
            query(database, "SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY 1")
        )
        assert jobs == {"succeeded": 2 * SITES}
        # attempts count the runs of a job: 1, and 2 for the killed worker's jobs. Those may
        # be more than the interrupted runs: a job taken just before the kill had no run yet,
        # and one whose run completed just before it, unknown to the queue, ran again and
        # found its run done (every site still has exactly one completed run, above).
        retried = {
            site
            for (site,) in query(
                database, "SELECT args->>'site_id' FROM procrastinate_jobs WHERE attempts > 1"
            )
        }
        assert killed <= retried
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
    survivors = workers[1:]
    for worker in survivors:
        assert worker.process.returncode == 0, worker.log.read_text(encoding="utf-8")[-3000:]
