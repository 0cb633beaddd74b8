"""Section 二 counted in full: the portal's columns read back through their pages.

A loopback portal whose 要闻 column's first page is all newer than the quarter judged: the
crawl reads its pages back to the quarter's start and the export counts exactly what the
column published in it; a page that fails leaves a lower bound, said as such in the notice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.disclosure.portal import crawl_portal, portal_site
from crawler.fetch import FetchSettings
from crawler.operations.jobs import crawl_targets
from crawler.output.judged import judge_stored
from crawler.report import parse_export, text
from crawler.targets import Targets, parse_targets
from rules.period import Period
from tests.integration.disclosure.conftest import ListSite

NOW = datetime(2026, 7, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai: the Q2 notice is written
# Fetches (and so the items' and reads' times) are stamped by the wall clock: a judgement
# counts what had been read by its moment, so these tests judge at the wall clock.
Q2 = Period.parse("2026Q2")
PAGE_SIZE = 10
SETTINGS = FetchSettings(per_host_delay_s=0, jitter_s=0, retry_attempts=1)
Items = list[tuple[str, date]]  # (article path, list date), newest first


def url_of(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _page_path(column: str, page: int) -> str:
    return f"/{column}/index.html" if page == 0 else f"/{column}/index_{page}.html"


def _serve(site: ListSite, column: str, items: Items) -> list[str]:
    """``items`` as list pages of ``PAGE_SIZE`` joined by 下一页 links; the pages' paths."""
    pages = [items[n : n + PAGE_SIZE] for n in range(0, len(items), PAGE_SIZE)] or [[]]
    paths = []
    for number, chunk in enumerate(pages):
        rows = "".join(
            f'<li><a href="{path}">关于{column}工作的信息{path[-12:-5]}</a>'
            f"<span>{day.isoformat()}</span></li>"
            for path, day in chunk
        )
        following = (
            f'<a href="{_page_path(column, number + 1)}">下一页</a>'
            if number + 1 < len(pages)
            else ""
        )
        html = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>列表</title></head><body>'
            f'<ul class="list">{rows}</ul><div class="page">{following}</div></body></html>'
        )
        site.pages[_page_path(column, number)] = (200, html)
        paths.append(_page_path(column, number))
    return paths


def _items(column: str, days: list[date]) -> Items:
    return [(f"/{column}/art/{n:04d}.html", day) for n, day in enumerate(days)]


def _in(items: Items, period: Period) -> set[str]:
    return {path for path, day in items if period.start <= day <= period.end}


JULY = [date(2026, 7, 9) - timedelta(days=n // 2) for n in range(10)]  # one page, after Q2
SPRING = [date(2026, 6, 30) - timedelta(days=2 * n) for n in range(46)]  # 06-30 … 04-01
MARCH = [date(2026, 3, 31) - timedelta(days=3 * n) for n in range(8)]


def _targets(site: ListSite) -> Targets:
    return parse_targets(_targets_text(site))


def _targets_text(site: ListSite) -> str:
    return f"""
version: 1
sites:
  - id: portal
    name: 某某市人民政府
    homepage: {site.url("/")}
    columns:
      - {{id: yw, name: 要闻, url: "{site.url("/yw/index.html")}", category: news}}
      - {{id: wj, name: 管委会文件, url: "{site.url("/wj/index.html")}", category: notice}}
      - {{id: gb, name: 政府公报, url: "{site.url("/gb/index.html")}", category: notice}}
      - {{id: mt, name: 媒体聚焦, url: "{site.url("/mt/index.html")}", category: news}}
      - {{id: gk, name: 政府概况, url: "{site.url("/gk/index.html")}", category: static}}
  - id: other
    name: 某某局
    homepage: {site.url("/other/")}
    columns:
      - {{id: dt, name: 工作动态, url: "{site.url("/other/dt.html")}", category: news}}
"""


def _portal(site: ListSite) -> dict[str, Items]:
    """The portal's columns; 媒体聚焦 also lists one article of 要闻 (counted once in all)."""
    columns = {
        "yw": _items("yw", JULY + SPRING + MARCH),
        "wj": _items("wj", [date(2026, 6, 12), date(2026, 5, 3), date(2026, 4, 8), *MARCH[:2]]),
        "gb": _items("gb", [*JULY[:2], date(2026, 6, 1), date(2026, 5, 1), date(2026, 4, 1)]),
        "mt": _items("mt", JULY + SPRING[:5])
        + [("/yw/art/0010.html", SPRING[0])]
        + [(f"/mt/art/old{n}.html", day) for n, day in enumerate(MARCH)],
    }
    for column, items in columns.items():
        _serve(site, column, items)
    # 政府公报 has a second page (older issues) that fails to load
    site.pages["/gb/index.html"] = (
        200,
        site.pages["/gb/index.html"][1].replace(
            '<div class="page"></div>',
            '<div class="page"><a href="/gb/index_1.html">下一页</a></div>',
        ),
    )
    site.pages["/gb/index_1.html"] = (500, "server error")
    site.pages["/gk/index.html"] = (200, "<html><body><h1>政府概况</h1><p>概况。</p></body></html>")
    site.pages["/"] = site.pages["/yw/index.html"]
    site.pages["/other/"] = site.pages["/yw/index.html"]
    # another site's column: only its first page is read (the portal's are read through)
    _serve(site, "other", _items("other", SPRING[:12]))
    site.pages["/other/dt.html"] = site.pages.pop("/other/index.html")
    return columns


async def _crawl(site: ListSite, db: str) -> None:
    await crawl_targets(
        targets=_targets(site),
        wanted=(),
        db=db,
        now=NOW,
        settings=SETTINGS,
        show_progress=False,
        keep_bodies_days=400,
        link_checks=None,
    )


async def _export(site: ListSite, db: str, *, moment: datetime | None = None) -> dict[str, Any]:
    targets = _targets(site)
    judged = await judge_stored(
        targets, list(targets.sites), [], db=db, moment=moment or datetime.now(UTC), period=Q2
    )
    return judged.export


async def _publishing(site: ListSite, db: str, *, moment: datetime | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = (await _export(site, db, moment=moment))["publishing"][0]
    return entry


async def test_columns_are_counted_back_to_the_period_start(
    list_site: ListSite, engine: AsyncEngine
) -> None:
    columns = _portal(list_site)
    db = url_of(engine)
    await _crawl(list_site, db)

    # 要闻's first page is all July; its pages were read down to the one crossing 1 April
    assert "/yw/index_5.html" in list_site.requests  # the page holding 04-01 and March
    assert "/yw/index_6.html" not in list_site.requests  # the older pages are not needed
    assert "/other/index_1.html" not in list_site.requests  # not the portal: its first page

    export = await _export(list_site, db)
    entry = export["publishing"][0]
    assert export["publishing"][1]["site"] == "other"
    assert export["publishing"][1]["complete"] is False  # a lower bound: never read through
    by_column = {c["column"]: c for c in entry["columns"]}
    truth = {column: _in(items, Q2) for column, items in columns.items()}
    assert {c: by_column[c]["published"] for c in ("yw", "wj", "mt")} == {
        c: len(truth[c]) for c in ("yw", "wj", "mt")
    }
    assert by_column["yw"]["published"] == 46  # the first page alone showed none of them
    assert by_column["yw"]["complete"] is True
    assert by_column["yw"]["stopped"] == "period_start"
    assert by_column["yw"]["pages_read"] == 6
    # 政府公报: its second page failed: what its first page showed, a lower bound
    assert by_column["gb"]["published"] == 3
    assert by_column["gb"]["complete"] is False
    assert by_column["gb"]["stopped"] == "failed"
    assert by_column["gk"] == {
        "column": "gk",
        "name": "政府概况",
        "category": "static",
        "report_category": None,
        "published": 0,
        "complete": True,
        "pages_read": None,
        "stopped": None,
    }
    shown = set().union(*truth.values())  # every article dated in Q2, once
    assert entry["total"] == len(shown) == 46 + 3 + 5 + 3  # the shared article once
    assert entry["complete"] is False
    assert [(c["category"], c["published"], c["complete"]) for c in entry["categories"]] == [
        ("news", 46, True),
        ("documents", 3, True),
        ("gazette", 3, False),
    ]

    sentence = text.portal_publishing(parse_export(export))
    assert sentence == (
        "2026年第二季度，截至6月30日，某某市人民政府门户网站共发布信息≥57条，其中要闻类46条，"
        "管委会及办公室文件3份，政府公报≥3期。标“≥”的数量有栏目未能读取至本期开始，为不完全统计。"
    )

    # the page loads again: the next crawl reads 政府公报 whole, and the counts are the truth
    between = datetime.now(UTC)
    _serve(list_site, "gb", columns["gb"] + _items("gb-old", MARCH))
    await _crawl(list_site, db)
    entry = await _publishing(list_site, db)
    assert entry["complete"] is True
    assert entry["total"] == 57
    assert [c["published"] for c in entry["categories"]] == [46, 3, 3]
    # judged as it stood before the second crawl, the failed read still says so
    before = await _publishing(list_site, db, moment=between)
    assert before["complete"] is False
    assert before["total"] == 57  # and nothing was missing but the one read


async def test_a_page_limit_leaves_a_lower_bound(list_site: ListSite, engine: AsyncEngine) -> None:
    _portal(list_site)
    db = url_of(engine)
    portal = portal_site(_targets(list_site))
    assert portal is not None
    assert portal.id == "portal"
    stops = await crawl_portal(
        portal,
        sessions=async_sessionmaker(engine, expire_on_commit=False),
        settings=SETTINGS,
        period=Q2,
        now=NOW,
        page_limit=3,
    )
    assert stops["page_limit"] == 1  # 要闻 needed seven pages
    entry = await _publishing(list_site, db)
    yw = next(c for c in entry["columns"] if c["column"] == "yw")
    assert yw["stopped"] == "page_limit"
    assert yw["complete"] is False
    assert yw["published"] == 2 * PAGE_SIZE  # pages two and three: all in the quarter


async def test_a_crawl_of_another_site_does_not_read_the_portal(
    list_site: ListSite, tmp_path: Path
) -> None:
    _portal(list_site)
    await crawl_targets(
        targets=_targets(list_site),
        wanted=("other",),
        db=str(tmp_path / "x.sqlite3"),
        now=NOW,
        settings=SETTINGS,
        show_progress=False,
        keep_bodies_days=400,
        link_checks=None,
    )
    assert not any(path.startswith("/yw/") for path in list_site.requests)


async def test_a_column_that_failed_in_the_crawl_is_not_read_again_at_once(
    list_site: ListSite, engine: AsyncEngine
) -> None:
    _portal(list_site)
    list_site.pages["/wj/index.html"] = (503, "busy")  # the crawl's fetch of 管委会文件 fails
    db = url_of(engine)
    await _crawl(list_site, db)
    # asked once by the crawl (retry_attempts=1), never again by the portal's read
    assert list_site.requests.count("/wj/index.html") == 1
    assert list_site.requests.count("/yw/index.html") >= 2  # the others are read through
    entry = await _publishing(list_site, db)
    assert entry["complete"] is False
    documents = next(c for c in entry["categories"] if c["category"] == "documents")
    assert documents["complete"] is False


def test_the_report_settings_name_the_portal(list_site: ListSite) -> None:
    targets = _targets(list_site)
    named = parse_targets(
        _targets_text(list_site).replace("version: 1\n", "version: 1\nreport: {portal: other}\n")
    )
    assert portal_site(targets) is not None
    assert portal_site(named) == next(s for s in named.sites if s.id == "other")
