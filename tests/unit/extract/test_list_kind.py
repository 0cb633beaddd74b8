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


def _teasers(count: int) -> str:
    """A block of undated teaser links, as news sites put under and beside an article."""
    return "".join(
        f"<li><a href='/news/{n}.html'>某某县第{n}个乡村振兴示范村建设取得新进展新成效</a></li>"
        for n in range(count)
    )


def test_an_article_whose_headline_is_its_title_outweighs_a_big_teaser_block() -> None:
    head = f"<title>{TITLE}_某某县人民政府</title><meta property='og:type' content='article'>"
    html = _page(
        f"<div class='article'><h1>{TITLE}</h1><div class='content'>{SHORT_PROSE}</div></div>"
        f"<div class='more'><ul>{_teasers(20)}</ul></div>",
        head + "<meta property='article:published_time' content='2022-05-10T09:00:00+08:00'>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"
    assert result.items == ()
    assert result.published == date(2022, 5, 10)


def test_an_article_typed_in_json_ld_without_a_date_line_is_an_article() -> None:
    head = (
        f"<title>{TITLE} - 某某日报</title><script type='application/ld+json'>"
        '{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "datePublished": "2022-05-10T09:00:00+08:00"}</script>'
    )
    prose = "<p>" + "会议强调，要坚持稳中求进工作总基调，统筹发展和安全，扎实推进各项重点工作。" * 4
    html = _page(f"<h1>{TITLE}</h1>{prose}</p><ul>{_teasers(30)}</ul>", head)
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"
    assert result.published == date(2022, 5, 10)


def test_an_article_without_list_or_date_sign_is_read_by_its_headline_and_type() -> None:
    head = f"<title>{TITLE} | 某某县人民政府</title><meta property='og:type' content='article'>"
    prose = "".join(f"<p>{SHORT_PROSE[3:-4]}第{n}部分。</p>" for n in range(6))
    html = _page(f"<h2>{TITLE}</h2><div>{prose}</div>", head)
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"  # (an unknown page before: no date tag, no date line)
    assert result.items == ()


def test_a_column_page_with_a_long_intro_and_a_short_dated_list_is_a_list() -> None:
    intro = (
        "本栏目发布县政府及各部门的重点工作动态信息，包括重要会议、重点项目和民生实事的进展。" * 8
    )
    html = _page(
        "<div class='position'>当前位置：首页 &gt; 政务公开 &gt; 工作动态</div>"
        f"<div class='main'><h2>工作动态</h2><p class='intro'>{intro}</p>"
        f"<ul class='list'>{_rows('gzdt', 4, 20)}</ul></div>",
        "<title>工作动态_某某县人民政府</title><meta name='PubDate' content='2022-05-20 10:00'>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 20)
    assert len(result.items) == 4


def test_a_paginated_column_with_a_long_description_is_a_list() -> None:
    intro = (
        "<p>"
        + "根据政府信息公开条例，本栏目集中公开本县各类通知公告，方便群众查阅办理。" * 16
        + "</p>"
    )
    html = _page(
        f"<div class='main'><h2>通知公告</h2>{intro}<ul>{_rows('tzgg', 3, 18)}</ul>"
        "<div>共3页 <a href='index_1.html'>下一页</a> <a href='index_2.html'>尾页</a></div></div>",
        "<title>通知公告_某某县人民政府</title>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 18)


def test_a_column_page_typed_as_an_article_by_its_cms_stays_a_list() -> None:
    # a CMS that writes og:type article on every page, a column heading that is the title
    head = (
        "<title>重点项目建设进展情况_某某县人民政府</title>"
        "<meta property='og:type' content='article'>"
    )
    html = _page(
        "<div class='main'><h1>重点项目建设进展情况</h1>"
        f"<ul class='list'>{_rows('zdxm', 8, 20)}</ul>"
        "<div class='page'>共2页 <a href='index_1.html'>下一页</a></div></div>",
        head,
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "list"
    assert result.newest == date(2022, 5, 20)
