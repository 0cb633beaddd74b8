"""Link and image checks over loopback: verdicts, HEAD fallback, external links, each URL once."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import replace

import pytest
from link_server import FAST, Route, Server

from crawler.demo.images import MISSING_IMAGE_PAGE, png, truncated_png
from crawler.extract.links import PageImage, PageLink
from crawler.fetch import Fetcher
from crawler.sites.linkcheck import LinkCheckSettings, PageReferences, check_pages
from rules.links import LinkCheck, LinkKind, LinkVerdict, SiteLinkFacts, judge_links
from rules.model import Site
from tests.support.loopsite import CHALLENGE

PNG = "image/png"


def site_of(server: Server) -> Site:
    return Site(id="loop", name="环回测试局", homepage=server.url("/"))


def home(
    server: Server, *, images: Sequence[str] = (), links: Sequence[str] = ()
) -> PageReferences:
    return PageReferences(
        site=site_of(server),
        column_id=None,
        page_url=server.url("/"),
        images=tuple(PageImage(url=u, label="图") for u in images),
        links=tuple(PageLink(url=u, label="链接") for u in links),
    )


async def run(
    pages: list[PageReferences], settings: LinkCheckSettings | None = None
) -> tuple[list[LinkCheck], dict[str, LinkCheck]]:
    async with Fetcher(FAST) as fetcher:
        checks, _ = await check_pages(
            pages, fetcher=fetcher, settings=settings or LinkCheckSettings()
        )
    return checks, {c.url: c for c in checks}


# waits out fetch timeouts
@pytest.mark.slow
async def test_image_verdicts(server: Server) -> None:
    server.routes = {
        "/ok.png": Route(content_type=PNG, body=png(1)),
        "/page.jpg": Route(content_type="image/jpeg", body=MISSING_IMAGE_PAGE),
        "/cut.png": Route(content_type=PNG, body=truncated_png(2)),
        "/empty.png": Route(content_type=PNG, body=b""),
        "/moved.png": Route(status=302, location="/ok2.png"),
        "/ok2.png": Route(content_type=PNG, body=png(3)),
        "/octet.png": Route(content_type="application/octet-stream", body=png(4)),
        "/lost.png": Route(status=404, body=b"not here"),
        "/waf.png": Route(status=412, body=CHALLENGE.encode()),
        "/slow.png": Route(content_type=PNG, body=png(5), delay_s=5.0),
        "/private/a.png": Route(content_type=PNG, body=png(6)),
    }
    paths = list(server.routes)
    paths.remove("/ok2.png")
    _, by_url = await run([home(server, images=[server.url(p) for p in paths])])
    verdict = {url.removeprefix(server.base): c.verdict for url, c in by_url.items()}
    assert verdict == {
        "/ok.png": LinkVerdict.OK,
        "/page.jpg": LinkVerdict.NOT_IMAGE,
        "/cut.png": LinkVerdict.TRUNCATED,
        "/empty.png": LinkVerdict.EMPTY,
        "/moved.png": LinkVerdict.OK,  # a redirect to an image is fine
        "/octet.png": LinkVerdict.OK,  # browsers sniff: the bytes are a PNG
        "/lost.png": LinkVerdict.HTTP_ERROR,
        "/waf.png": LinkVerdict.BLOCKED,
        "/slow.png": LinkVerdict.TIMEOUT,
        "/private/a.png": LinkVerdict.NOT_CHECKED,  # robots.txt disallows it
    }
    broken = {url.removeprefix(server.base) for url, c in by_url.items() if c.broken}
    assert broken == {"/page.jpg", "/cut.png", "/empty.png", "/lost.png"}
    assert "web page" in (by_url[server.url("/page.jpg")].detail or "")
    assert by_url[server.url("/lost.png")].status == 404
    # images are requested with the page as Referer (anti-hotlinking)
    assert server.referers["/ok.png"] == server.url("/")
    assert server.requests_for("/private/a.png") == 0


async def test_links_head_falls_back_to_get(server: Server, other: Server) -> None:
    server.routes = {
        "/page.html": Route(body=b"<html>ok</html>"),
        "/no-head.html": Route(head_status=405, body=b"<html>ok</html>"),
        "/head-404.html": Route(head_status=404, body=b"<html>ok</html>"),
        "/dead.html": Route(status=404),
    }
    other.routes = {"/fine.html": Route(body=b"<html>ok</html>"), "/gone.html": Route(status=410)}
    links = [server.url(p) for p in server.routes] + [other.url(p) for p in other.routes]
    checks, by_url = await run([home(server, links=links)])
    verdict = {url: c.verdict for url, c in by_url.items()}
    assert verdict[server.url("/page.html")] is LinkVerdict.OK
    assert verdict[server.url("/no-head.html")] is LinkVerdict.OK
    assert verdict[server.url("/head-404.html")] is LinkVerdict.OK
    assert verdict[server.url("/dead.html")] is LinkVerdict.HTTP_ERROR
    assert verdict[other.url("/gone.html")] is LinkVerdict.HTTP_ERROR
    assert {url for url, c in by_url.items() if c.external} == {
        other.url("/fine.html"),
        other.url("/gone.html"),
    }
    assert server.hits[("HEAD", "/page.html")] == 1
    assert server.hits[("GET", "/page.html")] == 0  # HEAD was enough
    assert server.hits[("GET", "/no-head.html")] == 1
    assert server.hits[("GET", "/dead.html")] == 1  # the 404 is confirmed with GET

    findings = judge_links(site_of(server), SiteLinkFacts(site_id="loop", checks=tuple(checks)))
    assert [(f.code, f.severity.value, f.message) for f in findings] == [
        ("homepage-links-broken", "problem", "首页存在1个不可用链接"),
        ("external-links-broken", "advisory", "首页存在1个不可用外部链接"),
    ]
    assert server.url("/dead.html") in (findings[0].evidence.detail or "")
    assert findings[0].evidence.url == server.url("/")


async def test_each_url_is_checked_once_per_run(server: Server) -> None:
    server.routes = {"/logo.png": Route(content_type=PNG, body=png(7))}
    logo = server.url("/logo.png")
    pages = [home(server, images=[logo], links=[logo])] + [
        PageReferences(
            site=site_of(server),
            column_id=column,
            page_url=server.url(f"/{column}/"),
            images=(PageImage(url=logo, label=""),),
        )
        for column in ("tpxw", "gzdt")
    ]
    checks, _ = await run(pages)
    assert server.hits[("GET", "/logo.png")] == 1  # one image check for three pages
    assert server.hits[("HEAD", "/logo.png")] == 1  # and one link check
    assert sorted((c.column_id or "", c.kind.value) for c in checks) == [
        ("", "image"),
        ("", "link"),
        ("gzdt", "image"),
        ("tpxw", "image"),
    ]


async def test_the_bound_per_site_is_kept_and_counted(server: Server) -> None:
    server.routes = {f"/{n}.png": Route(content_type=PNG, body=png(n)) for n in range(5)}
    pages = [home(server, images=[server.url(f"/{n}.png") for n in range(5)])]
    async with Fetcher(FAST) as fetcher:
        checks, stats = await check_pages(
            pages, fetcher=fetcher, settings=LinkCheckSettings(max_images=2)
        )
    assert [c.url for c in checks] == [server.url("/0.png"), server.url("/1.png")]
    assert stats.left_unchecked == {"loop": {"image": 3}}
    assert sum(n for (_, path), n in server.hits.items() if path != "/robots.txt") == 2


# waits out fetch timeouts
@pytest.mark.slow
async def test_our_failures_are_never_broken(server: Server) -> None:
    """A timeout or a refused connection says nothing about the site: no finding."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]  # nothing listens once the socket is closed
    server.routes = {"/slow.png": Route(content_type=PNG, body=png(1), delay_s=5.0)}
    refused = f"http://127.0.0.1:{closed_port}/a.png"
    checks, by_url = await run(
        [home(server, images=[server.url("/slow.png"), refused], links=[refused])]
    )
    assert by_url[server.url("/slow.png")].verdict is LinkVerdict.TIMEOUT
    assert {c.verdict for c in checks if c.url == refused} == {LinkVerdict.UNREACHABLE}
    assert not any(c.broken for c in checks)
    facts = SiteLinkFacts(site_id="loop", checks=tuple(checks))
    assert judge_links(site_of(server), facts) == []
    assert {c.kind for c in checks} == {LinkKind.IMAGE, LinkKind.LINK}


async def test_a_dead_host_is_given_up_after_a_few_failures(server: Server) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    dead = [f"http://127.0.0.1:{closed_port}/{n}.png" for n in range(6)]
    async with Fetcher(replace(FAST, max_concurrency=1)) as fetcher:
        checks, stats = await check_pages(
            [home(server, images=dead)], fetcher=fetcher, settings=LinkCheckSettings()
        )
    verdicts = [c.verdict for c in checks]
    assert verdicts == [LinkVerdict.UNREACHABLE] * 3 + [LinkVerdict.NOT_CHECKED] * 3
    assert "not requested" in (checks[-1].detail or "")
    assert not any(c.broken for c in checks)
    assert stats.verdicts == {"unreachable": 3, "not_checked": 3}
