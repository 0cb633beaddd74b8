"""The notice as a Word document (python-docx), in the fonts official notices use.

Body text is 仿宋 and headings 黑体, each set as the East-Asian font of the run (``w:eastAsia``
in ``w:rFonts``) so Word shows the Chinese in it; the paragraphs are indented two characters.
Each attachment starts on a new page with its own heading and a grid table; the placeholder
of section 四 is highlighted for the office to replace.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run

from crawler.report.document import Attachment, Notice, Table

__all__ = ["BODY_FONT", "HEADING_FONT", "render_docx"]

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LEAD_FONT = "楷体"
_BODY_SIZE = Pt(16)  # 三号
_TABLE_SIZE = Pt(12)  # 小四
_TITLE_SIZE = Pt(22)  # 二号


def _font(run: Run, name: str, size: Pt, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)


def _paragraph(
    doc: DocumentObject,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = _BODY_SIZE,
    bold: bool = False,
    indent: bool = True,
    center: bool = False,
    lead: str = "",
    highlight: bool = False,
) -> None:
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size.pt * 2)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if lead:
        _font(paragraph.add_run(lead), LEAD_FONT, size, bold=True)
    run = paragraph.add_run(text)
    _font(run, font, size, bold=bold)
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _table(doc: DocumentObject, table: Table) -> None:
    if table.caption:
        _paragraph(doc, table.caption, size=_TABLE_SIZE, indent=False, center=True)
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(header), HEADING_FONT, _TABLE_SIZE)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, _TABLE_SIZE)


def _attachment(doc: DocumentObject, attachment: Attachment) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _paragraph(doc, f"附件{attachment.number}", font=HEADING_FONT, indent=False)
    _paragraph(doc, attachment.title, font=HEADING_FONT, indent=False, center=True)
    if attachment.note:
        _paragraph(doc, attachment.note, indent=False, center=True)
    if not any(table.rows for table in attachment.tables):
        _paragraph(doc, attachment.empty)
        return
    for table in attachment.tables:
        _table(doc, table)


def render_docx(notice: Notice) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = _BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _paragraph(doc, notice.title, font=HEADING_FONT, size=_TITLE_SIZE, indent=False, center=True)
    _paragraph(doc, notice.intro)
    for section in notice.sections:
        _paragraph(doc, section.heading, font=HEADING_FONT)
        for paragraph in section.paragraphs:
            _paragraph(doc, paragraph.text, lead=paragraph.lead, highlight=paragraph.placeholder)
    _paragraph(doc, "附件:")
    for attachment in notice.attachments:
        _paragraph(doc, f"{attachment.number}.{attachment.title}")
    for attachment in notice.attachments:
        _attachment(doc, attachment)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
