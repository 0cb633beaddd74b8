"""The DOCX in the 公文 layout of GB/T 9704-2012, read back with python-docx: the page, the
fonts of each kind of paragraph, the line pitch, the page numbers, the tables and 附件."""

from __future__ import annotations

import io
import math
import re

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from report_exports import PREFIX, export, site

from crawler.report import parse_export, render
from crawler.report.widths import text_width

TOLERANCE = Mm(0.5)


def _docx(**changes: object) -> DocumentObject:
    content = render(parse_export(export(**changes)), "docx", region="示范区")
    assert isinstance(content, bytes)
    return Document(io.BytesIO(content))


@pytest.fixture(scope="module")
def doc() -> DocumentObject:
    return _docx()


def _near(length: int | None, expected: Length) -> bool:
    return length is not None and abs(length - expected) <= TOLERANCE


def _east_asian(run: Run) -> str | None:
    fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def _fonts(paragraph: Paragraph) -> list[tuple[str | None, float | None]]:
    """(East-Asian font, size in pt) of each run with text."""
    return [
        (_east_asian(run), run.font.size.pt if run.font.size else None)
        for run in paragraph.runs
        if run.text
    ]


def _paragraph(doc: DocumentObject, pattern: str) -> Paragraph:
    return next(p for p in doc.paragraphs if re.match(pattern, p.text))


def test_the_page_is_a4_with_the_official_margins(doc: DocumentObject) -> None:
    (section,) = doc.sections
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert _near(section.page_width, Mm(210))
    assert _near(section.page_height, Mm(297))
    assert _near(section.top_margin, Mm(37))
    assert _near(section.bottom_margin, Mm(35))
    assert _near(section.left_margin, Mm(28))
    assert _near(section.right_margin, Mm(26))


def test_the_title_body_and_headings_have_their_fonts_and_sizes(doc: DocumentObject) -> None:
    title = doc.paragraphs[0]
    assert title.text.startswith("关于2022年第二季度示范区")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _fonts(title) == [("方正小标宋简体", 22.0)]  # 二号
    intro = doc.paragraphs[1]
    assert _fonts(intro) == [("仿宋_GB2312", 16.0)]  # 三号
    assert _near(intro.paragraph_format.first_line_indent, Pt(32))  # two characters
    heading = _paragraph(doc, "一、")
    assert _fonts(heading) == [("黑体", 16.0)]
    lead = _paragraph(doc, "（一）总体情况。")
    assert lead.runs[0].text == "（一）总体情况。"
    assert _fonts(lead) == [("楷体_GB2312", 16.0), ("仿宋_GB2312", 16.0)]
    # Latin text and digits name the same font, and “” are drawn as Chinese.
    fonts = lead.runs[1]._element.rPr.rFonts
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "仿宋_GB2312"
    assert fonts.get(qn("w:hint")) == "eastAsia"


def test_the_documents_defaults_are_the_body_font_not_the_template_theme(
    doc: DocumentObject,
) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert fonts.get(qn("w:eastAsiaTheme")) is None
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_the_fonts_an_office_may_lack_name_their_installed_alternates(
    doc: DocumentObject,
) -> None:
    table = parse_xml(doc.part.part_related_by(RT.FONT_TABLE).blob)
    alternates = {
        font.get(qn("w:name")): alt.get(qn("w:val"))
        for font in table.findall(qn("w:font"))
        if (alt := font.find(qn("w:altName"))) is not None
    }
    assert alternates["仿宋_GB2312"] == "仿宋"
    assert alternates["楷体_GB2312"] == "楷体"
    assert alternates["方正小标宋简体"] == "宋体"
    declared = {font.get(qn("w:name")) for font in table.findall(qn("w:font"))}
    assert {"黑体", "宋体"} <= declared


def test_the_body_keeps_a_fixed_line_pitch_of_28_to_29_pt(doc: DocumentObject) -> None:
    layout = doc.styles["Normal"].paragraph_format
    assert layout.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert layout.line_spacing is not None
    assert Pt(28) <= layout.line_spacing <= Pt(29)
    assert (layout.space_before or 0) == 0
    assert (layout.space_after or 0) == 0
    # No paragraph outside the tables sets another pitch of its own.
    for paragraph in doc.paragraphs:
        assert paragraph.paragraph_format.line_spacing in (None, layout.line_spacing)


def test_the_page_number_is_a_page_field_between_dashes(doc: DocumentObject) -> None:
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        (paragraph,) = footer.paragraphs
        assert paragraph.alignment == alignment
        xml = paragraph._p.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert xml.count('w:fldCharType="begin"') == xml.count('w:fldCharType="end"') == 1
        assert paragraph.text == "— 1 —"  # the field's cached value between the dashes
        assert {font for font, _ in _fonts(paragraph)} == {"宋体"}
        assert {size for _, size in _fonts(paragraph)} == {14.0}  # 四号
    assert section.footer_distance is not None
    assert section.footer_distance < section.bottom_margin


def _widths(table: Table) -> list[int]:
    return [column.width for column in table.columns]


def test_tables_span_the_text_width_in_a_fixed_layout(doc: DocumentObject) -> None:
    assert len(doc.tables) == 4
    for table in doc.tables:
        layout = table._tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None
        assert layout.get(qn("w:type")) == "fixed"
        assert _near(sum(_widths(table)), Mm(156))
        for row in table.rows:
            assert [cell.width for cell in row.cells] == _widths(table)


def test_the_header_row_repeats_and_no_row_splits(doc: DocumentObject) -> None:
    for table in doc.tables:
        header, *rows = table.rows
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in rows)
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in 小四 in a column ``width`` wide (less its margins)."""
    return math.ceil(text_width(text) * Pt(6) / (width - Pt(12.5)))


def test_columns_are_fitted_to_their_content(doc: DocumentObject) -> None:
    sites = doc.tables[0]
    number, name, result, problems = _widths(sites)
    assert name > 2 * number
    assert name > result
    assert problems > result
    for row in sites.rows[1:]:
        assert _lines(row.cells[0].text, number) == 1  # 序号 and 合格 never wrap
        assert _lines(row.cells[2].text, result) == 1
        assert _lines(row.cells[1].text, name) <= 2
    units = doc.tables[2]
    assert _widths(units)[1] > 2 * _widths(units)[0]


def test_long_unit_names_wrap_on_two_lines_at_most() -> None:
    longest = f"{PREFIX}人力资源和社会保障局网站"  # 21 characters, the notice's longest
    problems = "安全生产、宣传教育、防火防汛抗旱应更新但长期未更新"
    sites = [
        site("a", longest, problems=problems),
        site("b", "济源市人民政府"),
        site("c", f"{PREFIX}无法判定局", result="无法判定"),
    ]
    table = _docx(sites=sites).tables[0]
    number, name, result, problem_width = _widths(table)
    assert _lines(longest, name) == 2
    assert _lines(problems, problem_width) <= 2
    assert _lines("无法判定", result) == 1
    assert _lines("序号", number) == 1


def test_each_attachment_starts_a_new_page_headed_by_its_number(doc: DocumentObject) -> None:
    paragraphs = doc.paragraphs
    at = [n for n, p in enumerate(paragraphs) if re.fullmatch(r"附件\d", p.text)]
    headings = [paragraphs[n] for n in at]
    assert [p.text for p in headings] == ["附件1", "附件2", "附件3"]
    for heading in headings:
        assert heading.paragraph_format.page_break_before
        assert heading.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)
        assert not heading.paragraph_format.first_line_indent
        assert _fonts(heading) == [("黑体", 16.0)]
    titles = [paragraphs[n + 1] for n in at]
    assert [t.text for t in titles] == [
        "2022年第二季度政府网站检查情况",
        "2022年第二季度政务新媒体检查情况",
        "2022年第二季度政务公开专栏检查情况",
    ]
    assert all(t.alignment == WD_ALIGN_PARAGRAPH.CENTER for t in titles)
    # No other page breaks: no empty paragraphs carrying a break before the headings.
    assert 'w:type="page"' not in doc.element.body.xml
    assert sum(bool(p.paragraph_format.page_break_before) for p in doc.paragraphs) == 3


def test_the_attachment_list_follows_the_standard(doc: DocumentObject) -> None:
    paragraphs = doc.paragraphs
    (at,) = [n for n, p in enumerate(paragraphs) if p.text.startswith("附件：")]
    first, following = paragraphs[at : at + 2]
    assert first.text == "附件：1.2022年第二季度政府网站检查情况"
    assert following.text == "2.2022年第二季度政务新媒体检查情况"
    # 附件： two characters in; each name under the first name, past the number.
    start = first.paragraph_format.left_indent + first.paragraph_format.first_line_indent
    assert _near(start, Pt(32))
    assert _near(
        following.paragraph_format.left_indent + following.paragraph_format.first_line_indent,
        Pt(16 * 5),
    )
