"""Personal data a page shows (个人信息泄露): 身份证号, bank card numbers, and lists of mobile
numbers, as the crawl found them in the page's text — only ever masked.

An advisory finding (``Severity.ADVISORY``, 疑似): no points unless a profile gives them, never
part of the 存在问题 text, until its precision is measured on a corpus of real pages (see
docs/rules.md). A page is flagged when its text shows any 身份证号 or named bank card number,
or at least ``MOBILES_IN_A_LIST`` different mobile numbers (one or two are a page's contact
numbers; more are a list of people). Only pages that were read are checked.

    personal-data-exposed   页面疑似公开未脱敏的个人信息(身份证号N个、手机号N个)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rules.model import Evidence, Finding, PageFacts, Severity

__all__ = ["MOBILES_IN_A_LIST", "check_personal_data"]

MOBILES_IN_A_LIST = 3
_LABELS = {"id_card": "身份证号", "bank_card": "银行卡号", "mobile": "手机号"}
_SHOWN = 5  # masked numbers named in the evidence


def check_personal_data(pages: Iterable[PageFacts]) -> list[Finding]:
    findings: list[Finding] = []
    for page in pages:
        if page.outcome is None or not page.outcome.readable or not page.personal_data:
            continue
        distinct = {(found["kind"], found["masked"]): found for found in page.personal_data}
        counts = Counter(kind for kind, _ in distinct)
        if not (counts["id_card"] or counts["bank_card"] or counts["mobile"] >= MOBILES_IN_A_LIST):
            continue
        named = "、".join(
            f"{_LABELS[kind]}{counts[kind]}个"
            for kind in ("id_card", "bank_card", "mobile")
            if counts[kind]
        )
        where = "网站首页" if page.column_id is None else f"{page.column_name}栏目页"
        shown = list(distinct.values())[:_SHOWN]
        detail = "; ".join(f"{found['masked']} (…{found['snippet']}…)" for found in shown)
        findings.append(
            Finding(
                code="personal-data-exposed",
                severity=Severity.ADVISORY,
                message=f"{where}疑似公开未脱敏的个人信息({named})",
                site_id=page.site_id,
                site_name=page.site_name,
                column_id=page.column_id,
                column_name=page.column_name,
                evidence=Evidence(
                    url=page.url,
                    checked_at=page.checked_at,
                    outcome=page.outcome,
                    threshold=f"身份证号、银行卡号任一,或手机号{MOBILES_IN_A_LIST}个以上",
                    detail=f"masked: {detail}",
                ),
            )
        )
    return findings
