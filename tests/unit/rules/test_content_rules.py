"""Content rules of national-2019: the curated list's 严重表述错误 and 错别字 counted once per
sentence across a site's pages and articles, hidden links once per target, unread sites not
judged, and personal numbers in attachments as advisories with the page they are on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engine_builders import NOW, home, page, site

from rules.content import ContentCheck, check_content_personal_data
from rules.engine import evaluate
from rules.evaluation import ObjectResult
from rules.model import Outcome, Severity
from rules.period import Period
from rules.profile_files import load_profile

NATIONAL = load_profile("national-2019")
Q2 = Period.parse("2022Q2")
SERIOUS = {
    "wrong": "中华人民共合国",
    "right": "中华人民共和国",
    "kind": "严重表述错误",
    "source": "国名",
    "sentence": "根据中华人民共合国宪法",
}
TYPO = {
    **SERIOUS,
    "wrong": "再接再励",
    "right": "再接再厉",
    "kind": "错别字",
    "sentence": "再接再励",
}
HIDDEN = {
    "url": "http://bet.example.com/",
    "text": "真人娱乐",
    "how": "off-screen",
    "how_text": "位于页面可视区域之外(left:-9999px)",
    "where": "div#footer > div[style] > a[1]",
    "keywords": ["真人娱乐"],
    "external": True,
}


def judge(*pages: object, content: tuple[ContentCheck, ...] = ()) -> ObjectResult:
    facts = replace(site(list(pages)[1:], homepage=pages[0]), content=content)  # type: ignore[arg-type]
    return evaluate([facts], [], NATIONAL, now=NOW, period=Q2).sites[0]


def found(result: ObjectResult, code: str) -> list[str]:
    return [i.finding.message for i in result.findings if i.finding.code == code]


def test_a_listed_error_on_every_page_is_one_occurrence() -> None:
    pages = [replace(home(), wording=(SERIOUS,)), replace(page("c1"), wording=(SERIOUS, TYPO))]
    result = judge(*pages)
    (serious,) = found(result, "wording-serious")
    assert serious == "严重表述错误1处(如网站首页“中华人民共合国”应为“中华人民共和国”)"
    (typo,) = found(result, "wording-typo")
    assert "c1栏目页" in typo
    assert result.score == 100  # a note: no points in the national profile


def test_clean_text_and_unread_pages() -> None:
    assert found(judge(home(), page("c1")), "wording-serious") == []
    unread = judge(home(outcome=Outcome.TIMEOUT))
    assert [i.rule for i in unread.not_judged if i.rule.startswith("wording")] == [
        "wording-serious",
        "wording-typo",
    ]


def test_hidden_links_once_per_target_with_how_they_hide() -> None:
    pages = [
        replace(home(), hidden_links=(HIDDEN, HIDDEN)),
        replace(page("c1"), hidden_links=(HIDDEN,)),
    ]
    (hidden,) = found(judge(*pages), "hidden-link")
    assert hidden == "暗链1处(网站首页隐藏的外部链接,如http://bet.example.com/)"


def test_articles_and_attachments_count_too() -> None:
    article = ContentCheck(
        site_id="s1", site_name="某局", column_id="c1", column_name="通知公告",
        url="http://x/a/1.html", source="article", parent_url=None, name=None,
        checked_at=NOW, checked=True, wording=(SERIOUS,),
    )  # fmt: skip
    (serious,) = found(judge(home(), content=(article,)), "wording-serious")
    assert "文章页" in serious


def test_an_attachment_with_id_numbers_is_an_advisory_naming_the_page() -> None:
    listing = ContentCheck(
        site_id="s1", site_name="某局", column_id="c1", column_name="通知公告",
        url="http://x/f/dibao.pdf", source="attachment", parent_url="http://x/a/1.html",
        name="低保名单.pdf", checked_at=NOW, checked=True,
        personal=(
            {"kind": "id_card", "masked": "4101**********1234", "snippet": "张三",
             "where": "第3页"},
            {"kind": "mobile", "masked": "138****5678", "snippet": "电话", "where": "第3页"},
        ),
    )  # fmt: skip
    unread = replace(listing, url="http://x/f/old.doc", checked=False, reason="未检查", personal=())
    (finding,) = check_content_personal_data([listing, unread])
    assert finding.severity is Severity.ADVISORY
    assert finding.message == "附件“低保名单.pdf”疑似公开未脱敏的个人信息(身份证号1个、手机号1个)"
    assert finding.evidence.newest_where == "第3页"
    assert finding.evidence.newest_url == "http://x/a/1.html"
    assert "4101**********1234" in (finding.evidence.detail or "")


def test_a_local_profile_makes_three_serious_errors_a_veto(tmp_path: Path) -> None:
    local = tmp_path / "my-city.yaml"
    local.write_text(
        """
id: my-city
name: 某市政府网站检查
extends: national-2019
rules:
  - code: wording-serious
    threshold: {op: gte, value: 3}
    effect: veto
  - code: wording-typo
    effect: deduct
    points: 1
    cap: 10
""",
        encoding="utf-8",
    )
    profile = load_profile(str(local))

    def errors(count: int) -> ObjectResult:
        wording = (*({**SERIOUS, "sentence": f"第{n}句"} for n in range(count)), TYPO)
        facts = site(homepage=replace(home(), wording=wording))
        return evaluate([facts], [], profile, now=NOW, period=Q2).sites[0]

    assert errors(2).vetoes == ()
    assert errors(2).score == 99
    assert errors(3).vetoes == ("wording-serious",)
