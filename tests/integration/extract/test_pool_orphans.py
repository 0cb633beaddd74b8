"""Extraction workers never outlive a crawl killed with SIGKILL (no orphans left running)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]

# A parent that starts the pool's workers, prints their pids and waits to be killed.
_PARENT = """
import asyncio, multiprocessing, sys, time
from datetime import date
from crawler.extract.pool import ExtractionPool

async def main(pool):
    await asyncio.gather(*(
        pool.extract("<ul><li>a</li></ul>", base_url="http://x.test/", today=date(2024, 1, 1),
                     selector=None, homepage=False)
        for _ in range(8)
    ))

pool = ExtractionPool(pages=1000, workers=2).__enter__()
asyncio.run(main(pool))
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a recycled pid of another user: not ours any more
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:  # an exited worker nobody reaps yet (no init in the container) is a zombie: gone
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return not stat.parent.parent.joinpath("self").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and getppid semantics are POSIX")
def test_workers_exit_when_the_crawl_is_killed() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _PARENT],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the killed parent's resource tracker complains there
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as parent:
        try:
            assert parent.stdout is not None
            line = parent.stdout.readline()
            workers = [int(pid) for pid in line.split()]
            assert len(workers) >= 1, f"the parent started no workers: {line!r}"
            assert all(_alive(pid) for pid in workers)
        finally:
            parent.send_signal(signal.SIGKILL)
            parent.wait(timeout=10)
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # do not leave them behind for the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"extraction workers {left} outlived their killed parent"
