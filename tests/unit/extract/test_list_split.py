"""A list split over several containers is one list: its newest item may be in any part."""

from __future__ import annotations

from datetime import date, timedelta

from crawler.extract import extract_page

TODAY = date(2022, 5, 24)
BASE = "http://www.example.gov.cn/col/bmdt/index.html"


def _page(body: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def _rows(numbers: range, newest: date) -> str:
    return "".join(
        f"<li><a href='/bmdt/{n}.html'>某某局第{n}项部门工作动态信息标题</a>"
        f"<span>{newest - timedelta(days=n)}</span></li>"
        for n in numbers
    )


def _numbers(body: str) -> list[int]:
    result = extract_page(_page(body), base_url=BASE, today=TODAY)
    return [int(item.url.rsplit("/", 1)[1].split(".")[0]) for item in result.items]


def test_eight_wrapped_lists_of_five_are_one_list_in_page_order() -> None:
    newest = date(2022, 5, 20)
    groups = "".join(
        f"<div class='group'><ul>{_rows(range(g * 5, g * 5 + 5), newest)}</ul></div>"
        for g in range(8)
    )
    assert _numbers(f"<div class='news'>{groups}</div>") == list(range(40))


def test_a_short_first_part_holding_the_newest_is_not_lost() -> None:
    # the first wrapper holds 3 entries, the others 5: alone, a part of 5 scores best
    newest = date(2022, 5, 20)
    first = f"<div class='group'><ul>{_rows(range(3), newest)}</ul></div>"
    rest = "".join(
        f"<div class='group'><ul>{_rows(range(10 + g * 5, 15 + g * 5), newest)}</ul></div>"
        for g in range(7)
    )
    html = _page(f"<div class='main'><div class='news'>{first}{rest}</div></div>")
    result = extract_page(html, base_url=BASE, today=TODAY)
    assert result.newest == newest
    assert len(result.items) == 38
    assert result.items[0].date_where == "ul > li[1] > span"


def test_lists_split_two_wrappers_deep() -> None:
    newest = date(2022, 5, 20)
    boxes = "".join(
        "<div class='box'><div class='inner'><ul class='l'>"
        f"{_rows(range(g * 4, g * 4 + 4), newest)}</ul></div></div>"
        for g in range(3)
    )
    assert _numbers(f"<div class='main'>{boxes}</div>") == list(range(12))


def test_sibling_lists_under_one_parent_are_merged() -> None:
    newest = date(2022, 5, 20)
    parts = "<hr>".join(
        f"<ul class='list'>{_rows(range(g * 5, g * 5 + 5), newest)}</ul>" for g in range(3)
    )
    assert _numbers(f"<div class='main'>{parts}</div>") == list(range(15))


def test_a_wrapper_of_another_kind_is_not_a_part() -> None:
    newest = date(2022, 5, 20)
    own = "".join(
        f"<div class='group'><ul>{_rows(range(g * 5, g * 5 + 5), newest)}</ul></div>"
        for g in range(2)
    )
    other = f"<div class='links'><ul>{_rows(range(100, 105), date(2022, 5, 23))}</ul></div>"
    assert _numbers(f"<div class='main'>{own}{other}</div>") == list(range(10))


def test_an_undated_part_is_not_merged_into_a_dated_list() -> None:
    newest = date(2022, 5, 20)
    dated = f"<ul class='list'>{_rows(range(5), newest)}</ul>"
    undated = (
        "<ul class='list'>"
        + "".join(
            f"<li><a href='/bmdt/{n}.html'>某某局内设机构第{n}科室职责介绍</a></li>"
            for n in range(100, 105)
        )
        + "</ul>"
    )
    assert _numbers(f"<div class='main'>{dated}{undated}</div>") == list(range(5))
