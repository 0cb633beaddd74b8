"""The XLSX and HTML print as the DOCX does: A4, the 公文 margins, tables with their header
rows repeated on every page, and each 附件 on a new page."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from report_exports import export
from selectolax.lexbor import LexborHTMLParser

from crawler.report import parse_export, render
from crawler.report.xlsx import PRINT_WIDTH


@pytest.fixture(scope="module")
def book() -> Any:
    content = render(parse_export(export()), "xlsx")
    assert isinstance(content, bytes)
    return load_workbook(io.BytesIO(content))


def _header_row(sheet: Any, first: str = "序号") -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first)


def test_every_sheet_prints_on_a4_one_page_wide(book: Any) -> None:
    assert book.sheetnames == ["正文", "附件1", "附件2", "附件3"]
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.paperSize == 9  # A4 in the paper codes of SpreadsheetML
        assert setup.orientation == "portrait"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        margins = sheet.page_margins
        assert [round(25.4 * m) for m in (margins.top, margins.bottom)] == [37, 35]
        assert [round(25.4 * m) for m in (margins.left, margins.right)] == [28, 26]
        assert sheet.oddFooter.center.text == "— &P —"


@pytest.mark.parametrize(("name", "columns"), [("附件1", 4), ("附件2", 5)])
def test_the_header_row_is_frozen_and_repeated(book: Any, name: str, columns: int) -> None:
    sheet = book[name]
    header = _header_row(sheet)
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.print_title_rows == f"${header}:${header}"
    assert all(cell.font.bold for cell in sheet[header][:columns])


@pytest.mark.parametrize("name", ["附件1", "附件2", "附件3"])
def test_table_cells_have_thin_borders(book: Any, name: str) -> None:
    sheet = book[name]
    cells = [
        cell
        for row in sheet.iter_rows(min_row=_header_row(sheet))
        for cell in row
        if cell.value is not None and row[0].value is not None and not _caption(row)
    ]
    assert cells
    for cell in cells:
        sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
        assert {side.style for side in sides} == {"thin"}, cell.coordinate
    # The title rows above the table have none.
    assert sheet["A1"].border.left.style is None


def _caption(row: Any) -> bool:
    return isinstance(row[0].value, str) and row[0].value.startswith("\uff08")


def test_the_second_table_of_an_attachment_starts_a_new_page(book: Any) -> None:
    sheet = book["附件3"]
    departments = _header_row(sheet)
    towns = next(r[0].row for r in sheet.iter_rows() if r[1].value == "镇办名称")
    (page_break,) = [b.id for b in sheet.row_breaks.brk]
    assert departments < page_break < towns - 1  # the break comes before the towns' caption


def test_columns_are_sized_to_their_content_within_the_printed_width(book: Any) -> None:
    sheet = book["附件1"]
    number, name, result, problems = (sheet.column_dimensions[c].width for c in "ABCD")
    assert name > 2 * number
    assert name > result
    assert problems > result
    assert number + name + result + problems <= PRINT_WIDTH
    # The attachment's title spans the table instead of widening its first column.
    assert "A2:D2" in {str(r) for r in sheet.merged_cells.ranges}


@pytest.fixture(scope="module")
def page() -> str:
    html = render(parse_export(export()), "html")
    assert isinstance(html, str)
    return html


def _style(page: str) -> str:
    style = LexborHTMLParser(page).css_first("style")
    assert style is not None
    return re.sub(r"\s+", " ", style.text())


def test_the_page_prints_on_a4_with_the_official_margins(page: str) -> None:
    css = _style(page)
    assert "@page{size:A4;margin:37mm 26mm 35mm 28mm}" in css
    assert 'content:"— " counter(page) " —"' in css
    print_rules = css[css.index("@media print{") :]
    assert "font-size:16pt" in print_rules  # 三号
    assert "line-height:28.95pt" in print_rules
    assert re.search(r"h1\{font-size:22pt", print_rules)  # 二号


def test_the_fonts_fall_back_to_what_a_machine_has(page: str) -> None:
    css = _style(page)
    body = re.search(r"body\{font-family:([^;]+);", css)
    assert body is not None
    families = [f.strip().strip('"') for f in body.group(1).split(",")]
    assert families[0] == "仿宋_GB2312"
    assert {"FangSong", "STFangsong"} <= set(families)
    assert families[-1] == "serif"
    assert re.search(r'h2\{font-family:"黑体","SimHei"', css)
    assert re.search(r'\.lead\{font-family:"楷体_GB2312","楷体","KaiTi"', css)


def test_each_attachment_breaks_the_page_and_repeats_its_table_header(page: str) -> None:
    css = _style(page)
    assert ".attachment{break-before:page;page-break-before:always}" in css
    assert "thead{display:table-header-group}" in css
    tree = LexborHTMLParser(page)
    sections = tree.css("section.attachment")
    assert [s.css_first("h2").text() for s in sections] == ["附件1", "附件2", "附件3"]
    assert all(table.css_first("thead th") is not None for table in tree.css("table"))
