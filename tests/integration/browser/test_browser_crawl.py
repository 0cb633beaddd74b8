"""`crawl` reads challenged and script-built columns through the browser, end to end: the
real CLI, a real SQLite database, the loopback challenge site."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

from tests.support.challenge_site import RS_COOKIE, ChallengeSite, serve_challenge_site
from tests.support.cli import run_crawl


def _targets(path: Path, site: ChallengeSite) -> Path:
    columns = {
        "rs-news": "/rs/news/",  # 瑞数 challenge: the browser passes it
        "rs-notice": "/rs/notice/",  # the same host: read by the plain client with the cookie
        "scripted": "/script-list/",  # a list built by script from JSON
        "never": "/never/",  # a challenge the browser does not pass either
    }
    lines = [
        "sites:",
        "  - id: rs",
        "    name: 挑战测试局",
        f"    homepage: {site.url('/jsl/')}",  # 加速乐 challenge
        "    columns:",
    ]
    lines += [
        f"      - {{id: {cid}, name: 栏目{cid}, url: '{site.url(url)}', category: news}}"
        for cid, url in columns.items()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _outcomes(db: Path) -> dict[str | None, tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT column_id, outcome, detail FROM snapshots").fetchall()
    return {column: (outcome, detail) for column, outcome, detail in rows}


async def test_challenged_and_scripted_columns_are_read_in_the_browser(tmp_path: Path) -> None:
    async with serve_challenge_site() as site:
        targets = _targets(tmp_path / "targets.yaml", site)
        db = tmp_path / "x.sqlite3"
        result = await asyncio.to_thread(
            run_crawl,
            "--targets", str(targets), "--db", str(db), "--site", "rs", "--json",
            "--as-of", "2026-12-07", "--concurrency", "1", "--per-host-delay", "0",
            "--timeout", "6", "--no-check-links",
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stderr
        outcomes = _outcomes(db)
        assert outcomes[None][0] == "rendered", outcomes
        assert outcomes["rs-news"][0] == "rendered"
        assert outcomes["scripted"][0] == "rendered"
        assert outcomes["rs-notice"][0] == "ok"  # the cookie the browser earned did it
        assert any(
            path == "/rs/notice/" and f"{RS_COOKIE}=" in cookie for path, cookie in site.requests
        )
        outcome, detail = outcomes["never"]
        assert outcome == "blocked"
        assert detail is not None
        assert "not read in a browser: challenge still shown" in detail
        with sqlite3.connect(db) as conn:
            newest = dict(
                conn.execute(
                    "SELECT s.column_id, max(i.published) FROM items i "
                    "JOIN snapshots s ON s.id = i.last_snapshot_id GROUP BY s.column_id"
                ).fetchall()
            )
        assert newest["scripted"] == "2026-12-03"
        assert newest["rs-news"] == "2026-12-01"
        run = json.loads(result.stdout)
        codes = {
            (f["column"], f["code"]) for s in run["sites"] for f in s["findings"]
        }  # never a staleness finding for a column the browser could not read either
        stale = {("never", "column-stale"), ("never", "column-empty")}
        assert not codes & stale
        assert ("never", "column-blocked") in codes  # what it is: 被反爬虫拦截, unknown


async def test_without_the_browser_challenges_stay_blocked(tmp_path: Path) -> None:
    async with serve_challenge_site() as site:
        targets = _targets(tmp_path / "targets.yaml", site)
        db = tmp_path / "x.sqlite3"
        result = await asyncio.to_thread(
            run_crawl,
            "--targets", str(targets), "--db", str(db), "--site", "rs", "--no-browser",
            "--per-host-delay", "0", "--no-check-links",
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stderr
        outcomes = _outcomes(db)
        assert outcomes["rs-news"][0] == "blocked"
        assert outcomes[None][0] == "blocked"
        assert "rendered" not in {o for o, _ in outcomes.values()}
