"""Layouts met on government list pages that decide which date is a list's date: header rows
that name the date columns, summaries that mention other dates, side boxes on an empty column,
layout blocks and lists written by ``document.write``."""

from __future__ import annotations

from datetime import date

from crawler.extract import extract_page

TODAY = date(2022, 5, 24)
BASE = "http://www.example.gov.cn/col/list/index.html"


def _page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def _row(n: int, written: str, published: str) -> str:
    return (
        f"<li><span>MB1A2345/2022-00{n:02d}</span>"
        f"<span><a href='/gk/{n}.html'>某某区关于第{n}项工作的通知文件</a></span>"
        f"<span>{written}</span><span>{published}</span></li>"
    )


def test_header_row_before_the_list_names_the_publish_column() -> None:
    header = (
        "<ul class='head'><li><span>索引号</span><span>标题</span>"
        "<span>成文日期</span><span>发布日期</span></li></ul>"
    )
    rows = _row(1, "2022-05-12", "2022-05-19") + _row(2, "2022-04-01", "2022-04-08")
    rows += _row(3, "2022-03-02", "2022-03-09")
    result = extract_page(
        _page(header + f"<ul class='body'>{rows}</ul>"), base_url=BASE, today=TODAY
    )
    assert [item.published for item in result.items] == [
        date(2022, 5, 19),
        date(2022, 4, 8),
        date(2022, 3, 9),
    ]
    assert result.newest == date(2022, 5, 19)


def test_header_row_opening_the_list_names_the_publish_column() -> None:
    header = "<li class='th'><span>标题</span><span>成文日期</span><span>发布日期</span></li>"
    rows = "".join(
        f"<li><span><a href='/zb/{n}.html'>某某县关于第{n}项重点工作的通知</a></span>"
        f"<span>2022-03-{n + 10}</span><span>2022-04-{n + 10}</span></li>"
        for n in range(1, 5)
    )
    result = extract_page(_page(f"<ul>{header}{rows}</ul>"), base_url=BASE, today=TODAY)
    assert result.newest == date(2022, 4, 14)
    assert all(item.published is not None and item.published.month == 4 for item in result.items)


def test_a_date_in_a_summary_sentence_is_not_the_item_date() -> None:
    cards = "".join(
        f"<div class='item'><a href='/dt/{n}.html'><h3>某某局召开第{n}次专题工作会议</h3></a>"
        f"<p>4月2{n}日，某某局召开专题会议，部署自2022年5月{n}日起开展的专项行动……</p>"
        f"<div class='info'><span>来源：某某局</span><span>2022-04-2{n}</span></div></div>"
        for n in range(1, 5)
    )
    result = extract_page(_page(f"<div class='list'>{cards}</div>"), base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [
        date(2022, 4, 21),
        date(2022, 4, 22),
        date(2022, 4, 23),
        date(2022, 4, 24),
    ]


def test_a_dated_side_box_is_not_the_list_of_an_empty_column() -> None:
    menu = "".join(f"<li><a href='/m/{n}/'>{name}</a></li>" for n, name in enumerate("甲乙丙"))
    hot = "".join(
        f"<li><a href='/t/{n}.html'>关于开展2022年第{n}期食品安全宣传活动的通知</a>"
        f"<span>2022-05-{n + 20}</span></li>"
        for n in range(1, 4)
    )
    html = _page(
        f"<div class='left-nav'><ul>{menu}</ul></div>"
        "<div class='content'><ul class='list'></ul><p>暂无数据</p></div>"
        f"<div class='right-side'><h3>热点推荐</h3><ul>{hot}</ul></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.list_found is False
    assert result.newest is None
    assert result.items == ()


def test_a_column_named_like_a_box_is_still_the_list() -> None:
    rows = "".join(
        f"<li><a href='/rdhy/{n}.html'>关于群众关切的第{n}个热点问题的回应</a>"
        f"<span>2022-05-0{n}</span></li>"
        for n in range(1, 5)
    )
    html = _page(f"<div class='main'><h2>热点回应</h2><ul class='list'>{rows}</ul></div>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.newest == date(2022, 5, 4)
    assert len(result.items) == 4


def test_layout_blocks_holding_many_links_are_not_entries() -> None:
    block = "".join(f"<a href='/m/{n}.html'>栏目名称第{n}个</a>" for n in range(6))
    html = _page(
        f"<div class='main'><div class='a'>{block}</div><div class='b'>{block}</div>"
        "<div class='c'><a href='/x/1.html'>某某区人民政府关于某项工作的通知</a>"
        " 2022-05-20</div></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.list_found is False


def test_list_written_by_document_write() -> None:
    calls = "".join(
        f'document.write(\'<li><a href="/slyw/{n}.html">县水利局第{n}项水利工作动态信息</a>'
        f"<span>2022-05-{n:02d}</span></li>');\n"
        for n in range(10, 14)
    )
    html = _page(
        "<script>document.write('今天是' + new Date().getFullYear() + '年');</script>"
        f"<ul class='list'><script>{calls}</script></ul>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 13)
    assert result.items[0].url == "http://www.example.gov.cn/slyw/10.html"
    assert result.items[0].date_where == "script document.write: div.written > li[1] > span"


def test_document_write_with_escapes_and_concatenation() -> None:
    calls = "".join(
        f'document.writeln("<li><a href=\\"/d/{n}.html\\">" +\n'
        f'  "某某乡第{n}期党建工作简报\\u0020</a><em>2022-04-{n:02d}</em></li>");\n'
        for n in range(1, 5)
    )
    result = extract_page(_page(f"<script>{calls}</script>"), base_url=BASE, today=TODAY)
    assert [item.title for item in result.items][:1] == ["某某乡第1期党建工作简报"]
    assert result.newest == date(2022, 4, 4)


def test_document_write_without_links_is_no_list() -> None:
    html = _page("<script>document.write('<p>2022-05-20</p>');</script><p>正文</p>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.list_found is False
