"""An article's publish date: which source wins when the page's dates disagree.

A visible publish label beats structured data (JSON-LD, article:published_time), which beats
the government CMS tag PubDate (some CMSs rewrite it on every regeneration); 成文日期,
印发日期, 更新时间, comments and related-article boxes are never the publish date.
"""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extract import extract_page
from crawler.extract.article import read_article_date

TODAY = date(2022, 5, 24)
BASE = "http://www.example.gov.cn/art/2022/5/19/art_1_1.html"
BODY = (
    "<p>" + "各乡镇人民政府，县人民政府各部门：现将有关事项通知如下，请认真贯彻落实。" * 4 + "</p>"
)


def _page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def _read(html: str) -> tuple[date | None, str | None]:
    found = read_article_date(html, today=TODAY)
    return found.value, found.where


def test_gov_article_publish_date_not_the_written_date() -> None:
    html = _page(
        "<table class='xxgk'>"
        "<tr><td>索引号：</td><td>11410721MB0000000X/2022-00123</td></tr>"
        "<tr><td>成文日期：</td><td>2022-05-10</td><td>文号：</td><td>某政办〔2022〕8号</td></tr>"
        "<tr><td>发布日期：</td><td>2022-05-19</td></tr>"
        "</table>"
        "<h1>关于印发某某县农村生活垃圾治理实施方案的通知</h1>"
        + BODY
        + "<p>某某县人民政府办公室 2022年5月10日</p>",
        head="<meta name='PubDate' content='2022-05-23 09:00'>",
    )
    assert _read(html) == (date(2022, 5, 19), "发布日期 line")


def test_printing_date_and_written_date_lines_are_not_labels() -> None:
    html = _page(
        "<h1>关于某某工作的通知</h1><p>印发日期：2022-05-12</p><p>成文日期：2022-05-11</p>"
        "<p>发布时间：2022-05-16 10:00</p>" + BODY
    )
    assert _read(html) == (date(2022, 5, 16), "发布时间 line")


def test_visible_label_beats_a_regenerated_pubdate() -> None:
    html = _page(
        "<h1>某某标题</h1><div class='info'>发布时间：2022-05-11 来源：县政府办</div>" + BODY,
        head="<meta name='PubDate' content='2022-05-23 09:00'>",
    )
    assert _read(html) == (date(2022, 5, 11), "发布时间 line")


def test_visible_label_beats_structured_data() -> None:
    html = _page(
        "<h1>某某标题</h1><p>发布日期：2022-05-11</p>" + BODY,
        head="<meta property='article:published_time' content='2022-05-13T08:00:00+08:00'>"
        '<script type=\'application/ld+json\'>{"@type":"NewsArticle",'
        '"datePublished":"2022-05-13"}</script>',
    )
    assert _read(html) == (date(2022, 5, 11), "发布日期 line")


def test_json_ld_beats_pubdate() -> None:
    html = _page(
        "<h1>某某标题</h1>" + BODY,
        head="<meta name='PubDate' content='2022-05-23 09:00'>"
        '<script type=\'application/ld+json\'>{"@type":"NewsArticle",'
        '"datePublished":"2022-05-12T10:00:00+08:00"}</script>',
    )
    assert _read(html) == (date(2022, 5, 12), "JSON-LD datePublished")


def test_article_published_time_beats_pubdate() -> None:
    html = _page(
        "<h1>某某标题</h1>" + BODY,
        head="<meta name='PubDate' content='2022-05-23 09:00'>"
        "<meta property='article:published_time' content='2022-05-12T10:00:00+08:00'>",
    )
    assert _read(html) == (date(2022, 5, 12), "meta[property=article:published_time]")


def test_pubdate_alone_is_read() -> None:
    html = _page(
        "<h1>某某标题</h1>" + BODY, head="<meta name='PubDate' content='2022-05-20 14:30'>"
    )
    assert _read(html) == (date(2022, 5, 20), "meta[name=PubDate]")


def test_visible_date_element_beats_pubdate() -> None:
    html = _page(
        "<h1>某某标题</h1><div class='ly'><span class='time'>2022-05-11</span></div>" + BODY,
        head="<meta name='PubDate' content='2022-05-23 09:00'>",
    )
    assert _read(html) == (date(2022, 5, 11), "element span.time")


def test_json_ld_reads_the_article_not_its_image() -> None:
    html = _page(
        "<h1>T</h1>" + BODY,
        head='<script type=\'application/ld+json\'>{"@type":"NewsArticle","image":'
        '{"@type":"ImageObject","datePublished":"2022-05-01"},'
        '"datePublished":"2022-05-12T23:30:00+02:00"}</script>',
    )
    assert _read(html) == (date(2022, 5, 12), "JSON-LD datePublished")


def test_offset_keeps_the_day_the_page_states() -> None:
    html = _page(
        "<h1>T</h1>" + BODY,
        head="<meta property='article:published_time' content='2022-05-19T23:30:00-05:00'>",
    )
    assert _read(html)[0] == date(2022, 5, 19)  # not 2022-05-20 in Asia/Shanghai


def test_comments_dated_later_are_not_the_publish_date() -> None:
    html = _page(
        "<h1>某某标题</h1><div class='info'>发布时间：2022-05-18 来源：县政府办</div>"
        + BODY
        + "<div class='comment-list'><div class='item'>张三 发表于 2022-05-22</div>"
        "<span class='time'>2022-05-23</span></div>"
    )
    assert _read(html) == (date(2022, 5, 18), "发布时间 line")


def test_comments_below_a_comments_heading_are_not_read() -> None:
    html = _page(
        "<h1>某某标题</h1><p><span class='date'>2022-05-17</span></p>"
        + BODY
        + "<h3>网友评论</h3><div>发表于 2022-05-22</div><div><span class='time'>2022-05-23</span>"
        "</div>"
    )
    assert _read(html) == (date(2022, 5, 17), "element span.date")


def test_related_box_with_newer_dates_is_not_the_publish_date() -> None:
    html = _page(
        "<div class='side'><ul>"
        "<li><a href='/a.html'>某某县召开防汛工作部署会议</a>"
        "<span class='date'>2022-05-22</span></li>"
        "<li><a href='/b.html'>某某县开展安全生产大检查</a>"
        "<span class='date'>2022-05-21</span></li>"
        "</ul></div>"
        "<h1>某某标题</h1><div class='sub'>2022-05-10 来源：市政府 浏览次数：100</div>"
        + BODY
        + "<div class='xgwz'><h3>相关文章</h3><ul>"
        "<li><a href='/c.html'>某某市发布最新通知公告</a><span class='date'>2022-05-23</span></li>"
        "</ul></div>"
    )
    assert _read(html) == (date(2022, 5, 10), "date line beside 来源")


def test_updated_time_alone_gives_no_date() -> None:
    html = _page("<h1>某某标题</h1><p>更新时间：2022-05-20</p>" + BODY)
    assert _read(html) == (None, None)  # htmldate would say 2022-05-20: refused


def test_today_widget_gives_no_date() -> None:
    html = _page(
        "<div class='top'><span class='date'>今天是2022年5月24日 星期二</span></div>"
        "<h1>某某标题</h1>" + BODY
    )
    assert _read(html) == (None, None)  # htmldate says 2022-01-01 (a year alone): refused


def test_weekday_header_date_above_the_title_is_not_the_article_date() -> None:
    html = _page(
        "<div class='top'><span class='date'>2022年5月24日 星期二</span></div>"
        "<h1>某某标题</h1><p><span class='date'>2022年5月16日 星期一</span></p>" + BODY
    )
    assert _read(html) == (date(2022, 5, 16), "element span.date")


def test_htmldate_is_the_last_resort() -> None:
    html = _page(
        "<article><h1>Annual report</h1>" + BODY + "</article>",
        head="<link rel='canonical' href='https://example.org/2022/05/17/annual-report/'>",
    )
    assert _read(html) == (date(2022, 5, 17), "htmldate")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>发布时间：2022-05-19 10:00　来源：县政府办</p>", date(2022, 5, 19)),
        ("<p>发布时间 2022-05-19</p>", date(2022, 5, 19)),
        ("<p>发布日期：2022年5月19日</p>", date(2022, 5, 19)),
        ("<p>发表于 2022-05-19 14:00</p>", date(2022, 5, 19)),
        ("<p>时间 2022年5月19日</p>", date(2022, 5, 19)),
        ("<p>时间：2022-05-19</p>", date(2022, 5, 19)),
        ("<p>发布时间：２０２２－０５－１９</p>", date(2022, 5, 19)),
        ("<p>发布时间：22-5-19</p>", date(2022, 5, 19)),
        ("<p><span>发布时间：</span><span>2022-05-19</span></p>", date(2022, 5, 19)),
    ],
)
def test_labelled_forms(body: str, expected: date) -> None:
    assert _read(_page("<h1>某某标题</h1>" + body + BODY))[0] == expected


def test_extract_page_reads_the_article_and_says_where() -> None:
    html = _page(
        "<div class='detail'><h1>关于某某工作的通知</h1>"
        "<div class='sub'>2022-05-19 10:00　来源：县政府办　字号：[大 中 小]</div>"
        + BODY * 3
        + "</div>",
        head="<meta name='ArticleTitle' content='关于某某工作的通知'>"
        "<meta name='PubDate' content='2022-05-23 09:00'>",
    )
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.kind == "article"
    assert result.published == date(2022, 5, 19)
    assert result.published_where == "date line beside 来源"
