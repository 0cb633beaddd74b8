"""The ``units:`` section of the targets file."""

from __future__ import annotations

import pytest

from crawler.targets import TargetsError, parse_targets
from rules.disclosure import Level
from rules.model import Category

GOOD = """
version: 1
units:
  - id: zrzy
    name: 自然资源和规划局
    level: 部门
    columns:
      - name: 通知公告
        url: http://127.0.0.1:8000/zrzy/tzgg/index.html
        category: notice
      - id: gk
        name: 机构概况
        url: http://127.0.0.1:8000/zrzy/jggk/
        overview: true
        max_age_days: 365
  - id: wwz
    name: 王屋镇
    level: town
  - id: wwz-wwc
    name: 王屋村
    level: 村居
    parent: wwz
    columns:
      - {id: gk, name: 村居概况, url: "http://127.0.0.1:8000/wwc/gk.html", overview: true}
"""


def test_units_are_parsed_in_order() -> None:
    targets = parse_targets(GOOD)
    zrzy, wwz, village = targets.units
    assert (zrzy.id, zrzy.level, zrzy.parent) == ("zrzy", Level.DEPARTMENT, None)
    notice, overview = zrzy.columns
    assert notice.id == "zrzy-tzgg"
    assert notice.category is Category.NOTICE
    assert not notice.overview
    assert overview.overview
    assert overview.overview_max_age_days == 365
    assert wwz.level is Level.TOWN
    assert wwz.columns == ()
    assert village.parent == "wwz"
    assert village.columns[0].overview_max_age_days == 730
    assert [u.id for u in targets.select_units(["wwz-wwc", "zrzy"])] == ["wwz-wwc", "zrzy"]


def test_a_file_without_units_has_none() -> None:
    assert parse_targets("version: 1\nsites: []\n").units == ()


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "units:\n  - {id: a, name: A, level: county}\n",
            "units[0].level: unknown level 'county'",
        ),
        (
            "units:\n  - {id: a, name: A, level: village}\n",
            "units[0].parent: a village needs parent",
        ),
        (
            "units:\n  - {id: a, name: A, level: village, parent: nowhere}\n",
            "units[0].parent: no unit with id 'nowhere'",
        ),
        (
            "units:\n  - {id: d, name: D, level: department}\n"
            "  - {id: a, name: A, level: village, parent: d}\n",
            "units[1].parent: 'd' is not a town",
        ),
        (
            "units:\n  - {id: a, name: A, level: town}\n  - {id: a, name: B, level: town}\n",
            "units[1].id: duplicate unit id 'a'",
        ),
        (
            "units:\n  - id: a\n    name: A\n    level: town\n    columns:\n"
            "      - {name: X, url: 'http://h/x/', max_age_days: 30}\n",
            "units[0].columns[0].max_age_days: only overview pages",
        ),
        (
            "units:\n  - id: a\n    name: A\n    level: town\n    columns:\n"
            "      - {name: X, url: 'http://h/x/', overview: true, category: notice}\n",
            "units[0].columns[0].category: an overview page",
        ),
        (
            "units:\n  - id: a\n    name: A\n    level: town\n    columns:\n"
            "      - {name: X, url: 'ftp://h/x/'}\n",
            "units[0].columns[0].url:",
        ),
        (
            "units:\n  - {id: a, name: A, level: town, colums: []}\n",
            "units[0].colums: unknown key",
        ),
    ],
)
def test_mistakes_name_the_path_and_the_remedy(yaml_text: str, expected: str) -> None:
    with pytest.raises(TargetsError) as caught:
        parse_targets(yaml_text, source="t.yaml")
    assert expected in str(caught.value)
    assert str(caught.value).startswith("t.yaml: ")


def test_unknown_unit_is_named() -> None:
    with pytest.raises(TargetsError, match="no unit with id nope"):
        parse_targets(GOOD).select_units(["nope"])
