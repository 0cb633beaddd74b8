"""The browser reads what plain HTTP cannot, within its bounds, on loopback challenges."""

from __future__ import annotations

import time

from crawler.browser import BrowserSettings, Renderer
from crawler.browser.renderer import browser_memory_mib
from crawler.fetch.addresses import AddressPolicy
from tests.support.challenge_site import (
    JSL_COOKIE,
    JSL_VALUE,
    RS_COOKIE,
    RS_VALUE,
    serve_challenge_site,
)

FAST = BrowserSettings(page_timeout_s=4, settle_s=2)


def _renderer(settings: BrowserSettings = FAST, hosts: tuple[str, ...] = ()) -> Renderer:
    policy = AddressPolicy.for_hosts(hosts) if hosts else AddressPolicy()
    return Renderer(settings, addresses=policy)


async def test_a_412_script_challenge_passes_and_its_cookie_is_handed_back() -> None:
    async with serve_challenge_site() as site, _renderer() as renderer:
        rendered = await renderer.render(site.url("/rs/news/"))
        assert rendered.ok, rendered.detail
        assert rendered.status == 200
        assert rendered.html is not None
        assert "关于做好冬季安全生产工作的通知" in rendered.html
        assert {(c["name"], c["value"]) for c in rendered.cookies} >= {(RS_COOKIE, RS_VALUE)}
        assert [path for path, _ in site.requests].count("/rs/news/") == 2  # challenge, page


async def test_a_521_cookie_challenge_passes() -> None:
    async with serve_challenge_site() as site, _renderer() as renderer:
        rendered = await renderer.render(site.url("/jsl/"))
        assert rendered.ok, rendered.detail
        assert rendered.html is not None
        assert "全县经济运行情况通报" in rendered.html
        assert (JSL_COOKIE, JSL_VALUE) in {(c["name"], c["value"]) for c in rendered.cookies}


async def test_a_list_built_by_script_from_json_is_read() -> None:
    async with serve_challenge_site() as site, _renderer() as renderer:
        rendered = await renderer.render(site.url("/script-list/"))
        assert rendered.ok, rendered.detail
        assert rendered.html is not None
        assert "政务服务事项目录更新" in rendered.html
        assert "2026-11-28" in rendered.html


async def test_a_challenge_that_never_passes_fails_bounded_and_the_host_is_not_retried() -> None:
    async with serve_challenge_site() as site, _renderer() as renderer:
        started = time.monotonic()
        rendered = await renderer.render(site.url("/never/"))
        assert not rendered.ok
        assert rendered.detail.startswith("challenge still shown after 4 s in a browser")
        assert "瑞数" in rendered.detail
        assert time.monotonic() - started < 15
        again = await renderer.render(site.url("/rs/other/"))
        assert not again.ok
        assert again.detail.endswith("not tried again this run")
        assert renderer.pages_opened == 1


async def test_a_page_that_never_loads_is_bounded() -> None:
    async with serve_challenge_site() as site, _renderer() as renderer:
        started = time.monotonic()
        rendered = await renderer.render(site.url("/hang/"))
        assert not rendered.ok
        assert "did not load" in rendered.detail or "challenge" in rendered.detail
        assert time.monotonic() - started < 20


async def test_the_page_budget_is_kept() -> None:
    settings = BrowserSettings(page_timeout_s=4, settle_s=1, page_budget=1)
    async with serve_challenge_site() as site, _renderer(settings) as renderer:
        assert (await renderer.render(site.url("/script-list/"))).ok
        spent = await renderer.render(site.url("/jsl/"))
        assert not spent.ok
        assert spent.detail == "the run's browser budget of 1 pages is spent"


async def test_an_internal_address_on_the_page_is_never_requested() -> None:
    async with (
        serve_challenge_site() as site,
        serve_challenge_site("127.0.0.2") as internal,
        _renderer(hosts=("127.0.0.1",)) as renderer,
    ):
        site.extra_body = f'<img src="{internal.url("/admin/secret.png")}">'
        rendered = await renderer.render(site.url("/script-list/"))
        assert rendered.ok, rendered.detail
        assert internal.requests == []


async def test_a_browser_over_its_memory_is_restarted_and_goes_on() -> None:
    settings = BrowserSettings(page_timeout_s=4, settle_s=1, max_memory_mib=1)
    async with serve_challenge_site() as site, _renderer(settings) as renderer:
        assert (await renderer.render(site.url("/script-list/"))).ok
        assert renderer.restarts == 1
        assert not renderer.started
        assert (await renderer.render(site.url("/jsl/"))).ok
        assert renderer.restarts == 2


async def test_the_browsers_memory_is_read_from_proc() -> None:
    assert browser_memory_mib() == 0  # no browser of this process yet
    async with serve_challenge_site() as site, _renderer() as renderer:
        assert (await renderer.render(site.url("/jsl/"))).ok
        assert renderer.started
        used = browser_memory_mib()
        assert used is not None
        assert used > 10  # Chromium's processes, found as this process's descendants


async def test_no_chromium_is_a_clear_reason_not_a_crash(tmp_path: object) -> None:
    settings = BrowserSettings(executable="/nonexistent/chromium", page_timeout_s=4)
    async with serve_challenge_site() as site, _renderer(settings) as renderer:
        rendered = await renderer.render(site.url("/rs/news/"))
        assert not rendered.ok
        assert "no Chromium found" in rendered.detail
        assert not renderer.started
