"""Section 二 of the demo's notice: the portal's columns counted in full, by category.

The session's demo crawl runs with today's date, so the quarter it judges is the last complete
one; the expected figures are computed from the demo's own data for that quarter (the notice's
966 belong to 2022-05-20: tests/unit/demo/test_demo_portal.py).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

import jsonschema
import pytest

from crawler.demo import demo_fleet, demo_period
from crawler.demo.portal import PORTAL_ID
from crawler.demo.styles import style_for
from crawler.targets import load_targets
from rules.model import SHANGHAI
from rules.publishing import REPORT_CATEGORIES
from tests.e2e.test_findings import documented_schema
from tests.support.cli import run_crawl
from tests.support.demo_crawl import DemoCrawl

TODAY = datetime.now(SHANGHAI).date()
QUARTER = demo_period(TODAY)
DEMO_QUARTER = (
    "--period",
    f"{QUARTER.start.year}Q{(QUARTER.start.month - 1) // 3 + 1}",
    "--as-of",
    TODAY.isoformat(),
)
# 二's categories as the notice words them, and their counting words
PHRASES = {
    "news": "要闻类",
    "documents": "管委会及办公室文件",
    "interpretation": "政策解读",
    "gazette": "政府公报",
    "executive-meeting": "政府常务会议",
    "announcement": "公告公示",
    "consultation": "意见征集",
    "special": "开设专题",
}


def run(demo_crawl: DemoCrawl, command: str, *args: str) -> str:
    result = run_crawl(
        command,
        "--targets",
        str(demo_crawl.targets),
        "--db",
        str(demo_crawl.db),
        *args,
        env=demo_crawl.env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def truth(demo_crawl: DemoCrawl) -> tuple[Counter[str | None], int]:
    """What the demo portal published in the quarter: per report category (as the demo's
    targets file gives each column) and in all (distinct article URLs)."""
    categories = {
        c.id: c.report_category for c in load_targets(demo_crawl.targets).sites[0].columns
    }
    portal = demo_fleet(TODAY).site(PORTAL_ID)
    style = style_for(portal.style)
    per_category: Counter[str | None] = Counter()
    urls = set()
    for column in portal.columns:
        for item in column.items:
            if QUARTER.start <= item.published <= QUARTER.end:
                per_category[categories[column.id]] += 1
                urls.add(style.article_path(column, item))
    return per_category, len(urls)


def test_the_export_counts_the_portal_in_full(
    demo_crawl: DemoCrawl, truth: tuple[Counter[str | None], int]
) -> None:
    export: dict[str, Any] = json.loads(
        run(demo_crawl, "findings", *DEMO_QUARTER, "--format", "json")
    )
    jsonschema.validate(export, documented_schema())
    entry = export["publishing"][0]
    assert entry["site"] == PORTAL_ID
    per_category, total = truth
    assert entry["complete"] is True
    assert entry["total"] == total
    assert [(c["category"], c["published"], c["complete"]) for c in entry["categories"]] == [
        (category.id, per_category[category.id], True) for category in REPORT_CATEGORIES
    ]
    assert per_category["news"] > 14 * 20  # dozens of list pages: the first page alone is 14
    read = {c["column"]: c for c in entry["columns"]}
    assert read["jyyw"]["stopped"] == "period_start"
    assert read["jyyw"]["pages_read"] > 20


def test_the_notice_lists_the_categories(
    demo_crawl: DemoCrawl, truth: tuple[Counter[str | None], int]
) -> None:
    per_category, total = truth
    out = run(demo_crawl, "report", *DEMO_QUARTER)
    units = {c.id: c.unit for c in REPORT_CATEGORIES}
    listed = "，".join(
        f"{PHRASES[c.id]}{per_category[c.id]}{units[c.id]}" for c in REPORT_CATEGORIES
    )
    end = QUARTER.end
    assert (
        f"{QUARTER.label}，截至{end.month}月{end.day}日，济源市人民政府门户网站共发布信息"
        f"{total}条，其中{listed}。"
    ) in out
    assert "≥" not in out.split("## 二")[1].split("## 三")[0]
