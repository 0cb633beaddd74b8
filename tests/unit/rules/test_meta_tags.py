"""Meta tags of 国办发〔2017〕47号: advisory findings on pages that were read."""

from __future__ import annotations

from datetime import UTC, datetime

from rules.meta_tags import check_meta
from rules.model import Category, Outcome, PageFacts, Severity
from rules.summary import problem_text

NOW = datetime(2022, 6, 20, 2, 0, tzinfo=UTC)
SITE = {"SiteName": "某局", "SiteDomain": "x.gov.cn", "SiteIDCode": "4190000001"}
COLUMN = {
    "ColumnName": "通知公告",
    "ColumnDescription": "…",
    "ColumnKeywords": "通知",
    "ColumnType": "通知公告",
}


def page(
    meta: dict[str, str],
    *,
    column: str | None = "通知公告",
    outcome: Outcome = Outcome.OK,
    category: Category = Category.NOTICE,
) -> PageFacts:
    return PageFacts(
        site_id="s",
        site_name="某局",
        column_id="tzgg" if column else None,
        column_name=column,
        category=category if column else None,
        max_age_days=None,
        url="http://x.gov.cn/",
        checked_at=NOW,
        outcome=outcome,
        meta=meta,
    )


def test_complete_pages_are_clean() -> None:
    assert check_meta([page(SITE, column=None), page(COLUMN)]) == []


def test_missing_tags_are_named() -> None:
    (home,) = check_meta([page({"SiteName": "某局"}, column=None)])
    assert home.code == "meta-tags-missing"
    assert home.severity is Severity.ADVISORY
    assert home.message == "网站首页缺少网页标签SiteDomain、SiteIDCode"
    (column,) = check_meta([page({**COLUMN, "ColumnKeywords": " "})])
    assert column.message == "通知公告栏目页缺少网页标签ColumnKeywords"


def test_malformed_site_code() -> None:
    (finding,) = check_meta([page({**SITE, "SiteIDCode": "419000001"}, column=None)])
    assert finding.code == "site-code-malformed"
    assert check_meta([page({**SITE, "SiteIDCode": "bm07000001"}, column=None)]) == []


def test_pages_not_read_and_static_columns_are_not_checked() -> None:
    assert check_meta([page({}, outcome=Outcome.TIMEOUT)]) == []
    assert check_meta([page({}, category=Category.STATIC)]) == []


def test_advisories_are_not_problems_in_the_notice_text() -> None:
    assert problem_text(check_meta([page({}, column=None)])) == "无问题"
