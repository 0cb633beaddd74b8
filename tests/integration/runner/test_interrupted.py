"""A run killed midway keeps the pages it stored and is marked interrupted."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.support.cli import CRAWL
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page

# slow: two crawls in subprocesses
pytestmark = pytest.mark.slow


def write_targets(path: Path, loop: LoopSite, columns: int) -> None:
    lines = [
        "sites:",
        "  - id: slow",
        "    name: 慢站",
        f"    homepage: {loop.url('/')}",
        "    columns:",
    ]
    lines += [
        f"      - {{name: 栏目{i}, url: '{loop.url(f'/c{i}/')}', category: news}}"
        for i in range(columns)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


async def start(targets: Path, db: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(CRAWL),
        "--targets",
        str(targets),
        "--db",
        str(db),
        "--no-progress",
        "--concurrency",
        "1",
        "--per-host-delay",
        "0",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def wait_for_snapshots(db: Path, count: int) -> None:
    """Until the crawl has stored ``count`` pages: a generous bound on a hang, not a timing."""
    for _ in range(1200):
        await asyncio.sleep(0.1)
        if await asyncio.to_thread(db.exists):
            try:
                if query(db, "SELECT count(*) FROM snapshots")[0][0] >= count:
                    return
            except sqlite3.OperationalError:
                continue
    raise AssertionError(f"the crawl did not store {count} pages")


async def test_killed_run_keeps_its_pages_and_is_marked_interrupted(
    site: LoopSite, tmp_path: Path
) -> None:
    html = "text/html; charset=utf-8"
    site.pages = {
        f"/c{i}/": (200, html, list_page([("通知标题甲乙丙丁", "2022-05-01")] * 5))
        for i in range(40)
    }
    site.pages["/"] = (200, html, list_page([("首页新闻标题", "2022-05-01")] * 5))
    targets, db = tmp_path / "t.yaml", tmp_path / "x.sqlite3"
    write_targets(targets, site, 40)

    # The site answers a few pages of each run, then holds every request: each run is still
    # crawling when it is stopped, on a fast machine or a loaded one.
    site.hold_after(5)
    proc = await start(targets, db)
    await wait_for_snapshots(db, 3)
    proc.kill()  # SIGKILL: no chance to clean up
    await proc.wait()
    stored = query(db, "SELECT count(*) FROM snapshots")[0][0]
    assert 3 <= stored < 41
    assert query(db, "SELECT status FROM runs") == [("running",)]

    # Ctrl-C on the next run: it records itself as interrupted; the killed one is found out.
    site.hold_after(5)
    proc = await start(targets, db)
    await wait_for_snapshots(db, stored + 2)
    proc.send_signal(signal.SIGINT)
    _, stderr = await proc.communicate()
    assert proc.returncode in (3, 130), stderr.decode()
    assert b"Traceback" not in stderr
    statuses = [row[0] for row in query(db, "SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "interrupted"]
    # Every stored snapshot belongs to a run, and every page's items were stored with it.
    orphans = "SELECT count(*) FROM snapshots WHERE run_id NOT IN (SELECT id FROM runs)"
    assert query(db, orphans) == [(0,)]
    partial = (
        "SELECT count(*) FROM snapshots s WHERE s.outcome = 'ok' AND s.item_count > "
        "(SELECT count(*) FROM items i WHERE i.site_id = s.site_id AND i.column_id IS s.column_id)"
    )
    assert query(db, partial) == [(0,)]
