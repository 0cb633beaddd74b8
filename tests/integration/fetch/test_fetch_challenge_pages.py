"""Challenge pages over HTTP: a 瑞数-protected page with content is ok, its bare challenge shell
and a 加速乐 521 are blocked; ``load_source`` keeps a blocked answer so it can be explained."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from fetch_server import serving

from crawler.fetch import Fetcher
from crawler.fetch.challenge import classify_challenge
from crawler.fetch.source import load_source
from rules.model import Outcome

FetcherFactory = Callable[..., Fetcher]  # the make_fetcher fixture

TS_SNIPPET = (
    '<meta id="9DhefwqGPrzGxEp9hPaoag" content="Hk2qXJ8tK0" r=\'m\'>'
    "<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};"
    '$_ts.nsd=84730;$_ts.cd="qEqcrAAlWsGqDqLUroAErSaqDqLUAGa";</script>'
)
TS_LIST_PAGE = (
    f"<html><head><meta charset='utf-8'>{TS_SNIPPET}</head><body>"
    "<a href='/'>首页</a><a href='/zwgk/'>政务公开</a><ul>"
    + "".join(f"<li><a href='/art/{i}.html'>第{i}号通知</a>2024-05-0{i}</li>" for i in range(1, 6))
    + "</ul></body></html>"
)
RUISHU_SHELL = f"<!DOCTYPE html><html><head>{TS_SNIPPET}</head><body></body></html>"
JIASULE = (
    "<html><body><script>document.cookie=('__jsl_clearance=1714550400.1|0|abc');"
    "location.href=location.pathname+location.search</script></body></html>"
)


@pytest.fixture
async def waf_site() -> AsyncIterator[str]:
    async def ts_list(request: web.Request) -> web.Response:
        return web.Response(text=TS_LIST_PAGE, content_type="text/html")

    async def shell_412(request: web.Request) -> web.Response:
        return web.Response(status=412, text=RUISHU_SHELL, content_type="text/html")

    async def jiasule_521(request: web.Request) -> web.Response:
        return web.Response(status=521, text=JIASULE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/list.html", ts_list)
    app.router.add_get("/shell", shell_412)
    app.router.add_get("/jsl", jiasule_521)
    async with serving(app) as url:
        yield url


async def test_page_with_content_and_ruishu_snippet_is_ok(
    waf_site: str, make_fetcher: FetcherFactory
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(f"{waf_site}/list.html", respect_robots=False)
    assert result.outcome is Outcome.OK
    assert result.text is not None
    assert "第5号通知" in result.text


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [("/shell", 412, "412 challenge page (瑞数)"), ("/jsl", 521, "521 challenge page (加速乐)")],
)
async def test_challenges_are_blocked_once(
    waf_site: str, make_fetcher: FetcherFactory, path: str, status: int, detail: str
) -> None:
    async with make_fetcher() as fetcher:
        result = await fetcher.fetch(f"{waf_site}{path}", respect_robots=False)
    assert result.outcome is Outcome.BLOCKED
    assert result.status == status
    assert result.attempts == 1
    assert result.detail == detail


async def test_load_source_keeps_a_blocked_answer(waf_site: str) -> None:
    loaded = await load_source(f"{waf_site}/shell", base_url=None)
    assert loaded.status == 412
    assert loaded.blocked == "412 challenge page (瑞数)"
    challenge = classify_challenge(loaded.status, loaded.text)
    assert challenge is not None
    assert challenge.remedy == "needs a browser (瑞数 challenge)"


async def test_load_source_of_a_page_resolves_against_its_url(waf_site: str) -> None:
    loaded = await load_source(f"{waf_site}/list.html", base_url=None)
    assert loaded.status == 200
    assert loaded.blocked is None
    assert loaded.base_url == f"{waf_site}/list.html"
    assert loaded.content_type is not None
    assert "第1号通知" in loaded.text
