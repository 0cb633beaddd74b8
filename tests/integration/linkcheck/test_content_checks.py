"""Content checks through the real CLI on a loopback site, into SQLite and Postgres: a homepage
with hidden casino links and a 严重表述错误, an article with a 错别字 linking a 低保 list (XLSX,
with 身份证号 and mobiles), an old .doc (not checked, said so) and a broken .xlsx; the
findings carry their evidence, every number masked, nothing whole stored or exported."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from link_server import crawl_and_export
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from rules.model import local_date
from storage.content_models import content_check_table
from storage.models import snapshot_table
from tests.support.serving import serve_app

TODAY = local_date(datetime.now(UTC))
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
HTML = "text/html"


def id_number(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


PEOPLE = [
    ("张三", id_number("41010219800101123"), "13812345678"),
    ("李四", id_number("11010519650315201"), "15987654321"),
]
WHOLE = [number for _, card, mobile in PEOPLE for number in (card, mobile)]


def page(body: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某县人民政府</title></head>'
        f'<body><div class="nav"><a href="/">首页</a></div>{body}'
        '<div id="footer">主办：某某县人民政府办公室'
        '<div style="position:absolute;left:-9999px;top:-9999px">'
        '<a href="http://bet-casino.example.com/">真人娱乐</a>'
        '<a href="http://bet-casino.example.com/bjl">百家乐</a></div></div></body></html>'
    )


def homepage() -> str:
    rows = "".join(
        f'<li><a href="/tzgg/{n}.html">关于做好冬季防火工作的通知{n}</a>'
        f"<span>{TODAY - timedelta(days=n)}</span></li>"
        for n in range(1, 6)
    )
    return page(
        f'<ul class="list">{rows}</ul><p>学习贯彻中华人民共合国宪法，依法行政。</p>'
        '<a href="/files/notice.doc">通知原文.doc</a>'
    )


def column() -> str:
    rows = "".join(
        f'<li><a href="/tzgg/{n}.html">关于低保对象的公示{n}</a>'
        f"<span>{TODAY - timedelta(days=n)}</span></li>"
        for n in range(1, 6)
    )
    return page(f'<ul class="list">{rows}</ul>')


def article() -> str:
    return page(
        "<h1>关于低保对象的公示</h1><div class='content'><p>发布时间："
        f"{TODAY - timedelta(days=1)}</p><p>各单位要再接再励，做好民生保障工作。</p>"
        '<p>附件：<a href="/files/dibao.xlsx">低保对象名单.xlsx</a> '
        '<a href="/files/broken.xlsx">补贴名单.xlsx</a></p></div>'
    )


def dibao() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名单"
    sheet.append(["序号", "姓名", "身份证号", "联系电话"])
    for n, (name, card, mobile) in enumerate(PEOPLE, 1):
        sheet.append([n, name, card, mobile])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
async def site() -> AsyncIterator[str]:
    files = {
        "/files/dibao.xlsx": dibao(),
        "/files/broken.xlsx": b"PK\x03\x04not really a workbook",
        "/files/notice.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
    }

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        if path in ("/", "/index.html"):
            return web.Response(text=homepage(), content_type=HTML)
        if path == "/tzgg/":
            return web.Response(text=column(), content_type=HTML)
        if path.startswith("/tzgg/"):
            return web.Response(text=article(), content_type=HTML)
        if path in files:
            return web.Response(body=files[path], content_type="application/octet-stream")
        return web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_route("GET", "/{path:.*}", handle)
    async with serve_app(app) as base:
        yield base


async def test_content_checks_find_and_mask(site: str, engine: AsyncEngine, tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        f"""
sites:
  - id: xian
    name: 某某县人民政府
    homepage: {site}/
    columns:
      - {{id: tzgg, name: 通知公告, url: "{site}/tzgg/", category: notice}}
""",
        encoding="utf-8",
    )
    out, export = await crawl_and_export(targets, engine, "--check-articles", "2")
    for number in WHOLE:
        assert number not in out
    (xian,) = export["sites"]
    findings = {finding["code"]: finding for finding in xian["findings"]}
    assert "中华人民共合国" in findings["wording-serious"]["message"]
    assert findings["wording-serious"]["evidence"]["newest_where"] == "网站首页"
    assert "再接再励" in findings["wording-typo"]["message"]
    assert "文章页" in findings["wording-typo"]["message"]
    hidden = findings["hidden-link"]
    assert "网站首页" in hidden["message"]
    assert "bet-casino.example.com" in hidden["message"]
    exposed = [f for f in xian["findings"] if f["code"] == "personal-data-exposed"]
    (listing,) = [f for f in exposed if "附件" in f["message"]]
    assert (
        listing["message"]
        == "附件“低保对象名单.xlsx”疑似公开未脱敏的个人信息(身份证号2个、手机号2个)"
    )
    assert listing["evidence"]["url"] == f"{site}/files/dibao.xlsx"
    assert "工作表“名单”" in listing["evidence"]["newest_where"]
    assert "4101**********" in listing["evidence"]["detail"]

    async with engine.connect() as connection:
        rows = (await connection.execute(select(content_check_table))).all()
        by_url = {row.url.rsplit("/", 1)[-1]: row for row in rows}
        assert by_url["dibao.xlsx"].checked is True
        assert by_url["notice.doc"].checked is False
        assert "未检查" in by_url["notice.doc"].reason
        assert by_url["broken.xlsx"].checked is False
        stored = json.dumps([row.found for row in rows], ensure_ascii=False)
        stored += json.dumps(
            [row.content_checks for row in await connection.execute(select(snapshot_table))],
            ensure_ascii=False,
        )
        for number in WHOLE:
            assert number not in stored

    # a second crawl reads the same attachment bytes from its earlier check, not again
    await crawl_and_export(targets, engine, "--check-articles", "2")
    async with engine.connect() as connection:
        again = (
            await connection.execute(
                select(content_check_table.c.found).where(
                    content_check_table.c.url == f"{site}/files/dibao.xlsx"
                )
            )
        ).all()
        assert len(again) == 2
        assert again[0] == again[1]
