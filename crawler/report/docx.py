"""The notice as a Word document in the 公文 layout of GB/T 9704-2012 (python-docx).

- Page: A4, margins 37 mm top, 35 mm bottom, 28 mm left and 26 mm right (a 156 × 225 mm text
  area); the page number "— N —" in 宋体 四号 at the foot, about 7 mm below the text area,
  right on odd pages and left on even ones, one character in from the edge of the text.
- Text: the title in 方正小标宋简体 二号, centred; the body in 仿宋_GB2312 三号 at a fixed
  28.95 pt line pitch (22 lines a page), indented two characters; 一级标题 (一、) in 黑体,
  二级标题 (（一）) in 楷体_GB2312; section 四's placeholder highlighted for the office.
- Fonts: every run names its font for Chinese too (``w:eastAsia`` in ``w:rFonts``), and the font
  table gives the 公文 fonts an office may lack the alternate Word takes instead (仿宋_GB2312 →
  仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体), as ``w:altName``: see docs/report.md.
- Attachments: each on a new page headed "附件N" (黑体 三号, flush left), its title centred,
  then its tables: columns fitted to their content (``crawler.report.widths``) in a fixed
  layout as wide as the text, the header row repeated on every page, no row split over two.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, Twips
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from crawler.report.document import Attachment, Cell, Notice, Table
from crawler.report.widths import SHORT_CELL, fit_widths, text_width

__all__ = [
    "BODY_FONT",
    "FALLBACK_FONTS",
    "HEADING_FONT",
    "LEAD_FONT",
    "LINE_PITCH",
    "MARGINS",
    "PAGE_NUMBER_FONT",
    "PAGE_SIZE",
    "TEXT_WIDTH",
    "TITLE_FONT",
    "render_docx",
]

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"  # 一级标题, 附件N, the tables' header rows
LEAD_FONT = "楷体_GB2312"  # 二级标题: （一）总体情况。
PAGE_NUMBER_FONT = "宋体"
# What Word uses for a font that is not installed (w:altName; one name, Word reads no list).
FALLBACK_FONTS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", LEAD_FONT: "楷体"}

PAGE_SIZE = (Mm(210), Mm(297))  # A4
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TEXT_WIDTH = Length(PAGE_SIZE[0] - MARGINS["left"] - MARGINS["right"])  # 156 mm
LINE_PITCH = Pt(28.95)  # 22 lines in the 225 mm text area

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)  # 小四
PAGE_NUMBER_SIZE = Pt(14)  # 四号
_TABLE_PITCH = Pt(18)
_CELL_PADDING = Twips(250)  # the Table Grid style's cell margins (2 × 108 twips) and borders
_FOOTER_DISTANCE = Mm(23)  # the page number's line starts about 7 mm below the text area


def _font(run: Run, name: str, size: Length) -> Run:
    """Set ``run``'s font for Latin and Chinese text alike; ambiguous characters such as “”
    are drawn as Chinese (``w:hint``)."""
    run.font.size = size
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    fonts.set(qn("w:hint"), "eastAsia")
    return run


def _chars(count: float, size: Length = BODY_SIZE) -> Length:
    """The width of ``count`` Chinese characters of ``size``."""
    return Length(int(count * size))


def _paragraph(
    doc: DocumentObject,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Length = BODY_SIZE,
    indent: bool = True,
    center: bool = False,
    lead: str = "",
    highlight: bool = False,
) -> Paragraph:
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = _chars(2, size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if lead:
        _font(paragraph.add_run(lead), LEAD_FONT, size)
    run = _font(paragraph.add_run(text), font, size)
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return paragraph


def _row_flags(row: _Row, *, header: bool) -> None:
    """No row is split over two pages; the header row repeats at the top of each page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _cell(cell: _Cell, value: Cell, width: int, *, header: bool, short: bool) -> None:
    cell.width = Twips(width)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = _TABLE_PITCH
    if header or short:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(str(value)), HEADING_FONT if header else BODY_FONT, TABLE_SIZE)


def _widths(table: Table) -> list[int]:
    """Twips per column: fitted to the cells' text, summing to the text width."""
    columns = [
        [header, *(str(row[n]) for row in table.rows)] for n, header in enumerate(table.headers)
    ]
    half_em = TABLE_SIZE.twips / 2
    return fit_widths(columns, TEXT_WIDTH.twips, half_em=half_em, padding=_CELL_PADDING.twips)


def _table(doc: DocumentObject, table: Table) -> None:
    if table.caption:
        _paragraph(doc, table.caption, indent=False, center=True)
    widths = _widths(table)
    short = [
        all(isinstance(row[n], int) or text_width(str(row[n])) <= SHORT_CELL for row in table.rows)
        for n in range(len(table.headers))
    ]
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False  # w:tblLayout fixed: Word keeps the widths below
    table_width = grid._tbl.tblPr.find(qn("w:tblW"))
    if table_width is None:
        table_width = OxmlElement("w:tblW")
        grid._tbl.tblPr.append(table_width)
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(widths)))
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Twips(width)
    header_row = grid.rows[0]
    _row_flags(header_row, header=True)
    for n, (cell, header) in enumerate(zip(header_row.cells, table.headers, strict=True)):
        _cell(cell, header, widths[n], header=True, short=True)
    for values in table.rows:
        row = grid.add_row()
        _row_flags(row, header=False)
        for n, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _cell(cell, value, widths[n], header=False, short=short[n])


def _attachment(doc: DocumentObject, attachment: Attachment) -> None:
    heading = _paragraph(doc, f"附件{attachment.number}", font=HEADING_FONT, indent=False)
    heading.paragraph_format.page_break_before = True
    title = _paragraph(doc, attachment.title, font=TITLE_FONT, size=TITLE_SIZE, indent=False)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(8)  # clear of the table below
    if attachment.note:
        _paragraph(doc, attachment.note, indent=False, center=True)
    if not any(table.rows for table in attachment.tables):
        _paragraph(doc, attachment.empty)
        return
    for table in attachment.tables:
        _table(doc, table)


def _attachment_list(doc: DocumentObject, notice: Notice) -> None:
    """附件说明 as GB/T 9704 sets it: "附件：1.…" two characters in after a blank line, each
    further name under the first, and a wrapped name aligned with its first character."""
    for n, attachment in enumerate(notice.attachments):
        label = "附件：" if n == 0 else ""
        paragraph = _paragraph(doc, f"{label}{attachment.number}.{attachment.title}", indent=False)
        layout = paragraph.paragraph_format
        layout.left_indent = _chars(6)  # 2 in, 3 for 附件：, 1 for the number and its dot
        layout.first_line_indent = _chars(-4 if n == 0 else -1)
        if n == 0:
            layout.space_before = LINE_PITCH


def _field_mark(paragraph: Paragraph, kind: str) -> None:
    run = _font(paragraph.add_run(), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), kind)
    run._r.append(mark)


def _page_number(paragraph: Paragraph) -> None:
    """— N —, N being Word's PAGE field (its last value, 1, shown until it is updated)."""
    _font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _field_mark(paragraph, "begin")
    run = _font(paragraph.add_run(), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run._r.append(instruction)
    _field_mark(paragraph, "separate")
    _font(paragraph.add_run("1"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _field_mark(paragraph, "end")
    _font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _page(doc: DocumentObject) -> None:
    """A4 with the 公文 margins; the page numbers at the foot, odd right and even left."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_SIZE
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.footer_distance = _FOOTER_DISTANCE
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        layout = paragraph.paragraph_format
        layout.line_spacing = 1.0
        one = _chars(1, PAGE_NUMBER_SIZE)
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            layout.right_indent = one
        else:
            layout.left_indent = one
        _page_number(paragraph)


def _styles(doc: DocumentObject) -> None:
    """The body's font and fixed line pitch, as the document's defaults and its Normal style."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:  # the template's theme fonts (Calibri) would win over ours
        for fonts in defaults.iter(qn("w:rFonts")):
            for attribute in list(fonts.attrib):
                del fonts.attrib[attribute]
            for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(slot), BODY_FONT)
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), BODY_FONT)
    layout = normal.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE_PITCH
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    layout.widow_control = False  # the lines keep to the page's grid of 22


def _font_table(doc: DocumentObject) -> None:
    """Declare the 公文 fonts with the alternate Word uses where one is not installed."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name in (TITLE_FONT, BODY_FONT, HEADING_FONT, LEAD_FONT, PAGE_NUMBER_FONT):
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        font = OxmlElement("w:font", {qn("w:name"): name})
        if name in FALLBACK_FONTS:
            font.append(OxmlElement("w:altName", {qn("w:val"): FALLBACK_FONTS[name]}))
        font.append(OxmlElement("w:charset", {qn("w:val"): "86"}))  # GB2312
        font.append(OxmlElement("w:family", {qn("w:val"): "modern"}))
        font.append(OxmlElement("w:pitch", {qn("w:val"): "fixed"}))
        root.append(font)
    part._blob = serialize_part_xml(root)


def render_docx(notice: Notice) -> bytes:
    doc = Document()
    _styles(doc)
    _font_table(doc)
    _page(doc)
    title = _paragraph(doc, notice.title, font=TITLE_FONT, size=TITLE_SIZE, indent=False)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = LINE_PITCH  # 标题下空一行
    _paragraph(doc, notice.intro)
    for section in notice.sections:
        _paragraph(doc, section.heading, font=HEADING_FONT)
        for paragraph in section.paragraphs:
            _paragraph(doc, paragraph.text, lead=paragraph.lead, highlight=paragraph.placeholder)
    _attachment_list(doc, notice)
    for attachment in notice.attachments:
        _attachment(doc, attachment)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
