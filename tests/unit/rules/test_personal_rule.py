"""personal-data-exposed: 身份证号 or a named bank card on a page, or a list of mobiles."""

from __future__ import annotations

from datetime import UTC, datetime

from rules.model import Outcome, PageFacts, Severity
from rules.personal import check_personal_data

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def page(*found: tuple[str, str], outcome: Outcome = Outcome.OK) -> PageFacts:
    return PageFacts(
        site_id="s",
        site_name="某局网站",
        column_id="tzgg",
        column_name="通知公告",
        category=None,
        max_age_days=None,
        url="http://x.gov.cn/tzgg/",
        checked_at=NOW,
        outcome=outcome,
        personal_data=tuple(
            {"kind": kind, "masked": masked, "snippet": f"张三 {masked}"} for kind, masked in found
        ),
    )


def test_an_id_number_is_enough_one_or_two_mobiles_are_not() -> None:
    (finding,) = check_personal_data([page(("id_card", "4101**********1234"))])
    assert finding.code == "personal-data-exposed"
    assert finding.severity is Severity.ADVISORY
    assert finding.message == "通知公告栏目页疑似公开未脱敏的个人信息(身份证号1个)"
    assert "4101**********1234" in (finding.evidence.detail or "")
    two = page(("mobile", "138****5678"), ("mobile", "139****5678"))
    assert check_personal_data([two]) == []


def test_a_list_of_mobiles_counts_each_number_once() -> None:
    mobiles = [("mobile", f"13{i}****5678") for i in range(3)]
    (finding,) = check_personal_data([page(*mobiles, *mobiles)])
    assert finding.message.endswith("(手机号3个)")


def test_a_page_not_read_is_not_judged() -> None:
    assert (
        check_personal_data([page(("id_card", "4101**********1234"), outcome=Outcome.TIMEOUT)])
        == []
    )
