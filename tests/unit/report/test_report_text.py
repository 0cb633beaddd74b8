"""The notice's generated sentences, on literal exports."""

from __future__ import annotations

from typing import Any

import pytest
from report_exports import PREFIX, account, export, finding, site

from crawler.report import parse_export, text
from crawler.report.document import (
    NEXT_STEPS_PLACEHOLDER,
    attachment1_rows,
    attachment2_rows,
    attachment3_tables,
    build_notice,
)
from crawler.report.model import ReportData
from rules.period import Period


def data(**changes: Any) -> ReportData:
    return parse_export(export(**changes))


def test_all_passed_reads_as_the_notice() -> None:
    report = data()
    assert text.site_overall(report, "示范区") == (
        "2022年第二季度，示范区正在运行的政府网站共4个，检查4个，检查率100%，"
        "其中：合格4个，合格率为100%。IPv6改造情况未检查。"
    )
    assert text.account_overall(report, "示范区") == (
        "示范区正在运行的政务新媒体共5个，检查5个，检查率100%，其中：合格5个，合格率为100%。"
    )


def test_failed_sites_are_counted_and_named() -> None:
    sites = [
        site("a", "甲局"),
        site("b", "乙局", result="不合格", problems="站点无法访问"),
        site("c", "丙局"),
    ]
    assert text.site_overall(data(sites=sites)) == (
        "2022年第二季度，正在运行的政府网站共3个，检查3个，检查率100%，"
        "其中：合格2个，合格率为66.7%；不合格1个（乙局）。IPv6改造情况未检查。"
    )


def test_sites_that_could_not_be_judged_are_not_checked_nor_without_problems() -> None:
    unreachable = finding("site-unreachable", "首页无法访问(连接超时)", severity="unknown")
    sites = [
        site("a", "甲局"),
        site("b", "乙局", result="无法判定", problems="无问题", findings=[unreachable]),
    ]
    report = data(sites=sites)
    assert text.site_overall(report) == (
        "2022年第二季度，正在运行的政府网站共2个，检查1个，检查率50%，"
        "其中：合格1个，合格率为100%。另有1个政府网站检查时无法访问或被拦截，无法判定，"
        "未计入检查数（乙局）。IPv6改造情况未检查。"
    )
    assert attachment1_rows(report) == (
        (1, "甲局", "合格", "无问题"),
        (2, "乙局", "无法判定", "无法判定：首页无法访问(连接超时)"),
    )


@pytest.mark.parametrize(
    ("states", "sentence"),
    [
        ((None, None, None), "IPv6改造情况未检查。"),
        ((True, True, True), "3个政府网站已全部完成IPv6升级改造。"),
        (
            (True, {"outcome": "fetch_failed"}, True),
            "1个政府网站未完成IPv6改造（乙局），2个已完成IPv6升级改造。",
        ),
        ((True, None, {"ready": True}), "2个已完成IPv6升级改造，1个IPv6改造情况未检查。"),
        (({"outcome": "dns_failed"}, {"outcome": "not_checked"}, None), "IPv6改造情况未检查。"),
        (
            ({"done": True, "outcome": "ok"}, {"done": None, "outcome": "blocked"}, True),
            "2个已完成IPv6升级改造，1个IPv6改造情况未检查。",
        ),
    ],
)
def test_ipv6_is_never_claimed_without_data(states: tuple[Any, ...], sentence: str) -> None:
    sites = [
        site(site_id, name, **({} if state is None else {"ipv6": state}))
        for site_id, name, state in zip("abc", ("甲局", "乙局", "丙局"), states, strict=True)
    ]
    assert text.ipv6_sentence(data(sites=sites).sites) == sentence


def test_main_problems_name_the_worst_accounts_and_sites() -> None:
    assert text.main_problems(data()) == (
        "个别网站和政务新媒体信息更新不及时。"
        "如微博账号“济源产城融合示范区财政金融局”“济源应急管理局”、抖音号“卢仝故里•大美思礼”"
        "每周更新的内容少于2次；"
        "教育体育局、住房和城乡建设局、应急管理局网站存在栏目长期未更新问题。"
    )


def test_main_problems_without_problems() -> None:
    report = data(sites=[site("a", "甲局")], accounts=[account("b", "乙", "微博")])
    assert text.main_problems(report) == "本次检查未发现政府网站和政务新媒体存在问题。"


def test_other_problems_are_named_by_their_message() -> None:
    sites = [site("a", "甲局", findings=[finding("links-broken", "首页存在错链")])]
    assert text.main_problems(data(sites=sites, accounts=[])) == (
        "个别网站存在问题。如甲局网站存在首页存在错链问题。"
    )


def test_update_problems_and_others_together() -> None:
    findings = [
        finding("image-broken", "图片新闻图片不显示", column_name="图片新闻"),
        finding("column-overdue", "12369投诉查处应更新但长期未更新", column_name="12369投诉查处"),
    ]
    sites = [site("sthj", f"{PREFIX}生态环境局", findings=findings)]
    assert text.main_problems(data(sites=sites, accounts=[])) == (
        "个别网站存在信息更新不及时等问题。如生态环境局网站存在图片新闻图片不显示、"
        "栏目长期未更新问题。"
    )


def test_portal_publishing_by_column() -> None:
    report = data()
    assert text.portal_publishing(report) == (
        "2022年第二季度，截至5月20日，济源市人民政府门户网站共发布信息966条，其中要闻468条，"
        "管委会及办公室文件7条，政策解读9条"
        "（按检查读取的各栏目列表页所示发布日期统计，同一信息只计一次）。"
    )
    assert text.portal_publishing(report, "jyty").startswith(
        "2022年第二季度，教育体育局门户网站共发布信息5条（"
    )
    assert text.portal_publishing(data(publishing=None)) == (
        "2022年第二季度，门户网站信息发布情况无数据。"
    )


def test_disclosure_basic_names_units_over_and_under_the_lines() -> None:
    assert text.disclosure_basic(data()) == (
        "2022年第二季度，政务公开平台开通的专栏有591个。其中区管委会部门23个，片区及镇办18个，"
        "村居550个，公开信息共2361条。"
        "其中下冶镇、克井镇超过200条，思礼镇、自然资源和规划局公开信息超过100条。"
        "文化广电和旅游局、医疗保障局公开信息不足20条。"
        "梨林镇、人力资源和社会保障局、工业和科技创新委员会公开信息不足10条。"
        "思礼镇有栏目未能完整读取，其公开数量为不完全统计。"
    )


def test_disclosure_problems_are_grouped_and_unknowns_left_out() -> None:
    assert text.disclosure_problems(data()) == (
        "本次检查中发现，如克井镇、思礼镇基层政务公开下多个栏目只更新一条信息；"
        "王屋镇的各村居概况超过2年未更新；"
        "人力资源和社会保障局、应急管理局均存在有栏目长期未更新问题。"
    )


def test_without_disclosure_the_section_says_so() -> None:
    report = data(disclosure=None)
    assert "无检查数据" in text.disclosure_basic(report)
    assert text.disclosure_problems(report) == "政务公开专栏无检查数据。"
    assert attachment3_tables(report) == ()


def test_attachment_rows() -> None:
    report = data()
    assert attachment1_rows(report)[2] == (
        3,
        f"{PREFIX}住房和城乡建设局",
        "合格",
        "工程招标、标准定额应更新但长期未更新",
    )
    assert [row[1:4] for row in attachment2_rows(report)] == [
        (f"{PREFIX}财政金融局", "微博", 90),
        ("济源应急管理局", "微博", 90),
        ("卢仝故里•大美思礼", "抖音", 95),
        ("济源水利", "订阅号", 95),
    ]
    departments, towns = attachment3_tables(report)
    assert departments.headers == ("序号", "单位名称", "公开条数")
    assert departments.rows == (
        (1, "自然资源和规划局", 158),
        (2, "文化广电和旅游局", 16),
        (3, "医疗保障局", 16),
        (4, "人力资源和社会保障局", 4),
        (5, "工业和科技创新委员会", 0),
    )
    assert towns.headers == ("序号", "镇办名称", "公开数量")
    assert [row[1:] for row in towns.rows] == [
        ("下冶镇", 267),
        ("克井镇", 244),
        ("思礼镇", "≥126"),
        ("大峪镇", 20),
        ("梨林镇", 5),
    ]


@pytest.mark.parametrize(
    ("period", "title"),
    [
        ("2022Q2", "关于2022年第二季度示范区政府网站与政务新媒体检查情况的通报"),
        ("2022-06", "关于2022年6月示范区政府网站与政务新媒体检查情况的通报"),
        ("2022", "关于2022年示范区政府网站与政务新媒体检查情况的通报"),
    ],
)
def test_period_labels(period: str, title: str) -> None:
    judged = Period.parse(period)
    span = {"start": judged.start.isoformat(), "end": judged.end.isoformat()}
    notice = build_notice(data(period={**span, "label": judged.label}), region="示范区")
    assert notice.title == title
    assert notice.attachments[0].title == f"{judged.label}政府网站检查情况"


def test_the_next_steps_are_left_to_the_office() -> None:
    notice = build_notice(data())
    assert [s.heading for s in notice.sections] == [
        "一、政府网站与政务新媒体检查情况",
        "二、政府门户网站运行保障情况",
        "三、政务公开专栏管理情况",
        "四、下一步工作要求",
    ]
    assert [p.text for p in notice.sections[3].paragraphs] == [NEXT_STEPS_PLACEHOLDER]


@pytest.mark.parametrize(
    ("part", "whole", "shown"), [(20, 20, "100%"), (19, 20, "95%"), (17, 18, "94.4%"), (0, 0, "—")]
)
def test_percent(part: int, whole: int, shown: str) -> None:
    assert text.percent(part, whole) == shown


@pytest.mark.parametrize(
    ("name", "short"),
    [
        (f"{PREFIX}住房和城乡建设局", "住房和城乡建设局"),
        (f"{PREFIX}人力资源和社会保障局网站", "人力资源和社会保障局"),
        ("济源市公共资源交易中心", "公共资源交易中心"),
        ("自然资源局", "自然资源局"),
    ],
)
def test_short_names(name: str, short: str) -> None:
    assert text.short_name(name) == short


def test_main_problems_name_the_content_checks_notes_by_kind() -> None:
    def note(code: str, message: str) -> dict[str, Any]:
        return finding(code, message, severity="advisory")

    sites = [
        site("a", f"{PREFIX}甲局", findings=[note("wording-serious", "严重表述错误1处")]),
        site(
            "b",
            f"{PREFIX}乙局",
            findings=[
                note("wording-serious", "严重表述错误2处"),
                note("personal-data-exposed", "疑似泄露个人信息"),
            ],
        ),
        site("c", f"{PREFIX}丙局", findings=[note("external-link-hijacked", "外部链接")]),
    ]
    assert text.main_problems(data(sites=sites, accounts=[])) == (
        "个别网站存在内容问题。内容方面，甲局、乙局网站存在严重表述错误，乙局网站疑似泄露个人信息，"
        "丙局网站外部链接疑似指向不良网站。"
    )
    with_update = [
        *sites,
        site("d", f"{PREFIX}丁局", findings=[finding("column-overdue", "应更新但长期未更新")]),
    ]
    assert text.main_problems(data(sites=with_update, accounts=[])) == (
        "个别网站信息更新不及时。如丁局网站存在栏目长期未更新问题。"
        "内容方面，甲局、乙局网站存在严重表述错误，乙局网站疑似泄露个人信息，"
        "丙局网站外部链接疑似指向不良网站。"
    )


def test_a_content_check_made_a_deduction_is_named_with_the_other_problems() -> None:
    serious = finding(
        "wording-serious", "严重表述错误1处(如首页“中华人民共合国”应为“中华人民共和国”)"
    )
    sites = [site("a", f"{PREFIX}甲局", findings=[serious])]
    assert text.main_problems(data(sites=sites, accounts=[])) == (
        "个别网站存在问题。如甲局网站存在严重表述错误1处(如首页“中华人民共合国”应为“中华人民共和国”)问题。"
    )
