"""The year of a year-less list date comes from the page first: the entry's URL, a year
heading, the list's order; only then the latest occurrence up to the check date. Never a
date after the check date + 1 day, and the evidence says where the year came from."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract import extract_page
from crawler.extract.years import DateSlot, resolve_years, url_date

TODAY = date(2022, 5, 24)
BASE = "http://www.example.gov.cn/col/xzdt/index.html"


def _page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def _list(entries: list[tuple[str, str]]) -> str:
    """(href, shown date) pairs as a list."""
    return (
        "<div class='main'><ul class='list'>"
        + "".join(
            f"<li><a href='{href}'>某某乡镇第{n}项重点工作推进情况通报</a><span>{shown}</span></li>"
            for n, (href, shown) in enumerate(entries)
        )
        + "</ul></div>"
    )


def _dates(body: str, today: date = TODAY) -> list[date | None]:
    result = extract_page(_page(body), base_url=BASE, today=today)
    return [item.published for item in result.items]


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/xzdt/202007/t20200709_123.html", date(2020, 7, 9)),
        ("/xzdt/20200709/abc.html", date(2020, 7, 9)),
        ("/art/2020/7/9/art_1_2.html", date(2020, 7, 9)),
        ("/xzdt/2020/07/content_88.html", date(2020, 7, 15)),
        ("/xzdt/2020-07/09/c_1.htm", date(2020, 7, 9)),
        ("/xzdt/202007/abc.html", date(2020, 7, 15)),
        ("/xzdt/content_20201234.html", None),
        ("/xzdt/10012345.html", None),
        ("/xzdt/list.html?date=20200709", None),
    ],
)
def test_dates_in_url_paths(href: str, expected: date | None) -> None:
    assert url_date("http://www.example.gov.cn" + href) == expected


def test_an_old_saved_page_takes_its_years_from_the_urls() -> None:
    entries = [
        ("/xzdt/202007/t20200709_4.html", "07-09"),
        ("/xzdt/202007/t20200701_3.html", "07-01"),
        ("/xzdt/202006/t20200630_2.html", "06-30"),
    ]
    result = extract_page(_page(_list(entries)), base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [
        date(2020, 7, 9),
        date(2020, 7, 1),
        date(2020, 6, 30),
    ]
    assert result.newest == date(2020, 7, 9)
    assert result.items[0].date_where == "ul.list > li[1] > span, year inferred from URL"
    assert result.items[0].date_text == "07-09"


def test_a_url_date_takes_the_nearest_year_of_the_shown_day() -> None:
    # filed on 30 December, shown as published on 2 January
    body = _list(
        [("/xzdt/202012/t20201230_9.html", "01-02"), ("/xzdt/202012/t20201228_8.html", "12-28")]
    )
    assert _dates(body) == [date(2021, 1, 2), date(2020, 12, 28)]


def test_a_url_date_far_from_the_shown_day_is_no_evidence() -> None:
    body = _list([("/xzdt/201901/t20190105_1.html", "05-20"), ("/xzdt/a.html", "05-18")])
    result = extract_page(_page(body), base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [date(2022, 5, 20), date(2022, 5, 18)]
    assert result.items[0].date_where is not None
    assert "from URL" not in result.items[0].date_where


def test_a_year_heading_above_each_list() -> None:
    rows_2020 = _list([("/a/1.html", "12-20"), ("/a/2.html", "05-06")])
    rows_2019 = _list([("/a/3.html", "12-30"), ("/a/4.html", "11-02")])
    body = (
        f"<div class='content'><div class='y'><h3>2020年</h3>{rows_2020}</div>"
        f"<div class='y'><h3>2019年</h3>{rows_2019}</div></div>"
    )
    result = extract_page(_page(body), base_url=BASE, today=TODAY)
    assert [item.published for item in result.items] == [
        date(2020, 12, 20),
        date(2020, 5, 6),
        date(2019, 12, 30),
        date(2019, 11, 2),
    ]
    assert result.items[0].date_where is not None
    assert result.items[0].date_where.endswith(", year inferred from heading 2020")


def test_year_rows_inside_a_list() -> None:
    body = (
        "<ul class='list'><li class='year'>2021年</li>"
        "<li><a href='/a/1.html'>某某乡镇第1项重点工作推进情况通报</a><span>12-20</span></li>"
        "<li><a href='/a/2.html'>某某乡镇第2项重点工作推进情况通报</a><span>06-01</span></li>"
        "<li class='year'>2020年</li>"
        "<li><a href='/a/3.html'>某某乡镇第3项重点工作推进情况通报</a><span>12-30</span></li>"
        "</ul>"
    )
    assert _dates(body) == [date(2021, 12, 20), date(2021, 6, 1), date(2020, 12, 30)]


def test_a_list_newest_first_crosses_the_new_year() -> None:
    entries = [("/a/1.html", "01-05"), ("/a/2.html", "01-02"), ("/a/3.html", "12-30")]
    result = extract_page(_page(_list(entries)), base_url=BASE, today=date(2023, 1, 6))
    assert [item.published for item in result.items] == [
        date(2023, 1, 5),
        date(2023, 1, 2),
        date(2022, 12, 30),
    ]
    assert [item.date_where for item in result.items] == [
        "ul.list > li[1] > span, year inferred from check date",
        "ul.list > li[2] > span, year inferred from list order",
        "ul.list > li[3] > span, year inferred from list order",
    ]


def test_the_year_of_one_entry_carries_across_the_new_year_by_the_order() -> None:
    # read at the end of the year: 12-30 would be this December by the check date alone
    entries = [
        ("/a/202301/t20230105_1.html", "01-05"),
        ("/a/2.html", "01-02"),
        ("/a/3.html", "12-30"),
        ("/a/4.html", "12-28"),
    ]
    assert _dates(_list(entries), today=date(2023, 12, 31)) == [
        date(2023, 1, 5),
        date(2023, 1, 2),
        date(2022, 12, 30),
        date(2022, 12, 28),
    ]


def test_this_years_entries_without_the_year_above_last_years_in_full() -> None:
    # a column published yearly: the entry a year and a week after the last is not pulled back
    body = _list([("/a/1.html", "05-18"), ("/a/2.html", "2021-05-10"), ("/a/3.html", "2020-05-12")])
    assert _dates(body) == [date(2022, 5, 18), date(2021, 5, 10), date(2020, 5, 12)]


def test_an_unmarked_old_entry_in_full_above_a_year_less_list() -> None:
    body = _list([("/a/p.html", "2021-07-01"), ("/a/1.html", "05-20"), ("/a/2.html", "05-18")])
    result = extract_page(_page(body), base_url=BASE, today=TODAY)
    assert result.newest == date(2022, 5, 20)


def test_a_full_date_of_another_year_does_not_date_this_years_entries() -> None:
    # this year's entries without their year, older ones with it
    body = _list(
        [
            ("/a/1.html", "05-20"),
            ("/a/2.html", "05-18"),
            ("/a/3.html", "01-03"),
            ("/a/4.html", "2021-12-30"),
            ("/a/5.html", "2021-12-01"),
        ]
    )
    assert _dates(body) == [
        date(2022, 5, 20),
        date(2022, 5, 18),
        date(2022, 1, 3),
        date(2021, 12, 30),
        date(2021, 12, 1),
    ]


def test_an_old_pinned_full_date_does_not_date_the_year_less_list() -> None:
    pinned = (
        "<li><span>置顶</span><a href='/a/p.html'>关于公布举报投诉电话和邮箱的公告</a>"
        "<span>2021-06-01</span></li>"
    )
    rows = "".join(
        f"<li><a href='/a/{n}.html'>某某乡镇第{n}项重点工作推进情况通报</a>"
        f"<span>{shown}</span></li>"
        for n, shown in enumerate(["01-03", "12-20", "12-15"])
    )
    result = extract_page(
        _page(f"<ul class='list'>{pinned}{rows}</ul>"), base_url=BASE, today=date(2023, 1, 6)
    )
    assert result.newest == date(2023, 1, 3)
    assert [item.published for item in result.items[1:]] == [
        date(2023, 1, 3),
        date(2022, 12, 20),
        date(2022, 12, 15),
    ]


def test_without_evidence_the_latest_occurrence_up_to_the_check_date() -> None:
    body = _list([("/a/1.html", "05-25"), ("/a/2.html", "05-26"), ("/a/3.html", "[12-30]")])
    result = extract_page(_page(body), base_url=BASE, today=TODAY)
    # 05-25 is tomorrow (the one day of tolerance); 05-26 would be later: last year's
    assert [item.published for item in result.items] == [
        date(2022, 5, 25),
        date(2021, 5, 26),
        date(2021, 12, 30),
    ]
    assert all(item.date_where and "year inferred from" in item.date_where for item in result.items)


def test_full_dates_carry_no_marker() -> None:
    result = extract_page(
        _page(_list([("/a/1.html", "2022-05-20"), ("/a/2.html", "2022-05-18")])),
        base_url=BASE,
        today=TODAY,
    )
    assert [item.date_where for item in result.items] == [
        "ul.list > li[1] > span",
        "ul.list > li[2] > span",
    ]


def test_chinese_month_day_dates_take_years_too() -> None:
    body = _list([("/xzdt/201912/t20191230_1.html", "12月30日"), ("/a/2.html", "12月28日")])
    assert _dates(body) == [date(2019, 12, 30), date(2019, 12, 28)]


def test_resolve_years_links_neighbours_only_when_close() -> None:
    slots = [
        DateSlot(full=date(2021, 9, 1)),
        DateSlot(month_day=(5, 20)),  # 104 days before: no link, no window above
        DateSlot(month_day=(5, 18)),
    ]
    dated = resolve_years(slots, today=TODAY)
    assert [d.value if d else None for d in dated] == [
        date(2021, 9, 1),
        date(2022, 5, 20),
        date(2022, 5, 18),
    ]


def test_resolve_years_between_two_known_dates() -> None:
    slots = [
        DateSlot(full=date(2021, 3, 1)),
        DateSlot(month_day=(11, 5)),
        DateSlot(full=date(2020, 6, 1)),
    ]
    dated = resolve_years(slots, today=TODAY)
    assert dated[1] is not None
    assert dated[1].value == date(2020, 11, 5)
    assert dated[1].note == "year inferred from list order"


def test_resolve_years_undated_entries_stay_undated() -> None:
    dated = resolve_years([DateSlot(), DateSlot(month_day=(2, 30))], today=TODAY)
    assert dated == [None, None]


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 1, 1))),
            st.tuples(st.integers(1, 12), st.integers(1, 31)),
            st.booleans(),
            st.sampled_from(["", "/a/20200709/x.html", "/a/2031/01/x.html", "/a/1999/12/31/x"]),
            st.one_of(st.none(), st.integers(1990, 2022)),
        ),
        max_size=12,
    ),
    st.dates(date(1995, 1, 1), date(2030, 12, 31)),
)
def test_resolved_dates_are_never_after_the_check_date(
    raw: list[tuple[date | None, tuple[int, int], bool, str, int | None]], today: date
) -> None:
    slots = [
        DateSlot(
            full=full if full is not None and full <= today else None,
            month_day=None if full is not None else month_day,
            pinned=pinned,
            url=url,
            heading_year=heading,
        )
        for full, month_day, pinned, url, heading in raw
    ]
    for slot, found in zip(slots, resolve_years(slots, today=today), strict=True):
        if found is None:
            continue
        assert date(1990, 1, 1) <= found.value <= date.fromordinal(today.toordinal() + 1)
        if slot.month_day is not None:
            assert (found.value.month, found.value.day) == slot.month_day
            assert found.note is not None
