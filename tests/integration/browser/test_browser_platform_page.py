"""An account read off its public platform page in the browser (a 抖音-like user page whose
video list is built by script from a JSON call), through the real CLI into SQLite."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

from tests.support.cli import run_crawl
from tests.support.serving import serve_app

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>济源发布的抖音</title></head>
<body><div class="user-info"><h1>济源发布</h1><span>粉丝 1.2万</span><span>获赞 3.4万</span></div>
<ul class="video-list" id="list"></ul>
<div class="recommend"><a href="/video/999">你可能感兴趣</a><span>2天前</span></div>
<script>
fetch('/aweme/post.json').then(function (r) { return r.json(); }).then(function (d) {
  var ul = document.getElementById('list');
  d.aweme_list.forEach(function (v) {
    var li = document.createElement('li');
    li.className = 'video-card';
    li.innerHTML = '<a href="/video/' + v.id + '"><p class="title">' + v.desc + '</p></a>' +
      '<span class="time">' + v.time + '</span>';
    ul.appendChild(li);
  });
});
</script></body></html>"""
CLOSED = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>抖音</title></head>
<body><div class="empty"><p>该账号已注销</p><a href="/">去首页看看</a></div></body></html>"""
VIDEOS = [
    {"id": "101", "desc": "冬季安全生产提示", "time": "5小时前"},
    {"id": "102", "desc": "全市重点项目巡礼", "time": "3天前"},
    {"id": "103", "desc": "政务服务新举措", "time": "2026-11-20"},
    {"id": "104", "desc": "秋收进行时", "time": "2026年11月2日"},
]


@asynccontextmanager
async def serve_platform() -> AsyncIterator[str]:
    async def page(_: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html", charset="utf-8")

    async def posts(_: web.Request) -> web.Response:
        return web.json_response({"aweme_list": VIDEOS})

    app = web.Application()
    app.router.add_get("/user/jiyuan", page)

    async def closed(_: web.Request) -> web.Response:
        return web.Response(text=CLOSED, content_type="text/html", charset="utf-8")

    app.router.add_get("/aweme/post.json", posts)
    app.router.add_get("/user/gone", closed)
    async with serve_app(app) as base:
        yield base


def _targets(path: Path, base: str) -> Path:
    path.write_text(
        "accounts:\n"
        "  - id: dy\n"
        "    name: 济源发布\n"
        "    platform: 抖音\n"
        f"    source: {{page: '{base}/user/jiyuan'}}\n",
        encoding="utf-8",
    )
    return path


async def test_a_platform_page_is_read_in_the_browser(tmp_path: Path) -> None:
    async with serve_platform() as base:
        targets = _targets(tmp_path / "targets.yaml", base)
        db = tmp_path / "x.sqlite3"
        before = datetime.now(UTC)
        result = await asyncio.to_thread(
            run_crawl, "--targets", str(targets), "--db", str(db), "--account", "dy", "--json",
            "--timeout", "8",
        )  # fmt: skip
        after = datetime.now(UTC)
    assert result.returncode in (0, 1), result.stderr
    with sqlite3.connect(db) as conn:
        outcome, detail = conn.execute("SELECT outcome, detail FROM account_fetches").fetchone()
        posts = dict(conn.execute("SELECT url, published FROM posts").fetchall())
        shown = dict(conn.execute("SELECT url, shown FROM posts").fetchall())
    assert outcome == "rendered", detail
    assert "4 posts read from the page's JSON; 2 dated relative to the fetch" in detail
    assert set(posts) == {f"{base}/video/{v['id']}" for v in VIDEOS}  # not the 推荐 box
    three_days = datetime.fromisoformat(posts[f"{base}/video/102"]).replace(tzinfo=UTC)
    assert before - timedelta(days=3, minutes=1) <= three_days <= after - timedelta(days=3)
    assert posts[f"{base}/video/103"].startswith("2026-11-19 16:00")  # 11-20 00:00 +08:00
    # a relative time is kept as the page gave it: the precision of the stored time
    assert shown[f"{base}/video/102"] == "3天前"
    assert shown[f"{base}/video/103"] is None
    run = json.loads(result.stdout)
    (account,) = run["accounts"]
    assert account["outcome"] == "rendered"


async def test_without_the_browser_a_platform_page_is_blocked_saying_why(tmp_path: Path) -> None:
    async with serve_platform() as base:
        targets = _targets(tmp_path / "targets.yaml", base)
        db = tmp_path / "x.sqlite3"
        result = await asyncio.to_thread(
            run_crawl, "--targets", str(targets), "--db", str(db), "--account", "dy",
            "--no-browser",
        )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    with sqlite3.connect(db) as conn:
        outcome, detail = conn.execute("SELECT outcome, detail FROM account_fetches").fetchone()
        count = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert (outcome, count) == ("blocked", 0)
    assert "read in the browser" in detail


async def test_a_closed_account_is_its_own_finding_not_inactivity(tmp_path: Path) -> None:
    async with serve_platform() as base:
        targets = tmp_path / "targets.yaml"
        targets.write_text(
            "accounts:\n"
            "  - id: gone\n"
            "    name: 某某发布\n"
            "    platform: 抖音\n"
            f"    source: {{page: '{base}/user/gone'}}\n",
            encoding="utf-8",
        )
        result = await asyncio.to_thread(
            run_crawl, "--targets", str(targets), "--db", str(tmp_path / "x.sqlite3"),
            "--account", "gone", "--json",
        )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    (account,) = json.loads(result.stdout)["accounts"]
    assert account["outcome"] == "account_closed"
    codes = {f["code"] for f in account["findings"]}
    assert "account-closed" in codes
    assert not codes & {"account-not-updated", "account-dormant", "account-weekly-posts"}
    (closed,) = [f for f in account["findings"] if f["code"] == "account-closed"]
    assert closed["message"] == "平台页面显示账号已注销或被封禁,仍列于政务新媒体名录"
    assert "该账号已注销" in closed["evidence"]["detail"]
