"""The disclosure rules: single-item columns, stale overviews, stale columns, unknowns."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rules.disclosure import (
    COLUMN_STALE,
    COLUMNS_SINGLE_ITEM,
    OVERVIEW_STALE,
    ColumnRead,
    DisclosureColumn,
    DisclosureUnit,
    Level,
    judge_disclosure,
)
from rules.model import Category, Outcome
from rules.period import Period

NOW = datetime(2022, 7, 10, 2, 0, tzinfo=UTC)
Q2 = Period.parse("2022Q2")


def _col(cid: str, **kwargs: object) -> DisclosureColumn:
    return DisclosureColumn(id=cid, name=f"栏目{cid}", url=f"http://gov.test/{cid}/", **kwargs)  # type: ignore[arg-type]


def _read(unit: str, cid: str, **kwargs: object) -> ColumnRead:
    base: dict[str, object] = {
        "unit_id": unit,
        "column_id": cid,
        "url": f"http://gov.test/{cid}/",
        "checked_at": NOW,
        "outcome": Outcome.OK,
        "stopped": "period_start",
        "pages_read": 1,
        "complete": True,
    }
    base.update(kwargs)
    return ColumnRead(**base)  # type: ignore[arg-type]


def _ids(entries: object) -> list[object]:
    assert isinstance(entries, list)
    return [entry["id"] for entry in entries]


def _town(*columns: DisclosureColumn, uid: str = "kjz") -> DisclosureUnit:
    return DisclosureUnit(id=uid, name="克井镇", level=Level.TOWN, columns=columns)


def test_two_single_item_columns_are_a_finding() -> None:
    unit = _town(_col("a"), _col("b"), _col("c"))
    reads = {
        ("kjz", "a"): _read("kjz", "a", published=1),
        ("kjz", "b"): _read("kjz", "b", published=1),
        ("kjz", "c"): _read("kjz", "c", published=40),
    }
    (finding,) = judge_disclosure([unit], reads, period=Q2, now=NOW)
    assert finding.code == COLUMNS_SINGLE_ITEM
    assert finding.message == "多个栏目只更新一条信息"
    assert finding.extra["unit"] == "kjz"
    assert finding.extra["level"] == "town"
    assert _ids(finding.extra["columns"]) == ["a", "b"]
    assert finding.evidence.threshold is not None


def test_one_single_item_column_is_not_many() -> None:
    unit = _town(_col("a"), _col("b"))
    reads = {
        ("kjz", "a"): _read("kjz", "a", published=1),
        ("kjz", "b"): _read("kjz", "b", published=0),
    }
    assert judge_disclosure([unit], reads, period=Q2, now=NOW) == []


def test_an_incomplete_or_failed_read_is_never_a_single_item() -> None:
    unit = _town(_col("a"), _col("b"), _col("c"))
    reads = {
        ("kjz", "a"): _read("kjz", "a", published=1),
        ("kjz", "b"): _read("kjz", "b", published=1, complete=False, stopped="failed"),
        ("kjz", "c"): _read("kjz", "c", published=1, outcome=Outcome.TIMEOUT, complete=False),
    }
    assert judge_disclosure([unit], reads, period=Q2, now=NOW) == []


def test_department_overview_older_than_two_years() -> None:
    unit = DisclosureUnit(
        id="gxw",
        name="工业和科技创新委员会",
        level=Level.DEPARTMENT,
        columns=(_col("gk", overview=True),),
    )
    reads = {("gxw", "gk"): _read("gxw", "gk", updated=date(2020, 7, 9), stopped="last_page")}
    (finding,) = judge_disclosure([unit], reads, period=Q2, now=NOW)
    assert finding.code == OVERVIEW_STALE
    assert finding.message == "概况信息最后更新时间为2020年"
    assert finding.evidence.newest_date == date(2020, 7, 9)
    assert finding.evidence.age_days == 731


def test_overview_exactly_at_its_max_age_is_not_stale() -> None:
    unit = DisclosureUnit(
        id="gxw", name="工信委", level=Level.DEPARTMENT, columns=(_col("gk", overview=True),)
    )
    reads = {("gxw", "gk"): _read("gxw", "gk", updated=date(2020, 7, 10))}  # 730 days
    assert judge_disclosure([unit], reads, period=Q2, now=NOW) == []


def test_overview_max_age_is_configurable() -> None:
    unit = DisclosureUnit(
        id="gxw",
        name="工信委",
        level=Level.DEPARTMENT,
        columns=(_col("gk", overview=True, max_age_days=365),),
    )
    reads = {("gxw", "gk"): _read("gxw", "gk", updated=date(2021, 6, 1))}
    (finding,) = judge_disclosure([unit], reads, period=Q2, now=NOW)
    assert finding.message == "概况信息最后更新时间为2021年"


def test_an_unread_or_undated_overview_is_unknown_not_stale() -> None:
    unit = DisclosureUnit(
        id="gxw", name="工信委", level=Level.DEPARTMENT, columns=(_col("gk", overview=True),)
    )
    failed = {
        ("gxw", "gk"): _read(
            "gxw", "gk", outcome=Outcome.CONNECT_ERROR, updated=None, complete=False
        )
    }
    undated = {("gxw", "gk"): _read("gxw", "gk", updated=None)}
    assert judge_disclosure([unit], failed, period=Q2, now=NOW) == []
    assert judge_disclosure([unit], undated, period=Q2, now=NOW) == []
    assert judge_disclosure([unit], {}, period=Q2, now=NOW) == []


def test_village_overviews_roll_up_to_their_town() -> None:
    town = DisclosureUnit(id="wwz", name="王屋镇", level=Level.TOWN)
    villages = [
        DisclosureUnit(
            id=f"v{i}",
            name=f"村{i}",
            level=Level.VILLAGE,
            parent="wwz",
            columns=(_col("gk", overview=True),),
        )
        for i in range(3)
    ]
    reads = {
        ("v0", "gk"): _read("v0", "gk", updated=date(2019, 5, 1)),
        ("v1", "gk"): _read("v1", "gk", updated=date(2019, 6, 1)),
        ("v2", "gk"): _read("v2", "gk", updated=date(2022, 6, 1)),
    }
    (finding,) = judge_disclosure([town, *villages], reads, period=Q2, now=NOW)
    assert finding.code == OVERVIEW_STALE
    assert finding.site_id == "wwz"
    assert finding.message == "村居概况超过2年未更新"
    assert _ids(finding.extra["villages"]) == ["v0", "v1"]
    assert finding.evidence.newest_date == date(2019, 5, 1)


def test_column_stale_by_category() -> None:
    unit = DisclosureUnit(
        id="rsj",
        name="人力资源和社会保障局",
        level=Level.DEPARTMENT,
        columns=(
            _col("tzgg", category=Category.NOTICE),
            _col("fresh", category=Category.NOTICE),
            _col("free"),
        ),
    )
    reads = {
        ("rsj", "tzgg"): _read("rsj", "tzgg", newest=date(2021, 12, 1)),
        ("rsj", "fresh"): _read("rsj", "fresh", newest=date(2022, 3, 1)),
        ("rsj", "free"): _read("rsj", "free", newest=date(2019, 1, 1)),
    }
    (finding,) = judge_disclosure([unit], reads, period=Q2, now=NOW)
    assert finding.code == COLUMN_STALE
    assert finding.message == "有栏目长期未更新"
    assert finding.column_id == "tzgg"
    assert finding.evidence.cutoff == date(2022, 1, 10)


def test_column_unreadable_is_never_stale() -> None:
    unit = DisclosureUnit(
        id="rsj",
        name="人社局",
        level=Level.DEPARTMENT,
        columns=(_col("tzgg", category=Category.NOTICE),),
    )
    failed = {("rsj", "tzgg"): _read("rsj", "tzgg", outcome=Outcome.BLOCKED, newest=None)}
    partial = {("rsj", "tzgg"): _read("rsj", "tzgg", newest=None, complete=False, stopped="failed")}
    assert judge_disclosure([unit], failed, period=Q2, now=NOW) == []
    assert judge_disclosure([unit], partial, period=Q2, now=NOW) == []
