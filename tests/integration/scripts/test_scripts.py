"""The developers' scripts still run against the code as it is laid out now."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# slow: each test runs a script in a subprocess
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )


def test_the_benchmark_crawls_its_generated_fleet() -> None:
    result = _run("scripts/bench.py", "--sites", "2", "--columns", "1", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["pages"] == 4  # two homepages, one column each


def test_the_migration_script_upgrades_and_reports_the_revision(tmp_path: Path) -> None:
    database = tmp_path / "m.sqlite3"
    assert _run("scripts/migrate", "upgrade", "--url", str(database)).returncode == 0
    current = _run("scripts/migrate", "current", "--url", str(database))
    assert current.returncode == 0, current.stderr
    from storage.migrate import head_revision

    assert current.stdout.strip() == head_revision()
