"""Message boards read by the real CLI from loopback boards of every shape, into SQLite and
Postgres: a table with headers read back a year through its pages (a letter pending 100
days: the veto), one without headers, row boards whose reply days are on the letters' detail
pages, a board loaded from JSON by its page's script, an excluded kind with a 100-day letter
(no veto), and boards that time out or answer a 412 challenge (not judged, never
"unanswered"). Then ``crawl findings`` shows the counts and the late letters, titles masked."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from rules.model import local_date
from storage.board_models import board_read_table, letter_state_table, letter_table
from tests.support.cli import run_crawl
from tests.support.serving import serve_app

TODAY = local_date(datetime.now(UTC))
HTML = "text/html"


def day(ago: int) -> date:
    return TODAY - timedelta(days=ago)


def page(body: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>互动交流</title></head><body>'
        '<div class="nav"><a href="/">首页</a><a href="/hdjl/">互动交流</a>'
        f'<a href="/zwgk/">政务公开</a></div>{body}'
        "<div class='footer'>主办：某某市人民政府</div></body></html>"
    )


def homepage() -> str:
    rows = "".join(
        f'<li><a href="/a/{n}.html">工作动态{n}</a><span>{day(n)}</span></li>' for n in range(5)
    )
    return page(f'<ul class="list">{rows}</ul>')


def headed_table(letters: list[tuple[str, int, int | None]], following: str | None) -> str:
    """标题, 留言时间, 答复时间, 状态 in this order; ``following``: the next page's href."""
    rows = "".join(
        f'<tr><td><a href="/consult/{ago}.html">{title}</a></td><td>{day(ago)}</td>'
        f"<td>{day(ago - after) if after is not None else ''}</td>"
        f"<td>{'已办结' if after is not None else '办理中'}</td><td>张三</td></tr>"
        for title, ago, after in letters
    )
    more = f'<a href="{following}">下一页</a>' if following else ""
    return page(
        "<table><tr><th>标题</th><th>留言时间</th><th>答复时间</th><th>状态</th><th>留言人</th>"
        f"</tr>{rows}</table><div class='page'>{more}</div>"
    )


def consult_pages() -> dict[str, str]:
    """Three pages: a fresh one, one with the 100-day pending letter, one past a year."""
    first = [(f"咨询社保问题{n}", 2 + n * 3, 2) for n in range(10)]
    second = [(f"咨询公积金问题{n}", 60 + n * 8, 3) for n in range(10)]
    second[5] = ("小区噪音扰民，请回电13812345678", 100, None)
    third = [(f"咨询户籍问题{n}", 300 + n * 20, 4) for n in range(10)]
    return {
        "/consult/index.html": headed_table(first, "index_1.html"),
        "/consult/index_1.html": headed_table(second, "index_2.html"),
        "/consult/index_2.html": headed_table(third, "index_3.html"),
        "/consult/index_3.html": headed_table([("不应读到", 500, 1)], None),
    }


def headless() -> str:
    rows = "".join(
        f'<tr><td>{n}</td><td><a href="/mail/{n}.html">关于道路维修的建议{n}</a></td>'
        f"<td>{day(5 + n * 4)}</td><td>{day(3 + n * 4)}</td><td>已回复</td></tr>"
        for n in range(8)
    )
    return page(f'<table class="list">{rows}</table>')


def row_board() -> str:
    items = "".join(
        f'<li><a href="/letters/{ago}.html">反映路灯不亮问题{ago}</a>'
        f"<span>留言时间：{day(ago)}</span></li>"
        for ago in (10, 20, 130)
    )
    return page(f'<ul class="letters">{items}</ul>')


def letter_detail(ago: int) -> str:
    waited = 100 if ago == 130 else 3  # the oldest was answered after more than 3 months
    return page(
        f"<h1>反映路灯不亮问题{ago}</h1><table><tr><th>留言时间</th><td>{day(ago)}</td></tr>"
        f"<tr><th>办理状态</th><td>已办结</td></tr>"
        f"<tr><th>答复时间</th><td>{day(ago - waited)}</td></tr></table>"
    )


def scripted() -> str:
    return page(
        '<table id="letters"></table><script>'
        "$.ajax({url: '/api/letters.do?pageNo=1', dataType: 'json', success: function(d){}});"
        "</script>"
    )


def json_letters(number: int) -> dict[str, Any]:
    def ms(ago: int) -> int:
        moment = datetime.combine(day(ago), datetime.min.time()).replace(hour=10)
        return int(moment.replace(tzinfo=UTC).timestamp() * 1000)

    records = (
        [
            {"id": n, "subject": f"咨询医保报销{n}", "createTime": ms(n * 2 + 1),
             "replyTime": ms(n * 2), "stateName": "已办结"}
            for n in range(6)
        ]
        if number == 1
        else []
    )  # fmt: skip
    return {"code": 0, "data": {"records": records, "total": 6}}


def interview() -> str:
    return headed_table([("在线访谈：聊聊就业", 100, None), ("在线访谈：营商环境", 5, 1)], None)


@pytest.fixture
async def boards_site() -> AsyncIterator[tuple[str, list[str]]]:
    asked: list[str] = []
    pages = {"/": homepage(), **consult_pages(), "/mail/index.html": headless()}
    pages |= {"/letters/": row_board(), "/script/": scripted(), "/ft/": interview()}

    async def handle(request: web.Request) -> web.StreamResponse:
        asked.append(request.path_qs)
        path = request.path
        if path == "/slow/":
            await asyncio.sleep(30)
        if path == "/guarded/":
            return web.Response(status=412, text="<html><script>var $_ts={};</script></html>",
                                content_type=HTML)  # fmt: skip
        if path.startswith("/letters/") and path.endswith(".html"):
            return web.Response(text=letter_detail(int(path.split("/")[-1][:-5])),
                                content_type=HTML)  # fmt: skip
        if path == "/api/letters.do":
            number = int(request.query.get("pageNo", "1"))
            return web.json_response(json_letters(number))
        if path in pages:
            return web.Response(text=pages[path], content_type=HTML)
        if path.startswith("/a/"):
            return web.Response(text=page("<p>正文</p>"), content_type=HTML)
        return web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_route("GET", "/{path:.*}", handle)
    async with serve_app(app) as base:
        yield base, asked


def targets_file(base: str, path: Path) -> Path:
    sites = {
        "consult": '{name: 网上咨询, kind: 咨询, url: "%s/consult/index.html", reply_days: 5}',
        "mailbox": '{name: 市长信箱, kind: 信箱, url: "%s/mail/index.html"}',
        "rows": '{name: 我要写信, kind: 投诉, url: "%s/letters/"}',
        "scripted": '{name: 医保咨询, kind: 咨询, url: "%s/script/"}',
        "interview": '{name: 在线访谈, kind: 在线访谈, url: "%s/ft/"}',
        "slow": '{name: 网上咨询, kind: 咨询, url: "%s/slow/"}',
        "guarded": '{name: 网上咨询, kind: 咨询, url: "%s/guarded/"}',
    }
    lines = ["sites:"]
    for site_id, board in sites.items():
        lines += [
            f"  - id: {site_id}",
            f"    name: {site_id}网站",
            f"    homepage: {base}/",
            "    boards:",
            f"      - {board % base}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def database_url(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def test_boards_are_read_judged_and_counted(
    boards_site: tuple[str, list[str]], engine: AsyncEngine, tmp_path: Path
) -> None:
    base, asked = boards_site
    targets = targets_file(base, tmp_path / "targets.yaml")
    common = ("--targets", str(targets), "--db", database_url(engine))

    def crawl(*args: str) -> tuple[int, str, str]:
        done = run_crawl(*args, *common)
        return done.returncode, done.stdout, done.stderr

    code, _, err = await asyncio.to_thread(
        crawl, "--no-check-links", "--no-browser", "--timeout", "3", "--per-host-delay", "0"
    )
    assert code in (0, 1), err
    assert "/consult/index_3.html" not in asked  # page 3 held a letter from before the year
    assert "/letters/130.html" in asked  # the reply day is on the detail page
    assert "/api/letters.do?pageNo=1" in asked

    code, out, err = await asyncio.to_thread(crawl, "findings", "--format", "json")
    assert code in (0, 1), err
    export = json.loads(out)
    by_site = {site["id"]: site for site in export["sites"]}

    def codes(site_id: str) -> set[str]:
        return {finding["code"] for finding in by_site[site_id]["findings"]}

    def unjudged(site_id: str) -> list[str]:
        return [
            i["reason"] for i in by_site[site_id]["not_judged"] if i["rule"] == "board-unanswered"
        ]

    assert "board-unanswered" in codes("consult")
    (veto,) = [f for f in by_site["consult"]["findings"] if f["code"] == "board-unanswered"]
    assert veto["evidence"]["newest_url"] == f"{base}/consult/100.html"
    assert veto["evidence"]["newest_date"] == day(100).isoformat()
    assert "13812345678" not in json.dumps(export, ensure_ascii=False)
    assert by_site["consult"]["result"] == "不合格"
    assert "board-unanswered" in codes("rows")  # answered after 100 days, read on its page
    for site_id in ("mailbox", "scripted", "interview"):
        assert not codes(site_id) & {"board-unanswered", "board-replies-stale"}, site_id
    for site_id in ("slow", "guarded"):
        assert not codes(site_id) & {"board-unanswered", "board-replies-stale"}, site_id
        (reason,) = unjudged(site_id)
        assert "网上咨询" in reason
        assert "无法判断" in reason

    code, table, err = await asyncio.to_thread(crawl, "findings")
    assert code in (0, 1), err
    assert "互动交流办理情况" in table
    assert "超过3个月未回应的留言" in table

    section = export["interaction"]
    boards = {row["site"]: row for row in section["boards"]}
    assert boards["consult"]["complete"] is True
    assert boards["consult"]["stopped"] == "year_start"
    assert boards["mailbox"]["answered"] == boards["mailbox"]["received"]
    assert boards["mailbox"]["unknown"] == 0
    assert boards["scripted"]["outcome"] == "ok"
    assert boards["slow"]["received"] is None
    assert boards["guarded"]["outcome"] == "blocked"
    # days waited as of the check (a check just past midnight adds a day to the pending one)
    checked = local_date(datetime.fromisoformat(export["as_of"]))
    late = [(row["site"], row["asked"], row["days"]) for row in section["late_letters"]]
    assert ("consult", day(100).isoformat(), (checked - day(100)).days) in late
    assert ("rows", day(130).isoformat(), 100) in late  # answered after 100 days
    assert all(row["site"] != "interview" for row in section["late_letters"])

    async with engine.connect() as connection:
        titles = (await connection.execute(select(letter_table.c.title))).scalars().all()
        assert any("138****5678" in title for title in titles), titles
        assert not any("13812345678" in title for title in titles)
        states = (await connection.execute(select(letter_state_table.c.id))).all()
        assert len(states) >= len(titles)
        reads = (await connection.execute(select(board_read_table.c.site_id))).scalars().all()
        assert sorted(reads) == sorted(
            ["consult", "mailbox", "rows", "scripted", "interview", "slow", "guarded"]
        )
