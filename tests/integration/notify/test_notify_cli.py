"""``crawl notify`` as a user runs it: after an ad-hoc crawl, a dry run, the sending, a rerun
that sends nothing, a test message, a digest and a channel that does not exist."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rules.model import local_date
from tests.support.cli import run_crawl
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page, serve_loop_site
from tests.support.receivers import serve_receivers

TODAY = local_date(datetime.now(UTC))
HTML = "text/html; charset=utf-8"


def rows(*ages: int) -> list[tuple[str, str]]:
    return [(f"通知{i}", (TODAY - timedelta(days=age)).isoformat()) for i, age in enumerate(ages)]


@pytest.fixture
async def site() -> AsyncIterator[LoopSite]:
    async with serve_loop_site() as loop:
        loop.pages = {
            "/": (200, HTML, list_page(rows(0, 1))),
            "/stale/": (200, HTML, list_page(rows(20, 30))),
        }
        yield loop


async def test_crawl_notify(tmp_path: Path, site: LoopSite) -> None:
    async with serve_receivers() as receivers:
        targets = tmp_path / "targets.yaml"
        targets.write_text(
            f"""
sites:
  - id: yj
    name: 应急管理局网站
    homepage: {site.url("/")}
    columns:
      - {{id: stale, name: 图片新闻, url: "{site.url("/stale/")}", category: news}}
notify:
  channels:
    - {{name: hook, kind: webhook, url: "{receivers.url("/webhook")}"}}
""",
            encoding="utf-8",
        )
        db = str(tmp_path / "x.sqlite3")
        common = ("--targets", str(targets), "--db", db)

        def crawl(*args: str) -> tuple[int, str, str]:
            done = run_crawl(*args, *common)
            return done.returncode, done.stdout, done.stderr

        code, _, err = await asyncio.to_thread(crawl, "--no-check-links", "--no-browser")
        assert code in (0, 1), err

        code, out, err = await asyncio.to_thread(crawl, "notify", "--dry-run", "--json")
        assert code == 0, err
        (planned,) = json.loads(out)
        assert (planned["channel"], planned["findings"], planned["sent"]) == ("hook", 1, False)
        assert receivers.received == {}

        code, out, err = await asyncio.to_thread(crawl, "notify", "--json")
        assert code == 0, err
        (sent,) = json.loads(out)
        assert sent["sent"] is True
        assert len(receivers.received["/webhook"]) == 1
        assert receivers.received["/webhook"][0]["new"][0]["column"] == "stale"

        code, out, err = await asyncio.to_thread(crawl, "notify")
        assert (code, out.strip()) == (0, "nothing new to send"), err

        code, out, err = await asyncio.to_thread(crawl, "notify", "--test", "hook")
        assert code == 0, err
        assert receivers.received["/webhook"][-1]["kind"] == "test"

        code, out, err = await asyncio.to_thread(crawl, "notify", "--digest", "--json")
        assert code == 0, err
        digest = receivers.received["/webhook"][-1]
        assert digest["kind"] == "digest"
        assert [e["column"] for e in digest["open"]] == ["stale"]

        code, out, err = await asyncio.to_thread(crawl, "notify", "--test", "nope")
        assert code == 2
        assert "no channel 'nope'" in err
        receivers.reject_next["/webhook"] = 1
        code, out, err = await asyncio.to_thread(crawl, "notify", "--test", "hook")
        assert code == 1
        assert "NOT SENT" in out
