"""``external-link-hijacked``: one advisory per site naming each external homepage link whose
page shows gambling, pornography, illegal loans or a parked domain; cleared only when every
external link was read again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rules.links import (
    LINK_CODES,
    LandingKind,
    LandingPlace,
    LandingWords,
    LinkCheck,
    LinkKind,
    LinkVerdict,
    SiteLinkFacts,
    hijacked_detail,
    judge_links,
    read_hijacked,
    unjudged_subjects,
)
from rules.model import Finding, Severity, Site
from rules.summary import problem_text

NOW = datetime(2024, 5, 20, 2, 0, tzinfo=UTC)
HOME = "http://www.example.gov.cn/"
SITE = Site(id="xian", name="某某县人民政府", homepage=HOME)
DOCS = (Path(__file__).parents[3] / "docs" / "rules.md").read_text(encoding="utf-8")

GAMBLING = hijacked_detail(
    LandingKind.GAMBLING,
    (
        LandingWords(place=LandingPlace.TITLE, words=("百家乐",)),
        LandingWords(place=LandingPlace.TEXT, words=("六合彩", "时时彩", "真人娱乐")),
    ),
)
PARKED = hijacked_detail(
    LandingKind.PARKING, (LandingWords(place=LandingPlace.HOST, words=("sedo.com",)),)
)


def link(
    url: str,
    verdict: LinkVerdict = LinkVerdict.OK,
    *,
    detail: str | None = None,
    label: str | None = "友情链接",
    external: bool = True,
    status: int | None = 200,
    at: datetime = NOW,
) -> LinkCheck:
    return LinkCheck(
        site_id=SITE.id,
        column_id=None,
        page_url=HOME,
        url=url,
        kind=LinkKind.LINK,
        external=external,
        verdict=verdict,
        checked_at=at,
        status=status,
        detail=detail,
        label=label,
    )


def judge(*checks: LinkCheck) -> list[Finding]:
    return judge_links(SITE, SiteLinkFacts(site_id=SITE.id, checks=checks))


def test_the_detail_names_the_kind_and_the_words() -> None:
    assert GAMBLING == "链接目标页面疑似赌博网站：标题含“百家乐”，正文含“六合彩”“时时彩”“真人娱乐”"
    assert PARKED == "链接目标页面疑似域名停放或出售页面：跳转至“sedo.com”"
    assert read_hijacked(GAMBLING) == (
        LandingKind.GAMBLING,
        ("百家乐", "六合彩", "时时彩", "真人娱乐"),
    )
    assert read_hijacked(PARKED) == (LandingKind.PARKING, ("sedo.com",))
    assert read_hijacked(hijacked_detail(LandingKind.PORN, ())) == (LandingKind.PORN, ())
    assert read_hijacked(None) is None
    assert read_hijacked("HTTP 404 Not Found") is None
    assert LinkVerdict.HIJACKED.value == "hijacked"
    assert len(LinkVerdict.HIJACKED.value) <= 20  # link_checks.verdict is String(20)


def test_one_finding_names_each_hijacked_link() -> None:
    findings = judge(
        link("http://casino.example.com/", LinkVerdict.HIJACKED, detail=GAMBLING, label="旅游网"),
        link(
            "http://old.example.org/",
            LinkVerdict.HIJACKED,
            detail=PARKED,
            label=None,
            at=NOW + timedelta(seconds=5),
        ),
        link("http://www.gov.cn/", label="中国政府网"),
        link("http://www.example.gov.cn/a.html", external=False),
    )
    (finding,) = findings
    assert finding.code == "external-link-hijacked"
    assert finding.severity is Severity.ADVISORY
    assert finding.message == "首页存在2个外部链接疑似指向赌博网站、域名停放或出售页面"
    assert (finding.column_id, finding.column_name) == (None, None)
    evidence = finding.evidence
    assert evidence.url == HOME
    assert evidence.checked_at == NOW + timedelta(seconds=5)
    assert evidence.item_count == 3  # the homepage's links to other sites
    assert evidence.threshold == "首页外部链接不应指向赌博、色情、非法网贷网站或域名停放页面"
    assert evidence.detail == (
        "2 of 3 links to other sites lead to such pages: "
        f"http://casino.example.com/ (“旅游网”): {GAMBLING}; http://old.example.org/: {PARKED}"
    )
    assert finding.extra["effect"] == "note"
    assert finding.extra["points"] == 0
    assert finding.extra["occurrences"] == 2
    assert finding.extra["hijacked_links"] == [
        {
            "page_url": HOME,
            "url": "http://casino.example.com/",
            "label": "旅游网",
            "kind": "gambling",
            "words": ["百家乐", "六合彩", "时时彩", "真人娱乐"],
            "detail": GAMBLING,
        },
        {
            "page_url": HOME,
            "url": "http://old.example.org/",
            "label": None,
            "kind": "parking",
            "words": ["sedo.com"],
            "detail": PARKED,
        },
    ]
    assert problem_text(findings) == "无问题"  # advisory: never part of 存在问题


def test_a_link_seen_twice_is_named_once() -> None:
    casino = link("http://casino.example.com/", LinkVerdict.HIJACKED, detail=GAMBLING)
    (finding,) = judge(casino, casino)
    assert finding.message == "首页存在1个外部链接疑似指向赌博网站"
    assert finding.extra["occurrences"] == 1


def test_own_links_and_column_pages_are_not_judged() -> None:
    own = link("http://www.example.gov.cn/x", LinkVerdict.HIJACKED, detail=GAMBLING, external=False)
    column = LinkCheck(
        site_id=SITE.id,
        column_id="tzgg",
        page_url=f"{HOME}tzgg/",
        url="http://casino.example.com/",
        kind=LinkKind.LINK,
        external=True,
        verdict=LinkVerdict.HIJACKED,
        checked_at=NOW,
        detail=GAMBLING,
    )
    assert judge(own, column) == []


def test_a_hijacked_link_is_not_a_broken_one() -> None:
    hijacked = link("http://casino.example.com/", LinkVerdict.HIJACKED, detail=GAMBLING)
    assert not hijacked.broken
    codes = [
        f.code
        for f in judge(
            hijacked, link("http://gone.example.com/", LinkVerdict.HTTP_ERROR, status=404)
        )
    ]
    assert codes == ["external-links-broken", "external-link-hijacked"]


def test_nothing_hijacked_no_finding() -> None:
    assert (
        judge(link("http://www.gov.cn/"), link("http://slow.example.com/", LinkVerdict.TIMEOUT))
        == []
    )


EVERYTHING = {(None, LinkKind.LINK), (None, LinkKind.IMAGE)}


@pytest.mark.parametrize(
    ("checks", "judged", "open_"),
    [
        ((link("http://a.example.com/"),), EVERYTHING, False),
        ((link("http://a.example.com/", LinkVerdict.HIJACKED, detail=PARKED),), EVERYTHING, False),
        ((link("http://a.example.com/", LinkVerdict.HTTP_ERROR, status=410),), EVERYTHING, False),
        ((link("http://a.example.com/", LinkVerdict.TIMEOUT),), EVERYTHING, True),
        ((link("http://a.example.com/", LinkVerdict.BLOCKED),), EVERYTHING, True),
        ((link("http://a.example.com/", LinkVerdict.HTTP_ERROR, status=403),), EVERYTHING, True),
        ((link("http://a.example.com/"),), {(None, LinkKind.IMAGE)}, True),
        ((link("http://own/x", LinkVerdict.TIMEOUT, external=False),), EVERYTHING, False),
    ],
)  # fmt: skip
def test_kept_open_until_every_external_link_is_read(
    checks: tuple[LinkCheck, ...], judged: set[tuple[str | None, LinkKind]], open_: bool
) -> None:
    facts = SiteLinkFacts(site_id=SITE.id, checks=checks)
    unjudged = unjudged_subjects(SITE, facts, judged)
    assert (("external-link-hijacked", None) in unjudged) is open_
    assert ("external-link-hijacked", None) in unjudged_subjects(SITE, None, set())


def test_the_code_is_a_link_code_and_documented() -> None:
    assert "external-link-hijacked" in LINK_CODES
    missing = [code for code in LINK_CODES if f"`{code}`" not in DOCS]
    assert not missing
    assert LinkVerdict.HIJACKED.label == "指向不良页面"
