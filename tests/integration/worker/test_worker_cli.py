"""The distributed commands refuse SQLite with what to do, before doing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_crawl

# slow: each test runs the crawl command in a subprocess
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "command",
    [["worker"], ["enqueue"], ["schedule", "--distributed"]],
    ids=["worker", "enqueue", "schedule"],
)
def test_the_distributed_mode_needs_postgres(command: list[str], tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "sites:\n  - {id: a, name: A, homepage: 'http://127.0.0.1:9/'}\n", encoding="utf-8"
    )
    db = tmp_path / "x.sqlite3"
    env = {"XUNJIAN_HOME": str(tmp_path / "home")}
    result = run_crawl(*command, "--targets", str(targets), "--db", str(db), env=env)
    assert result.returncode == 2, result.stderr
    assert "needs Postgres" in result.stderr
    assert "Traceback" not in result.stderr
    assert not db.exists()  # refused before any database was opened
