"""``crawl schedule`` as a process (SIGTERM/SIGINT, metrics) and ``crawl status`` on a real
database after a crawl of the loopback site."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crawler.cli.status import status
from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, crawl
from crawler.targets import load_targets
from rules.model import utc_now
from storage.engine import create_engine, resolve_database_url, upgrade
from tests.integration.schedule.pages import HTML, serve_columns, write_targets
from tests.support.cli import CRAWL
from tests.support.loopsite import CHALLENGE
from tests.support.loopsite import Site as LoopSite

# slow: crawl schedule runs in a subprocess (and crawls)
pytestmark = pytest.mark.slow


def schedule_command(*args: str) -> list[str]:
    """``crawl schedule …``, as the installed command."""
    return [str(CRAWL), "schedule", *args]


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


async def start_schedule(
    targets: Path, db: Path, home: Path, *args: str
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *schedule_command(
            "--targets", str(targets), "--db", str(db), "--per-host-delay", "0", *args
        ),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("XUNJIAN_")},
            "XUNJIAN_HOME": str(home),
            "NO_COLOR": "1",
        },
    )


async def wait_for_rows(db: Path, sql: str, count: int) -> None:
    """Wait until ``sql`` counts ``count`` rows: a bound on a hang, not a timing assertion."""
    for _ in range(2400):
        await asyncio.sleep(0.05)
        if await asyncio.to_thread(db.exists):
            try:
                if query(db, sql)[0][0] >= count:
                    return
            except sqlite3.OperationalError:
                continue
    raise AssertionError(f"gave up waiting for {count} rows of {sql!r}")


async def test_sigterm_lets_the_running_crawl_finish_and_exits_cleanly(
    site: LoopSite, tmp_path: Path
) -> None:
    serve_columns(site, 8, delay_s=0.1)
    targets = write_targets(tmp_path / "targets.yaml", site, 8)
    db = tmp_path / "x.sqlite3"
    proc = await start_schedule(
        targets, db, tmp_path, "--concurrency", "1", "--stop-timeout", "120"
    )
    # An empty database has no full run: the nightly crawl catches up at start-up.
    await wait_for_rows(db, "SELECT count(*) FROM snapshots", 2)
    proc.send_signal(signal.SIGTERM)
    _, stderr_bytes = await proc.communicate()
    stderr = stderr_bytes.decode()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "job nightly (catch-up): full crawl starting" in stderr
    assert "SIGTERM: stopping" in stderr
    assert "job nightly: run 1 completed" in stderr
    assert query(db, "SELECT id, scope, status FROM runs") == [(1, "all", "completed")]
    assert query(db, "SELECT count(*) FROM snapshots") == [(9,)]


async def test_sigint_past_the_stop_timeout_records_the_run_as_interrupted(
    site: LoopSite, tmp_path: Path
) -> None:
    serve_columns(site, 30)
    site.hold_after(4)  # then every request is held: the crawl is running when SIGINT comes
    targets = write_targets(tmp_path / "targets.yaml", site, 30)
    db = tmp_path / "x.sqlite3"
    proc = await start_schedule(targets, db, tmp_path, "--concurrency", "1", "--stop-timeout", "0")
    await wait_for_rows(db, "SELECT count(*) FROM snapshots", 2)
    proc.send_signal(signal.SIGINT)
    _, stderr_bytes = await proc.communicate()
    stderr = stderr_bytes.decode()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "job nightly: run 1 interrupted" in stderr
    assert query(db, "SELECT status FROM runs") == [("interrupted",)]
    stored = query(db, "SELECT count(*) FROM snapshots")[0][0]
    assert isinstance(stored, int)
    assert 2 <= stored < 31


async def test_a_bad_schedule_exits_2_before_anything_runs(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        *schedule_command("--nightly", "0 2 * *", "--db", str(tmp_path / "x.sqlite3")),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr_bytes = await proc.communicate()
    stderr = stderr_bytes.decode()
    assert proc.returncode == 2, stderr
    assert "error: nightly schedule '0 2 * *': 4 fields, not 5" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "x.sqlite3").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text: str = response.read().decode()
        return text


async def test_metrics_are_served_while_scheduling(site: LoopSite, tmp_path: Path) -> None:
    serve_columns(site, 2)
    targets = write_targets(tmp_path / "targets.yaml", site, 2)
    db = tmp_path / "x.sqlite3"
    port = free_port()
    proc = await start_schedule(targets, db, tmp_path, "--metrics-port", str(port))
    try:
        await wait_for_rows(db, "SELECT count(*) FROM runs WHERE status = 'completed'", 1)
        exposed = ""
        for _ in range(200):  # the metrics follow the run's record
            try:
                exposed = await asyncio.to_thread(scrape, port)
            except OSError:
                exposed = ""
            if 'xunjian_runs_total{status="completed"} 1.0' in exposed:
                break
            await asyncio.sleep(0.05)
        assert 'xunjian_fetches_total{outcome="ok"} 3.0' in exposed
        assert "xunjian_last_completed_full_run_timestamp_seconds" in exposed
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await proc.communicate()
    assert proc.returncode == 0, stderr.decode()


async def invoke(*args: str) -> Result:
    """``crawl status`` in a thread: the command runs its own event loop."""
    return await asyncio.to_thread(CliRunner().invoke, status, list(args), catch_exceptions=False)


async def test_status_shows_runs_the_next_nightly_time_and_what_fails(
    site: LoopSite, tmp_path: Path
) -> None:
    serve_columns(site, 2)
    targets_file = write_targets(tmp_path / "targets.yaml", site, 2)
    text = targets_file.read_text(encoding="utf-8")
    site.pages["/blocked/"] = (412, HTML, CHALLENGE)
    text += f"      - {{name: 图片新闻, url: '{site.url('/blocked/')}', category: news}}\n"
    targets_file.write_text(text, encoding="utf-8")
    targets = load_targets(targets_file)
    db = tmp_path / "x.sqlite3"
    engine = create_engine(resolve_database_url(str(db), default_path=db))
    try:
        await upgrade(engine)
        plan = CrawlPlan(
            sites=targets.sites,
            profiles=targets.profiles,
            fetch_settings=FetchSettings(per_host_delay_s=0, jitter_s=0, retry_attempts=1),
            now=utc_now(),
        )
        report = await crawl(plan, engine=engine, clock=utc_now)
    finally:
        await engine.dispose()

    shown = await invoke("--db", str(db))
    assert shown.exit_code == 0, shown.output
    assert "Recent runs" in shown.output
    assert f"{report.run_id} " in shown.output
    assert "completed" in shown.output
    assert "blocked 1 ok 3" in shown.output
    assert f"Last completed full run: #{report.run_id}" in shown.output
    assert "Next nightly run: not scheduled here" in shown.output
    assert "Failing now: 1 pages on 1 sites, 0 accounts" in shown.output
    assert "图片新闻" in shown.output

    as_json = await invoke("--db", str(db), "--json", "--nightly", "30 1 * * *")
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    (run,) = data["runs"]
    assert run["id"] == report.run_id
    assert run["status"] == "completed"
    assert run["pages_by_outcome"] == {"blocked": 1, "ok": 3}
    assert run["findings"] == len(report.findings)
    assert data["last_completed_full_run"]["id"] == report.run_id
    assert data["next_nightly"]["cron"] == "30 1 * * *"
    assert data["next_nightly"]["at"].endswith("T01:30:00+08:00")
    (failing,) = data["failing"]
    assert failing["site"] == targets.sites[0].id
    assert [(p["column_name"], p["outcome"], p["status"]) for p in failing["pages"]] == [
        ("图片新闻", "blocked", 412)
    ]
    assert data["failing_accounts"] == []
