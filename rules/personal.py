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
from collections.abc import Iterable, Mapping

from rules.model import Evidence, Finding, PageFacts, Severity

__all__ = ["MOBILES_IN_A_LIST", "check_personal_data", "exposed"]

MOBILES_IN_A_LIST = 3
_LABELS = {"id_card": "身份证号", "bank_card": "银行卡号", "mobile": "手机号"}
_SHOWN = 5  # masked numbers named in the evidence


def exposed(found: Iterable[Mapping[str, str]]) -> tuple[str, list[Mapping[str, str]]] | None:
    """Whether the numbers ``found`` on one page or file expose people: their count as the
    message names it ("身份证号2个、手机号5个") and the distinct numbers; None when they do not
    (no 身份证号 nor bank card, fewer than ``MOBILES_IN_A_LIST`` mobiles)."""
    distinct = {(entry["kind"], entry["masked"]): entry for entry in found}
    counts = Counter(kind for kind, _ in distinct)
    if not (counts["id_card"] or counts["bank_card"] or counts["mobile"] >= MOBILES_IN_A_LIST):
        return None
    named = "、".join(
        f"{_LABELS[kind]}{counts[kind]}个"
        for kind in ("id_card", "bank_card", "mobile")
        if counts[kind]
    )
    return named, list(distinct.values())


def check_personal_data(pages: Iterable[PageFacts]) -> list[Finding]:
    findings: list[Finding] = []
    for page in pages:
        if page.outcome is None or not page.outcome.readable or not page.personal_data:
            continue
        if (exposure := exposed(page.personal_data)) is None:
            continue
        named, distinct = exposure
        where = "网站首页" if page.column_id is None else f"{page.column_name}栏目页"
        shown = distinct[:_SHOWN]
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
