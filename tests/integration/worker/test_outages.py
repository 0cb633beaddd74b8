"""Postgres outages in every database phase of a run: the accounts' writes and the reads for
judging are retried on a new connection and the run ends as an undisturbed one would; a
database that stays unreachable past the (here shortened) bound fails the run with what
failed, and the CLI says "database unavailable", exit 3, never "internal error"."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from crawler.targets import AccountTarget
from rules.facts import Account, Platform
from rules.model import Category, Column, Site
from rules.profile_files import load_profile
from storage.errors import DatabaseUnavailableError
from storage.models import run_table
from storage.retry import RetryPolicy, using_retry_policy
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page
from tests.support.terminator import Terminator

pytestmark = pytest.mark.postgres

PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, timeout_s=5, retry_base_wait_s=0)
RSS = "application/rss+xml; charset=utf-8"


def accounts_write(statement: str) -> bool:
    return statement.startswith("INSERT INTO ACCOUNT_FETCHES")


def judging_read(statement: str) -> bool:
    return statement.startswith("SELECT") and "OVER (PARTITION BY" in statement


@pytest.fixture
def postgres(engine: AsyncEngine) -> Iterator[AsyncEngine]:
    if engine.dialect.name != "postgresql":
        pytest.skip("connection loss is a Postgres matter")
    with using_retry_policy(RetryPolicy.no_wait(attempts=4)):
        yield engine


@pytest.fixture
def cuts(postgres: AsyncEngine) -> Iterator[list[Terminator]]:
    made: list[Terminator] = []
    yield made
    for t in made:
        t.close()


@pytest.fixture
def plan(loop_site: LoopSite) -> CrawlPlan:
    html = "text/html; charset=utf-8"
    today = datetime.now(UTC).date().isoformat()
    loop_site.pages = {
        "/": (200, html, list_page([("关于开展安全生产检查的通知", today)])),
        "/c0/": (200, html, list_page([("关于第1项工作的通知", today)])),
        "/c1/": (200, html, list_page([])),
        "/feed": (
            200,
            RSS,
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            "<item><title>动态</title><link>http://127.0.0.1:9/p/1</link><guid>p-1</guid>"
            "<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate></item></channel></rss>",
        ),
    }
    columns = tuple(
        Column(id=f"c{n}", name=f"栏目{n}", url=loop_site.url(f"/c{n}/"), category=Category.NEWS)
        for n in range(2)
    )
    site = Site(id="loop", name="环回测试局", homepage=loop_site.url("/"), columns=columns)
    account = AccountTarget(
        account=Account(id="wb", name="账号wb", platform=Platform.WEIBO),
        label="微博",
        source_kind="feed",
        source_url=loop_site.url("/feed"),
        profile="national-2019",
    )
    return CrawlPlan(
        sites=[site],
        accounts=[account],
        profiles=PROFILES,
        fetch_settings=SETTINGS,
        now=datetime.now(UTC),
    )


async def run(engine: AsyncEngine, plan: CrawlPlan) -> CrawlReport:
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))


def findings(report: CrawlReport) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.site_id, f.column_id or "") for f in report.findings)


@pytest.mark.parametrize("phase", [accounts_write, judging_read], ids=["accounts", "judging"])
async def test_a_connection_lost_in_a_phase_is_retried_and_the_run_completes(
    postgres: AsyncEngine,
    plan: CrawlPlan,
    cuts: list[Terminator],
    phase: Callable[[str], bool],
) -> None:
    undisturbed = await run(postgres, plan)
    cut = Terminator(postgres, phase, times=2)
    cuts.append(cut)
    report = await run(postgres, plan)
    assert cut.done == 2  # the connection was lost in that phase, twice
    assert report.status == "completed"
    assert undisturbed.findings  # something to compare
    assert findings(report) == findings(undisturbed)


async def test_a_database_lost_for_good_fails_the_run_with_what_failed(
    postgres: AsyncEngine, plan: CrawlPlan, cuts: list[Terminator]
) -> None:
    cuts.append(Terminator(postgres, accounts_write, times=1000))
    with pytest.raises(DatabaseUnavailableError) as raised:
        await run(postgres, plan)
    assert "storing account wb" in raised.value.what
    async with postgres.connect() as connection:
        (status, stats) = (
            await connection.execute(select(run_table.c.status, run_table.c.stats))
        ).one()
    assert status == "failed"
    assert stats["error"].startswith("database unavailable: postgresql")
    assert "storing account wb" in stats["error"]


@pytest.mark.slow
def test_the_cli_says_the_database_is_unavailable(postgres: AsyncEngine, tmp_path: Any) -> None:
    (tmp_path / "targets.yaml").write_text(
        "sites:\n  - id: s\n    name: 测试\n    homepage: http://127.0.0.1:9/\n", encoding="utf-8"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from crawler.cli import main; main()",
            "--targets",
            str(tmp_path / "targets.yaml"),
            "--db",
            "postgresql://someone:secret@127.0.0.1:9/none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "XUNJIAN_HOME": str(tmp_path / "home")},
    )
    assert done.returncode == 3, done.stderr
    assert "error: database unavailable" in done.stderr
    assert "check that the database is running, then run again" in done.stderr
    assert "internal error" not in done.stderr
    assert "secret" not in done.stderr
