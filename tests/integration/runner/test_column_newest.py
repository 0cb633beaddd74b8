"""Column pages whose newest item is easy to lose, crawled from a loopback site into a real
database: a headline block above the list, a list split over eight wrappers, a year-less list
across the new year under an old pinned item, a pinned old item over a fresh list, an old
column whose year-less dates take their year from the URLs, and an article page with a box of
related links. Each column's newest date and finding is what an inspector reading the page
would find; none is a false "not updated"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from crawler.fetch import FetchSettings
from crawler.sites.runner import CrawlPlan, CrawlReport, crawl
from rules.model import SHANGHAI, Category, Column, Site, local_date
from rules.profile_files import load_profile
from tests.support.loopsite import Site as LoopSite
from tests.support.loopsite import list_page

# Judged on 6 January (of this year, or the last when it is not yet 6 January): a check a few
# days after the turn of the year, in the past so that the fetches come after it.
_REAL_TODAY = local_date(datetime.now(UTC))
CHECK_DATE = date(_REAL_TODAY.year - (1 if _REAL_TODAY < date(_REAL_TODAY.year, 1, 6) else 0), 1, 6)
NOW = datetime.combine(CHECK_DATE, time(10, 0), tzinfo=SHANGHAI)
PROFILES = {"national-2019": load_profile("national-2019")}
SETTINGS = FetchSettings(
    per_host_delay_s=0,
    jitter_s=0,
    timeout_s=2,
    connect_timeout_s=1,
    retry_base_wait_s=0,
    retry_max_wait_s=0.1,
    max_body_bytes=200_000,
)
HTML = "text/html; charset=utf-8"


def ago(days: int) -> date:
    return CHECK_DATE - timedelta(days=days)


def page(body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>栏目</title>{head}</head>'
        f'<body><div class="header"><a href="/">首页</a>'
        f"<span>今天是{CHECK_DATE:%Y年%m月%d日}</span></div>{body}"
        f'<div class="footer">© 2004-{CHECK_DATE.year} 版权所有</div></body></html>'
    )


def rows(path: str, dates: list[str], *, start: int = 0) -> str:
    return "".join(
        f'<li><a href="/{path}/{start + n}.html">关于开展第{start + n}批专项检查工作的情况通报</a>'
        f"<span>{shown}</span></li>"
        for n, shown in enumerate(dates)
    )


def headline_column() -> str:
    """The newest item stands alone in a 头条 block above a list whose newest is 27 days old."""
    headline = (
        '<div class="toutiao"><h3>'
        '<a href="/tt/top.html">全县召开新年第一次重点项目推进会议</a></h3>'
        "<p>会议听取了各乡镇重点项目进展情况汇报，部署了下一阶段的工作。</p>"
        f'<span class="time">{ago(3).isoformat()}</span></div>'
    )
    listed = rows("tt", [ago(day).isoformat() for day in range(27, 33)])
    body = f'<div class="main"><h2>工作动态</h2>{headline}<ul class="list">{listed}</ul></div>'
    return page(body)


def split_column() -> str:
    """Eight ``div.group > ul`` of a list: the first holds three entries, the newest."""
    first = rows("fz", [ago(day).isoformat() for day in (2, 4, 6)])
    groups = [f'<div class="group"><ul>{first}</ul></div>']
    for group in range(7):
        days = [30 + group * 5 + n for n in range(5)]
        groups.append(
            '<div class="group"><ul>'
            + rows("fz", [ago(day).isoformat() for day in days], start=10 + group * 5)
            + "</ul></div>"
        )
    return page(f'<div class="main"><div class="news">{"".join(groups)}</div></div>')


def yearless_column() -> str:
    """MM-DD dates across the turn of the year, under a pinned item with a full old date."""
    pinned = (
        '<li class="top"><span class="zd">置顶</span>'
        '<a href="/nd/pinned.html">关于公布本单位举报投诉电话和电子邮箱的公告</a>'
        f"<span>{date(CHECK_DATE.year - 1, 6, 1).isoformat()}</span></li>"
    )
    shown = [ago(day).strftime("%m-%d") for day in (3, 17, 22, 27)]
    listed = rows("nd", [f"[{day}]" for day in shown])
    return page(f'<div class="main"><ul class="list">{pinned}{listed}</ul></div>')


def pinned_column() -> str:
    """A 置顶 item from more than a year ago over a fresh list."""
    pinned = (
        '<li><a href="/zd/pinned.html">【置顶】关于规范政务服务事项办理流程的公告</a>'
        f"<span>{ago(400).isoformat()}</span></li>"
    )
    listed = rows("zd", [ago(day).isoformat() for day in (5, 9, 12, 20)])
    return page(f'<div class="main"><ul class="list">{pinned}{listed}</ul></div>')


def old_column() -> str:
    """A column last updated two years ago: year-less dates, years in the URLs."""
    year = CHECK_DATE.year - 2
    entries = "".join(
        f'<li><a href="/gh/{year}{month:02d}/t{year}{month:02d}{day:02d}_{n}.html">'
        f"某某县{year}年第{n}批规划计划编制情况公示</a><span>{month:02d}-{day:02d}</span></li>"
        for n, (month, day) in enumerate([(3, 15), (2, 10), (1, 8)])
    )
    return page(f'<div class="main"><ul class="list">{entries}</ul></div>')


def article_column() -> str:
    """A column address that shows one article, with a box of older related articles."""
    title = "关于做好岁末年初安全生产工作的通知"
    head = (
        f'<meta name="ArticleTitle" content="{title}">'
        f'<meta name="PubDate" content="{ago(60).isoformat()} 09:00">'
    )
    related = rows("xg", [ago(day).isoformat() for day in range(40, 50)])
    body = (
        f'<div class="article"><h1>{title}</h1>'
        f'<div class="info">发布时间：{ago(60).isoformat()}</div>'
        "<div class='content'><p>各乡镇、各部门：请认真做好岁末年初安全生产各项工作。</p></div>"
        f"<div><h3>相关文章</h3><ul>{related}</ul></div></div>"
    )
    return page(body, head)


def make_site(loop: LoopSite) -> Site:
    loop.pages = {
        "/": (200, HTML, list_page([("某某县人民政府工作动态信息", ago(1).isoformat())] * 3)),
        "/headline/": (200, HTML, headline_column()),
        "/split/": (200, HTML, split_column()),
        "/yearless/": (200, HTML, yearless_column()),
        "/pinned/": (200, HTML, pinned_column()),
        "/old/": (200, HTML, old_column()),
        "/article/": (200, HTML, article_column()),
    }

    def column(cid: str, name: str, category: Category = Category.NEWS) -> Column:
        return Column(id=cid, name=name, url=loop.url(f"/{cid}/"), category=category)

    return Site(
        id="blocks",
        name="环回区块测试局",
        homepage=loop.url("/"),
        columns=(
            column("headline", "工作动态"),
            column("split", "部门动态"),
            column("yearless", "乡镇动态"),
            column("pinned", "通知公告", Category.NOTICE),
            column("old", "规划计划", Category.PLAN),
            column("article", "图片新闻"),
        ),
    )


async def crawl_site(site: Site, engine: AsyncEngine) -> CrawlReport:
    plan = CrawlPlan(sites=[site], profiles=PROFILES, fetch_settings=SETTINGS, now=NOW)
    return await crawl(plan, engine=engine, clock=lambda: datetime.now(UTC))


async def test_newest_dates_and_findings_as_an_inspector_reads_them(
    site: LoopSite, engine: AsyncEngine
) -> None:
    report = await crawl_site(make_site(site), engine)
    assert report.status == "completed"
    (site_report,) = report.sites
    pages = {p.facts.column_id: p for p in site_report.pages if p.facts.column_id}
    newest = {cid: p.facts.newest.published if p.facts.newest else None for cid, p in pages.items()}
    assert newest == {
        "headline": ago(3),
        "split": ago(2),
        "yearless": ago(3),
        "pinned": ago(5),
        "old": date(CHECK_DATE.year - 2, 3, 15),
        "article": None,
    }
    verdicts = {cid: p.verdict.value for cid, p in pages.items()}
    assert verdicts == {
        "headline": "fresh",
        "split": "fresh",
        "yearless": "fresh",
        "pinned": "fresh",
        "old": "stale",
        "article": "unreadable",
    }
    problems = {
        (f.column_id, f.code) for f in site_report.findings if f.severity.value == "problem"
    }
    assert problems == {("old", "column-stale")}  # a true finding, and the only one
    stale = next(f for f in site_report.findings if f.code == "column-stale")
    assert stale.evidence.newest_date == date(CHECK_DATE.year - 2, 3, 15)
    assert stale.evidence.newest_where == "ul.list > li[1] > span, year inferred from URL"
    unreadable = next(f for f in site_report.findings if f.column_id == "article")
    assert unreadable.code == "column-unreadable"

    assert pages["headline"].facts.item_count == 7  # the headline and the six listed
    assert pages["split"].facts.item_count == 38
    assert pages["pinned"].facts.item_count == 5


async def test_the_evidence_says_where_a_year_was_inferred(
    site: LoopSite, engine: AsyncEngine
) -> None:
    await crawl_site(make_site(site), engine)
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                text(
                    "SELECT url, published, date_where, date_text FROM items "
                    "WHERE column_id = 'yearless' ORDER BY url"
                )
            )
        ).all()
    by_path = {row.url.rsplit("/", 1)[1]: row for row in stored}
    pinned = by_path["pinned.html"]
    assert str(pinned.published) == f"{CHECK_DATE.year - 1}-06-01"
    assert "inferred" not in pinned.date_where  # its year is printed
    for n, day in enumerate((3, 17, 22, 27)):
        row = by_path[f"{n}.html"]
        assert str(row.published) == ago(day).isoformat()
        assert row.date_where.startswith(f"ul.list > li[{n + 2}] > span, year inferred from ")
        assert row.date_text == f"[{ago(day):%m-%d}]"
