"""Link and image findings: only what is certainly the site's fault, in the notice's words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.sites.judging import _in_page_order
from rules.links import (
    LinkCheck,
    LinkKind,
    LinkVerdict,
    SiteLinkFacts,
    judge_links,
    unjudged_subjects,
)
from rules.model import Category, Column, Evidence, Finding, Severity, Site
from rules.summary import problem_text

NOW = datetime(2022, 6, 20, 2, 0, tzinfo=UTC)
SITE = Site(
    id="sthj",
    name="生态环境局",
    homepage="http://sthj.example.gov.cn/",
    columns=(
        Column(
            id="gzdt",
            name="工作动态",
            url="http://sthj.example.gov.cn/gzdt/",
            category=Category.NEWS,
        ),
        Column(
            id="tpxw",
            name="图片新闻",
            url="http://sthj.example.gov.cn/tpxw/",
            category=Category.NEWS,
        ),
        Column(
            id="ts12369",
            name="12369投诉查处",
            url="http://sthj.example.gov.cn/ts/",
            category=Category.UPDATE,
            max_age_days=180,
        ),
    ),
)


def check(
    url: str,
    verdict: LinkVerdict,
    *,
    column: str | None = "tpxw",
    kind: LinkKind = LinkKind.IMAGE,
    status: int | None = None,
    external: bool = False,
) -> LinkCheck:
    return LinkCheck(
        site_id=SITE.id,
        column_id=column,
        page_url=f"http://sthj.example.gov.cn/{column or ''}",
        url=url,
        kind=kind,
        external=external,
        verdict=verdict,
        checked_at=NOW,
        status=status,
        detail="answers with a web page (text/html), not an image"
        if verdict is LinkVerdict.NOT_IMAGE
        else None,
    )


def judge(*checks: LinkCheck) -> list[Finding]:
    return judge_links(SITE, SiteLinkFacts(site_id=SITE.id, checks=checks))


@pytest.mark.parametrize(
    ("verdict", "status", "broken"),
    [
        (LinkVerdict.OK, 200, False),
        (LinkVerdict.NOT_IMAGE, 200, True),
        (LinkVerdict.EMPTY, 200, True),
        (LinkVerdict.TRUNCATED, 200, True),
        (LinkVerdict.HTTP_ERROR, 404, True),
        (LinkVerdict.HTTP_ERROR, 410, True),
        (LinkVerdict.HTTP_ERROR, 500, True),
        (LinkVerdict.HTTP_ERROR, 403, False),  # may be about the requester
        (LinkVerdict.HTTP_ERROR, 503, False),  # may be about the moment
        (LinkVerdict.HTTP_ERROR, 429, False),
        (LinkVerdict.TIMEOUT, None, False),
        (LinkVerdict.UNREACHABLE, None, False),
        (LinkVerdict.BLOCKED, 412, False),
        (LinkVerdict.NOT_CHECKED, None, False),
    ],
)
def test_only_certain_failures_are_broken(
    verdict: LinkVerdict, status: int | None, broken: bool
) -> None:
    assert check("http://x/a.png", verdict, status=status).broken is broken


def test_one_broken_image_makes_the_column_images_not_display() -> None:
    ok = [check(f"http://sthj.example.gov.cn/i/{n}.png", LinkVerdict.OK) for n in range(19)]
    bad = check("http://sthj.example.gov.cn/i/x.png", LinkVerdict.NOT_IMAGE, status=200)
    (finding,) = judge(*ok, bad)
    assert finding.code == "column-images-broken"
    assert finding.severity is Severity.PROBLEM
    assert finding.message == "图片新闻图片不显示"
    assert (finding.column_id, finding.column_name) == ("tpxw", "图片新闻")
    assert finding.evidence.url == "http://sthj.example.gov.cn/tpxw"
    assert finding.evidence.checked_at == NOW
    assert finding.evidence.threshold
    detail = finding.evidence.detail or ""
    assert detail.startswith("1 of 20 images do not display: http://sthj.example.gov.cn/i/x.png")
    assert finding.extra["broken_urls"] == ["http://sthj.example.gov.cn/i/x.png"]
    assert finding.extra["points"] == 0


def test_failed_checks_of_ours_make_no_finding() -> None:
    assert (
        judge(
            check("http://a/1.png", LinkVerdict.TIMEOUT),
            check("http://a/2.png", LinkVerdict.UNREACHABLE),
            check("http://a/3.png", LinkVerdict.BLOCKED, status=412),
            check("http://a/4.png", LinkVerdict.HTTP_ERROR, status=503),
            check("http://a/5", LinkVerdict.TIMEOUT, column=None, kind=LinkKind.LINK),
        )
        == []
    )


def test_evidence_names_the_first_urls_and_counts_the_rest() -> None:
    bad = [check(f"http://a/{n}.png", LinkVerdict.EMPTY) for n in range(8)]
    (finding,) = judge(*bad, bad[0])  # seen twice, counted once
    detail = finding.evidence.detail or ""
    assert detail.startswith("8 of 8 images do not display")
    assert detail.count("http://a/") == 5
    assert detail.endswith("; and 3 more")


def test_homepage_links_own_and_external_apart() -> None:
    home = "http://sthj.example.gov.cn/"
    link = LinkKind.LINK
    findings = judge(
        check(home + "a.html", LinkVerdict.HTTP_ERROR, column=None, kind=link, status=404),
        check(home + "b.html", LinkVerdict.HTTP_ERROR, column=None, kind=link, status=404),
        check(home + "c.html", LinkVerdict.OK, column=None, kind=link, status=200),
        check(
            "http://www.example.com/",
            LinkVerdict.HTTP_ERROR,
            column=None,
            kind=link,
            status=404,
            external=True,
        ),
        # links of column pages are not judged: only the homepage's
        check(home + "d.html", LinkVerdict.HTTP_ERROR, kind=link, status=404),
    )
    assert [(f.code, f.severity, f.message) for f in findings] == [
        ("homepage-links-broken", Severity.PROBLEM, "首页存在2个不可用链接"),
        ("external-links-broken", Severity.ADVISORY, "首页存在1个不可用外部链接"),
    ]
    assert findings[0].column_id is None
    assert problem_text(findings) == "首页存在2个不可用链接"


def test_homepage_images() -> None:
    (finding,) = judge(check("http://a/logo.png", LinkVerdict.TRUNCATED, column=None))
    assert (finding.message, finding.column_id) == ("网站首页图片不显示", None)


def test_the_notice_row_lists_the_columns_in_page_order() -> None:
    """生态环境局 in 附件1: "图片新闻图片不显示;12369投诉查处应更新但长期未更新"."""
    overdue = Finding(
        code="column-overdue",
        severity=Severity.PROBLEM,
        message="12369投诉查处应更新但长期未更新",
        site_id=SITE.id,
        site_name=SITE.name,
        column_id="ts12369",
        column_name="12369投诉查处",
        evidence=Evidence(url="http://sthj.example.gov.cn/ts/", checked_at=NOW),
    )
    links = judge(check("http://a/1.png", LinkVerdict.NOT_IMAGE))
    merged = _in_page_order(SITE, [overdue], links)
    assert problem_text(merged) == "图片新闻图片不显示;12369投诉查处应更新但长期未更新"
    assert _in_page_order(SITE, [overdue], []) == [overdue]


def test_subjects_a_run_could_not_judge_are_kept_open() -> None:
    everything = {(None, LinkKind.IMAGE), (None, LinkKind.LINK)} | {
        (c.id, LinkKind.IMAGE) for c in SITE.columns
    }
    facts = SiteLinkFacts(
        site_id=SITE.id,
        checks=(
            check("http://a/1.png", LinkVerdict.OK),
            check("http://a/2.png", LinkVerdict.TIMEOUT, column="gzdt"),
            check("http://a/3", LinkVerdict.OK, column=None, kind=LinkKind.LINK),
        ),
    )
    assert unjudged_subjects(SITE, facts, everything) == [("column-images-broken", "gzdt")]
    # link checks off (nothing judged): every subject stays as it is
    assert len(unjudged_subjects(SITE, None, set())) == 1 + len(SITE.columns) + 3
    # the homepage's links cut by the bound: its link findings are not judged
    partial = everything - {(None, LinkKind.LINK)}
    assert ("homepage-links-broken", None) in unjudged_subjects(SITE, facts, partial)
