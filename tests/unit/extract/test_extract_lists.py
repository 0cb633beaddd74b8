"""List finding and entry reading on small inline pages, and robustness on any input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import extract_page

TODAY = date(2022, 5, 24)
BASE = "http://www.example.gov.cn/col/list/index.html"


def _page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def _li(n: int, day: int, *, tag: str = "span") -> str:
    title = f"某某市第{n}号工作动态信息标题"
    return f"<li><a href='/art/{n}.html'>{title}</a><{tag}>2022-05-{day:02d}</{tag}></li>"


def test_selector_picks_the_entries() -> None:
    html = _page(
        "<ul class='a'>" + "".join(_li(n, 20) for n in range(5)) + "</ul>"
        "<div class='b'><p><a href='/b/1.html'>另一个栏目的唯一一条信息</a> 2021-01-02</p></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY, selector="div.b p")
    assert result.kind == "list"
    assert [(item.url, item.published) for item in result.items] == [
        ("http://www.example.gov.cn/b/1.html", date(2021, 1, 2))
    ]
    assert result.items[0].date_where == "div.b > p[1]"


@pytest.mark.parametrize("selector", ["div.nothing li", "li[", "::!!", ""])
def test_selector_that_selects_nothing_finds_no_list(selector: str) -> None:
    html = _page("<ul>" + "".join(_li(n, 20) for n in range(5)) + "</ul>")
    result = extract_page(html, base_url=BASE, today=TODAY, selector=selector)
    assert result.list_found is False
    assert result.items == ()


def test_split_list_is_read_whole_in_page_order() -> None:
    html = _page(
        "<div class='main'>"
        + "<ul class='list'>"
        + _li(1, 20)
        + _li(2, 19)
        + _li(3, 18)
        + "</ul><hr>"
        + "<ul class='list'>"
        + _li(4, 17)
        + _li(5, 16)
        + _li(6, 15)
        + "</ul>"
        + "</div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert [item.url.rsplit("/", 1)[1] for item in result.items] == [
        f"{n}.html" for n in range(1, 7)
    ]


def test_links_separated_by_line_breaks() -> None:
    html = _page(
        "<table><tr><td class='lb'>"
        + "".join(
            f"<a href='/{n}.html'>某某县关于第{n}批项目的公示公告</a> 2022-05-{10 + n:02d}<br>"
            for n in range(4)
        )
        + "</td></tr></table>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [date(2022, 5, 10 + n) for n in range(4)]
    assert result.items[1].date_where == "td.lb > a[2] + text"


@pytest.mark.parametrize(
    ("before", "entry", "after"),
    [
        (
            "var list = [",
            '{"title": "某某市第N期工作简报", "url": "/jb/N.html", "date": "2022-05-0N"}',
            "];",
        ),
        (
            "var list = [",
            "{title: '某某市第N期工作简报', link: '/jb/N.html', time: '2022年5月N日'},",
            "];",
        ),
        (
            "window.__DATA__ = {total: 4, rows: [",
            "{subject: \"某某市第N期工作简报\", href: '/jb/N.html', fbsj: '2022/05/0N'}",
            "]};",
        ),
    ],
)
def test_json_lists_in_scripts(before: str, entry: str, after: str) -> None:
    separator = "" if entry.endswith(",") else ", "
    entries = separator.join(entry.replace("N", str(n)) for n in range(1, 5))
    html = _page(f"<div id='list'></div><script>{before}{entries}{after}</script>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert [item.title for item in result.items] == [f"某某市第{n}期工作简报" for n in range(1, 5)]
    assert [item.published for item in result.items] == [date(2022, 5, n) for n in range(1, 5)]
    assert result.items[0].url == "http://www.example.gov.cn/jb/1.html"
    assert result.items[0].date_where is not None
    assert result.items[0].date_where.startswith("script JSON (field '")


def test_pagination_and_more_links_are_not_items() -> None:
    html = _page(
        "<div class='list'><ul>" + "".join(_li(n, 20 - n) for n in range(4)) + "</ul>"
        "<div class='pages'><a href='?p=1'>首页</a><a href='?p=1'>上一页</a><a href='?p=1'>1</a>"
        "<a href='?p=2'>2</a><a href='?p=3'>3</a><a href='?p=2'>下一页</a><a href='?p=9'>尾页</a>"
        "<a href='/more'>更多&gt;&gt;</a></div></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert len(result.items) == 4
    assert all("?p=" not in item.url and "more" not in item.url for item in result.items)


def test_date_inside_the_link_is_taken_out_of_the_title() -> None:
    html = _page(
        "<ul class='news'>"
        + "".join(
            f"<li><a href='/n/{n}.html'><span class='t'>某某县召开第{n}次专题工作会议</span>"
            f"<span class='d'>2022-05-{10 + n}</span></a></li>"
            for n in range(3)
        )
        + "</ul>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert [item.title for item in result.items] == [
        f"某某县召开第{n}次专题工作会议" for n in range(3)
    ]
    assert result.newest == date(2022, 5, 12)
    assert result.items[0].date_where == "ul.news > li[1] > span.d"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("<a href='/{n}'>[05-1{n}] 某某市关于开展第{n}批次城市更新项目申报工作的通知</a>", 1),
        ("<a href='/{n}'>2022-05-1{n} 某某市第{n}号工作动态信息标题</a>", 1),
        ("<a href='/{n}'>某某市第{n}号工作动态信息标题 (2022-05-1{n})</a>", 1),
        ("<a href='/{n}'>某某市第{n}号工作动态信息标题<span>05-1{n}</span></a>", 1),
        ("<a href='/{n}'>第{n}-6周工作安排和重点任务</a><span>文件大小：10.25KB</span>", 0),
        ("<a href='/{n}'>关于5.20前完成第{n}批申报的通知</a>", 0),
    ],
)
def test_dates_inside_links_only_when_set_apart(entry: str, expected: int) -> None:
    html = _page(
        "<ul class='list'>" + "".join(f"<li>{entry}</li>".format(n=n) for n in range(3)) + "</ul>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert len(result.items) == 3
    if expected:
        assert [item.published for item in result.items] == [
            date(2022, 5, 10 + n) for n in range(3)
        ]
        assert all("2022" not in item.title and "05-1" not in item.title for item in result.items)
    else:
        assert [item.published for item in result.items] == [None, None, None]


def test_a_date_in_the_title_is_not_the_item_date() -> None:
    titles = [
        "关于2022年5月1日起调整公交线路的通告",
        "关于2022年端午节放假安排的通知",
        "某某市2022年第3号公告",
    ]
    html = _page(
        "<ul class='list'>"
        + "".join(f"<li><a href='/x/{n}.html'>{title}</a></li>" for n, title in enumerate(titles))
        + "</ul>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.list_found
    assert [item.published for item in result.items] == [None, None, None]
    assert result.newest is None


def test_undated_list_is_still_a_list() -> None:
    html = _page(
        "<div class='content'><ul>"
        + "".join(
            f"<li><a href='/ldxx/{n}.html'>某某局第{n}位领导同志简历信息</a></li>" for n in range(6)
        )
        + "</ul></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert len(result.items) == 6
    assert result.newest is None


def test_menu_alone_is_not_a_list() -> None:
    html = _page(
        "<ul>"
        + "".join(
            f"<li><a href='/{n}/'>{name}</a></li>"
            for n, name in enumerate("首页 概况 公开 服务 互动".split())
        )
        + "</ul><p>欢迎访问</p>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "unknown"
    assert result.list_found is False


def test_two_dated_entries_are_a_list() -> None:
    html = _page("<div class='list'><ul>" + _li(1, 3) + _li(2, 1) + "</ul></div>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 3)


def test_javascript_links_and_base_href() -> None:
    html = _page(
        "<ul class='list'>"
        '<li><a href="javascript:void(0)" onclick="window.open(\'/art/2022/5/1/a.html\')">'
        "某某市关于开展消防安全专项检查的通知</a><span>2022-05-01</span></li>"
        "<li><a href=\"javascript:openWin('../art/2022/4/9/b.html')\">"
        "某某市关于做好春季森林防火工作的通知</a>"
        "<span>2022-04-09</span></li>"
        "<li><a href='c.html'>某某市关于公布第一批示范单位名单的通知</a>"
        "<span>2022-03-02</span></li>"
        "<li><a href='javascript:void(0)'>某某市没有任何去处的链接标题内容</a>"
        "<span>2022-03-01</span></li>"
        "</ul>",
        head="<base href='http://static.example.gov.cn/site/col/'>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert [item.url for item in result.items] == [
        "http://static.example.gov.cn/art/2022/5/1/a.html",
        "http://static.example.gov.cn/site/art/2022/4/9/b.html",
        "http://static.example.gov.cn/site/col/c.html",
    ]


def test_meta_names_match_without_case() -> None:
    html = _page(
        "<h1>某某标题</h1><p>" + "正文内容。" * 40 + "</p>",
        head="<meta name='pubdate' content='2022-05-18 10:00'>"
        "<meta name='COLUMNNAME' content='要闻'>"
        "<meta name='siteidcode' content='4101000001'>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"
    assert result.published == date(2022, 5, 18)
    assert result.published_where == "meta[name=pubdate]"
    assert dict(result.meta) == {
        "PubDate": "2022-05-18 10:00",
        "ColumnName": "要闻",
        "SiteIDCode": "4101000001",
    }


def test_article_without_tags_falls_back_to_htmldate() -> None:
    html = _page(  # the date only in the page's own URL: ours reads none, htmldate does
        "<article><h1>Annual report published</h1>"
        + "<p>"
        + "The office released its report on the work of the year. " * 10
        + "</p>"
        "</article>",
        head="<link rel='canonical' href='https://example.org/2022/05/17/annual-report/'>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"
    assert result.published == date(2022, 5, 17)
    assert result.published_where == "htmldate"


def test_future_dates_are_not_item_dates() -> None:
    html = _page(
        "<ul class='list'>"
        "<li><a href='/1.html'>关于2022年暑期活动报名的通知公告</a><span>2022-07-01</span></li>"
        "<li><a href='/2.html'>关于2022年春季运动会的通知公告</a><span>2022-04-01</span></li>"
        "<li><a href='/3.html'>关于2022年植树节活动的通知公告</a><span>2022-03-01</span></li>"
        "</ul>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [None, date(2022, 4, 1), date(2022, 3, 1)]
    assert result.newest == date(2022, 4, 1)


def test_large_list() -> None:
    html = _page("<ul class='list'>" + "".join(_li(n, 1 + n % 20) for n in range(3000)) + "</ul>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert len(result.items) == 3000
    assert result.items[-1].date_where == "ul.list > li[3000] > span"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "\x00\x01\x02",
        "<",
        "<html><body><ul><li><a href='x'>" * 3,
        "<div>" * 20000 + "<a href='/a'>深层嵌套页面中的链接标题</a>" + "</div>" * 20000,
        bytes(range(256)).decode("latin-1") * 20,
        "<script>var data = [{title: 'a', url: '/a'},, {]</script>",
        "<script>var data = [{" + "[{" * 5000 + "</script>",
        "<table><tr><td><a href='http://[::1'>坏链接标题标题标题</a></td><td>2022-05-01</td></tr></table>",
    ],
)
def test_never_raises_on_odd_input(html: str) -> None:
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind in ("list", "article", "unknown")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<ul>",
                    "</ul>",
                    "<li>",
                    "<a href='/a/b.html'>",
                    "</a>",
                    "<span>",
                    "</span>",
                    "<table><tr><td>",
                    "</td></tr>",
                    "<script>var d=[{title:'t',url:'/u'}]</script>",
                    "<meta name='PubDate' content='2022-05-01'>",
                    "2022-05-20",
                    "05-20",
                    "发布时间：",
                    "〔2022〕5号",
                    "某某市关于工作的通知",
                    "<base href='//x'>",
                    "<a href='javascript:'>",
                ]
            ),
            st.text(max_size=20),
        ),
        max_size=60,
    ),
    st.one_of(st.none(), st.sampled_from(["li", "a", "ul > li", "td", "[", "p:has("])),
)
def test_never_raises_property(parts: list[str], selector: str | None) -> None:
    result = extract_page("".join(parts), base_url=BASE, today=TODAY, selector=selector)
    assert result.kind in ("list", "article", "unknown")
    assert result.list_found == (result.kind == "list")
    for item in result.items:
        assert item.url.startswith(("http://", "https://"))
        assert item.published is None or date(1990, 1, 1) <= item.published <= date(2022, 5, 25)


def test_main_list_beats_a_bigger_newer_sidebar() -> None:
    def entries(path: str, count: int, newest_day: int) -> str:
        return "".join(
            f"<li><a href='/{path}/{n}.html'>{path}栏目第{n}条信息的标题内容文字</a>"
            f"<span>2022-05-{newest_day - n:02d}</span></li>"
            for n in range(count)
        )

    html = _page(
        "<div class='page'><div class='photo-list'><h3>图片新闻</h3>"
        f"<ul>{entries('tp', 5, 20)}</ul></div></div>"
        f"<div class='side'><div class='hotnews'><ul>{entries('hot', 6, 24)}</ul></div></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.newest == date(2022, 5, 20)
    assert all("/tp/" in item.url for item in result.items)


def test_entries_dated_after_the_check_keep_the_date_seen_but_no_date() -> None:
    rows = "".join(
        f"<li><a href='/{n}.html'>关于开展第{n}批安全生产专项检查的通知</a>"
        f"<span>2062-05-0{n}</span></li>"
        for n in range(1, 5)
    )
    rows += "<li><a href='/9.html'>关于公布第九批示范单位名单的公示</a><span>2022-05-09</span></li>"
    result = extract_page(_page(f"<ul class='list'>{rows}</ul>"), base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [None] * 4 + [date(2022, 5, 9)]
    assert result.newest == date(2022, 5, 9)
    first = result.items[0]
    assert first.date_text == "2062-05-01"
    assert first.date_where == "ul.list > li[1] > span, date later than the check date, not counted"
    assert result.items[4].date_where == "ul.list > li[5] > span"


def test_json_list_entries_dated_after_the_check_keep_the_date_seen() -> None:
    entries = ", ".join(
        f'{{"title": "某某市第{n}期工作简报", "url": "/jb/{n}.html", "date": "2062-05-0{n}"}}'
        for n in range(1, 5)
    )
    html = _page(f"<div id='list'></div><script>var list = [{entries}];</script>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [None] * 4
    assert [item.date_text for item in result.items] == [f"2062-05-0{n}" for n in range(1, 5)]
    assert all("later than the check date" in (i.date_where or "") for i in result.items)


def test_json_list_year_less_dates_take_their_year_from_the_list() -> None:
    # An old column: the entries print 05-20, the URLs say 2019. Read per entry, 05-20 would
    # be this year's (TODAY is 2022-05-24): a false "fresh".
    entries = ", ".join(
        f'{{"title": "某某市第{n}期工作简报", "url": "/jb/201905/t201905{21 - n:02d}_{n}.html",'
        f' "date": "05-{21 - n:02d}"}}'
        for n in range(1, 5)
    )
    html = _page(f"<div id='list'></div><script>var list = [{entries}];</script>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [date(2019, 5, 21 - n) for n in range(1, 5)]
    assert result.items[0].date_where == "script JSON (field 'date'), year inferred from URL"
    assert result.items[0].date_text == "05-20"


def test_entries_under_unclosed_formatting_tags_are_all_read() -> None:
    # Each entry leaves <font><b> open: the parser reopens them inside every later <li>, so
    # from the 4th entry on each link sits 7 elements below its <li>. The newest is the last.
    rows = "".join(
        f"<li><a href='/a/{n}.html'>关于第{n + 1}次专题会议的情况通报</a>"
        f"<font color='#999'><b>2022-05-{10 + n:02d}\n"
        for n in range(6)
    )
    result = extract_page(_page(f"<ul class='list'>{rows}</ul>"), base_url=BASE, today=TODAY)
    assert len(result.items) == 6
    assert result.newest == date(2022, 5, 15)
