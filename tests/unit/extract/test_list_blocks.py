"""Which block holds a column's newest item: the list, the headline and pinned blocks above it
in the same region, never a side box, a comment list or a row of attachments."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extract import extract_page

TODAY = date(2022, 5, 24)
BASE = "http://www.example.gov.cn/col/gzdt/index.html"


def _page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def _rows(path: str, dates: list[str], *, start: int = 0) -> str:
    return "".join(
        f"<li><a href='/{path}/{start + n}.html'>某某县第{start + n}项重点工作推进情况通报</a>"
        f"<span>{shown}</span></li>"
        for n, shown in enumerate(dates)
    )


LIST = (
    "<ul class='list'>"
    + _rows("gzdt", [f"2022-05-{day:02d}" for day in (10, 9, 6, 3, 2)])
    + "</ul>"
)


def _paths(body: str) -> list[str]:
    result = extract_page(_page(body), base_url=BASE, today=TODAY)
    assert result.kind == "list"
    return [item.url.split("example.gov.cn", 1)[1] for item in result.items]


def test_a_headline_block_above_the_list_holds_the_newest_item() -> None:
    headline = (
        "<div class='headline'><h3><a href='/gzdt/top.html'>全县召开重点项目建设推进会议</a></h3>"
        "<p>5月19日，全县召开重点项目建设推进会议，部署下一阶段工作。</p>"
        "<span class='time'>2022-05-20</span></div>"
    )
    html = _page(f"<div class='main'><h2>工作动态</h2>{headline}{LIST}</div>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.newest == date(2022, 5, 20)
    assert result.items[0].url == "http://www.example.gov.cn/gzdt/top.html"
    assert result.items[0].date_where == "div.main > div[1] > span.time"
    assert len(result.items) == 6


def test_a_headline_beside_the_lists_wrapper_with_a_picture() -> None:
    headline = (
        "<div class='focus'><a href='/gzdt/top.html'><img src='/p.jpg' alt=''></a>"
        "<div class='txt'><a href='/gzdt/top.html'>全县召开重点项目建设推进会议</a>"
        "<em>2022-05-21</em></div></div>"
    )
    body = f"<div class='main'>{headline}<div class='box'>{LIST}</div></div>"
    assert _paths(body)[0] == "/gzdt/top.html"
    assert extract_page(_page(body), base_url=BASE, today=TODAY).newest == date(2022, 5, 21)


def test_a_pinned_block_of_two_above_the_list() -> None:
    pinned = (
        "<ul class='top-list'>"
        "<li><a href='/gzdt/p1.html'>关于做好防汛工作的紧急通知（置顶）</a>"
        "<span>2022-05-23</span></li>"
        "<li><a href='/gzdt/p2.html'>关于公布举报投诉电话和邮箱的公告</a>"
        "<span>2019-03-12</span></li>"
        "</ul>"
    )
    result = extract_page(
        _page(f"<div class='main'>{pinned}{LIST}</div>"), base_url=BASE, today=TODAY
    )
    assert result.newest == date(2022, 5, 23)
    assert [item.url.rsplit("/", 1)[1] for item in result.items[:2]] == ["p1.html", "p2.html"]
    assert len(result.items) == 7


def test_a_headline_that_repeats_the_first_entry_counts_once() -> None:
    headline = (
        "<div class='headline'><a href='/gzdt/0.html'>某某县第0项重点工作推进情况通报</a>"
        "<span>2022-05-10</span></div>"
    )
    assert _paths(f"<div class='main'>{headline}{LIST}</div>").count("/gzdt/0.html") == 1


@pytest.mark.parametrize(
    "above",
    [
        # a side box before the list
        "<div class='side-box'><a href='/x/1.html'>关于临时交通管制的通告内容</a>"
        "<span>2022-05-23</span></div>",
        # a titled box of recommended reading
        "<div><h3>推荐阅读</h3><p><a href='/x/1.html'>关于临时交通管制的通告内容</a>"
        "<span>2022-05-23</span></p></div>",
        # a today line and a link to the column itself
        "<div class='bar'><a href='/col/gzdt/'>工作动态</a><span>今天是2022年5月24日</span></div>",
        # a breadcrumb
        "<div class='position'>当前位置：<a href='/'>首页</a> &gt; <a href='/zwgk/'>政务公开</a>"
        " 2022-05-24</div>",
        # an undated headline adds nothing
        "<div class='headline'><a href='/x/1.html'>全县召开重点项目建设推进会议</a></div>",
    ],
)
def test_what_is_not_a_block_of_the_column(above: str) -> None:
    result = extract_page(
        _page(f"<div class='main'>{above}{LIST}</div>"), base_url=BASE, today=TODAY
    )
    assert result.newest == date(2022, 5, 10)
    assert all("/gzdt/" in item.url for item in result.items)


def test_a_menu_between_stops_the_search_for_blocks() -> None:
    headline = (
        "<div class='headline'><a href='/x/top.html'>另一个栏目里的一条重要信息标题</a>"
        "<span>2022-05-23</span></div>"
    )
    menu = (
        "<div class='tabs'>"
        + "".join(f"<a href='/m/{n}/'>子栏目名称{n}</a>" for n in range(5))
        + "</div>"
    )
    assert "/x/top.html" not in _paths(f"<div class='main'>{headline}{menu}{LIST}</div>")


def test_blocks_are_looked_for_in_the_column_region_only() -> None:
    # a dated block at the top of the body is the page's, not the column's
    header = (
        "<div class='notice'><a href='/x/1.html'>关于系统升级维护的公告通知</a> 2022-05-23</div>"
    )
    assert "/x/1.html" not in _paths(f"{header}<div class='main'>{LIST}</div>")


def test_a_pinned_old_item_does_not_hide_a_newer_list() -> None:
    pinned = (
        "<li class='top'><span class='zd'>置顶</span>"
        "<a href='/gzdt/pin.html'>关于公布举报投诉电话和邮箱的公告</a><span>2019-03-12</span></li>"
    )
    html = _page(
        f"<ul class='list'>{pinned}" + _rows("gzdt", ["2022-05-20", "2022-05-18"]) + "</ul>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.newest == date(2022, 5, 20)
    assert result.items[0].published == date(2019, 3, 12)  # still an item


def test_a_pinned_old_year_less_item_does_not_date_the_list() -> None:
    pinned = (
        "<li><a href='/gzdt/pin.html'>关于公布举报投诉电话和邮箱的公告</a>"
        "<i>置顶</i><span>07-01</span></li>"
    )
    dates = ["05-20", "05-18", "05-11", "04-30"]
    html = _page(f"<ul class='list'>{pinned}" + _rows("gzdt", dates) + "</ul>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.newest == date(2022, 5, 20)
    assert result.items[0].published == date(2021, 7, 1)
    assert [item.published for item in result.items[1:]] == [
        date(2022, 5, 20),
        date(2022, 5, 18),
        date(2022, 5, 11),
        date(2022, 4, 30),
    ]


def test_rows_of_attachment_links_never_win_over_the_column_list() -> None:
    files = "".join(
        f"<li><a href='/files/{n}.pdf'>某某县2022年第{n}季度财政预算执行情况表</a>"
        f"<span>2022-05-{20 - n}</span></li>"
        for n in range(8)
    )
    old = "<ul class='list'>" + _rows("gzdt", [f"2022-03-{20 - n}" for n in range(4)]) + "</ul>"
    result = extract_page(
        _page(f"<div class='main'>{old}<div class='fj'><ul>{files}</ul></div></div>"),
        base_url=BASE,
        today=TODAY,
    )
    assert result.newest == date(2022, 3, 20)
    assert all("/files/" not in item.url for item in result.items)


def test_a_download_column_of_files_alone_is_still_the_list() -> None:
    files = "".join(
        f"<li><a href='/files/{n}.docx'>某某县政务服务事项申请表格第{n}号</a>"
        f"<span>2022-05-{20 - n}</span></li>"
        for n in range(5)
    )
    result = extract_page(
        _page(f"<div class='main'><ul>{files}</ul></div>"), base_url=BASE, today=TODAY
    )
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 20)


@pytest.mark.parametrize(
    "box",
    [
        "<div class='related'><ul>{rows}</ul></div>",
        "<div><h3>相关文章</h3><ul>{rows}</ul></div>",
        "<div class='hot-news'><ul>{rows}</ul></div>",
        "<div><h4>阅读排行</h4><ul>{rows}</ul></div>",
        "<div class='comment-list'><ul>{rows}</ul></div>",
    ],
)
def test_a_bigger_newer_box_never_wins_over_the_column_list(box: str) -> None:
    rows = _rows("box", [f"2022-05-{23 - n}" for n in range(10)], start=50)
    old = "<ul class='list'>" + _rows("gzdt", [f"2022-03-{20 - n}" for n in range(4)]) + "</ul>"
    result = extract_page(
        _page(f"<div class='main'>{old}</div>{box.format(rows=rows)}"), base_url=BASE, today=TODAY
    )
    assert result.newest == date(2022, 3, 20)
    assert all("/gzdt/" in item.url for item in result.items)


def test_a_homepage_still_reads_every_list() -> None:
    left = (
        "<div class='a'><ul>"
        + _rows("a", ["2022-05-01", "2022-04-30", "2022-04-29"])
        + "</ul></div>"
    )
    right = (
        "<div class='b'><ul>"
        + _rows("b", ["2022-05-20", "2022-05-19", "2022-05-18"])
        + "</ul></div>"
    )
    result = extract_page(
        _page(left + right), base_url="http://www.example.gov.cn/", today=TODAY, homepage=True
    )
    assert result.newest == date(2022, 5, 20)
    assert len(result.items) == 6
