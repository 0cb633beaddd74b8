"""The demo fleet served on loopback: every page and link, encodings, pagination, 304s."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from datetime import date
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
import yaml
from httpx_aiohttp import AiohttpTransport

from crawler.demo import (
    Charset,
    RunningFleet,
    demo_fleet,
    generated_fleet,
    serve_in_thread,
    start_fleet,
)
from crawler.demo.fleet import DEAD_EXTERNAL_LINK, IMAGES_NOT_DISPLAYED
from crawler.demo.pages import MOVED_PATH, SitePages
from crawler.demo.portal import PORTAL_ID, REPORT_COLUMNS
from crawler.demo.styles import style_for
from crawler.sites.linkcheck.imagebytes import image_format, missing_end

TODAY = date(2022, 5, 20)
HREF = re.compile(r'href="([^"]*)"')
SRC = re.compile(r'<img src="([^"]*)"')
VOID = {"meta", "link", "input", "br", "img", "hr"}
REPORT_COLUMN_IDS = frozenset(column.id for column in REPORT_COLUMNS)


@pytest.fixture(scope="module")
def running() -> Iterator[RunningFleet]:
    with serve_in_thread(demo_fleet(TODAY)) as fleet:
        yield fleet


class _Nesting(HTMLParser):
    """Records tags closed out of order or left open (the pages use no optional end tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def _well_formed(text: str) -> list[str]:
    parser = _Nesting()
    parser.feed(text)
    parser.close()
    return parser.errors + [f"<{tag}> never closed" for tag in parser.stack]


async def _fetch_all(urls: list[str]) -> dict[str, httpx.Response]:
    # httpx's API on the aiohttp transport: the default transport manages ~250 pages/s here
    transport = AiohttpTransport(limits=httpx.Limits(max_connections=32))
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        semaphore = asyncio.Semaphore(32)

        async def one(url: str) -> tuple[str, httpx.Response]:
            async with semaphore:
                return url, await client.get(url)

        return dict(await asyncio.gather(*(one(url) for url in urls)))


@pytest.mark.slow
async def test_every_page_is_served_and_every_link_resolves(running: RunningFleet) -> None:
    urls: dict[str, str] = {}  # url → site id
    for site in running.fleet.sites:
        origin = running.base_urls[site.id].rstrip("/")
        for path in SitePages(site, running.fleet.today).paths():
            urls[origin + path] = site.id
    responses = await _fetch_all(list(urls))
    assert len(responses) > 2000
    for url, response in responses.items():
        assert response.status_code == 200, url
        assert "ETag" in response.headers, url
        assert "Last-Modified" in response.headers, url
    portal, moved = DEAD_EXTERNAL_LINK
    dead_link = running.base_urls[moved] + MOVED_PATH  # the one planted dead link (external)
    dead_seen = set()
    for url, response in responses.items():
        if url.endswith("robots.txt"):
            continue
        site = running.fleet.site(urls[url])
        if "/images/" in url:
            broken = IMAGES_NOT_DISPLAYED.get(site.id)
            if broken is not None and f"/images/{broken}/" in url:
                assert (
                    missing_end("png", response.content) or image_format(response.content) is None
                )
            else:
                assert image_format(response.content) == "png", url
                assert missing_end("png", response.content) is None, url
                assert response.headers["Content-Type"] == "image/png", url
            continue
        text = response.content.decode(site.charset.codec)
        assert _well_formed(text) == [], url
        assert f'<meta name="SiteIDCode" content="{site.site_code}">' in text, url
        for href in HREF.findall(text):
            target = urljoin(url, unescape(href))
            if target == dead_link:
                dead_seen.add(urls[url])
                continue
            assert target in responses, f"{url} links to {target}, which is not served"
        for src in SRC.findall(text):
            target = urljoin(url, unescape(src))
            assert target in responses, f"{url} shows {target}, which is not served"
    assert dead_seen == {portal}
    async with httpx.AsyncClient() as client:
        assert (await client.get(dead_link)).status_code == 404


async def test_sites_are_on_distinct_ports(running: RunningFleet) -> None:
    ports = {urlsplit(url).port for url in running.base_urls.values()}
    assert len(ports) == 20
    async with httpx.AsyncClient() as client:
        for site in running.fleet.sites:
            response = await client.get(running.base_urls[site.id])
            assert f'<meta name="SiteName" content="{site.name}">' in response.content.decode(
                site.charset.codec
            )


async def test_charsets_are_labelled_as_real_sites_do(running: RunningFleet) -> None:
    seen = set()
    async with httpx.AsyncClient() as client:
        for site in running.fleet.sites:
            response = await client.get(running.base_urls[site.id])
            body, content_type = response.content, response.headers["Content-Type"]
            seen.add(site.charset)
            if site.charset in (Charset.GBK, Charset.GB2312):
                assert content_type == f"text/html; charset={site.charset.value}"
                body.decode("gbk")  # strictly GBK bytes
                with pytest.raises(UnicodeDecodeError):
                    body.decode("utf-8")
                assert b"gb2312" in body[:400]
            elif site.charset is Charset.UTF8_LABELLED_GB2312:
                assert content_type == "text/html"
                assert b'charset=gb2312"' in body[:400]
                body.decode("utf-8")
                with pytest.raises(UnicodeDecodeError):
                    body.decode("gb18030")
            else:
                assert content_type == "text/html; charset=utf-8"
                assert b'<meta charset="utf-8">' in body[:200]
    assert seen == set(Charset)


async def test_targets_file_lists_the_fleet_with_reachable_columns(
    running: RunningFleet, tmp_path: Path
) -> None:
    data = yaml.safe_load(running.targets_yaml())
    assert data["version"] == 1
    sites = data["sites"]
    assert [site["name"] for site in sites] == [site.name for site in running.fleet.sites]
    urls = []
    for entry in sites:
        keys = {"id", "name", "homepage", "site_code", "unit", "robots", "columns"}
        if entry["id"] == PORTAL_ID:  # the portal's 网上咨询 board (crawler.demo.board)
            (board,) = entry["boards"]
            assert (board["name"], board["kind"], board["reply_days"]) == ("网上咨询", "咨询", 5)
            urls.append(board["url"])
            keys.add("boards")
        assert set(entry) == keys
        assert entry["homepage"] == running.base_urls[entry["id"]]
        assert isinstance(entry["site_code"], str)
        assert len(entry["site_code"]) == 10
        assert entry["robots"] == "respect"
        own = [c for c in entry["columns"] if c["id"] not in REPORT_COLUMN_IDS]
        assert 4 <= len(own) <= 8  # and the portal's section 二 columns (crawler.demo.portal)
        for column in entry["columns"]:
            assert column["category"] in {"news", "notice", "plan", "update", "static"}
            assert ("max_age_days" in column) == (column["category"] == "update")
            assert isinstance(column["name"], str)
            urls.append(column["url"])
    responses = await _fetch_all(urls)
    assert all(response.status_code == 200 for response in responses.values())

    path = tmp_path / "targets.yaml"
    running.write_targets(path)
    assert path.read_text(encoding="utf-8") == running.targets_yaml()


async def test_pagination_serves_older_items_on_page_two(running: RunningFleet) -> None:
    async with httpx.AsyncClient() as client:
        for site in running.fleet.sites:
            style = style_for(site.style)
            for column in site.columns:
                if not column.is_list:
                    continue
                url = running.column_url(site.id, column.id)
                first = (await client.get(url)).content.decode(site.charset.codec)
                found = re.search(r'<a href="([^"]+)">下一页</a>', first)
                assert found, url
                second = await client.get(urljoin(url, unescape(found.group(1))))
                assert second.status_code == 200
                text = second.content.decode(site.charset.codec)
                first_of_page_two = column.items[style.page_size]
                assert escape(first_of_page_two.title) in text
                assert first_of_page_two.published <= column.items[style.page_size - 1].published


async def test_conditional_requests(running: RunningFleet) -> None:
    url = running.column_url("gcw", "bmys")
    async with httpx.AsyncClient() as client:
        full = await client.get(url)
        etag, modified = full.headers["ETag"], full.headers["Last-Modified"]
        unchanged = await client.get(url, headers={"If-None-Match": etag})
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert unchanged.headers["ETag"] == etag
        other = await client.get(url, headers={"If-None-Match": '"0000"'})
        assert other.status_code == 200
        assert other.content == full.content
        since = await client.get(url, headers={"If-Modified-Since": modified})
        assert since.status_code == 304
        head = await client.head(url)
        assert head.status_code == 200
        assert head.content == b""


async def test_robots_allows_everything_and_unknown_paths_are_404(running: RunningFleet) -> None:
    async with httpx.AsyncClient() as client:
        robots = await client.get(running.base_urls["jyty"] + "robots.txt")
        assert robots.status_code == 200
        assert robots.text.splitlines() == ["User-agent: *", "Allow: /"]
        missing = await client.get(running.base_urls["jyty"] + "no/such/page.html")
        assert missing.status_code == 404
        posted = await client.post(running.base_urls["jyty"])
        assert posted.status_code == 405


@pytest.mark.slow
async def test_generated_fleet_serves() -> None:
    fleet = generated_fleet(sites=50, columns=5, today=TODAY)
    async with await start_fleet(fleet) as running:
        assert len(set(running.base_urls.values())) == 50
        targets = yaml.safe_load(running.targets_yaml())
        urls = [site["homepage"] for site in targets["sites"]]
        urls += [column["url"] for site in targets["sites"] for column in site["columns"]]
        assert len(urls) == 50 * 6
        responses = await _fetch_all(urls)
        assert all(response.status_code == 200 for response in responses.values())
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(urls[0])


async def test_a_busy_first_port_falls_back_to_an_ephemeral_one() -> None:
    fleet = generated_fleet(sites=2, columns=1, items=3, today=TODAY)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        async with await start_fleet(fleet, first_port=busy) as running:
            ports = [urlsplit(url).port for url in running.base_urls.values()]
            assert busy not in ports
            assert len(set(ports)) == 2
            async with httpx.AsyncClient() as client:
                for url in running.base_urls.values():
                    assert (await client.get(url)).status_code == 200


def test_serve_in_thread_stops_cleanly() -> None:
    fleet = generated_fleet(sites=3, columns=2, items=3, today=TODAY)
    running = serve_in_thread(fleet)
    url = running.base_urls["sim-0002"]
    assert httpx.get(url).status_code == 200
    running.stop()
    running.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)


async def test_stop_in_the_serving_loop_schedules_the_shutdown() -> None:
    running = await start_fleet(generated_fleet(sites=2, columns=1, items=3, today=TODAY))
    url = running.base_urls["sim-0001"]
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).status_code == 200
        running.stop()
        await running.aclose()
        with pytest.raises(httpx.ConnectError):
            await client.get(url)
