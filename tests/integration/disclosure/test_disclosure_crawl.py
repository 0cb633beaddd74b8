"""Reading paginated 政务公开 columns over loopback: every pagination style, the stop reasons
(period start, last page, page limit, repeat, failure), overview pages, and the section."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from html import escape

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.disclosure.crawl import crawl_units, read_column
from crawler.fetch import Fetcher, FetchSettings
from crawler.output.disclosure import disclosure_section
from rules.disclosure import DisclosureColumn, DisclosureUnit, Level
from rules.model import utc_now
from rules.period import Period
from tests.integration.disclosure.conftest import ListSite

Sessions = async_sessionmaker[AsyncSession]
Q2 = Period.parse("2022Q2")
TODAY = date(2022, 7, 10)
NOW = datetime(2022, 7, 10, 2, 0, tzinfo=UTC)
# The reads are stamped with the real time of their fetches; the sections are read as of now.
SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, retry_attempts=1)


def _list(page: int, dates: list[date], pager: str) -> str:
    rows = "".join(
        f'<li><a href="/a/p{page}_{i}.html">关于做好第{page}页第{i}项工作的通知</a>'
        f"<span>{day.isoformat()}</span></li>"
        for i, day in enumerate(dates)
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>'
        f'<ul class="list">{rows}</ul>{pager}</body></html>'
    )


def _dates(start: date, count: int) -> list[date]:
    return [start - timedelta(days=3 * i) for i in range(count)]


# Three pages: 6 + 6 in the period, then 2 in it and 2 before it.
PAGES = [
    _dates(date(2022, 6, 30), 6),
    _dates(date(2022, 5, 31), 6),
    [date(2022, 4, 5), date(2022, 4, 1), date(2022, 3, 31), date(2022, 3, 1)],
]


def _paths(style: str) -> list[str]:
    if style == "trs":
        return ["/c/index.html", "/c/index_1.html", "/c/index_2.html"]
    if style == "numbered":
        return ["/c/list.html", "/c/list_2.html", "/c/list_3.html"]
    if style == "query":
        return ["/c/", "/c/?page=2", "/c/?page=3"]
    if style == "next":
        return ["/c/", "/c/more_a.shtml", "/c/more_b.shtml"]
    return [
        "/col/col12/index.html?uid=34",
        "/col/col12/index.html?uid=34&pageNum=2",
        "/col/col12/index.html?uid=34&pageNum=3",
    ]


def _pager(style: str, paths: list[str], page: int) -> str:
    if style == "trs":
        return f'<script>createPageHTML({len(paths)}, {page}, "index", "html");</script>'
    if style == "next":
        if page + 1 < len(paths):
            return f'<div class="page"><a href="{paths[page + 1]}">下一页</a></div>'
        return '<div class="page"><span>下一页</span></div>'
    links = " ".join(
        f"<span>{n + 1}</span>" if n == page else f'<a href="{escape(p)}">{n + 1}</a>'
        for n, p in enumerate(paths)
    )
    return f'<div class="page">{links}</div>'


def _serve(site: ListSite, style: str, pages: list[list[date]]) -> str:
    paths = _paths(style)[: len(pages)]
    if len(pages) > len(paths):
        paths = [*paths, *(f"/c/?page={n + 1}" for n in range(len(paths), len(pages)))]
    for number, (path, dates) in enumerate(zip(paths, pages, strict=True)):
        site.pages[path] = (200, _list(number, dates, _pager(style, paths, number)))
    return site.url(paths[0])


def _unit(*columns: DisclosureColumn) -> DisclosureUnit:
    return DisclosureUnit(
        id="zrzy", name="自然资源和规划局", level=Level.DEPARTMENT, columns=columns
    )


@pytest.mark.parametrize("style", ["trs", "numbered", "query", "next", "hanweb"])
async def test_each_pagination_style_is_followed_to_the_period_start(
    list_site: ListSite, style: str
) -> None:
    url = _serve(list_site, style, PAGES)
    column = DisclosureColumn(id="c", name="通知公告", url=url)
    async with Fetcher(SETTINGS) as fetcher:
        read = await read_column(fetcher, _unit(column), column, period=Q2, today=TODAY)
    assert read.stopped == "period_start"
    assert read.pages_read == 3
    assert read.complete
    in_period = [i for i in read.items if i.published and Q2.start <= i.published <= Q2.end]
    assert len(in_period) == 14
    assert len(read.items) == 16


async def test_a_page_older_than_the_period_ends_the_read(list_site: ListSite) -> None:
    pages = [_dates(date(2022, 6, 30), 5), [date(2022, 4, 2), date(2022, 3, 30)], PAGES[0]]
    url = _serve(list_site, "query", pages)
    column = DisclosureColumn(id="c", name="通知公告", url=url)
    async with Fetcher(SETTINGS) as fetcher:
        read = await read_column(fetcher, _unit(column), column, period=Q2, today=TODAY)
    assert (read.stopped, read.pages_read) == ("period_start", 2)
    assert "/c/?page=3" not in list_site.requests


async def test_the_last_page_ends_the_read(list_site: ListSite) -> None:
    url = _serve(list_site, "trs", PAGES[:2])
    column = DisclosureColumn(id="c", name="通知公告", url=url)
    async with Fetcher(SETTINGS) as fetcher:
        read = await read_column(fetcher, _unit(column), column, period=Q2, today=TODAY)
    assert (read.stopped, read.pages_read, read.complete) == ("last_page", 2, True)


async def test_the_page_limit_ends_the_read_incomplete(list_site: ListSite) -> None:
    url = _serve(list_site, "numbered", PAGES)
    column = DisclosureColumn(id="c", name="通知公告", url=url)
    async with Fetcher(SETTINGS) as fetcher:
        read = await read_column(
            fetcher, _unit(column), column, period=Q2, today=TODAY, page_limit=2
        )
    assert (read.stopped, read.pages_read, read.complete) == ("page_limit", 2, False)
    assert "/c/list_3.html" not in list_site.requests


async def test_a_repeated_page_ends_the_read(list_site: ListSite) -> None:
    # A CMS that answers every page number with the first page.
    url = _serve(list_site, "query", [PAGES[0], PAGES[0]])
    list_site.pages["/c/?page=2"] = list_site.pages["/c/"]
    column = DisclosureColumn(id="c", name="通知公告", url=url)
    async with Fetcher(SETTINGS) as fetcher:
        read = await read_column(fetcher, _unit(column), column, period=Q2, today=TODAY)
    assert (read.stopped, read.pages_read, read.complete) == ("repeat", 1, True)


async def test_the_same_items_on_another_page_are_a_repeat(list_site: ListSite) -> None:
    url = _serve(list_site, "next", [PAGES[0], PAGES[0], PAGES[2]])
    paths = _paths("next")
    # page 2 shows page 1's items again, under another pager
    list_site.pages[paths[1]] = (200, _list(0, PAGES[0], _pager("next", paths, 1)))
    column = DisclosureColumn(id="c", name="通知公告", url=url)
    async with Fetcher(SETTINGS) as fetcher:
        read = await read_column(fetcher, _unit(column), column, period=Q2, today=TODAY)
    assert (read.stopped, read.pages_read) == ("repeat", 1)


async def test_a_failing_page_makes_the_read_incomplete(
    list_site: ListSite, sessions: Sessions
) -> None:
    url = _serve(list_site, "trs", PAGES)
    list_site.pages["/c/index_1.html"] = (500, "server error")
    column = DisclosureColumn(id="c", name="通知公告", url=url)
    unit = _unit(column)
    await crawl_units([unit], sessions=sessions, settings=SETTINGS, period=Q2, now=NOW)
    async with sessions() as session:
        section = await disclosure_section(session, units=[unit], period=Q2, as_of=utc_now())
    (row,) = section["units"]
    (entry,) = row["columns"]
    assert entry["stopped"] == "failed"
    assert entry["outcome"] == "ok"  # the first page was read
    assert entry["pages_read"] == 1
    assert entry["published"] == 6  # a lower bound
    assert not entry["complete"]
    assert not row["complete"]
    assert "index_1.html" in (entry["detail"] or "")


async def test_an_unreachable_column_is_not_zero_but_unknown(
    list_site: ListSite, sessions: Sessions
) -> None:
    column = DisclosureColumn(id="c", name="通知公告", url=list_site.url("/missing/"))
    unit = _unit(column)
    await crawl_units([unit], sessions=sessions, settings=SETTINGS, period=Q2, now=NOW)
    async with sessions() as session:
        section = await disclosure_section(session, units=[unit], period=Q2, as_of=utc_now())
    entry = section["units"][0]["columns"][0]
    assert entry["outcome"] == "http_error"
    assert not entry["complete"]
    assert not section["units"][0]["complete"]
    assert section["findings"] == []


async def test_section_counts_overviews_and_findings(
    list_site: ListSite, sessions: Sessions
) -> None:
    single = [date(2022, 5, 5), date(2022, 3, 1)]
    list_site.pages["/a/"] = (200, _list(0, single, ""))
    list_site.pages["/b/"] = (200, _list(1, single, ""))
    list_site.pages["/gk/"] = (
        200,
        '<html><head><meta charset="utf-8"><meta name="PubDate" content="2020-03-02 09:00">'
        "</head><body><h1>机构概况</h1><p>"
        + "本单位负责辖区各项工作。" * 20
        + "</p></body></html>",
    )
    unit = DisclosureUnit(
        id="kjz",
        name="克井镇",
        level=Level.TOWN,
        columns=(
            DisclosureColumn(id="a", name="通知公告", url=list_site.url("/a/")),
            DisclosureColumn(id="b", name="政策文件", url=list_site.url("/b/")),
            DisclosureColumn(id="gk", name="镇情概况", url=list_site.url("/gk/"), overview=True),
        ),
    )
    await crawl_units([unit], sessions=sessions, settings=SETTINGS, period=Q2, now=NOW)
    async with sessions() as session:
        section = await disclosure_section(session, units=[unit], period=Q2, as_of=utc_now())
    assert section["period"] == {"label": "2022Q2", "start": "2022-04-01", "end": "2022-06-30"}
    assert section["totals"]["published"] == 2
    assert section["totals"]["by_level"]["town"] == {"units": 1, "columns": 3, "published": 2}
    (row,) = section["units"]
    assert (row["id"], row["level"], row["parent"], row["published"]) == ("kjz", "town", None, 2)
    assert row["complete"]
    overview = row["columns"][2]
    assert overview["newest"] == "2020-03-02"
    codes = sorted((f["code"], f["message"]) for f in section["findings"])
    assert codes == [
        ("disclosure-columns-single-item", "多个栏目只更新一条信息"),
        ("disclosure-overview-stale", "概况信息最后更新时间为2020年"),
    ]
    assert all(f["unit"] == "kjz" and f["level"] == "town" for f in section["findings"])
    assert all(f["evidence"]["url"] for f in section["findings"])


async def test_an_empty_column_is_read_completely_and_a_page_without_list_is_not(
    list_site: ListSite,
) -> None:
    empty = '<html><head><meta charset="utf-8"></head><body><p>暂无信息</p></body></html>'
    nothing = '<html><head><meta charset="utf-8"></head><body><p>欢迎访问</p></body></html>'
    list_site.pages["/empty/"] = (200, empty)
    list_site.pages["/nothing/"] = (200, nothing)
    reads = []
    async with Fetcher(SETTINGS) as fetcher:
        for path in ("/empty/", "/nothing/"):
            column = DisclosureColumn(id="c", name="通知公告", url=list_site.url(path))
            reads.append(await read_column(fetcher, _unit(column), column, period=Q2, today=TODAY))
    assert (reads[0].stopped, reads[0].complete, reads[0].items) == ("last_page", True, ())
    assert (reads[1].stopped, reads[1].complete) == ("failed", False)
    assert "no list" in (reads[1].detail or "")
