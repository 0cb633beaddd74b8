"""Properties of the article reader on any page: it never raises, and its date is plausible."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract.article import read_article_date
from crawler.extract.dates import EARLIEST
from crawler.extract.dayorder import DayOrders
from crawler.extract.visible import read_date_text

_PIECES = st.sampled_from(
    [
        "发布时间：",
        "发布日期",
        "发表于 ",
        "时间 ",
        "成文日期：",
        "更新时间：",
        "来源：县政府办",
        "浏览次数：12",
        "今天是",
        "星期五",
        "刚刚",
        "3小时前",
        "昨天",
        "12天前",
        "2022-05-20",
        "2022年5月20日",
        "２０２２－０５－２０",
        "二〇二二年五月二十日",
        "22-5-18",
        "5/6/2022",
        "19.10.2019",
        "05.06.20",
        "31/12/1989",
        "2099-01-01",
        "May 19, 2022",
        "3. Dezember 2011",
        "〔2022〕5号",
        "0371-65901234",
        "1652942400",
        "<span class='time'>",
        "<span class='pubTime'>",
        "<time datetime='2022-05-20T23:30:00-05:00'>",
        "</span>",
        "</time>",
        "<td>",
        "</td>",
        "<li><a href='/a.html'>某某县召开会议标题</a>",
        "</li>",
        "<h1>",
        "</h1>",
        "<p>",
        "</p>",
        "<div class='comment'>",
        "<h3>网友评论</h3>",
        "</div>",
        "<meta name='PubDate' content='2022-05-20 14:30'>",
        "<meta property='article:published_time' content='2021-02-29T10:00:00Z'>",
        "<script>var msg_title='x'; var ct = \"1652942400\";</script>",
        '<script type="application/ld+json">{"datePublished": "2022-05-19"}</script>',
    ]
)
_PAGES = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=30).map("".join)
_TODAYS = st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=_PAGES, today=_TODAYS)
def test_article_reader_never_raises_and_is_plausible(html: str, today: date) -> None:
    found = read_article_date(html, today=today)
    if found.value is None:
        assert found.where is None
    else:
        assert EARLIEST <= found.value <= today + timedelta(days=1)
        assert found.where


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_PIECES, st.text(max_size=40)), today=_TODAYS)
def test_any_text_date_is_plausible(text: str, today: date) -> None:
    for orders in (DayOrders(), DayOrders(dot="day-first", slash="month-first")):
        found = read_date_text(text, today=today, orders=orders)
        if found is not None:
            assert EARLIEST <= found.value <= today + timedelta(days=1)
