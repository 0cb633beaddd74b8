"""The export's ``publishing`` entries: per column, per report category, and how complete."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crawler.output.export import publishing_entries
from rules.disclosure import ColumnRead
from rules.model import Category, Column, Outcome, Site
from storage.publishing import Published

AT = datetime(2022, 5, 20, 2, 0, tzinfo=UTC)


def column(column_id: str, name: str, category: Category, report: str | None) -> Column:
    return Column(
        id=column_id,
        name=name,
        url=f"http://127.0.0.1:9/{column_id}/",
        category=category,
        report_category=report,
    )


def read(column_id: str, *, complete: bool, stopped: str, pages: int) -> ColumnRead:
    return ColumnRead(
        unit_id="site:portal",
        column_id=column_id,
        url=f"http://127.0.0.1:9/{column_id}/",
        checked_at=AT,
        outcome=Outcome.OK,
        stopped=stopped,
        pages_read=pages,
        complete=complete,
    )


PORTAL = Site(
    id="portal",
    name="济源市人民政府",
    homepage="http://127.0.0.1:9/",
    columns=(
        column("yw", "要闻", Category.NEWS, "news"),
        column("dt", "部门动态", Category.NEWS, "news"),
        column("tz", "通知公告", Category.NOTICE, "announcement"),
        column("rs", "人事信息", Category.PLAN, None),
        column("gk", "政府概况", Category.STATIC, None),
    ),
)


def test_categories_in_the_notices_order_with_their_completeness() -> None:
    published = Published(
        columns={"yw": 400, "dt": 80, "tz": 30, "rs": 2, "gk": 0},
        total=500,
        categories={"news": 468, "announcement": 30},
        reads={
            "yw": read("yw", complete=True, stopped="period_start", pages=24),
            "dt": read("dt", complete=True, stopped="last_page", pages=5),
            "tz": read("tz", complete=False, stopped="failed", pages=1),
            "rs": read("rs", complete=True, stopped="period_start", pages=1),
        },
    )
    (entry,) = publishing_entries([PORTAL], {"portal": published}, until=date(2022, 5, 20))
    assert entry["total"] == 500
    assert entry["complete"] is False  # 通知公告 could not be read whole
    assert entry["categories"] == [
        {
            "category": "news",
            "label": "要闻",
            "unit": "条",
            "published": 468,
            "complete": True,
            "columns": ["yw", "dt"],
        },
        {
            "category": "announcement",
            "label": "公告公示",
            "unit": "条",
            "published": 30,
            "complete": False,
            "columns": ["tz"],
        },
    ]
    columns = {c["column"]: c for c in entry["columns"]}
    assert columns["yw"] == {
        "column": "yw",
        "name": "要闻",
        "category": "news",
        "report_category": "news",
        "published": 400,
        "complete": True,
        "pages_read": 24,
        "stopped": "period_start",
    }
    assert columns["gk"]["complete"] is True  # static: nothing to read
    assert columns["gk"]["stopped"] is None


def test_a_site_never_read_through_its_pages_is_a_lower_bound() -> None:
    published = Published(columns={"yw": 14}, total=14, categories={"news": 14})
    (entry,) = publishing_entries([PORTAL], {"portal": published}, until=date(2022, 6, 30))
    assert entry["complete"] is False
    assert [c["complete"] for c in entry["categories"]] == [False, False]
    assert [c["published"] for c in entry["categories"]] == [14, 0]
    assert {c["column"]: c["pages_read"] for c in entry["columns"]}["yw"] is None
