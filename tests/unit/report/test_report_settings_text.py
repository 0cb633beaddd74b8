"""The targets file's ``report:`` settings in the notice: office and documents in the opening,
how many examples 主要问题 names and how they are ranked, labels and bands of 三."""

from __future__ import annotations

from typing import Any

from report_exports import export, finding, site

from crawler.report import parse_export, text
from crawler.report.document import attachment3_tables, build_notice
from crawler.report.model import ReportData
from crawler.targets.report import ReportSettings


def _data(**changes: Any) -> ReportData:
    return parse_export(export(**changes))


def test_the_opening_names_the_documents_and_the_office() -> None:
    settings = ReportSettings(
        office="示范区管委会办公室",
        documents=("《甲文件》（国办发〔2017〕47号）", "《乙文件》（国办发〔2018〕123号）"),
    )
    assert text.intro(_data(), "示范区", settings) == (
        "按照《甲文件》（国办发〔2017〕47号）和《乙文件》（国办发〔2018〕123号）等文件要求，"
        "示范区管委会办公室对2022年第二季度示范区政府网站与政务新媒体建设管理情况、"
        "政务公开专栏管理情况进行了检查，现将有关情况通报如下："
    )
    assert text.intro(_data()).startswith("按照有关文件要求，对2022年第二季度")


def _stale(n: int, *, points: int = 0) -> list[dict[str, Any]]:
    return [
        finding("column-stale", f"栏目{k}2周未更新", column_name=f"栏目{k}", points=points)
        for k in range(n)
    ]


def test_examples_rank_points_lost_then_findings_then_name() -> None:
    sites = [
        site("a", "丁局", findings=_stale(1, points=5)),  # most points lost, one finding
        site("b", "乙局", findings=_stale(3)),
        site("c", "甲局", findings=_stale(2)),
        site("d", "丙局", findings=_stale(2)),  # ties with 甲局: 丙 before 甲 by name
    ]
    report = _data(sites=sites, accounts=[])
    named = text.main_problems(report, ReportSettings(example_sites=3))
    # chosen: 丁局 (points), 乙局 (3 findings), 丙局 (2, name); printed in file order
    assert named == "个别网站信息更新不及时。如丁局、乙局、丙局网站存在栏目长期未更新问题。"
    two = text.main_problems(report, ReportSettings(example_sites=2))
    assert two == "个别网站信息更新不及时。如丁局、乙局网站存在栏目长期未更新问题。"
    # the ranking does not depend on the file's order
    shuffled = _data(sites=list(reversed(sites)), accounts=[])
    assert "丁局" in text.main_problems(shuffled, ReportSettings(example_sites=2))
    assert "甲局" not in text.main_problems(shuffled, ReportSettings(example_sites=3))


def test_labels_and_bands_of_section_three() -> None:
    settings = ReportSettings(
        levels={"department": "市直部门", "town": "乡镇街道", "village": "村（社区）"},
        tables={"department": "市直部门", "town": "乡镇、街道"},
        bands=(250, 150, 17, 6),
    )
    report = _data()
    sentence = text.disclosure_basic(report, settings)
    assert "其中市直部门23个，乡镇街道18个，村（社区）550个" in sentence
    assert "下冶镇超过250条" in sentence  # 267; 克井镇's 244 is not over 250
    assert "克井镇、自然资源和规划局公开信息超过150条" in sentence  # 244 and 158
    assert "文化广电和旅游局、医疗保障局公开信息不足17条" in sentence
    assert "梨林镇、人力资源和社会保障局、工业和科技创新委员会公开信息不足6条" in sentence
    captions = [table.caption for table in attachment3_tables(report, settings)]
    assert captions == ["（市直部门）", "（乡镇、街道）"]


def test_region_and_portal_default_to_the_settings() -> None:
    notice = build_notice(_data(), settings=ReportSettings(region="示范区", portal="jyty"))
    assert notice.title == "关于2022年第二季度示范区政府网站与政务新媒体检查情况的通报"
    publishing = notice.sections[1].paragraphs[0].text
    assert publishing.startswith("2022年第二季度，教育体育局门户网站共发布信息5条")
    explicit = build_notice(_data(), region="", settings=ReportSettings(region="示范区"))
    assert explicit.title == "关于2022年第二季度政府网站与政务新媒体检查情况的通报"


def test_the_lead_speaks_of_the_examples_named() -> None:
    image = finding("image-broken", "图片新闻图片不显示", column_name="图片新闻")
    sites = [
        site("a", "甲局", findings=_stale(3)),
        site("b", "乙局", findings=[image]),  # not named with one example: not in the lead
    ]
    report = _data(sites=sites, accounts=[])
    one = text.main_problems(report, ReportSettings(example_sites=1))
    assert one == "个别网站信息更新不及时。如甲局网站存在栏目长期未更新问题。"
    two = text.main_problems(report, ReportSettings(example_sites=2))
    assert two.startswith("个别网站存在信息更新不及时等问题。")


def test_the_platform_of_section_three() -> None:
    settings = ReportSettings(platform="市、镇、村三级政务公开平台")
    sentence = text.disclosure_basic(_data(), settings)
    assert sentence.startswith("2022年第二季度，市、镇、村三级政务公开平台开通的专栏有591个。")
