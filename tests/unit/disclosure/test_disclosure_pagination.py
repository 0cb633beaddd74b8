"""Pagination: each style's next page, the last page, and what is not followed."""

from __future__ import annotations

import pytest

from crawler.extract.pagination import next_page


def _page(body: str) -> str:
    return (
        f'<html><head><meta charset="utf-8"></head><body><ul class="list"></ul>{body}</body></html>'
    )


def test_trs_create_page_html_first_page() -> None:
    html = _page('<script>createPageHTML(5, 0, "index", "html");</script>')
    links = next_page(html, "http://gov.test/tzgg/index.html")
    assert links.style == "trs"
    assert links.next_url == "http://gov.test/tzgg/index_1.html"
    assert links.page_count == 5
    assert links.current == 0


def test_trs_create_page_html_middle_and_last_page() -> None:
    middle = _page("<script>createPageHTML(3,1,'index','shtml')</script>")
    assert next_page(middle, "http://gov.test/tzgg/index_1.shtml").next_url == (
        "http://gov.test/tzgg/index_2.shtml"
    )
    last = _page('<script>createPageHTML(3, 2, "index", "html");</script>')
    links = next_page(last, "http://gov.test/tzgg/index_2.html")
    assert links.next_url is None
    assert links.style == "trs"
    assert links.page_count == 3


def test_trs_create_page_html_with_variables() -> None:
    html = _page(
        "<script>var countPage = 7; var currentPage = 2;"
        'createPageHTML(countPage, currentPage, "index", "html");</script>'
    )
    links = next_page(html, "http://gov.test/zwgk/index_2.html")
    assert links.next_url == "http://gov.test/zwgk/index_3.html"
    assert links.page_count == 7


@pytest.mark.parametrize("text", ["下一页", "下页", " 下一页 ", ">", "»", "后页"])
def test_next_link(text: str) -> None:
    html = _page(
        f'<div class="page"><a href="/x/">首页</a><a href="more_002.shtml">{text}</a></div>'
    )
    links = next_page(html, "http://gov.test/x/")
    assert links.style == "next-link"
    assert links.next_url == "http://gov.test/x/more_002.shtml"


def test_next_link_to_javascript_or_the_same_page_is_not_followed() -> None:
    html = _page(
        '<a href="javascript:void(0)">下一页</a><a href="#">下页</a><a href="/x/">下一页</a>'
    )
    assert next_page(html, "http://gov.test/x/").next_url is None


def test_next_link_to_another_host_is_not_followed() -> None:
    html = _page('<a href="http://other.test/x/2.html">下一页</a>')
    assert next_page(html, "http://gov.test/x/").next_url is None


def test_index_n_sequence() -> None:
    first = _page('<a href="index.html">1</a> <a href="index_1.html">2</a>')
    links = next_page(first, "http://gov.test/gk/index.html")
    assert (links.style, links.next_url) == ("numbered", "http://gov.test/gk/index_1.html")
    later = _page('<a href="index_3.html">4</a><a href="index_4.html">5</a>')
    assert next_page(later, "http://gov.test/gk/index_3.html").next_url == (
        "http://gov.test/gk/index_4.html"
    )


def test_list_n_sequence_starting_at_two() -> None:
    first = _page('<span>1</span> <a href="list_2.html">2</a> <a href="list_3.html">3</a>')
    assert next_page(first, "http://gov.test/c/list.html").next_url == (
        "http://gov.test/c/list_2.html"
    )
    last = _page('<a href="list.html">1</a> <a href="list_2.html">2</a> <span>3</span>')
    assert next_page(last, "http://gov.test/c/list_3.html").next_url is None


@pytest.mark.parametrize("param", ["page", "pageNum", "pageNo", "pageIndex", "currentPage"])
def test_query_page_parameter(param: str) -> None:
    first = _page(f'<a href="?{param}=2">2</a> <a href="?{param}=3">3</a>')
    links = next_page(first, "http://gov.test/c/")
    assert links.next_url == f"http://gov.test/c/?{param}=2"
    second = _page(f'<a href="?{param}=1">1</a> <a href="?{param}=3">3</a>')
    assert next_page(second, f"http://gov.test/c/?{param}=2").next_url == (
        f"http://gov.test/c/?{param}=3"
    )
    last = _page(f'<a href="?{param}=1">1</a> <a href="?{param}=2">2</a>')
    assert next_page(last, f"http://gov.test/c/?{param}=3").next_url is None


def test_hanweb_page_num_keeps_the_other_parameters() -> None:
    first = _page(
        '<a href="/col/col123/index.html?uid=456&amp;pageNum=2">2</a>'
        '<a href="/col/col123/index.html?uid=999&amp;pageNum=2">other list</a>'
    )
    links = next_page(first, "http://gov.test/col/col123/index.html?uid=456")
    assert links.next_url == "http://gov.test/col/col123/index.html?uid=456&pageNum=2"
    second = _page('<a href="/col/col123/index.html?uid=456&amp;pageNum=3">3</a>')
    assert next_page(
        second, "http://gov.test/col/col123/index.html?uid=456&pageNum=2"
    ).next_url == ("http://gov.test/col/col123/index.html?uid=456&pageNum=3")


def test_hanweb_datastore_has_no_static_next_page() -> None:
    html = _page(
        '<div id="1088"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/'
        'web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=123&unitid=456">'
        "</a>]]></nextgroup><recordset><record><![CDATA[<li>x</li>]]></record></recordset>"
        "</datastore></script></div>"
    )
    assert next_page(html, "http://gov.test/col/col123/index.html").next_url is None


def test_a_page_without_pagination_is_the_last() -> None:
    links = next_page(_page('<a href="/a/1.html">标题</a>'), "http://gov.test/c/")
    assert (links.next_url, links.style) == (None, None)


@pytest.mark.parametrize("html", ["", "<<<>>>", "createPageHTML(", "\x00\x01"])
def test_garbage_never_raises(html: str) -> None:
    assert next_page(html, "http://gov.test/c/").next_url is None
