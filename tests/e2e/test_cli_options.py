"""The real ``crawl`` honours an option wherever it stands, and starts without heavy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crawler.cli import SUBCOMMANDS
from tests.support.cli import run_crawl

# What a command's --help must not import: they are for the commands' bodies.
HEAVY = (
    "sqlalchemy",
    "httpx",
    "aiohttp",
    "selectolax",
    "pydantic",
    "rich",
    "apscheduler",
    "procrastinate",
    "storage",
    "rules",
    "openpyxl",
    "docx",
    "dns",
    "feedparser",
)


def test_db_before_the_subcommand_is_the_database_read(
    tmp_path: Path, home: dict[str, str]
) -> None:
    chosen = tmp_path / "chosen.sqlite3"
    for argv in (
        ["--db", str(chosen), "status", "--json"],
        ["status", "--json", "--db", str(chosen)],
    ):
        result = run_crawl(*argv, env=home)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["last_completed_full_run"] is None
    assert chosen.exists()
    assert not (Path(home["XUNJIAN_HOME"]) / "xunjian.sqlite3").exists()


def test_targets_before_the_subcommand_is_the_file_read(
    tmp_path: Path, home: dict[str, str]
) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = run_crawl("--targets", str(missing), "findings", env=home)
    assert result.returncode == 2
    assert str(missing) in result.stderr


def test_an_option_that_does_not_apply_is_refused(home: dict[str, str]) -> None:
    result = run_crawl("--site", "jyty", "status", env=home)
    assert result.returncode == 2
    assert "--site does not apply to `crawl status`" in result.stderr


def test_help_imports_only_the_command_line() -> None:
    code = (
        "import importlib, sys\n"
        "import crawler.cli\n"
        f"for target in {sorted(SUBCOMMANDS.values())!r}:\n"
        "    importlib.import_module(target.split(':')[0])\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(' '.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_every_subcommand_has_help(home: dict[str, str]) -> None:
    for name in sorted(SUBCOMMANDS):
        result = run_crawl(name, "--help", env=home)
        assert result.returncode == 0, (name, result.stderr)
        assert "Usage: crawl " + name in result.stdout
