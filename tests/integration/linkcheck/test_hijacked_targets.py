"""Hijacked link targets over loopback: a homepage linking to three other sites — one now a
casino, one a parked domain for sale, one a government page — through the real CLI into SQLite
and Postgres; and the verdicts of an external link read with a capped GET."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from link_server import FAST, Route, Server, crawl_and_export
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.extract.links import PageLink
from crawler.fetch import Fetcher
from crawler.sites.linkcheck import LinkCheckSettings, PageReferences, check_pages
from rules.links import LinkVerdict
from rules.model import Site, local_date
from storage.models import link_check_table
from tests.support.loopsite import CHALLENGE
from tests.support.serving import serve_app

TODAY = local_date(datetime.now(UTC))
HTML = "text/html"
CASINO = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>澳门新葡京娱乐城-百家乐官网</title>'
    '<meta name="keywords" content="百家乐,真人娱乐,六合彩"></head>'
    "<body><ul><li>真人荷官</li><li>注册送彩金</li><li>时时彩</li></ul></body></html>"
)
PARKED = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>jiyuan-lvyou.com</title></head>'
    "<body><h1>This domain is for sale!</h1><p>该域名正在出售，欢迎联系。</p></body></html>"
)
GOVERNMENT = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某市公安局</title></head>'
    "<body><h1>关于严厉打击网络赌博违法犯罪活动的通告</h1>"
    "<p>依法打击网络赌博、六合彩、百家乐等违法犯罪活动，欢迎群众举报。</p></body></html>"
)


def homepage(casino: str, parked: str, government: str) -> str:
    rows = "".join(
        f'<li><a href="/tzgg/{n}.html">关于做好冬季防火工作的通知{n}</a>'
        f"<span>{TODAY - timedelta(days=n)}</span></li>"
        for n in range(1, 6)
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>某某县人民政府</title></head>'
        f'<body><ul class="list">{rows}</ul><div class="links">友情链接：'
        f'<a href="{casino}/">某某旅游网</a><a href="{parked}/">县文化网</a>'
        f'<a href="{government}/">市公安局</a></div></body></html>'
    )


def serving(body: str) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == "/":
            return web.Response(text=body, content_type=HTML)
        return web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_route("GET", "/{path:.*}", handle)
    return app


@pytest.fixture
async def sites() -> AsyncIterator[dict[str, str]]:
    """The site under test and the three sites it links to, each on its own loopback port."""
    async with (
        serve_app(serving(CASINO)) as casino,
        serve_app(serving(PARKED)) as parked,
        serve_app(serving(GOVERNMENT)) as government,
    ):
        home = homepage(casino, parked, government)

        async def handle(request: web.Request) -> web.StreamResponse:
            if request.path == "/":
                return web.Response(text=home, content_type=HTML)
            if request.path.startswith("/tzgg/"):
                return web.Response(text="<html><body>通知</body></html>", content_type=HTML)
            return web.Response(status=404, text="not found")

        app = web.Application()
        app.router.add_route("GET", "/{path:.*}", handle)
        async with serve_app(app) as base:
            yield {"home": base, "casino": casino, "parked": parked, "government": government}


@pytest.mark.slow
async def test_hijacked_targets_through_the_cli(
    sites: dict[str, str], engine: AsyncEngine, tmp_path: Path
) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        f"""
sites:
  - id: xian
    name: 某某县人民政府
    homepage: {sites["home"]}/
""",
        encoding="utf-8",
    )
    _, export = await crawl_and_export(targets, engine, "--check-articles", "0")
    (xian,) = export["sites"]
    (hijacked,) = [f for f in xian["findings"] if f["code"] == "external-link-hijacked"]
    assert hijacked["severity"] == "advisory"
    assert hijacked["effect"] == "note"
    assert hijacked["points"] == 0
    assert hijacked["message"] == "首页存在2个外部链接疑似指向赌博网站、域名停放或出售页面"
    evidence = hijacked["evidence"]
    assert evidence["url"] == f"{sites['home']}/"
    assert evidence["item_count"] == 3
    detail = evidence["detail"]
    assert detail.startswith("2 of 3 links to other sites lead to such pages: ")
    assert (
        f"{sites['casino']}/ (“某某旅游网”): 链接目标页面疑似赌博网站："
        "标题含“新葡京”“娱乐城”“百家乐”，关键词或描述含“百家乐”“真人娱乐”“六合彩”，"
        "正文含“真人荷官”“注册送”“彩金”“时时彩”"
    ) in detail
    assert (
        f"{sites['parked']}/ (“县文化网”): 链接目标页面疑似域名停放或出售页面："
        "正文含“this domain is for sale”“该域名正在出售”"
    ) in detail
    assert sites["government"] not in detail
    assert not [f for f in xian["findings"] if f["code"] == "external-links-broken"]

    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(link_check_table).where(link_check_table.c.external.is_(True))
            )
        ).all()
    verdicts = {row.url: (row.verdict, row.status) for row in rows}
    assert verdicts == {
        f"{sites['casino']}/": ("hijacked", 200),
        f"{sites['parked']}/": ("hijacked", 200),
        f"{sites['government']}/": ("ok", 200),
    }


async def test_external_links_are_read_and_own_links_are_not(server: Server, other: Server) -> None:
    server.routes = {"/about.html": Route(body=CASINO.encode())}
    other.routes = {
        "/casino.html": Route(body=CASINO.encode(), head_status=405),
        "/waf.html": Route(body=CHALLENGE.encode()),
        "/report.pdf": Route(content_type="application/pdf", body="%PDF-1.4 百家乐 ".encode() * 10),
        "/news.html": Route(body=GOVERNMENT.encode()),
        "/big.html": Route(body=b"<html><body>" + b"<p>ok</p>" * 100_000 + b"</body></html>"),
    }
    links = [server.url("/about.html")] + [other.url(path) for path in other.routes]
    page = PageReferences(
        site=Site(id="loop", name="环回测试局", homepage=server.url("/")),
        column_id=None,
        page_url=server.url("/"),
        links=tuple(PageLink(url=url, label="链接") for url in links),
    )
    async with Fetcher(FAST) as fetcher:
        checks, stats = await check_pages(
            [page],
            fetcher=fetcher,
            settings=LinkCheckSettings(landing_read_bytes=64 * 1024),
        )
    verdict = {check.url: check.verdict for check in checks}
    assert verdict == {
        server.url("/about.html"): LinkVerdict.OK,  # the site's own page: HEAD, no body read
        other.url("/casino.html"): LinkVerdict.HIJACKED,
        other.url("/waf.html"): LinkVerdict.BLOCKED,  # a challenge stays blocked
        other.url("/report.pdf"): LinkVerdict.OK,  # not a web page: not classified
        other.url("/news.html"): LinkVerdict.OK,  # against gambling, not a casino
        other.url("/big.html"): LinkVerdict.OK,  # read up to the cap only
    }
    assert server.hits[("HEAD", "/about.html")] == 1
    assert server.hits[("GET", "/about.html")] == 0
    assert other.hits[("GET", "/casino.html")] == 1
    assert other.hits[("HEAD", "/casino.html")] == 0
    assert stats.verdicts["hijacked"] == 1
