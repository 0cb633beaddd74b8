"""Link and image checks in a crawl run, stored and judged, over SQLite and Postgres.

A column whose thumbnails are an HTML page, a homepage with a dead own link and a dead
external one; a second run where the pages answer 304 keeps the same findings (the same
lifecycle rows, not resolved); ``crawl findings`` re-judges from the stored checks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from link_server import Route, Server
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.demo.images import MISSING_IMAGE_PAGE, png
from crawler.fetch import FetchSettings
from crawler.sites.linkcheck import LinkCheckSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from rules.boards import Board, BoardKind
from rules.links import LinkCheck, LinkKind, LinkVerdict
from rules.model import Category, Column, Site, local_date
from rules.profile_files import load_profile
from rules.summary import problem_text
from storage.board_models import board_read_table
from storage.links import (
    link_facts,
    link_facts_as_of,
    previous_references,
    prune_link_checks,
    record_link_checks,
)
from storage.models import link_check_table
from storage.repository import start_run, sync_targets

NOW = datetime.now(UTC)
TODAY = local_date(NOW)
PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=2,
    attempt_timeout_s=1,
    connect_timeout_s=1,
    retry_attempts=1,
    retry_base_wait_s=0,
)
HTML = "text/html; charset=utf-8"


def list_page(prefix: str, *, images: bool) -> bytes:
    rows = "".join(
        f'<li><a href="/{prefix}/{n}.html">关于开展第{n}次专项检查工作的通知</a>'
        f'<span class="date">{(TODAY - timedelta(days=n)).isoformat()}</span></li>'
        for n in range(1, 6)
    )
    pictures = (
        "".join(f'<a href="/{prefix}/{n}.html"><img src="/pic/{n}.png"></a>' for n in range(1, 3))
        if images
        else ""
    )
    return (
        f"<html><head><meta charset='utf-8'></head><body><div>{pictures}</div>"
        f"<ul class='list'>{rows}</ul></body></html>"
    ).encode()


def make_site(server: Server, other: Server) -> Site:
    homepage = list_page("home", images=False).replace(
        b"</body>",
        f'<a href="/gone.html">旧页面</a><a href="{other.url("/moved/")}">友情链接</a>'
        '<img src="/logo.png" alt="logo"></body>'.encode(),
    )
    server.routes = {
        "/": Route(content_type=HTML, body=homepage, etag='"home-1"'),
        "/tpxw/": Route(content_type=HTML, body=list_page("t", images=True), etag='"t-1"'),
        "/gzdt/": Route(content_type=HTML, body=list_page("g", images=False), etag='"g-1"'),
        "/logo.png": Route(content_type="image/png", body=png(1)),
        "/pic/1.png": Route(content_type="image/jpeg", body=MISSING_IMAGE_PAGE),
        "/pic/2.png": Route(content_type="image/png", body=png(2)),
        **{f"/home/{n}.html": Route(content_type=HTML, body=b"<html>a</html>") for n in range(6)},
        **{f"/t/{n}.html": Route(content_type=HTML, body=b"<html>a</html>") for n in range(6)},
        **{f"/g/{n}.html": Route(content_type=HTML, body=b"<html>a</html>") for n in range(6)},
    }
    other.routes = {}  # /moved/ answers 404
    return Site(
        id="loop",
        name="环回测试局",
        homepage=server.url("/"),
        columns=(
            Column(id="gzdt", name="工作动态", url=server.url("/gzdt/"), category=Category.NEWS),
            Column(id="tpxw", name="图片新闻", url=server.url("/tpxw/"), category=Category.NEWS),
        ),
    )


async def crawl_once(site: Site, engine: AsyncEngine, *, check: bool = True) -> CrawlReport:
    plan = CrawlPlan(
        sites=[site],
        profiles=PROFILES,
        fetch_settings=SETTINGS,
        now=datetime.now(UTC),
        link_checks=LinkCheckSettings() if check else None,
    )
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))


def summary(report: CrawlReport) -> list[tuple[str, str | None, str, str]]:
    (site,) = report.sites
    return [
        (f.code, f.column_id, f.severity.value, f.message)
        for f in site.findings
        if f.code.endswith(("-broken",))
    ]


async def test_a_run_checks_stores_and_judges_links_and_images(
    engine: AsyncEngine, server: Server, other: Server
) -> None:
    site = make_site(server, other)
    first = await crawl_once(site, engine)
    expected = [
        ("homepage-links-broken", None, "problem", "首页存在1个不可用链接"),
        ("external-links-broken", None, "advisory", "首页存在1个不可用外部链接"),
        ("column-images-broken", "tpxw", "problem", "图片新闻图片不显示"),
    ]
    assert summary(first) == expected
    (report,) = first.sites
    assert problem_text(report.findings) == "首页存在1个不可用链接;图片新闻图片不显示"
    assert report.result.score == 100  # no points: the national 扣分 for links is not verified
    # each URL requested once: the homepage's article links by HEAD only, images by GET
    assert server.hits[("HEAD", "/home/1.html")] == 1
    assert server.requests_for("/home/1.html") == 1
    assert server.requests_for("/pic/1.png") == 1
    assert server.hits[("GET", "/gone.html")] == 1  # the dead link confirmed with GET
    assert server.hits[("HEAD", "/t/1.html")] == 0  # links of column pages are not checked
    assert server.hits[("GET", "/t/1.html")] == 1  # but the newest articles are read

    sessions = async_sessionmaker(engine)
    async with sessions() as session:
        facts = await link_facts(session, run_id=first.run_id, sites=[site])
        stored = await session.scalar(select(func.count()).select_from(link_check_table))
    checks = facts["loop"].checks
    assert stored == len(checks)
    by_url = {(c.column_id, c.url): c for c in checks}
    image = by_url[("tpxw", server.url("/pic/1.png"))]
    assert (image.kind, image.verdict, image.external) == (
        LinkKind.IMAGE,
        LinkVerdict.NOT_IMAGE,
        False,
    )
    assert image.checked_at.tzinfo is not None
    assert by_url[(None, other.url("/moved/"))].external

    # The second run: every page answers 304; the checks are made again on what the pages
    # showed before, so the problems stay the same findings (first seen, not resolved).
    second = await crawl_once(site, engine)
    assert second.outcomes == {"not_modified": 3}
    assert summary(second) == expected
    assert second.resolved == ()
    assert server.requests_for("/pic/1.png") == 2  # once per run
    for finding in (f for s in second.sites for f in s.findings if f.code.endswith("-broken")):
        key = f"{finding.code}|loop|{finding.column_id or ''}"
        assert second.first_seen[key] == first.first_seen[key]

    # Fixed: the thumbnail is an image again; the page is read, the finding is resolved.
    server.routes["/pic/1.png"] = Route(content_type="image/png", body=png(3))
    server.routes["/tpxw/"] = Route(content_type=HTML, body=list_page("t", images=True))
    third = await crawl_once(site, engine)
    assert [f[0] for f in summary(third)] == ["homepage-links-broken", "external-links-broken"]
    assert [s.code for s in third.resolved] == ["column-images-broken"]


async def test_an_unchanged_page_never_checked_is_checked_from_its_stored_body(
    engine: AsyncEngine, server: Server, other: Server
) -> None:
    site = make_site(server, other)
    unchecked = await crawl_once(site, engine, check=False)
    assert summary(unchecked) == []
    # Every page answers 304 now, and no earlier run recorded what they show: the links and
    # images come from the bodies stored by the first run.
    second = await crawl_once(site, engine)
    assert second.outcomes == {"not_modified": 3}
    assert [code for code, *_ in summary(second)] == [
        "homepage-links-broken",
        "external-links-broken",
        "column-images-broken",
    ]


async def test_link_facts_as_of_and_previous_references(engine: AsyncEngine) -> None:
    site = Site(id="s", name="某局", homepage="http://s.example.gov.cn/")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    t0 = datetime(2022, 6, 1, 2, tzinfo=UTC)

    def check(url: str, at: datetime, verdict: LinkVerdict, column: str | None) -> LinkCheck:
        return LinkCheck(
            site_id="s",
            column_id=column,
            page_url="http://s.example.gov.cn/",
            url=url,
            kind=LinkKind.IMAGE,
            external=False,
            verdict=verdict,
            checked_at=at,
            status=200,
            content_type="image/png",
            label="图",
        )

    async with sessions() as session, session.begin():
        await sync_targets(session, [site], now=t0)
        run1 = await start_run(session, scope="all", started_at=t0)
        await record_link_checks(
            session, run_id=run1, checks=[check("http://a/1.png", t0, LinkVerdict.OK, None)]
        )
        t1 = t0 + timedelta(days=7)
        run2 = await start_run(session, scope="all", started_at=t1)
        await record_link_checks(
            session,
            run_id=run2,
            checks=[check("http://a/2.png", t1, LinkVerdict.EMPTY, None)],
        )
    async with sessions() as session:
        early = await link_facts_as_of(session, sites=[site], as_of=t0 + timedelta(days=1))
        late = await link_facts_as_of(session, sites=[site], as_of=t1 + timedelta(days=1))
        none = await link_facts_as_of(session, sites=[site], as_of=t0 - timedelta(days=1))
        before = await previous_references(session, before_run=run2, pages=[("s", None)])
        missing = await previous_references(session, before_run=run1, pages=[("s", None)])
    assert [c.url for c in early["s"].checks] == ["http://a/1.png"]
    assert [(c.url, c.verdict) for c in late["s"].checks] == [("http://a/2.png", LinkVerdict.EMPTY)]
    assert none == {}
    assert [c.url for c in before[("s", None)]] == ["http://a/1.png"]
    assert before[("s", None)][0].label == "图"
    assert missing == {}


# waits out fetch timeouts
@pytest.mark.slow
async def test_a_finding_is_not_resolved_by_a_run_that_could_not_check(
    engine: AsyncEngine, server: Server, other: Server
) -> None:
    site = make_site(server, other)
    first = await crawl_once(site, engine)
    assert "column-images-broken" in {f[0] for f in summary(first)}

    # The thumbnails now time out on our side: the page is read, its images are not judged.
    server.routes["/tpxw/"] = Route(content_type=HTML, body=list_page("t", images=True))
    server.routes["/pic/1.png"] = Route(content_type="image/png", body=png(3), delay_s=5.0)
    server.routes["/pic/2.png"] = Route(content_type="image/png", body=png(4), delay_s=5.0)
    second = await crawl_once(site, engine)
    assert "column-images-broken" not in {f[0] for f in summary(second)}
    assert second.resolved == ()

    # A run without link checks reads every page but judges no link: nothing is resolved.
    plan = CrawlPlan(
        sites=[site], profiles=PROFILES, fetch_settings=SETTINGS, now=datetime.now(UTC)
    )
    third = await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))
    assert set(third.outcomes) <= {"ok", "not_modified"}  # every page read
    assert third.resolved == ()
    open_codes = {key.split("|")[0] for key in third.first_seen}
    assert {"column-images-broken", "homepage-links-broken"} <= open_codes


async def test_a_sample_of_articles_is_read_for_its_images(
    engine: AsyncEngine, server: Server, other: Server
) -> None:
    site = make_site(server, other)
    article = '<html><body><h1>植树活动</h1><img src="/art/lost.jpg" alt="植树"></body></html>'
    article_bytes = article.encode()
    server.routes["/g/1.html"] = Route(content_type=HTML, body=article_bytes)  # gzdt's newest
    server.routes["/art/lost.jpg"] = Route(content_type="image/jpeg", body=MISSING_IMAGE_PAGE)
    # the column pages are read whole every run (no ETag), so their articles are sampled
    server.routes["/gzdt/"] = Route(content_type=HTML, body=list_page("g", images=False))
    server.routes["/tpxw/"] = Route(content_type=HTML, body=list_page("t", images=True))

    async def run(articles: int) -> list[tuple[str, str | None, str, str]]:
        plan = CrawlPlan(
            sites=[site],
            profiles=PROFILES,
            fetch_settings=SETTINGS,
            now=datetime.now(UTC),
            link_checks=LinkCheckSettings(articles_per_site=articles),
        )
        report = await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))
        return [f for f in summary(report) if f[0] == "column-images-broken"]

    assert await run(0) == [("column-images-broken", "tpxw", "problem", "图片新闻图片不显示")]
    assert server.requests_for("/art/lost.jpg") == 0
    assert await run(3) == [
        ("column-images-broken", "gzdt", "problem", "工作动态图片不显示"),
        ("column-images-broken", "tpxw", "problem", "图片新闻图片不显示"),
    ]
    assert server.referers["/art/lost.jpg"] == server.url("/g/1.html")
    # three articles per site at most: the newest of each column, then the next ones
    articles = {path for (method, path) in server.hits if method == "GET" and "/t/" in path}
    articles |= {path for (method, path) in server.hits if method == "GET" and "/g/" in path}
    assert articles == {"/g/1.html", "/t/1.html", "/g/2.html"}


async def test_old_checks_are_pruned_but_each_pages_newest_run_is_kept(
    engine: AsyncEngine,
) -> None:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    site = Site(id="s", name="某局", homepage="http://s.example.gov.cn/")
    t0 = datetime(2022, 6, 1, 2, tzinfo=UTC)

    def check(url: str, at: datetime, column: str | None) -> LinkCheck:
        return LinkCheck(
            site_id="s",
            column_id=column,
            page_url="http://s.example.gov.cn/",
            url=url,
            kind=LinkKind.IMAGE,
            external=False,
            verdict=LinkVerdict.OK,
            checked_at=at,
        )

    later = t0 + timedelta(days=30)
    async with sessions() as session, session.begin():
        await sync_targets(session, [site], now=t0)
        old = await start_run(session, scope="all", started_at=t0)
        # the homepage and a column, both checked in the old run …
        await record_link_checks(
            session,
            run_id=old,
            checks=[check("http://a/h.png", t0, None), check("http://a/c.png", t0, "c")],
        )
        # … and the homepage again later: its old checks are superseded, the column's are not
        new = await start_run(session, scope="all", started_at=later)
        await record_link_checks(
            session, run_id=new, checks=[check("http://a/h2.png", later, None)]
        )
    async with sessions() as session, session.begin():
        pruned = await prune_link_checks(session, keep_days=7, now=later + timedelta(days=1))
    assert pruned == 1
    async with sessions() as session:
        rows = await session.execute(select(link_check_table.c.url).order_by(link_check_table.c.id))
        assert [url for (url,) in rows] == ["http://a/c.png", "http://a/h2.png"]
    async with sessions() as session, session.begin():
        assert await prune_link_checks(session, keep_days=0, now=later + timedelta(days=1)) == 0


async def test_a_link_to_a_page_the_run_fetched_is_not_requested_again(
    engine: AsyncEngine, server: Server, other: Server
) -> None:
    """The homepage's links to its own column pages take the run's fetch of those pages (ok,
    or 304 on the next run); a link to a column whose fetch failed is checked for itself."""
    site = make_site(server, other)
    homepage = server.routes["/"].body.replace(
        b"</body>", b'<a href="/gzdt/">Work</a><a href="/tpxw/">Pictures</a></body>'
    )
    server.routes["/"] = Route(content_type=HTML, body=homepage, etag='"home-2"')
    first = await crawl_once(site, engine)
    assert server.hits[("HEAD", "/gzdt/")] == server.hits[("HEAD", "/tpxw/")] == 0
    assert server.hits[("GET", "/gzdt/")] == 1  # the page fetch only

    sessions = async_sessionmaker(engine)
    async with sessions() as session:
        checks = (await link_facts(session, run_id=first.run_id, sites=[site]))["loop"].checks
    column_link = next(c for c in checks if c.url == server.url("/gzdt/"))
    assert (column_link.verdict, column_link.status) == (LinkVerdict.OK, 200)
    assert column_link.detail == "read as a page of this run"

    # Next night the column is down: its link is requested and found broken with the page.
    server.routes["/gzdt/"] = Route(content_type=HTML, body=b"", status=500)
    second = await crawl_once(site, engine)
    assert server.hits[("HEAD", "/gzdt/")] == 1
    assert server.hits[("HEAD", "/tpxw/")] == 0  # 304 to the run's validators: it answered
    assert ("homepage-links-broken", None, "problem", "首页存在2个不可用链接") in summary(second)


async def test_link_checks_and_boards_share_one_client(
    engine: AsyncEngine, server: Server, other: Server
) -> None:
    """The checks and the board are read side by side through one client: robots.txt is read
    once for both (and once by the pages' own client), and both are stored."""
    site = make_site(server, other)
    rows = "".join(
        f'<tr><td><a href="/consult/{n}.html">关于第{n}个问题的咨询</a></td>'
        f"<td>{(TODAY - timedelta(days=n + 3)).isoformat()}</td>"
        f"<td>{(TODAY - timedelta(days=n)).isoformat()}</td><td>已办结</td></tr>"
        for n in range(1, 4)
    )
    board_page = (
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><th>标题</th><th>留言时间</th><th>答复时间</th><th>状态</th></tr>"
        f"{rows}</table></body></html>"
    ).encode()
    server.routes["/consult/"] = Route(content_type=HTML, body=board_page)
    board = Board(id="zx", name="网上咨询", kind=BoardKind.CONSULT, urls=(server.url("/consult/"),))
    site = replace(site, boards=(board,))
    report = await crawl_once(site, engine)
    assert server.hits[("GET", "/robots.txt")] == 2
    assert server.hits[("GET", "/consult/")] == 1
    assert ("homepage-links-broken", None, "problem", "首页存在1个不可用链接") in summary(report)
    async with async_sessionmaker(engine)() as session:
        reads = await session.scalar(select(func.count()).select_from(board_read_table))
    assert reads == 1
