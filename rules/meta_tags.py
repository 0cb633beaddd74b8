"""Page meta tags of 国办发〔2017〕47号 (网页设计规范 → 网页标签): present and well formed.

Low-severity findings (``Severity.ADVISORY``): no points unless a profile gives them, never
part of the 存在问题 text. Only pages that were read are checked.

    meta-tags-missing     the homepage lacks SiteName/SiteDomain/SiteIDCode, or a column page
                          lacks ColumnName/ColumnDescription/ColumnKeywords/ColumnType
    site-code-malformed   the homepage's SiteIDCode is not 10 digits or "bm" + 8 digits
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.model import Category, Evidence, Finding, PageFacts, Severity

__all__ = ["COLUMN_TAGS", "SITE_TAGS", "check_meta"]

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
_SITE_CODE = re.compile(r"^(\d{10}|bm\d{8})$")


def check_meta(pages: Iterable[PageFacts]) -> list[Finding]:
    findings: list[Finding] = []
    for page in pages:
        if page.outcome is None or not page.outcome.readable:
            continue
        is_home = page.column_id is None
        if not is_home and page.category is Category.STATIC:
            required: tuple[str, ...] = ()  # 概况 pages are often single articles
        else:
            required = SITE_TAGS if is_home else COLUMN_TAGS
        missing = [tag for tag in required if not page.meta.get(tag, "").strip()]
        where = "网站首页" if is_home else f"{page.column_name}栏目页"
        if missing:
            findings.append(
                _finding(
                    page,
                    "meta-tags-missing",
                    f"{where}缺少网页标签{'、'.join(missing)}",
                    f"missing meta tags: {', '.join(missing)} (国办发〔2017〕47号 网页标签, 必选)",
                )
            )
        code = page.meta.get("SiteIDCode", "").strip()
        if is_home and code and not _SITE_CODE.match(code):
            findings.append(
                _finding(
                    page,
                    "site-code-malformed",
                    f"网站标识码格式不规范({code})",
                    f"SiteIDCode {code!r} is neither 10 digits nor 'bm' + 8 digits",
                )
            )
    return findings


def _finding(page: PageFacts, code: str, message: str, detail: str) -> Finding:
    return Finding(
        code=code,
        severity=Severity.ADVISORY,
        message=message,
        site_id=page.site_id,
        site_name=page.site_name,
        column_id=page.column_id,
        column_name=page.column_name,
        evidence=Evidence(
            url=page.url, checked_at=page.checked_at, outcome=page.outcome, detail=detail
        ),
    )
