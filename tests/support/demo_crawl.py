"""The demo crawled once, for the e2e tests that only read what it printed and stored."""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.cli import run_crawl


@dataclass(frozen=True)
class DemoCrawl:
    """One ``crawl demo --json`` run: what it printed, and the targets file and database it left.

    The fleet is gone afterwards. The tests read ``data`` or run read-only commands
    (``findings``, ``report``, ``disclosure --stored``) on ``db``; none may change either."""

    env: dict[str, str]  # XUNJIAN_HOME, where the demo keeps its database
    targets: Path
    db: Path
    data: dict[str, Any]  # the run, as printed by --json


def crawl_demo(home: Path) -> DemoCrawl:
    """Run ``crawl demo --json`` with ``home`` as XUNJIAN_HOME, on ports the system picks; or,
    when an earlier call crawled into ``home`` already, what that crawl left."""
    home.mkdir(parents=True, exist_ok=True)
    targets = home / "demo-targets.yaml"
    printed = home / "demo-run.json"
    env = {"XUNJIAN_HOME": str(home)}
    with _locked(home / ".lock"):  # one crawl, whichever process (xdist worker) asks first
        if not printed.is_file():
            args = ("demo", "--json", "--port", "0", "--keep-targets", str(targets))
            result = run_crawl(*args, env=env)
            assert result.returncode == 0, result.stderr
            printed.write_text(result.stdout, encoding="utf-8")
    data: dict[str, Any] = json.loads(printed.read_text(encoding="utf-8"))
    return DemoCrawl(env=env, targets=targets, db=home / "demo.sqlite3", data=data)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield
