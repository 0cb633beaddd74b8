"""The forms an article's visible date takes: named elements, table cells, date lines, numeric
dates whose order the page decides, relative dates and WeChat's script variables."""

from __future__ import annotations

from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser

from crawler.extract.dates import parse_date
from crawler.extract.dayorder import DayOrders, find_ordered_date, page_day_orders
from crawler.extract.relative import find_relative_date
from crawler.extract.sources import json_ld_published, wechat_published
from crawler.extract.visible import VisibleDates, read_visible_dates

TODAY = date(2022, 5, 24)
PROSE = "<p>" + "The council met on the plan for the year and agreed the next steps. " * 3 + "</p>"


def _visible(body: str) -> VisibleDates:
    tree = LexborHTMLParser(f"<html><body>{body}</body></html>")
    return read_visible_dates(tree.body, today=TODAY)


@pytest.mark.parametrize(
    ("element", "where"),
    [
        ("<span id='pubTime'>2022-05-07</span>", "element span#pubTime"),
        ("<span class='pubdate'>2022-05-07</span>", "element span.pubdate"),
        ("<div class='publish-time'>2022-05-07 10:00</div>", "element div.publish-time"),
        ("<span class='fbsj'>2022年5月7日</span>", "element span.fbsj"),
        ("<time pubdate datetime='2022-05-07'>May 7</time>", "element time[datetime]"),
    ],
)
def test_publish_named_elements(element: str, where: str) -> None:
    found = _visible("<h1>T</h1>" + element + PROSE).publish_named
    assert found is not None
    assert (found.value, found.where) == (date(2022, 5, 7), where)


@pytest.mark.parametrize(
    "element",
    [
        "<span class='time'>2022-05-07</span>",
        "<div class='date'>2022/5/7</div>",
        "<p class='article-date'>7 May 2022</p>",
        "<time>2022-05-07</time>",
        "<span class='newsdate'>2022.05.07</span>",
    ],
)
def test_date_named_elements(element: str) -> None:
    found = _visible("<h1>T</h1>" + element + PROSE).date_named
    assert found is not None
    assert found.value == date(2022, 5, 7)


def test_time_element_shows_its_date_before_its_attribute() -> None:
    found = _visible(
        "<h1>T</h1><time datetime='2022-05-09T10:18:46Z'>Publié le 7 mai 2022</time>" + PROSE
    ).date_named
    assert found is not None
    assert found.value == date(2022, 5, 7)


@pytest.mark.parametrize(
    "element",
    [
        "<span class='update-time'>2022-05-07</span>",
        "<span class='comment-date'>2022-05-07</span>",
        "<time itemprop='dateModified' datetime='2022-05-07'>2022-05-07</time>",
        "<span class='timeline'>2022-05-07</span>",
        "<span class='date'>更新时间：2022-05-07</span>",
    ],
)
def test_elements_of_other_dates_are_not_read(element: str) -> None:
    visible = _visible("<h1>T</h1>" + element + PROSE)
    assert visible.publish_named is None
    assert visible.date_named is None


def test_microdata_reads_what_it_states_for_machines() -> None:
    found = _visible(
        "<h1>T</h1><time itemprop='datePublished' datetime='2022-05-06'>7 May 2022</time>" + PROSE
    ).microdata
    assert found is not None
    assert (found.value, found.where) == (date(2022, 5, 6), "microdata time[datetime]")


def test_label_in_one_cell_and_the_date_in_the_next() -> None:
    found = _visible(
        "<table><tr><td>发布日期</td><td>2022-05-19</td></tr></table><h1>T</h1>" + PROSE
    ).labelled
    assert found is not None
    assert (found.value, found.where) == (date(2022, 5, 19), "发布日期 line")


def test_a_bare_date_column_header_is_not_a_label() -> None:
    visible = _visible(
        "<h1>T</h1><table><tr><th>日期</th><th>事项</th></tr>"
        "<tr><td>2022-05-19</td><td>召开会议</td></tr></table>" + PROSE
    )
    assert visible.labelled is None


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ("2022-05-19 来源：县政府办 字号：[大 中 小]", "date line beside 来源"),
        ("作者：张三 2022年05月19日 浏览次数：120", "date line beside 作者"),
        ("2022-05-19 10:20 阅读：35", "date line beside 阅读"),
    ],
)
def test_unlabelled_date_lines(line: str, where: str) -> None:
    found = _visible(f"<h1>某某标题</h1><div class='sub'>{line}</div>" + PROSE).date_line
    assert found is not None
    assert (found.value, found.where) == (date(2022, 5, 19), where)


def test_a_date_line_with_an_update_label_is_not_read() -> None:
    visible = _visible("<h1>某某标题</h1><div>更新时间：2022-05-19 来源：县政府办</div>" + PROSE)
    assert visible.date_line is None
    assert visible.labelled is None


def test_dates_in_links_are_not_read() -> None:
    visible = _visible("<h1>T</h1><a href='/x'><span class='date'>2022-05-19</span></a>" + PROSE)
    assert visible.date_named is None


# --- numeric dates whose order the page decides -------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["19.10.2019"], DayOrders(dot="day-first")),
        (["10/19/2019"], DayOrders(slash="month-first")),
        (["19/10/2019 and 10/19/2019"], DayOrders()),  # the page says both: undecided
        (["05.06.2020"], DayOrders()),
        (["2020.05.06"], DayOrders()),  # year first: not this form
    ],
)
def test_page_day_orders(texts: list[str], expected: DayOrders) -> None:
    assert page_day_orders(texts) == expected


@pytest.mark.parametrize(
    ("text", "orders", "expected"),
    [
        ("19.10.2019", DayOrders(), date(2019, 10, 19)),  # its own numbers decide
        ("10/19/2019", DayOrders(), date(2019, 10, 19)),
        ("05.06.2020", DayOrders(), None),  # ambiguous and undecided: never guessed
        ("5/6/2020", DayOrders(), None),
        ("05.06.2020", DayOrders(dot="day-first"), date(2020, 6, 5)),
        ("5/6/2020", DayOrders(slash="month-first"), date(2020, 5, 6)),
        ("5/6/2020", DayOrders(dot="day-first"), None),  # another separator's order
        ("5.6.20", DayOrders(dot="day-first"), date(2020, 6, 5)),  # D.M.YY
        ("05.05.2020", DayOrders(), date(2020, 5, 5)),  # both readings are one day
    ],
)
def test_ordered_dates(text: str, orders: DayOrders, expected: date | None) -> None:
    found = find_ordered_date(text, orders=orders, today=TODAY)
    assert (found.value if found else None) == expected


def test_the_page_decides_a_named_elements_order() -> None:
    decided = _visible("<h1>T</h1><div class='date'>5/6/2022</div><p>Earlier: 4/28/2022.</p>")
    undecided = _visible("<h1>T</h1><div class='date'>5/6/2022</div>" + PROSE)
    assert decided.date_named is not None
    assert decided.date_named.value == date(2022, 5, 6)
    assert undecided.date_named is None


def test_year_first_short_date_after_a_label() -> None:
    found = _visible("<h1>T</h1><p>发布时间：22-5-6</p>" + PROSE).labelled
    assert found is not None
    assert found.value == date(2022, 5, 6)


# --- relative dates, anchored on the fetch day --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚", TODAY),
        ("5分钟前", TODAY),
        ("3小时前", TODAY),
        ("30小时前", date(2022, 5, 23)),
        ("昨天 10:20", date(2022, 5, 23)),
        ("前天", date(2022, 5, 22)),
        ("3天前", date(2022, 5, 21)),
        ("2周前", None),
        ("今天是2022年5月24日", None),
    ],
)
def test_relative_dates(text: str, expected: date | None) -> None:
    found = find_relative_date(text, today=TODAY)
    assert (found.value if found else None) == expected


def test_relative_date_in_a_date_line() -> None:
    found = _visible("<h1>某某标题</h1><div class='info'>3天前 来源：某某</div>" + PROSE).date_line
    assert found is not None
    assert found.value == date(2022, 5, 21)


# --- European month names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. Februar 2022", date(2022, 2, 1)),
        ("30 septembre 2018", date(2018, 9, 30)),
        ("23 de maio de 2019", date(2019, 5, 23)),
        ("14 Gennaio 2020", date(2020, 1, 14)),
        ("Mär 12, 2018", date(2018, 3, 12)),
        ("Samstag, 3. Dezember 2011", date(2011, 12, 3)),
        ("the mayor 5 2020", None),
    ],
)
def test_month_names(text: str, expected: date | None) -> None:
    assert parse_date(text, today=TODAY) == expected


# --- scripts: JSON-LD and WeChat ------------------------------------------------------------------


def test_json_ld_graph_and_invalid_json() -> None:
    graph = (
        '{"@graph":[{"@type":"ImageObject","datePublished":"2022-05-01"},'
        '{"@type":"Article","datePublished":"2022-05-12"}]}'
    )
    assert json_ld_published([graph], today=TODAY) == (date(2022, 5, 12), "JSON-LD datePublished")
    broken = '{"@type":"Article", "datePublished": "2022-05-13", }'
    assert json_ld_published([broken], today=TODAY) == (date(2022, 5, 13), "JSON-LD datePublished")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('var msg_title = "x"; var ct = "1652942400";', (date(2022, 5, 19), "WeChat script ct")),
        (
            "var appmsg_type = 9; window.ct = '1652942400000';",
            (date(2022, 5, 19), "WeChat script ct"),
        ),
        (
            'var msg_title = "x"; var publish_time = "2022-05-19" || "";',
            (date(2022, 5, 19), "WeChat script publish_time"),
        ),
        (
            'var __biz = "x"; var create_time = "1652942400" * 1;',
            (date(2022, 5, 19), "WeChat script create_time"),
        ),
        ('var ct = "1652942400";', None),  # not a WeChat page
    ],
)
def test_wechat_script_dates(script: str, expected: tuple[date, str] | None) -> None:
    assert wechat_published([script], today=TODAY) == expected


def test_wechat_epoch_is_a_shanghai_day() -> None:
    script = 'var msg_title = "x"; var ct = "1652975400";'  # 2022-05-19T15:50Z = 23:50 CST
    found = wechat_published([script], today=TODAY)
    assert found is not None
    assert found[0] == date(2022, 5, 19)
    late = 'var msg_title = "x"; var ct = "1652977800";'  # 16:30Z = 00:30 CST on the 20th
    found = wechat_published([late], today=TODAY)
    assert found is not None
    assert found[0] == date(2022, 5, 20)
