"""A column's ``report_category``: section 二's kind, written or guessed from the name."""

from __future__ import annotations

import pytest

from crawler.targets import TargetsError, parse_targets
from rules.publishing import (
    REPORT_CATEGORIES,
    REPORT_CATEGORY_ALIASES,
    guess_report_category,
    report_category,
)

FILE = """
version: 1
sites:
  - id: portal
    name: 济源市人民政府
    homepage: http://127.0.0.1:8000/
    columns:
{columns}
"""


def columns_of(*lines: str) -> list[str | None]:
    text = FILE.format(columns="\n".join(f"      - {line}" for line in lines))
    (site,) = parse_targets(text).sites
    return [column.report_category for column in site.columns]


def problems(*lines: str) -> list[str]:
    text = FILE.format(columns="\n".join(f"      - {line}" for line in lines))
    with pytest.raises(TargetsError) as info:
        parse_targets(text, source="t.yaml")
    assert str(info.value).startswith("t.yaml: ")
    return info.value.problems


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("政务要闻", "news"),
        ("济源要闻", "news"),
        ("部门动态", "news"),
        ("图片新闻", "news"),
        ("管委会文件", "documents"),
        ("政策文件", "documents"),
        ("政策解读", "interpretation"),
        ("政策文件解读", "interpretation"),  # 解读 before 文件
        ("政府公报", "gazette"),
        ("政府常务会议", "executive-meeting"),
        ("常务会议纪要", "executive-meeting"),
        ("通知公告", "announcement"),
        ("公示公告", "announcement"),
        ("人事任免公示", "announcement"),
        ("意见征集", "consultation"),
        ("征集意见公告", "consultation"),  # 征集 before 公告
        ("专题专栏", "special"),
        ("人事信息", None),
        ("规划计划", None),
        ("媒体聚焦", None),
    ],
)
def test_the_category_is_guessed_from_the_name(name: str, category: str | None) -> None:
    assert guess_report_category(name) == category


def test_the_categories_are_the_notices_in_its_order() -> None:
    assert [(c.id, c.label, c.unit) for c in REPORT_CATEGORIES] == [
        ("news", "要闻", "条"),
        ("documents", "文件", "份"),
        ("interpretation", "政策解读", "条"),
        ("gazette", "政府公报", "期"),
        ("executive-meeting", "常务会议", "期"),
        ("announcement", "公告公示", "条"),
        ("consultation", "意见征集", "期"),
        ("special", "专题", "个"),
    ]
    assert report_category("gazette").unit == "期"
    assert all(guess_report_category(c.label) == c.id for c in REPORT_CATEGORIES)


def test_columns_get_the_guess_unless_the_file_says() -> None:
    assert columns_of(
        "{name: 政务要闻, url: 'http://127.0.0.1:8000/a/', category: news}",
        "{name: 人事信息, url: 'http://127.0.0.1:8000/b/', category: plan}",
        "{name: 通知公告, url: 'http://127.0.0.1:8000/c/', category: notice,"
        " report_category: documents}",
        "{name: 部门动态, url: 'http://127.0.0.1:8000/d/', category: news, report_category: none}",
        "{name: 市长信箱, url: 'http://127.0.0.1:8000/e/', category: news,"
        " report_category: 意见征集}",
        "{name: 部门文件, url: 'http://127.0.0.1:8000/f/', category: notice, report_category: 无}",
        "{name: 会议, url: 'http://127.0.0.1:8000/g/', category: notice,"
        " report_category: 政府常务会议}",
    ) == ["news", None, "documents", None, "consultation", None, "executive-meeting"]


def test_a_static_column_is_not_counted_by_category() -> None:
    assert columns_of("{name: 专题概况, url: 'http://127.0.0.1:8000/a/', category: static}") == [
        None
    ]
    (problem,) = problems(
        "{name: 政府概况, url: 'http://127.0.0.1:8000/a/', category: static,"
        " report_category: special}"
    )
    assert problem.startswith("sites[0].columns[0].report_category: a 'static' column")
    assert "remove report_category" in problem


def test_an_unknown_category_names_the_path_and_the_choices() -> None:
    (problem,) = problems(
        "{name: 要闻, url: 'http://127.0.0.1:8000/a/', category: news, report_category: 新闻}"
    )
    assert problem.startswith(
        "sites[0].columns[0].report_category: unknown report category '新闻' — use one of: "
    )
    for choice in ("news", "executive-meeting", "要闻", "常务会议", "none"):
        assert choice in problem
    assert set(REPORT_CATEGORY_ALIASES.values()) == {c.id for c in REPORT_CATEGORIES} | {None}
