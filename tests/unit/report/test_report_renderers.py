"""The four formats hold the same notice: Markdown, HTML (with inline SVG), DOCX and XLSX,
each read back with the library that reads that format."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from report_exports import export
from selectolax.lexbor import LexborHTMLParser

from crawler.report import FORMATS, parse_export, render
from crawler.report.document import (
    NEXT_STEPS_PLACEHOLDER,
    attachment1_rows,
    attachment2_rows,
    attachment3_tables,
)
from crawler.report.html import age_distribution
from crawler.report.model import ReportData


@pytest.fixture
def data() -> ReportData:
    return parse_export(export())


def _strings(rows: Any) -> list[tuple[str, ...]]:
    return [tuple(str(cell) for cell in row) for row in rows]


def test_markdown_holds_the_sections_and_attachment_rows(data: ReportData) -> None:
    text = render(data, "md", region="示范区")
    assert isinstance(text, str)
    assert text.startswith("# 关于2022年第二季度示范区政府网站与政务新媒体检查情况的通报\n")
    for heading in ("## 一、", "## 二、", "## 三、", "## 四、", "## 附件1：", "## 附件3："):
        assert heading in text
    assert (
        "| 3 | 济源产城融合示范区住房和城乡建设局 | 合格 | 工程招标、标准定额应更新但长期未更新 |"
        in text
    )
    assert "| 3 | 思礼镇 | ≥126 |" in text


def test_html_parses_and_holds_the_rows_and_charts(data: ReportData) -> None:
    assert "<svg" not in str(render(data, "html"))  # the charts are drawn with --charts only
    page = render(data, "html", charts=True)
    assert isinstance(page, str)
    tree = LexborHTMLParser(page)
    title = tree.css_first("title")
    assert title is not None
    assert title.text().startswith("关于2022年第二季度")
    tables = tree.css("table")
    assert len(tables) == 4  # 附件1, 附件2, 附件3 departments and towns
    rows = [tuple(cell.text() for cell in row.css("td")) for row in tables[0].css("tbody tr")]
    assert rows == _strings(attachment1_rows(data))
    accounts = [tuple(c.text() for c in r.css("td")) for r in tables[1].css("tbody tr")]
    assert accounts == _strings(attachment2_rows(data))
    svgs = tree.css("svg")
    assert len(svgs) == 6  # a legend, four accounts with problems, one age chart
    titles = {title.text() for svg in svgs for title in svg.css("title")}
    assert "卢仝故里•大美思礼每周发布数" in titles
    placeholder = tree.css_first("p.placeholder")
    assert placeholder is not None
    assert placeholder.text() == NEXT_STEPS_PLACEHOLDER
    assert "<script" not in page  # self-contained: nothing to run, nothing to fetch
    assert "<link" not in page


def test_html_escapes_what_it_prints(data: ReportData) -> None:
    document = export()
    document["sites"][0]["name"] = "<b>济源</b>"
    page = render(parse_export(document), "html")
    assert isinstance(page, str)
    assert "<b>济源</b>" not in page
    assert "&lt;b&gt;济源&lt;/b&gt;" in page


def test_age_distribution_counts_dated_columns_only(data: ReportData) -> None:
    counts = dict(age_distribution(data))
    # 政务要闻 2 days, 图片新闻 40, 通知公告 100, 人事信息 400, and 工作动态 3 at two sites;
    # the static 政府概况 is left out.
    assert counts == {
        "≤14天": 3,
        "15–30天": 0,
        "31–90天": 1,
        "91–180天": 1,
        "181–365天": 0,
        ">365天": 1,
        "无日期或未读取": 0,
    }


def test_docx_opens_and_holds_the_attachment_rows(data: ReportData) -> None:
    content = render(data, "docx", region="示范区")
    assert isinstance(content, bytes)
    doc = Document(io.BytesIO(content))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "关于2022年第二季度示范区政府网站与政务新媒体检查情况的通报"
    assert "四、下一步工作要求" in text
    (placeholder,) = [p for p in doc.paragraphs if p.text == NEXT_STEPS_PLACEHOLDER]
    assert placeholder.runs[0].font.highlight_color is not None
    assert len(doc.tables) == 4
    sites, accounts, departments, towns = (
        [tuple(cell.text for cell in row.cells) for row in table.rows] for table in doc.tables
    )
    assert sites[0] == ("序号", "网站名称", "检查结果", "存在问题")
    assert sites[1:] == _strings(attachment1_rows(data))
    assert accounts[0] == ("序号", "名称", "类型", "分数", "存在问题")
    assert accounts[1:] == _strings(attachment2_rows(data))
    expected_departments, expected_towns = attachment3_tables(data)
    assert departments[1:] == _strings(expected_departments.rows)
    assert towns[0] == ("序号", "镇办名称", "公开数量")
    assert towns[1:] == _strings(expected_towns.rows)
    # Chinese shows in the intended fonts: the East-Asian font of every run is set.
    runs = [run for p in doc.paragraphs for run in p.runs if run.text]
    east_asian = {
        run._element.get_or_add_rPr().get_or_add_rFonts().get(qn("w:eastAsia")) for run in runs
    }
    assert east_asian == {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"}


def test_xlsx_opens_and_holds_the_attachment_rows(data: ReportData) -> None:
    content = render(data, "xlsx")
    assert isinstance(content, bytes)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["正文", "附件1", "附件2", "附件3"]
    body = [row[0] for row in book["正文"].iter_rows(values_only=True)]
    assert body[0] == "关于2022年第二季度政府网站与政务新媒体检查情况的通报"
    assert "四、下一步工作要求" in body
    sites = list(book["附件1"].iter_rows(values_only=True))
    header = sites.index(("序号", "网站名称", "检查结果", "存在问题"))
    assert tuple(sites[header + 1 :]) == attachment1_rows(data)
    accounts = list(book["附件2"].iter_rows(values_only=True))
    header = accounts.index(("序号", "名称", "类型", "分数", "存在问题"))
    assert tuple(accounts[header + 1 :]) == attachment2_rows(data)
    units = list(book["附件3"].iter_rows(values_only=True))
    departments, towns = attachment3_tables(data)
    first = units.index(departments.headers)
    assert tuple(units[first + 1 : first + 1 + len(departments.rows)]) == departments.rows
    second = units.index(towns.headers)
    assert tuple(units[second + 1 :]) == towns.rows
    assert book["附件1"]["B5"].font.name == "宋体"


@pytest.mark.parametrize("output_format", FORMATS)
def test_an_export_without_the_optional_sections_renders(output_format: str) -> None:
    data = parse_export(export(publishing=None, disclosure=None, accounts=[], sites=[]))
    assert render(data, output_format)


def test_an_unknown_format_is_a_clear_error(data: ReportData) -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render(data, "pdf")
