"""Article or list is decided on the whole page: its title, prose, date label and meta tags
against the list. An article's related box, comments and body are never a column's list."""

from __future__ import annotations

from datetime import date

from crawler.extract import extract_page

TODAY = date(2022, 5, 24)
BASE = "http://www.example.gov.cn/art/2022/5/10/art_1_1.html"
TITLE = "某某县召开全县经济工作会议"
SHORT_PROSE = "<p>5月10日，某某县召开全县经济工作会议，总结去年工作，部署今年重点任务。</p>"


def _page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def _rows(path: str, count: int, newest_day: int) -> str:
    return "".join(
        f"<li><a href='/{path}/{n}.html'>某某县第{n}项重点工作推进情况的通报</a>"
        f"<span>2022-05-{newest_day - n:02d}</span></li>"
        for n in range(count)
    )


def test_short_article_with_a_titled_related_box_bigger_than_its_text() -> None:
    html = _page(
        f"<div class='article'><h1>{TITLE}</h1>"
        "<div class='info'>发布时间：2022-05-10 来源：县政府办</div>"
        f"<div class='content'>{SHORT_PROSE}</div>"
        f"<div><h3>相关文章</h3><ul>{_rows('xg', 10, 23)}</ul></div></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"
    assert result.items == ()
    assert result.newest is None
    assert result.published == date(2022, 5, 10)


def test_article_title_tag_that_is_the_heading_makes_an_article() -> None:
    head = (
        f"<meta name='ArticleTitle' content='{TITLE}'>"
        "<meta name='PubDate' content='2022-05-10 09:00'>"
    )
    # an untitled box of links after a short text, bigger than it
    html = _page(
        f"<div class='article'><h1>{TITLE}</h1><div class='content'>{SHORT_PROSE}</div>"
        f"<ul>{_rows('xg', 10, 23)}</ul></div>",
        head,
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"
    assert result.published == date(2022, 5, 10)


def test_an_article_body_holding_dated_links_is_not_a_list() -> None:
    prose = "各乡镇人民政府，县直各单位：现将第一批示范单位名单予以公布，请各单位认真学习借鉴。" * 3
    links = "".join(
        f"<p><a href='/fj/{n}.html'>某某县第{n}批示范单位的申报材料和公示</a>（2022-05-0{n}）</p>"
        for n in range(1, 5)
    )
    html = _page(
        "<div class='article'><h1>关于公布第一批示范单位名单的通知</h1>"
        f"<div class='info'>发布时间：2022-05-10</div><div class='content'><p>{prose}</p>{links}"
        "</div></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"
    assert result.published == date(2022, 5, 10)


def test_comments_under_an_article_are_not_its_list() -> None:
    comments = "".join(
        f"<li><a href='/user/{n}.html'>网友{n}号的留言回复内容比较长</a>"
        f"<span>2022-05-{20 - n}</span></li>"
        for n in range(8)
    )
    html = _page(
        f"<div class='article'><h1>{TITLE}</h1><div class='info'>发布日期：2022-05-10</div>"
        f"<div class='content'>{SHORT_PROSE}</div></div>"
        f"<div class='comment-list'><ul>{comments}</ul></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"


def test_attachment_rows_of_an_article_are_not_its_list() -> None:
    files = "".join(
        f"<p><a href='/files/{n}.xlsx'>附件{n}：某某县重点项目建设情况统计表</a> 2022-05-10</p>"
        for n in range(1, 6)
    )
    html = _page(
        f"<div class='article'><h1>{TITLE}</h1><div class='info'>发布时间：2022-05-10</div>"
        f"<div class='content'>{SHORT_PROSE}</div><div class='files'>{files}</div></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"


def test_a_column_page_with_a_heading_and_an_intro_is_a_list() -> None:
    intro = "<p class='intro'>本栏目发布县政府及各部门的重点工作动态信息，欢迎社会各界监督。</p>"
    html = _page(
        f"<div class='main'><h2>工作动态</h2>{intro}<ul class='list'>{_rows('gzdt', 8, 20)}</ul>"
        "<div class='page'><a href='index_1.html'>下一页</a></div></div>"
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 20)


def test_a_column_list_with_dates_labelled_in_each_entry_is_a_list() -> None:
    rows = "".join(
        f"<li><a href='/gzdt/{n}.html'>某某县第{n}项重点工作推进情况的通报</a>"
        f"<p>发布时间：2022-05-{20 - n:02d}　来源：县政府办</p></li>"
        for n in range(6)
    )
    html = _page(f"<div class='main'><h2>工作动态</h2><ul class='list'>{rows}</ul></div>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 20)


def test_a_related_box_alone_on_a_page_without_article_signs_is_still_read() -> None:
    html = _page(f"<div class='main'><h3>相关文章</h3><ul>{_rows('xg', 5, 20)}</ul></div>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 20)


def test_a_column_named_like_a_box_with_a_date_tag_is_still_a_list() -> None:
    html = _page(
        f"<div class='main'><h2>热点回应</h2><ul class='list'>{_rows('rdhy', 6, 20)}</ul></div>",
        "<meta name='PubDate' content='2022-05-20 10:00'>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 20)


def test_an_article_title_tag_sharing_only_the_site_name_with_a_heading() -> None:
    html = _page(
        "<div class='logo'><h1>某某市人民政府</h1></div>"
        f"<div class='main'><ul class='list'>{_rows('gzdt', 8, 20)}</ul></div>",
        "<meta name='ArticleTitle' content='某某市人民政府关于做好防汛工作的通知'>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 20)
