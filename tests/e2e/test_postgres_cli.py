"""The real CLI against Postgres: migrations are explicit, then crawls store there."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import asyncpg
import pytest

from tests.support.cli import run_crawl

URL = os.environ.get("XUNJIAN_TEST_DATABASE_URL")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not URL, reason="XUNJIAN_TEST_DATABASE_URL is not set"),
]


def sql(url: str, statement: str) -> object:
    async def go() -> object:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(statement)
        finally:
            await conn.close()

    return asyncio.run(go())


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh, empty database on the test server; dropped afterwards."""
    assert URL
    name = f"xunjian_e2e_{uuid.uuid4().hex[:10]}"
    sql(URL, f'CREATE DATABASE "{name}"')
    try:
        yield URL.rsplit("/", 1)[0] + "/" + name
    finally:
        sql(URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_crawl_into_postgres(database: str, tmp_path: Path, home: dict[str, str]) -> None:
    from crawler.demo import demo_fleet, serve_in_thread

    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "sites:\n  - {id: a, name: A, homepage: 'http://127.0.0.1:9/'}\n", encoding="utf-8"
    )
    # An unmigrated production database is refused, with what to do.
    refused = run_crawl("--targets", str(targets), "--db", database, env=home)
    assert refused.returncode == 2
    assert "crawl db upgrade" in refused.stderr

    upgraded = run_crawl("db", "upgrade", "--db", database, env=home)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database at revision" in upgraded.stdout

    running = serve_in_thread(demo_fleet(date.today()))  # noqa: DTZ011 - the fleet's local today
    try:
        running.write_targets(targets)
        result = run_crawl(
            "--targets",
            str(targets),
            "--db",
            database,
            "--site",
            "jyty",
            "--json",
            "--per-host-delay",
            "0.05",
            env=home,
        )
    finally:
        running.stop()
    assert result.returncode == 0, result.stderr
    (site,) = json.loads(result.stdout)["sites"]
    assert site["problems"] == "图片新闻2周未更新"
    assert sql(database, "SELECT count(*) FROM findings") == 1
    assert sql(database, "SELECT status FROM runs") == "completed"
