"""The demo's units: 附件3's counts in the demo quarter, and only the notice's problems."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.demo.disclosure import (
    EXPECTED_DISCLOSURE_FINDINGS,
    SINGLE_ITEM_TOWNS,
    UnitPages,
    demo_units,
    unit_path,
)
from crawler.demo.posting import demo_period
from tests.support.notice import (
    NOTICE_DEPARTMENT_ROWS,
    NOTICE_DISCLOSURE_TOTAL,
    NOTICE_TOWN_ROWS,
)


@pytest.mark.parametrize("today", [date(2026, 11, 26), date(2024, 1, 1), date(2023, 7, 1)])
def test_items_in_the_demo_quarter_equal_attachment_3(today: date) -> None:
    period = demo_period(today)
    units = demo_units(today)
    counted = {
        u.name: sum(1 for c in u.columns for d in c.dates if period.start <= d <= period.end)
        for u in units
    }
    departments = [(n, name, counted[name]) for n, name, _ in NOTICE_DEPARTMENT_ROWS]
    towns = [(n, name, counted[name]) for n, name, _ in NOTICE_TOWN_ROWS]
    assert departments == NOTICE_DEPARTMENT_ROWS
    assert towns == NOTICE_TOWN_ROWS
    assert sum(counted.values()) == NOTICE_DISCLOSURE_TOTAL
    for unit in units:
        for column in unit.columns:
            assert all(d <= today for d in column.dates), (unit.id, column.id)
            if not column.overview:
                assert min(column.dates) < period.start  # every read ends at the period start


def test_only_the_notices_towns_have_two_single_item_columns() -> None:
    today = date(2026, 11, 26)
    period = demo_period(today)
    singles = {
        u.id
        for u in demo_units(today)
        if sum(
            1 for c in u.columns if sum(1 for d in c.dates if period.start <= d <= period.end) == 1
        )
        >= 2
    }
    assert singles == SINGLE_ITEM_TOWNS
    assert {code for code, _, _ in EXPECTED_DISCLOSURE_FINDINGS} == {
        "disclosure-columns-single-item",
        "disclosure-overview-stale",
        "disclosure-column-stale",
    }


def test_every_column_page_is_served() -> None:
    today = date(2026, 11, 26)
    for unit in demo_units(today):
        pages = UnitPages(unit, today)
        for column in unit.columns:
            assert pages.get(unit_path(unit, column)) is not None, (unit.id, column.id)
        assert pages.get("/robots.txt") is not None
