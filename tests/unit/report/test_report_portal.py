"""Section 二's sentence: the portal's publishing in total and by the notice's categories."""

from __future__ import annotations

import copy
from typing import Any

from report_exports import export

from crawler.report import parse_export, text
from crawler.report.model import PublishedCategory

SEED = (
    "2022年第二季度，截至5月20日，济源市人民政府门户网站共发布信息966条，其中要闻类468条，"
    "管委会及办公室文件7份，政策解读9条，政府公报1期，政府常务会议3期，公告公示34条，"
    "意见征集6期，开设专题3个。"
)
FIGURES = (
    ("news", "要闻", "条", 468),
    ("documents", "文件", "份", 7),
    ("interpretation", "政策解读", "条", 9),
    ("gazette", "政府公报", "期", 1),
    ("executive-meeting", "常务会议", "期", 3),
    ("announcement", "公告公示", "条", 34),
    ("consultation", "意见征集", "期", 6),
    ("special", "专题", "个", 3),
)


def portal(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "site": "jiyuan-gov",
        "site_name": "济源市人民政府",
        "until": "2022-05-20",
        "total": 966,
        "complete": True,
        "categories": [
            {
                "category": category,
                "label": label,
                "unit": unit,
                "published": published,
                "complete": True,
                "columns": [f"c-{category}"],
            }
            for category, label, unit, published in FIGURES
        ],
        "columns": [
            {
                "column": f"c-{category}",
                "name": label,
                "category": "news",
                "report_category": category,
                "published": published,
                "complete": True,
                "pages_read": 3,
                "stopped": "period_start",
            }
            for category, label, _, published in FIGURES
        ],
    }
    entry.update(changes)
    return entry


def sentence(entry: dict[str, Any], **changes: Any) -> str:
    return text.portal_publishing(parse_export(export(publishing=[entry], **changes)))


def test_the_notices_sentence() -> None:
    assert sentence(portal()) == SEED


def test_as_of_the_period_end_it_still_says_to_when() -> None:
    assert sentence(portal(until="2022-06-30")).startswith(
        "2022年第二季度，截至6月30日，济源市人民政府门户网站共发布信息966条，其中要闻类468条，"
    )


def test_a_category_without_columns_is_left_out() -> None:
    entry = portal()
    entry["categories"] = [c for c in entry["categories"] if c["category"] != "gazette"]
    said = sentence(entry)
    assert "政府公报" not in said
    assert "政策解读9条，政府常务会议3期" in said
    assert "0期" not in said


def test_no_categorised_column_says_the_total_only() -> None:
    assert sentence(portal(categories=[], total=12)) == (
        "2022年第二季度，截至5月20日，济源市人民政府门户网站共发布信息12条。"
    )


def test_a_lower_bound_reads_at_least() -> None:
    entry = portal(complete=False)
    entry["categories"][0]["complete"] = False  # 要闻: a page could not be read
    entry["categories"][3].update(published=0, complete=False)  # 公报: nothing read whole
    entry["categories"][6].update(published=0)  # 意见征集: read whole, none in the period
    assert sentence(entry) == (
        "2022年第二季度，截至5月20日，济源市人民政府门户网站共发布信息≥966条，其中要闻类≥468条，"
        "管委会及办公室文件7份，政策解读9条，政府常务会议3期，公告公示34条，意见征集0期，"
        "开设专题3个。标“≥”的数量有栏目未能读取至本期开始，为不完全统计。"
    )


def test_the_model_reads_categories_and_completeness() -> None:
    data = parse_export(export(publishing=[portal(complete=False)]))
    (entry,) = data.publishing
    assert entry.complete is False
    assert entry.categories is not None
    assert entry.categories[1] == PublishedCategory(
        id="documents", label="文件", unit="份", published=7, complete=True
    )
    assert entry.columns[0].report_category == "news"
    assert entry.columns[0].complete is True


def test_an_older_export_reads_as_before() -> None:
    older = copy.deepcopy(portal())
    for key in ("categories", "complete"):
        older.pop(key)
    for column in older["columns"]:
        for key in ("report_category", "complete", "pages_read", "stopped"):
            column.pop(key)
    data = parse_export(export(publishing=[older]))
    assert data.publishing[0].categories is None
    assert data.publishing[0].complete is None
    said = text.portal_publishing(data)
    assert said.startswith(
        "2022年第二季度，截至5月20日，济源市人民政府门户网站共发布信息966条，其中要闻468条，"
    )
    assert said.endswith("（按检查读取的各栏目列表页所示发布日期统计，同一信息只计一次）。")
